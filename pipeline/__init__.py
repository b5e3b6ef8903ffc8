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

from pipeline.about import __version__

from pipeline.api import (agreement, code, compare, evaluate, export_refi, import_review, ingest, report,
                          review_sheet, run, topics)
from pipeline.api import validate_study as validate
from pipeline.codebook import Codebook, load_codebook
from pipeline.errors import Problem, QualpipeError
from pipeline.settings import Study, load_study

__all__ = ["__version__", "Codebook", "Problem", "QualpipeError", "Study", "agreement", "code", "compare",
           "evaluate", "export_refi", "import_review", "ingest", "load_codebook", "load_study", "report",
           "review_sheet", "run", "topics", "validate"]
