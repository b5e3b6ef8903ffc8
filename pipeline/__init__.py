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

from pipeline.api import (  # noqa: E402  (binds last: the functions win over the module names)
    agreement, code, compare, evaluate, export_refi, ingest, report, run, topics)
from pipeline.api import validate_study as validate  # noqa: E402

__all__ = ["__version__", "Codebook", "Problem", "QualpipeError", "Study", "agreement", "code", "compare",
           "evaluate", "export_refi", "ingest", "load_codebook", "load_study", "report", "run", "topics",
           "validate"]
