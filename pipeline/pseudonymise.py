"""Stage: pseudonymise (being written)."""
from __future__ import annotations

from pipeline.settings import StrictModel


class PseudonymiseSettings(StrictModel):
    """Settings of the pseudonymise stage (key 'pseudonymise' of the study file)."""

    key_dir: str = ".private"
