"""Human codings of tables of text units may name a unit by its own id.

A segment id is ``<doc_id>:<turn>``. In a table of units (open answers, excerpts) each row is a
turn whose speaker is the unit's own id (the table's id column), so a coder who works from the
table may write that id instead: ``R17`` (when no other document has a unit ``R17``) or
``<doc_id>:R17``. :func:`map_unit_ids` rewrites such ids to segment ids; ids that already are
segment ids, and ids that match no unit or more than one, are left for the validation to report.
"""
from __future__ import annotations

import pandas as pd

from pipeline.schemas import as_ids


def unit_index(segments: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """``(by_unit, by_doc_unit)``: unit id -> segment id (units unique over the study only) and
    ``doc_id:unit`` -> segment id, for speakers who speak exactly once in their document."""
    if "speaker" not in segments.columns or "doc_id" not in segments.columns:
        return {}, {}  # a table without speakers: no unit ids to map
    segments = as_ids(segments)  # ids as text (a table passed in); none is cast below
    resp = segments[segments.get("speaker_role", "respondent") == "respondent"] if len(segments) else segments
    once = resp.groupby(["doc_id", "speaker"])["segment_id"].transform("size") == 1
    units = resp[once]
    by_doc = {f"{d}:{s}": sid for d, s, sid in zip(units["doc_id"], units["speaker"], units["segment_id"])}
    counts = units["speaker"].value_counts()
    by_unit = {s: sid for s, sid in zip(units["speaker"], units["segment_id"]) if counts[s] == 1}
    return by_unit, by_doc


def map_unit_ids(codings: pd.DataFrame, segments: pd.DataFrame | None) -> pd.DataFrame:
    """``codings`` with unit ids in ``segment_id`` replaced by segment ids (see the module docstring)."""
    if segments is None or "segment_id" not in codings.columns or not len(codings):
        return codings
    segments = as_ids(segments)  # ids as text (a table passed in)
    known = set(segments["segment_id"])
    by_unit, by_doc = unit_index(segments)

    def resolve(value):
        text = str(value).strip()
        if text in known:
            return value
        return by_doc.get(text) or by_unit.get(text) or value

    return codings.assign(segment_id=codings["segment_id"].map(resolve))


__all__ = ["map_unit_ids", "unit_index"]
