"""Base class for every settings block of a study file.

Each stage module defines its own settings model (``IngestSettings`` in ``ingest.py``,
``TopicsSettings`` in ``topics.py`` ...) by subclassing :class:`StrictModel`, and
``config.py`` composes them into the :class:`~pipeline.settings.Study`. Unknown keys are errors,
so a typo in ``study.yaml`` never passes silently.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A pydantic model that forbids unknown keys and validates on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)
