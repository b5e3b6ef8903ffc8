"""Words an export glued together, and where the coders' tokens cut them.

Exports lose spaces: eHRAF's drops the spaces around the highlighted search word ("thefasting",
"offastingis"), PDF and Word extraction drop them at line ends and around italics. Such a token
matches no cue and no n-gram of the same words written apart. :func:`split_points` says where to
cut a lower-cased word into known English words; :func:`pipeline.text.nlp.tokenize` then gives the
pieces as tokens of their own. The text itself is never changed: each piece is a slice of the
written word, so every character stays where it was and evidence offsets still point into the text.

A word is cut only when all of this holds:
- the language has a table of word probabilities (:mod:`pipeline.text.wordprob`; English only);
- the word is letters only, at least :data:`MIN_LENGTH` long and not itself a known word;
- it splits into 2 to :data:`MAX_PIECES` known pieces: a piece of four letters or more at least as
  common as :data:`PIECE_FLOOR`, of three letters as :data:`SHORT_FLOOR`, or a short function word
  (:data:`SHORT_PIECES`: "a", "of", "to" ...);
- of the splits, the most probable (the highest sum of log probabilities: fewer, commoner pieces)
  has a mean log probability per piece of at least :data:`MIN_MEAN`.
Names and foreign words (Ayibuadie, Asantes, kanuri) stay whole: they do not split into common
English words. Dutch compounds (werkervaring) are never cut: there is no Dutch table.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from pipeline.text.wordprob import FLOOR, english

#: words shorter than this are never cut
MIN_LENGTH = 6
#: the most pieces a word is cut into
MAX_PIECES = 3
#: a piece must have at least this log probability (spaCy's English lexeme probabilities: "the" -3.5,
#: "fasting" -13.2, "shaman" -13.1; unseen words sit at -19.4 or below)
PIECE_FLOOR = -15.5
#: a three-letter piece must have at least this log probability
SHORT_FLOOR = -12.0
#: the best split is kept only when its mean log probability per piece is at least this
MIN_MEAN = -11.5
#: the pieces under three letters that may be cut off
SHORT_PIECES = frozenset("a an as at be by do he if in is it me my no of on or so to up us we".split())
_LANGUAGES = frozenset({"en"})


def has_table(language: str) -> bool:
    """Whether words of ``language`` can be cut (a table of word probabilities exists)."""
    return language in _LANGUAGES


def _known(piece: str) -> float | None:
    if len(piece) < 3:
        return english().get(piece) if piece in SHORT_PIECES else None
    p = english().get(piece)
    return p if p is not None and p >= (PIECE_FLOOR if len(piece) > 3 else SHORT_FLOOR) else None


@lru_cache(maxsize=200_000)
def split_points(lower: str) -> tuple[int, ...]:
    """Offsets (1..len-1) at which the lower-cased word ``lower`` is cut; ``()`` to leave it whole."""
    n = len(lower)
    if n < MIN_LENGTH or n > 40 or not lower.isalpha():
        return ()
    whole = english().get(lower)
    if whole is not None and whole > FLOOR:
        return ()
    # best[k][end]: (score, cuts) of the best split of lower[:end] into k known pieces
    best: list[dict[int, tuple[float, tuple[int, ...]]]] = [{0: (0.0, ())}]
    for _ in range(MAX_PIECES):
        step: dict[int, tuple[float, tuple[int, ...]]] = {}
        for start, (score, cuts) in best[-1].items():
            for end in range(start + 1, n + 1):
                p = _known(lower[start:end])
                if p is not None and (end not in step or score + p > step[end][0]):
                    step[end] = (score + p, cuts + ((start,) if start else ()))
        best.append(step)
    choices = [(score, k, cuts) for k, step in enumerate(best) if k >= 2 and n in step for score, cuts in [step[n]]]
    if not choices:
        return ()
    score, k, cuts = max(choices)
    return cuts if score / k >= MIN_MEAN else ()


#: the words :func:`glued_words` looks at: lower-case letters only, as the tokens the tokenizer cuts
_WORD = re.compile(r"\b[a-z]{%d,40}\b" % MIN_LENGTH)


def glued_words(texts) -> Counter:  # noqa: ANN001
    """The lower-case words of English ``texts`` that :func:`split_points` cuts, with their counts."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(w for w in _WORD.findall(str(text)) if split_points(w))
    return counts


def shown(word: str) -> str:
    """``word`` with its cuts marked: "thefasting" -> "the|fasting"."""
    bounds = (0, *split_points(word), len(word))
    return "|".join(word[a:b] for a, b in zip(bounds[:-1], bounds[1:]))
