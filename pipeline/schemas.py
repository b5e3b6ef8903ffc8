"""The tables that flow between stages: their columns, dtypes and ids, in one place.

Every stage takes and returns pandas DataFrames; this module says what each must hold.
``check(frame, name, where)`` raises a catalogued :class:`~pipeline.errors.QualpipeError` (codes
``E001``-``E003``) naming the table, the column and the fix. Columns not listed are allowed:
document attributes (manifest columns) and per-code score columns vary by study.

Ids (``doc_id``, ``segment_id``, ``code``, ``coder``, ``speaker``, ``unit_id``: :data:`ID_COLUMNS`) are
always strings, given once where a table enters: the readers read them as text, ``as_ids`` makes
them so for a table passed in, and ``check`` refuses a table whose id columns hold anything else
(``E004``). Code downstream never casts ids again.

Some columns pack a list into one text cell, so that the CSV outputs stay one row per segment or
topic (scripts read them as they are). Each packed format has one formatter and one parser here,
and a schema names its packed columns (``Schema.packed``):

- ``codes``: ids joined by ``;`` without spaces (``"motives.network;motives.find_job"``); empty
  when there are none. ``coded_segments.codes`` and ``.themes``, ``topics.representatives``
  (segment ids), and the ``codes`` / ``gold_codes`` / ``predicted_codes`` columns of
  ``framework_matrix`` and ``evaluation_predictions``. :func:`join_codes`, :func:`split_codes`.
- ``evidence``: why a coder gave a code, items joined by ``"; "``: a cue match
  ``"words@start-end"`` (character offsets into the segment's text) or the model's top terms
  ``"terms: a, b"``. ``codings.evidence``. :func:`format_span`, :func:`format_terms`,
  :func:`join_evidence`, :func:`parse_evidence`.
- ``top_words``: a topic's words with their weights, ``"word:0.412; other:0.388"``.
  ``topics.top_words``. :func:`format_top_words`, :func:`parse_top_words`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

import pandas as pd
from pandas.api import types

from pipeline.errors import QualpipeError, problem

#: the columns that identify something: always text (a doc_id "2005" is not the number 2005)
ID_COLUMNS = ("doc_id", "segment_id", "code", "coder", "speaker", "unit_id")


def _all_text(series: pd.Series) -> bool:
    """Every value present is a ``str`` (fast for string dtypes, one pass for object columns)."""
    return types.is_string_dtype(series) or types.infer_dtype(series, skipna=True) in ("string", "empty")


_KINDS = {
    "id": (_all_text, "str", "text"),
    "str": (lambda s: types.is_string_dtype(s) or types.is_object_dtype(s), "str", "text"),
    "int": (types.is_integer_dtype, "int", "whole-number"),
    "float": (lambda s: types.is_float_dtype(s) or types.is_integer_dtype(s), "float", "numeric"),
    "bool": (lambda s: types.is_bool_dtype(s) or types.is_object_dtype(s), "bool", "true/false"),
}


@dataclass(frozen=True)
class Schema:
    """A table: its required columns (name -> kind: id, str, int, float, bool), the column that
    identifies a row (if any), what one row is, and its packed columns (name -> format: codes,
    evidence, top_words; see the module docstring)."""

    name: str
    row: str
    columns: dict[str, str]
    key: str | None = None
    optional: dict[str, str] = field(default_factory=dict)
    packed: dict[str, str] = field(default_factory=dict)


SCHEMAS: dict[str, Schema] = {s.name: s for s in [
    Schema("documents", "one transcript or table of units", {
        "doc_id": "id", "file": "str", "sha256": "str", "format": "str", "encoding": "str",
        "labelled": "bool", "n_turns": "int", "n_respondent_turns": "int", "n_words": "int",
        "preamble": "str", "text": "str"}, key="doc_id"),
    Schema("segments", "one speaker turn (or one unit of a table)", {
        "segment_id": "id", "doc_id": "id", "turn": "int", "speaker": "id", "speaker_role": "str",
        "text": "str", "start_char": "int", "end_char": "int", "start_time": "float", "end_time": "float",
        "source_line": "int"}, key="segment_id"),
    Schema("codings", "one code on one segment, by one coder (human or machine)", {
        "segment_id": "id", "doc_id": "id", "code": "id", "theme": "str", "source": "str",
        "score": "float", "evidence": "str", "coder": "id", "codebook_version": "str", "final": "bool"},
        packed={"evidence": "evidence"}),
    Schema("human_codings", "one code a person gave one segment", {
        "segment_id": "id", "code": "id", "coder": "id"}),
    Schema("coded_segments", "a segment with its final codes ('a;b'), themes and who coded it", {
        "segment_id": "id", "doc_id": "id", "speaker_role": "str", "text": "str", "codes": "str",
        "themes": "str", "coded_by": "str"}, key="segment_id",
        optional={"speaker": "id"}, packed={"codes": "codes", "themes": "codes"}),
    Schema("code_status", "how each code is machine-coded and how reliably", {
        "code": "id", "theme": "str", "n_positive": "int", "mode": "str"}, key="code"),
    Schema("segment_topics", "a unit of the topic model (a segment or a window of one) and its topic", {
        "segment_id": "id", "doc_id": "id", "topic": "int"}, optional={"unit_id": "id"}),
    Schema("topics", "one topic", {"topic": "int", "size": "int", "label": "str", "top_words": "str"},
           key="topic", packed={"top_words": "top_words", "representatives": "codes"}),
    Schema("prevalence", "a code or theme in one group", {
        "attribute": "str", "group": "str", "level": "str", "code": "id", "theme": "str",
        "n_docs": "int", "docs_mentioning": "int"}),
    Schema("differences", "a code or theme compared between two groups", {
        "attribute": "str", "level": "str", "code": "id", "group_a": "str", "group_b": "str",
        "n_docs_a": "int", "n_docs_b": "int", "p_value": "float"}),
]}


def as_ids(frame: pd.DataFrame, columns: Iterable[str] = ID_COLUMNS) -> pd.DataFrame:
    """``frame`` with its id columns as strings (missing values kept missing); ``frame`` itself
    when they already are."""
    present = [c for c in columns if c in frame.columns and not _all_text(frame[c])]
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
        if kind == "id" and not test(frame[column]):
            example = next(v for v in frame[column] if not isinstance(v, str) and not pd.isna(v))
            raise QualpipeError(problem("E004", where, table=name, column=column, example=example,
                                        found=type(example).__name__))
        if not test(frame[column]):
            raise QualpipeError(problem("E002", where, table=name, column=column, expected=words,
                                        found=str(frame[column].dtype), cast=cast))
    if schema.key is not None:
        duplicated = frame[schema.key][frame[schema.key].duplicated()]
        if len(duplicated):
            raise QualpipeError(problem("E003", where, table=name, column=schema.key, n=len(duplicated),
                                        example=duplicated.iloc[0]))
    return frame


# -- packed columns (see the module docstring) --------------------------------------------------
CODES_SEPARATOR = ";"
EVIDENCE_SEPARATOR = "; "
_SPAN = re.compile(r"@(\d+)-(\d+)\s*$")
_NUMBER = re.compile(r"-?\d+(\.\d*)?([eE][-+]?\d+)?")


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _split_cell(value: object) -> list[str]:
    if _missing(value):
        return []
    return [c for c in str(value).split(CODES_SEPARATOR) if c.strip()]


def split_codes(values):
    """The ids of one packed ``codes`` cell as a list (empty for "" or a missing cell), or of
    each cell of a Series (a Series of lists). Ids keep their spaces; blank items are dropped."""
    if isinstance(values, pd.Series):
        return values.map(_split_cell)
    return _split_cell(values)


def join_codes(codes: Iterable[object], sort: bool = True) -> str:
    """One packed ``codes`` cell: the ids, each once, sorted (``sort=False``: in the order
    given); "" for none."""
    ids = [str(c) for c in codes]
    return CODES_SEPARATOR.join(sorted(set(ids)) if sort else dict.fromkeys(ids))


class Evidence(NamedTuple):
    """One ``evidence`` cell: cue matches ``(words, start, end)`` and model terms."""

    spans: list[tuple[str, int, int]]
    terms: list[str]


def format_span(words: str, start: int, end: int) -> str:
    """One evidence item for a cue match: ``"words@start-end"``."""
    return f"{words}@{start}-{end}"


def format_terms(terms: Iterable[str]) -> str:
    """One evidence item for a model's top terms: ``"terms: a, b"``."""
    return "terms: " + ", ".join(terms)


