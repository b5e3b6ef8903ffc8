"""What the study-level functions of :mod:`pipeline.api.stages` return."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.errors import Problem


@dataclass
class IngestResult:
    documents: pd.DataFrame
    segments: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)
    output: Path | None = None
    cached: bool = False


@dataclass
class CodeResult:
    codings: pd.DataFrame
    coded_segments: pd.DataFrame
    code_status: pd.DataFrame | None
    coder: str
    notes: list[str]
    output: Path
    cached: bool = False


@dataclass
class EvaluationResult:
    scores: pd.DataFrame  # evaluate() rows plus a 'setting' column
    design: str
    #: one row per unit and setting: segment_id, doc_id, fold, gold_codes, predicted_codes, setting
    predictions: pd.DataFrame | None = None


@dataclass
class TopicsOutput:
    topics: pd.DataFrame
    segment_topics: pd.DataFrame
    shares: pd.DataFrame
    info: dict
    theme_table: pd.DataFrame
    code_table: pd.DataFrame
    flags: pd.DataFrame
    stability: dict | None
    output: Path
    cached: bool = False


