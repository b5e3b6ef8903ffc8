"""qualpipe: a code-first pipeline for qualitative evaluation research.

Data flows through stages, each a plain function (or a small fitted object) on pandas
DataFrames: files -> documents and segments (:mod:`pipeline.ingest`, :mod:`pipeline.pseudonymise`)
-> codings (:mod:`pipeline.coding`) -> topics (:mod:`pipeline.topics`) -> comparisons
(:mod:`pipeline.compare`) -> report (:mod:`pipeline.report`).

The study-level functions below run a stage for a study file and write its outputs::

    import pipeline
    study = pipeline.load_study("study.yaml")
    corpus = pipeline.ingest(study)          # .documents, .segments (pseudonymised)
"""
from __future__ import annotations

__version__ = "0.1.0"

from pipeline.codebook import Codebook, load_codebook
from pipeline.config import Study, load_study
from pipeline.errors import Problem, QualpipeError

from pipeline.api import ingest, validate_study as validate  # noqa: E402  (binds last: functions win)

__all__ = ["__version__", "Codebook", "Problem", "QualpipeError", "Study", "ingest", "load_codebook",
           "load_study", "validate"]
