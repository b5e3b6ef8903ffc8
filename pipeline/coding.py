"""Stage: coding (being written)."""
from __future__ import annotations

from pipeline.settings import StrictModel


class CodingSettings(StrictModel):
    """Settings of the coding stage (key 'coding' of the study file)."""
