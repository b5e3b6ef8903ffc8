"""Stage: report (being written)."""
from __future__ import annotations

from pipeline.settings import StrictModel


class ReportSettings(StrictModel):
    """Settings of the report stage (key 'report' of the study file)."""
