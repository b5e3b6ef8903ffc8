"""Stage: topics (being written)."""
from __future__ import annotations

from pipeline.settings import StrictModel


class TopicsSettings(StrictModel):
    """Settings of the topics stage (key 'topics' of the study file)."""
