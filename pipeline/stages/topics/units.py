"""Units of topic modelling: respondent turns, long ones split into sentence windows.

:func:`make_units` returns one row per unit: ``unit_id`` (the segment id, or
``"{segment_id}#{k}"`` for the k-th window of a split turn), ``segment_id``, ``doc_id``,
``window`` (1..), ``n_windows``, ``text``, ``n_words`` and the segment's ``share_attributes``.
"""
from __future__ import annotations

import math
import re

import pandas as pd

from pipeline.errors import InputError, Problem

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")
_WORD = re.compile(r"\S+")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, split after ``. ! ? …`` followed by space, and at line breaks.

    Not :func:`pipeline.text.quotes.sentences` on purpose: the rules differ (92 of the sample
    study's 1661 turns split differently) and the windows of the topic model are built from these
    sentences. This one also splits before a lower-case word and at every line break, and drops a
    closing quotation mark or bracket after the end mark (``once."`` -> ``once.``); the quote
    splitter keeps the text exactly as written for quoting. Merging them would change the units.
    """
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def windows(text: str, by: str = "words", size: int = 150) -> list[str]:
    """Split ``text`` into consecutive windows of whole sentences.

    ``by="sentences"``: ``size`` sentences per window. ``by="words"``: windows of about equal
    length, each at most ``size`` words unless one sentence is longer (then that sentence is cut
    at ``size`` words). Text of at most one window comes back whole.
    """
    sentences = split_sentences(text)
    if by == "sentences":
        if len(sentences) <= size:
            return [text.strip()] if text.strip() else []
        return [" ".join(sentences[i:i + size]) for i in range(0, len(sentences), size)]
    pieces: list[list[str]] = []
    for sentence in sentences:
        words = _WORD.findall(sentence)
        pieces.extend(words[i:i + size] for i in range(0, len(words), size))
    total = sum(len(p) for p in pieces)
    if total <= size:
        return [text.strip()] if text.strip() else []
    target = total / math.ceil(total / size)
    out, current = [], []
    for piece in pieces:
        if current and len(current) + len(piece) > size:
            out.append(current)
            current = []
        current = current + piece
        if len(current) >= target:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return [" ".join(w) for w in out]


def make_units(segments: pd.DataFrame, settings) -> pd.DataFrame:
    """The units of ``segments`` under ``settings`` (a :class:`TopicsSettings`)."""
    needed = ["segment_id", "text"] + (["speaker_role"] if settings.roles else [])
    missing = [c for c in needed if c not in segments.columns]
    if missing:
        raise InputError(Problem(
            "segments", f"missing column(s) {', '.join(missing)}.",
            "Pass the segments table of the ingest stage (segment_id, doc_id, speaker_role, text"
            + (", ...); or set topics.roles: [] to model every turn." if "speaker_role" in missing
               else ", ...).")))
    attrs = list(settings.share_attributes)
    absent = [a for a in attrs if a not in segments.columns]
    if absent:
        raise InputError(Problem(
            "segments", f"column(s) {', '.join(absent)} named in topics.share_attributes are missing.",
            "Add them to the manifest, or remove them from topics.share_attributes."))
    duplicated = segments["segment_id"][segments["segment_id"].duplicated()]
    if len(duplicated):
        raise InputError(Problem(f"segments[segment_id={duplicated.iloc[0]}]",
                                 "segment ids must be unique.", "Re-run ingest."))
    chosen = segments
    if settings.roles:
        chosen = segments[segments["speaker_role"].isin(settings.roles)]
    bad = chosen["text"].map(lambda t: not isinstance(t, str))
    if bad.any():
        raise InputError(Problem(f"segments[segment_id={chosen['segment_id'][bad].iloc[0]}]",
                                 "text is missing (not a string).",
                                 "Give every turn its text (empty string for an empty turn)."))
    rows = []
    for record in chosen.to_dict("records"):
        text = record["text"]
        if settings.unit == "window":
            size = settings.window_words if settings.window_by == "words" else settings.window_sentences
            parts = windows(text, settings.window_by, size) or [text]
        else:
            parts = [text]
        for k, part in enumerate(parts, start=1):
            rows.append({
                "unit_id": record["segment_id"] if len(parts) == 1 else f"{record['segment_id']}#{k}",
                "segment_id": record["segment_id"],
                "doc_id": record.get("doc_id", str(record["segment_id"]).split(":")[0]),
                "window": k, "n_windows": len(parts), "text": part,
                "n_words": len(_WORD.findall(part)),
                **{a: record[a] for a in attrs},
            })
    columns = ["unit_id", "segment_id", "doc_id", "window", "n_windows", "text", "n_words", *attrs]
    return pd.DataFrame(rows, columns=columns)
