"""Compiled cues of the rule coder and the matching of one cue in a segment's tokens (see
:mod:`pipeline.stages.coding.coders.rule` for the cue grammar)."""
from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable

_QUOTES = {"'", '"', "’", "‘", "“", "”", "`"}


@dataclass
class Cue:
    code: str
    text: str
    atoms: tuple[int, ...]
    gaps: tuple[int, ...]  # max tokens between atom k and k+1
    n_words: int
    exclude: bool
    needs: frozenset[int] = frozenset()  # all its atoms


@dataclass
class CueIndex:
    """The cues of one segment language, compiled (never changed once built: coders share it)."""

    cues: list[Cue]
    exact: dict[str, list[int]]  # word -> atom ids
    prefixes: dict[str, list[int]]  # prefix -> atom ids of the words ending in '*'
    first: dict[int, list[int]]  # atom id -> cue ids starting with it
    negators: frozenset[str]
    breaks: frozenset[str]
    key: str = ""  # a digest of everything it was compiled from

    def atoms_of(self, lemma: str, lower: str, memo: dict) -> frozenset[int]:
        """The atoms a token matches; ``memo`` (one per scoring call) keeps the fitted index unchanged."""
        key = (lemma, lower)
        hit = memo.get(key)
        if hit is None:
            ids = set(self.exact.get(lemma, ())) | set(self.exact.get(lower, ()))
            if self.prefixes:
                for word in {lemma, lower}:
                    for end in range(1, len(word) + 1):
                        ids.update(self.prefixes.get(word[:end], ()))
            hit = memo[key] = frozenset(ids)
        return hit


#: compiled cue indexes by their content (codes' cues, language and matching settings): fitting a
#: rule coder again - in every fold of a cross-validation - reuses them. Bounded.
_INDEXES: dict[str, CueIndex] = {}
_INDEXES_MAX = 64


def cached_index(key: str, build: Callable[[], CueIndex]) -> CueIndex:
    """The index compiled for ``key`` (a description of its whole content), built once."""
    if key not in _INDEXES:
        if len(_INDEXES) >= _INDEXES_MAX:
            _INDEXES.clear()
        index = build()
        index.key = hashlib.sha256(key.encode("utf-8")).hexdigest()
        _INDEXES[key] = index
    return _INDEXES[key]


#: (index key, matching settings, text) -> the matches in the text: the segments of a training set
#: are scored again in every fold and by the evaluation; a text's matches depend on it alone. Bounded.
_MATCHES: dict[tuple, tuple] = {}
_MATCHES_MAX = 200_000


def cached_matches(key: tuple, text: str, match: Callable[..., tuple], *args: object) -> tuple:
    """``match(*args)`` for ``text`` under ``key`` (index key and matching settings), computed once."""
    full = (key, text)
    hit = _MATCHES.get(full)
    if hit is None:
        if len(_MATCHES) >= _MATCHES_MAX:
            _MATCHES.clear()
        hit = _MATCHES[full] = match(*args)
    return hit


def extend_match(cue: Cue, k: int, path: list[int], tokens: list, where: dict[int, list[int]]) -> list[int] | None:
    """Match atoms ``k..`` of ``cue`` after ``path`` (backtracking over the allowed gaps)."""
    if k == len(cue.atoms):
        return path
    last = path[-1]
    sent = tokens[last].sent_id
    positions = where[cue.atoms[k]]
    for j in positions[bisect_right(positions, last):]:
        if j > last + 1 + cue.gaps[k - 1] or tokens[j].sent_id != sent:
            break
        found = extend_match(cue, k + 1, path + [j], tokens, where)
        if found is not None:
            return found
    return None


def negated(tokens: list, path: list[int], index: CueIndex) -> bool:
    """True when a negator precedes the match (or sits inside it) within its clause."""
    if not index.negators:
        return False
    sent = tokens[path[0]].sent_id
    inside = set(path)
    # inside the match (e.g. "opened no doors")
    for j in range(path[0] + 1, path[-1]):
        if j not in inside and is_negator(tokens[j], index):
            return True
    j = path[0] - 1
    while j >= 0 and tokens[j].sent_id == sent:
        tok = tokens[j]
        if tok.is_punct and tok.text not in _QUOTES:
            return False
        if tok.lower in index.breaks:
            return False
        if is_negator(tok, index):
            return True
        j -= 1
    return False


def is_negator(tok, index: CueIndex) -> bool:  # noqa: ANN001
    return tok.lower in index.negators or tok.lemma in index.negators