def join_evidence(items: Iterable[str]) -> str:
    """One ``evidence`` cell from its items (:func:`format_span`, :func:`format_terms`)."""
    return EVIDENCE_SEPARATOR.join(items)


def parse_evidence(value: object) -> Evidence:
    """The items of one ``evidence`` cell (empty for "" or a missing cell). An item that is
    neither a span nor terms (text a person typed) is skipped."""
    spans: list[tuple[str, int, int]] = []
    terms: list[str] = []
    if _missing(value):
        return Evidence(spans, terms)
    for item in str(value).split(CODES_SEPARATOR):
        item = item.strip()
        if item.lower().startswith("terms:"):
            terms += [t.strip() for t in item[6:].split(",") if t.strip()]
            continue
        match = _SPAN.search(item)
        if match:
            spans.append((item[:match.start()], int(match.group(1)), int(match.group(2))))
    return Evidence(spans, terms)


def format_top_words(words: Iterable[tuple[str, float]]) -> str:
    """One ``top_words`` cell: ``"word:0.412; other:0.388"`` (weights to 3 decimals)."""
    return EVIDENCE_SEPARATOR.join(f"{w}:{s:.3f}" for w, s in words)


def parse_top_words(value: object) -> list[tuple[str, float]]:
    """The ``(word, weight)`` pairs of one ``top_words`` cell (empty for "" or a missing cell); a
    weight that is not a number is NaN."""
    if _missing(value):
        return []
    pairs = []
    for item in str(value).split(CODES_SEPARATOR):
        word, colon, weight = item.strip().rpartition(":")
        if not colon:
            word, weight = weight, ""
        if word:
            pairs.append((word.strip(), float(weight) if _NUMBER.fullmatch(weight) else float("nan")))
    return pairs
