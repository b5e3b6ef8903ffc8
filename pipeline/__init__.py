"""qualpipe: a code-first pipeline for qualitative evaluation research.

Data flows through stages, each a plain function (or a small fitted object) on pandas
DataFrames: files -> documents and segments (:mod:`pipeline.ingest`, :mod:`pipeline.pseudonymise`)
-> codings (:mod:`pipeline.coding`) -> topics (:mod:`pipeline.topics`) -> comparisons
(:mod:`pipeline.compare`) -> report (:mod:`pipeline.report`).

The study-level functions below run a stage for a study file and write its outputs::

    import pipeline
    study = pipeline.load_study("study.yaml")
    corpus = pipeline.ingest(study)          # .documents, .segments (pseudonymised)
    coded = pipeline.code(study)             # .coded_segments, .codings
    topics = pipeline.topics(study)          # .topics, .segment_topics, .flags
    comparison = pipeline.compare(study)     # .tables(): prevalence, differences, ...
    pipeline.report(study)                   # reports/<name>/index.html

Each call reads what it needs, writes its tables to the output folder and reuses the cached
result of any stage whose inputs did not change.
"""
from __future__ import annotations

__version__ = "0.1.0"

from pipeline.codebook import Codebook, load_codebook
from pipeline.config import Study, load_study
from pipeline.errors import Problem, QualpipeError

import importlib as _importlib  # noqa: E402
import types as _types  # noqa: E402

from pipeline.api import code, evaluate, export_refi, run  # noqa: E402
from pipeline.api import validate_study as validate  # noqa: E402


class _StageModule(_types.ModuleType):
    """A stage module that can also be called: ``pipeline.topics(study)`` runs the stage for a
    study (:mod:`pipeline.api`), while ``pipeline.topics.fit_topics`` and
    ``import pipeline.topics.components`` still reach the module's contents."""

    def __call__(self, *args, **kwargs):
        return self.__stage__(*args, **kwargs)


def _callable_stage(name: str) -> _types.ModuleType:
    module = _importlib.import_module(f"pipeline.{name}")
    module.__class__ = _StageModule
    module.__stage__ = getattr(_importlib.import_module("pipeline.api"), name)
    return module


ingest = _callable_stage("ingest")
topics = _callable_stage("topics")
compare = _callable_stage("compare")
report = _callable_stage("report")
agreement = _callable_stage("agreement")

__all__ = ["__version__", "Codebook", "Problem", "QualpipeError", "Study", "agreement", "code", "compare",
           "evaluate", "export_refi", "ingest", "load_codebook", "load_study", "report", "run", "topics",
           "validate"]
