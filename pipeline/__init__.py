"""qualpipe: a code-first pipeline for qualitative evaluation research.

Data flows through stages, each a plain function (or a small fitted object) on pandas
DataFrames, each in its own package under :mod:`pipeline.stages`:

files -> documents and segments (:mod:`~pipeline.stages.ingest`) -> codings
(:mod:`~pipeline.stages.coding`, agreement in :mod:`~pipeline.stages.quality`) -> topics
(:mod:`~pipeline.stages.topics`) -> comparisons (:mod:`~pipeline.stages.compare`) -> report
(:mod:`~pipeline.stages.report`).

The functions below run a stage for a study file, read its inputs and write its outputs
(:mod:`pipeline.api`)::

    import pipeline
    study = pipeline.load_study("study.yaml")
    corpus = pipeline.ingest(study)          # .documents, .segments (pseudonymised)
    coded = pipeline.code(study)             # .coded_segments, .codings
    topics = pipeline.topics(study)          # .topics, .segment_topics, .flags
    comparison = pipeline.compare(study)     # .tables(): prevalence, differences, ...
    pipeline.report(study)                   # reports/<name>/index.html

Each call reuses the cached result of any stage whose inputs did not change.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.about import __version__
from pipeline.lazy import lazy_getattr

# The names below are imported when first used (PEP 562), so that ``import pipeline`` (and the CLI,
# which lives in this package) does not import pandas, the stages or their libraries before a
# command needs them: a warm ``qualpipe run`` stays well under two seconds.
_LAZY = {
    "agreement": "pipeline.api", "code": "pipeline.api", "compare": "pipeline.api", "evaluate": "pipeline.api",
    "export_refi": "pipeline.api", "import_review": "pipeline.api", "ingest": "pipeline.api",
    "report": "pipeline.api", "review_sheet": "pipeline.api", "run": "pipeline.api", "topics": "pipeline.api",
    "validate": "pipeline.api", "Codebook": "pipeline.codebook", "load_codebook": "pipeline.codebook",
    "Problem": "pipeline.errors", "QualpipeError": "pipeline.errors", "Study": "pipeline.settings",
    "load_study": "pipeline.settings",
}

__all__ = ["__version__", "Codebook", "Problem", "QualpipeError", "Study", "agreement", "code", "compare",
           "evaluate", "export_refi", "import_review", "ingest", "load_codebook", "load_study", "report",
           "review_sheet", "run", "topics", "validate"]


__getattr__ = lazy_getattr(__name__, _LAZY, {"validate": "validate_study"})


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from pipeline.api import (agreement, code, compare, evaluate, export_refi, import_review, ingest, report,
                              review_sheet, run, topics)
    from pipeline.api import validate_study as validate
    from pipeline.codebook import Codebook, load_codebook
    from pipeline.errors import Problem, QualpipeError
    from pipeline.settings import Study, load_study
