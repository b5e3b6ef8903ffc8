"""The tables that flow between stages: their columns, dtypes and ids, in one place.

Every stage takes and returns pandas DataFrames; this module says what each must hold.
``check(frame, name, where)`` raises a catalogued :class:`~pipeline.errors.QualpipeError` (codes
``E001``-``E003``) naming the table, the column and the fix. Columns not listed are allowed:
document attributes (manifest columns) and per-code score columns vary by study.

Ids (``doc_id``, ``segment_id``, ``code``, ``coder``) are always strings: ``as_ids`` makes them so.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from pandas.api import types

from pipeline.errors import QualpipeError, problem

_KINDS = {
    "str": (lambda s: types.is_string_dtype(s) or types.is_object_dtype(s), "str", "text"),
    "int": (types.is_integer_dtype, "int", "whole-number"),
    "float": (lambda s: types.is_float_dtype(s) or types.is_integer_dtype(s), "float", "numeric"),
    "bool": (lambda s: types.is_bool_dtype(s) or types.is_object_dtype(s), "bool", "true/false"),
}


@dataclass(frozen=True)
class Schema:
    """A table: its required columns (name -> kind: str, int, float, bool), the column that
    identifies a row (if any), and what one row is."""

    name: str
    row: str
    columns: dict[str, str]
    key: str | None = None
    optional: dict[str, str] = field(default_factory=dict)


SCHEMAS: dict[str, Schema] = {s.name: s for s in [
    Schema("documents", "one transcript or table of units", {
        "doc_id": "str", "file": "str", "sha256": "str", "format": "str", "encoding": "str",
        "labelled": "bool", "n_turns": "int", "n_respondent_turns": "int", "n_words": "int",
        "preamble": "str", "text": "str"}, key="doc_id"),
    Schema("segments", "one speaker turn (or one unit of a table)", {
        "segment_id": "str", "doc_id": "str", "turn": "int", "speaker": "str", "speaker_role": "str",
        "text": "str", "start_char": "int", "end_char": "int", "start_time": "float", "end_time": "float",
        "source_line": "int"}, key="segment_id"),
    Schema("codings", "one code on one segment, by one coder (human or machine)", {
        "segment_id": "str", "doc_id": "str", "code": "str", "theme": "str", "source": "str",
        "score": "float", "evidence": "str", "coder": "str", "codebook_version": "str", "final": "bool"}),
    Schema("human_codings", "one code a person gave one segment", {
        "segment_id": "str", "code": "str", "coder": "str"}),
    Schema("coded_segments", "a segment with its final codes ('a;b'), themes and who coded it", {
        "segment_id": "str", "doc_id": "str", "speaker_role": "str", "text": "str", "codes": "str",
        "themes": "str", "coded_by": "str"}, key="segment_id"),
    Schema("code_status", "how each code is machine-coded and how reliably", {
        "code": "str", "theme": "str", "n_positive": "int", "mode": "str"}, key="code"),
    Schema("segment_topics", "a unit of the topic model (a segment or a window of one) and its topic", {
        "segment_id": "str", "doc_id": "str", "topic": "int"}),
    Schema("topics", "one topic", {"topic": "int", "size": "int", "label": "str", "top_words": "str"},
           key="topic"),
    Schema("prevalence", "a code or theme in one group", {
        "attribute": "str", "group": "str", "level": "str", "code": "str", "theme": "str",
        "n_docs": "int", "docs_mentioning": "int"}),
    Schema("differences", "a code or theme compared between two groups", {
        "attribute": "str", "level": "str", "code": "str", "group_a": "str", "group_b": "str",
        "n_docs_a": "int", "n_docs_b": "int", "p_value": "float"}),
]}


def as_ids(frame: pd.DataFrame, columns=("doc_id", "segment_id", "code", "coder", "unit_id")) -> pd.DataFrame:
    """``frame`` with its id columns as strings (missing values kept missing)."""
    present = [c for c in columns if c in frame.columns and not types.is_string_dtype(frame[c])]
    if not present:
        return frame
    frame = frame.copy()
    for column in present:
        frame[column] = frame[column].map(lambda v: v if pd.isna(v) else str(v))
    return frame


def check(frame: pd.DataFrame, name: str, where: str = "") -> pd.DataFrame:
    """Raise if ``frame`` is not a valid ``name`` table (see :data:`SCHEMAS`); return it unchanged."""
    schema = SCHEMAS[name]
    where = where or f"table '{name}'"
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        raise QualpipeError(problem("E001", where, table=name, missing=missing))
    if frame.empty:
        return frame
    for column, kind in {**schema.columns, **{c: k for c, k in schema.optional.items() if c in frame}}.items():
        test, cast, words = _KINDS[kind]
        if not test(frame[column]):
            raise QualpipeError(problem("E002", where, table=name, column=column, expected=words,
                                        found=str(frame[column].dtype), cast=cast))
    if schema.key is not None:
        duplicated = frame[schema.key][frame[schema.key].duplicated()]
        if len(duplicated):
            raise QualpipeError(problem("E003", where, table=name, column=schema.key, n=len(duplicated),
                                        example=duplicated.iloc[0]))
    return frame
