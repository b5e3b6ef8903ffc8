"""Quotes that show a theme: the passage of a respondent turn that carries a code, and a spread
of quotes over documents and speakers.

Used by :func:`pipeline.stages.compare.tables.framework_matrix` (the quotes of each case x theme cell)
and by the report's theme sections. Pure functions on strings and DataFrames; no NLP models, so
the report stays fast.

- :func:`sentences` splits a turn into sentence spans (offsets into the text).
- :func:`evidence_spans` reads the coders' ``evidence`` column: cue matches as ``"words@start-end"``
  (offsets into the segment text, as the rule coder writes them) and ``"terms: a, b"`` (the learned
  coder's top terms, looked up in the text).
- :func:`cue_spans` finds the cue words of a set of codes (codebook ``cues``, every language) in a
  text: the fallback for turns a human coded that no coder left evidence on.
- :func:`quote_window` picks the run of sentences that carries most of those spans and fits in
  ``limit`` characters, trimmed at sentence or word boundaries, with an ellipsis on each side that
  was cut. A turn without any span is quoted from its start.
- :func:`spread` picks quotes in rank order, preferring a new document, speaker and other
  attribute values before repeating one.
"""
from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from pipeline.schemas import parse_evidence

ELLIPSIS = "\u2026"
_END = re.compile(r"[.!?\u2026]+[\"\u201d\u2019')\]]*(?=\s|$)")
_TRIM = " ,;:-\u2013\u2014"


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (ends at ``. ! ? \u2026`` before white space and
    a word that is not lower case), without surrounding white space.

    One of three sentence splitters, kept apart on purpose because their rules differ (on the
    sample study 92 of 1661 turns split differently from :func:`pipeline.stages.topics.units.split_sentences`
    and 442 from the coders' spaCy ``sentencizer`` in :mod:`pipeline.text.nlp`): a quote is cut
    from the text as written, so a span keeps a closing quotation mark or bracket after the end
    mark, does not end before a lower-case word ("the heating is... yeah.", "e.g. this") and does
    not end at a line break. Merging them would change the quotes, the topic units or the codings.
    """
    spans, start = [], 0
    for match in _END.finditer(text):
        rest = text[match.end():].lstrip()
        if rest[:1].islower():  # "the... the orientation", "e.g. this": not a sentence end
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        chunk = text[s:e]
        if chunk.strip():
            out.append((s + len(chunk) - len(chunk.lstrip()), e - (len(chunk) - len(chunk.rstrip()))))
    return out


def _term_spans(text: str, term: str) -> list[tuple[int, int]]:
    term = term.strip()
    if len(term) < 3:
        return []
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, term.split())) + r"(?!\w)", re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text)]


def evidence_spans(evidence: Iterable[object], text: str) -> list[tuple[int, int]]:
    """Character spans in ``text`` named by coder evidence strings (see the module docstring;
    the format is :func:`pipeline.schemas.parse_evidence`'s); offsets outside the text are ignored."""
    out: set[tuple[int, int]] = set()
    for value in evidence:
        items = parse_evidence(value)
        for term in items.terms:
            out.update(_term_spans(text, term))
        out.update((s, e) for _, s, e in items.spans if 0 <= s < e <= len(text))
    return sorted(out)


def cue_pattern(cues: Iterable[str]) -> re.Pattern | None:
    """One case-insensitive pattern for the words of ``cues`` (cue grammar of
    :mod:`pipeline.codebook`): ``word*`` matches words starting with ``word``; a plain word also
    matches short inflections (``network`` -> ``networks``). Words under 3 letters are skipped."""
    words = set()
    for cue in cues:
        for word in str(cue).lower().split():
            stem = word.rstrip("*")
            if len(stem) >= 3:
                words.add(re.escape(stem) + (r"\w*" if word.endswith("*") else r"\w{0,3}"))
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(words, key=lambda w: (-len(w), w))) + r")(?!\w)",
                      re.IGNORECASE)


