"""Finding names the study did not list: full-name units around known parts, and candidates.

- A *unit* is a run of name tokens that holds a known name part but is not itself a known name:
  ``Fatima El Amrani`` in the document of the speaker ``Nadia El Amrani``, or ``Amal Haddad``
  where ``Amal`` and ``Haddad`` belong to two other people. It gets one pseudonym of its own, so a
  full name never becomes two pseudonyms and a relative is never turned into the speaker.
- A *candidate* is a possible name found by :mod:`pipeline.stages.ingest.namefinder` that no
  names list holds and no review rejected: listed for review, masked in ``strict`` mode, in
  attributes and in file names.
"""
from __future__ import annotations

import re
from typing import Iterable

from pipeline.stages.ingest.namefinder import (PARTICLES, TITLES, _sentence_initial, _stop_words, find_candidates,
                                               is_common_word, is_opener, runs)

CONTEXT = 40


def texts_of(documents, segments, attribute_columns: Iterable[str]) -> list[tuple[str, str, str]]:
    """``(doc_id, where, text)`` for every text the pseudonymiser will write: turns, preambles,
    unpublished attributes and file names (``interview_Jan_Peeters.vtt`` -> ``interview Jan Peeters``)."""
    out = []
    for seg in segments[["doc_id", "text"]].itertuples(index=False):
        out.append((seg.doc_id, "text", seg.text))
    for doc in documents.to_dict("records"):
        out.append((doc["doc_id"], "preamble", doc.get("preamble", "")))
        out.append((doc["doc_id"], "file", file_words(str(doc.get("file", "")))))
    for column in attribute_columns:
        for frame in (documents, segments):
            if column in frame:
                for doc_id, value in zip(frame["doc_id"], frame[column]):
                    if isinstance(value, str) and value:
                        out.append((doc_id, "attribute", value))
    return out


def file_words(name: str) -> str:
    """A file name's stem as words: ``interview_Jan_Peeters.vtt`` -> ``file Jan Peeters``."""
    stem = name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return "file " + re.sub(r"[_.\-\s]+", " ", stem).strip()


def _name_tokens(run) -> list[str]:
    return [w for _, _, w in run if w.lower() not in PARTICLES]


def units(text: str, known: set[str], parts: set[str]) -> list[str]:
    """Runs of two or more name tokens in ``text`` holding a known part, not known themselves."""
    found = []
    for _, _, run in runs(text):
        while run and run[0][2].lower().rstrip(".") in {t.rstrip(".") for t in TITLES}:
            run = run[1:]
        while len(run) > 1 and run[0][2] not in parts and (
                is_opener(run[0][2]) and _sentence_initial(text, run[0][0])
                or run[0][2].lower() in _stop_words() and run[0][2].lower() not in PARTICLES):
            run = run[1:]  # "Yesterday Amal Haddad", "And Amal Haddad"
        while run and run[0][2].lower() in PARTICLES and run[0][2][0].islower():
            run = run[1:]
        words = _name_tokens(run)
        if len(words) < 2:
            continue
        name = text[run[0][0]:run[-1][1]]
        if name in known:
            continue
        surname = " ".join(w for _, _, w in run[1:])
        has_part = any(w in parts for w in words) or surname in parts
        if has_part and all(w in parts or not is_common_word(w) for w in words):
            found.append(name)
    return found


def discover(texts: list[tuple[str, str, str]], known: set[str], parts: set[str],
             rejected: set[str]) -> tuple[list[str], dict[str, dict]]:
    """Units (in order of first appearance) and candidates ``name -> {reason, n, docs, context}``."""
    unit_list: list[str] = []
    candidates: dict[str, dict] = {}
    folded_known = {k.casefold() for k in known | parts}
    folded_rejected = {r.casefold() for r in rejected}
    for doc_id, _, text in texts:
        if not isinstance(text, str) or not text:
            continue
        for unit in units(text, known, parts):
            if unit not in unit_list and unit.casefold() not in folded_rejected:
                unit_list.append(unit)
        for cand in find_candidates(text):
            name = cand.text
            if name.casefold() in folded_known or name.casefold() in folded_rejected or name in unit_list:
                continue
            info = candidates.setdefault(name, {"reason": cand.reason, "n": 0, "docs": [], "context": ""})
            info["n"] += 1
            if doc_id not in info["docs"]:
                info["docs"].append(doc_id)
            if not info["context"]:
                a, b = max(0, cand.start - CONTEXT), cand.end + CONTEXT
                info["context"] = " ".join(text[a:b].split())
    return unit_list, candidates
