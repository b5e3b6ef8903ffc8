"""The comparison a study asks for, without assuming any study's attributes.

``settings_for(study, segments) -> CompareSettings``: the study's ``compare`` settings, with the
keys it did not set filled from what the study declares:

- ``by`` (not set): the first attribute under the study's ``attributes:`` (``language`` aside)
  that takes at least two values among the respondent turns; none when there is none (the report
  then describes the material instead of comparing groups, and says so);
- ``within`` (not set): none;
- ``case_attributes`` (not set): the declared attributes the segments carry (``language`` aside).

A key the study file sets is used as written (an attribute the data lacks is an error naming it).
The built-in defaults of :class:`~pipeline.settings.CompareSettings` (``model``, ``role``) apply
only where a caller builds the settings without a study.
"""
from __future__ import annotations

import pandas as pd

from pipeline.settings import CompareSettings, Study

NOT_GROUPS = ("language",)


def _values(segments: pd.DataFrame, attribute: str) -> set[str]:
    if attribute not in segments.columns:
        return set()
    resp = segments[segments["speaker_role"] == "respondent"] if "speaker_role" in segments else segments
    return {str(v) for v in resp[attribute] if not pd.isna(v) and str(v) != ""}


def declared_attributes(study: Study, segments: pd.DataFrame) -> list[str]:
    """The study's declared attributes present in the segments, ``language`` aside."""
    return [a for a in study.attributes if a not in NOT_GROUPS and a in segments.columns]


def settings_for(study: Study, segments: pd.DataFrame) -> CompareSettings:
    """The effective compare settings of ``study`` on ``segments`` (see the module docstring)."""
    settings = study.compare
    given = settings.model_fields_set
    update: dict = {}
    declared = declared_attributes(study, segments)
    if "by" not in given:
        varied = [a for a in declared if len(_values(segments, a)) >= 2]
        update["by"] = varied[:1]
    if "within" not in given:
        update["within"] = []
    if "case_attributes" not in given:
        update["case_attributes"] = declared
    return settings.model_copy(update=update) if update else settings


__all__ = ["declared_attributes", "settings_for"]
