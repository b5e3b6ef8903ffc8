"""Stage: ingest (being written)."""
from __future__ import annotations

from pipeline.settings import StrictModel


class IngestSettings(StrictModel):
    """Settings of the ingest stage."""