def cue_spans(text: str, pattern: re.Pattern | None) -> list[tuple[int, int]]:
    return [] if pattern is None else [m.span() for m in pattern.finditer(text)]


_STAGE = re.compile(r"^\[[^\]]{1,30}\]\s*")  # a leading stage direction such as "[laughs]"
_SENTENCE_END = (".", "!", "?", "\u201d", '"', "'")


def _cut(text: str, start: int, end: int) -> str:
    body = " ".join(text[start:end].split())
    lead = text[:start].strip() != ""
    tail = text[end:].strip() != ""
    if lead:
        body = _STAGE.sub("", body)
    if tail:  # "... the final goal. \u2026" after a whole sentence, "... the final\u2026" inside one
        body = body + " " + ELLIPSIS if body.endswith(_SENTENCE_END) else body.rstrip(_TRIM) + ELLIPSIS
    if lead:
        body = (ELLIPSIS + " " + body if body[:1].isupper() or not body[:1].isalnum()
                else ELLIPSIS + body.lstrip(_TRIM))
    return body


def quote_window(text: str, spans: list[tuple[int, int]], limit: int = 240) -> tuple[str, int, int]:
    """``(quote, start, end)``: the part of ``text`` that best shows ``spans`` in about ``limit``
    characters (see the module docstring); ``start, end`` are offsets into ``text``."""
    text = str(text)
    sents = sentences(text)
    if not sents:
        return "", 0, 0
    first, last = sents[0][0], sents[-1][1]
    if len(" ".join(text[first:last].split())) <= limit:
        return " ".join(text[first:last].split()), first, last
    hits = [sum(1 for s, _ in spans if a <= s < b) for a, b in sents]
    anchor = max(range(len(sents)), key=lambda i: (hits[i], -i))
    i = j = anchor
    if sents[anchor][1] - sents[anchor][0] > limit:  # one long sentence: cut around its first span
        a, b = sents[anchor]
        first_hit = min((s for s, _ in spans if a <= s < b), default=a)
        start = max(a, first_hit - limit // 4)
        if start > a:  # move to the start of a word
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first_hit else start
        end = min(b, start + limit)
        if end < b:
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        return _cut(text, start, end), start, end
    while True:
        options = []
        if i > 0 and sents[j][1] - sents[i - 1][0] <= limit:
            options.append((hits[i - 1], 0, "left"))
        if j + 1 < len(sents) and sents[j + 1][1] - sents[i][0] <= limit:
            options.append((hits[j + 1], 1, "right"))
        if not options:
            break
        side = max(options)[2]
        i, j = (i - 1, j) if side == "left" else (i, j + 1)
    start, end = sents[i][0], sents[j][1]
    return _cut(text, start, end), start, end


def spread(frame: pd.DataFrame, n: int, keys: list[str]) -> pd.DataFrame:
    """The first ``n`` rows of ``frame`` (already in order of preference), taking first the rows
    whose values of every column in ``keys`` are new, then relaxing the keys from the last one
    (``keys`` = ``["doc_id", "speaker", "pilot"]``: new document, speaker and pilot; then new
    document and speaker; then new document; then any)."""
    keys = [k for k in keys if k in frame.columns]
    chosen: list = []
    for depth in range(len(keys), -1, -1):
        used = {k: {frame.at[i, k] for i in chosen} for k in keys[:depth]}
        for index in frame.index:
            if len(chosen) >= n:
                break
            if index in chosen:
                continue
            if all(frame.at[index, k] not in used[k] for k in keys[:depth]):
                chosen.append(index)
                for k in keys[:depth]:
                    used[k].add(frame.at[index, k])
        if len(chosen) >= n:
            break
    return frame.loc[chosen]


__all__ = ["cue_pattern", "cue_spans", "evidence_spans", "quote_window", "sentences", "spread"]
