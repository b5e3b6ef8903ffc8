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

from pipeline.stages.ingest.namefinder import (_TITLE_KEYS, PARTICLES, _sentence_initial, _stop_words,
                                               find_candidates, is_common_word, is_opener, runs)

CONTEXT = 40


def texts_of(documents, segments, attribute_columns: Iterable[str]) -> list[tuple[str, str, str]]:
    """``(doc_id, where, text)`` for every text the pseudonymiser will write: turns, preambles,
    unpublished attributes and file names (``interview_Jan_Peeters.vtt`` -> ``interview Jan Peeters``)."""
    out = [(doc_id, "text", text) for doc_id, text in zip(segments["doc_id"].tolist(), segments["text"].tolist())]
    for doc in documents.to_dict("records"):
        out.append((doc["doc_id"], "preamble", doc.get("preamble", "")))
        out.append((doc["doc_id"], "file", file_words(str(doc.get("file", "")))))
    for column in attribute_columns:
        for frame in (documents, segments):
            if column in frame:
                out += [(doc_id, "attribute", value) for doc_id, value in zip(frame["doc_id"].tolist(),
                                                                              frame[column].tolist())
                        if isinstance(value, str) and value]
    return out


def file_words(name: str) -> str:
    """A file name's stem as words: ``interview_Jan_Peeters.vtt`` -> ``file Jan Peeters``."""
    stem = name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return "file " + re.sub(r"[_.\-\s]+", " ", stem).strip()


def _name_tokens(run) -> list[str]:
    return [w for _, _, w in run if w.lower() not in PARTICLES]


def units(text: str, known: set[str], parts: set[str], text_runs: list | None = None) -> list[str]:
    """Runs of two or more name tokens in ``text`` holding a known part, not known themselves;
    ``text_runs`` are the text's :func:`runs` when already computed."""
    if not parts:
        return []  # no known part: no unit
    found = []
    for _, _, run in runs(text) if text_runs is None else text_runs:
        if len(run) < 2:
            continue
        while run and run[0][2].lower().rstrip(".") in _TITLE_KEYS:
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


#: texts cached by their content in :func:`discover` when not a turn, or a turn this short
#: ("Yes.", "Mm-hmm."): attributes repeat on every turn of a document
_CACHE_LENGTH = 80


def discover(texts: list[tuple[str, str, str]], known: set[str], parts: set[str],
             rejected: set[str]) -> tuple[list[str], dict[str, dict]]:
    """Units (in order of first appearance) and candidates ``name -> {reason, n, docs, context}``."""
    unit_list: dict[str, None] = {}  # ordered, with quick lookups
    candidates: dict[str, dict] = {}
    docs_of: dict[str, set[str]] = {}
    folded_known = {k.casefold() for k in known | parts}
    folded_rejected = {r.casefold() for r in rejected}
    cache: dict[str, tuple[list[str], list]] = {}
    for doc_id, where, text in texts:
        if not isinstance(text, str) or not text:
            continue
        found = cache.get(text)
        if found is None:
            text_runs = runs(text)
            found = (units(text, known, parts, text_runs), find_candidates(text, text_runs))
            if where != "text" or len(text) <= _CACHE_LENGTH:
                cache[text] = found
        for unit in found[0]:
            if unit not in unit_list and unit.casefold() not in folded_rejected:
                unit_list[unit] = None
        for cand in found[1]:
            name = cand.text
            if name.casefold() in folded_known or name.casefold() in folded_rejected or name in unit_list:
                continue
            info = candidates.setdefault(name, {"reason": cand.reason, "n": 0, "docs": [], "context": ""})
            info["n"] += 1
            seen = docs_of.setdefault(name, set())
            if doc_id not in seen:
                seen.add(doc_id)
                info["docs"].append(doc_id)
            if not info["context"]:
                a, b = max(0, cand.start - CONTEXT), cand.end + CONTEXT
                info["context"] = " ".join(text[a:b].split())
    return list(unit_list), candidates
