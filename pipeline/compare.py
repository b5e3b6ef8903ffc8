"""Stage: compare (being written)."""
from __future__ import annotations

from pipeline.settings import StrictModel


class CompareSettings(StrictModel):
    """Settings of the compare stage (key 'compare' of the study file)."""
