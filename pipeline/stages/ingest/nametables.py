"""Replacing names in text: one table of ``name -> pseudonym`` per scope and its two patterns.

A table's names are found by one alternation, longest name first, between characters that are no
word character or ``@`` (``Person-03`` for ``Amal``, never inside ``Amalia`` or an e-mail address).
Names that are no word of English or Dutch are also found in any case (``jabouri``); names that
are words too (``Hope``, ``Mark``, ``Els``) only as written. A name that is also a stop word
(``An``, ``Elke``) stays where it is that word (:func:`_article`).

One document adds its own replacements to the study-wide table: its speakers (``Nadia`` is
``Mentee-07`` in her interview, ``Person-12`` elsewhere). Their names are nearly always study-wide
names too; the document then shares the study-wide patterns and only looks its own pseudonyms up
first (:class:`DocumentTables`), which is exactly what one pattern over the merged table would
find: the same names, so the same matches. Only a document with a name of its own that no
study-wide table holds gets patterns of its own. Compiling an alternation of every study-wide
name once per document (two tables, two patterns each) grew with documents times names: about
4 ms a document for 400 names, and the patterns were held per document.
"""
from __future__ import annotations

import functools
import re

from pipeline.stages.ingest.namefinder import _sentence_initial, _stop_words


class NameTable:
    """Replacements ``name -> pseudonym`` and the patterns that find them in text."""

    __slots__ = ("table", "pattern", "folded", "origin", "folded_pattern")

    def __init__(self, table: dict[str, str]):
        self.table = table
        # names that are no word of English or Dutch are also replaced in lower case
        # ("jabouri"); names that are words too (Hope, Mark, Els) only when capitalised
        self.folded: dict[str, str] = {}
        self.origin: dict[str, str] = {}  # folded form -> the (last) name it stands for
        for name, pseudonym in table.items():
            if not _is_word(name):
                self.folded[name.casefold()] = pseudonym
                self.origin[name.casefold()] = name
        self.pattern = _alternation(table, 0)
        self.folded_pattern = _alternation(self.folded, re.IGNORECASE)

    def replace(self, text: str, own: dict[str, str] | None = None) -> str:
        """``text`` with the names replaced; ``own`` (names of this table) overrides pseudonyms."""
        if self.pattern is not None:
            table = self.table
            if own:
                text = self.pattern.sub(
                    lambda m: m.group(0) if _article(m) else _pick(own, table, m.group(0)), text)
            else:
                text = self.pattern.sub(lambda m: m.group(0) if _article(m) else table[m.group(0)], text)
        if self.folded_pattern is not None:
            folded = self.folded
            if own:
                origin = self.origin
                text = self.folded_pattern.sub(
                    lambda m: _pick(own, folded, m.group(0).casefold(), origin[m.group(0).casefold()]), text)
            else:
                text = self.folded_pattern.sub(lambda m: folded[m.group(0).casefold()], text)
        return text


def _pick(own: dict[str, str], table: dict[str, str], key: str, name: str | None = None) -> str:
    """The pseudonym of ``name`` (default ``key``) in ``own``, else of ``key`` in ``table``."""
    name = key if name is None else name
    return own[name] if name in own else table[key]


class DocumentTables:
    """A document's replacements: the study-wide :class:`NameTable` with the document's own
    pseudonyms for some of its names, or a table of its own (see the module docstring)."""

    __slots__ = ("names", "own")

    def __init__(self, study_wide: NameTable, own: dict[str, str]):
        if all(name in study_wide.table for name in own):
            self.names, self.own = study_wide, own or None
        else:  # a name only this document has: its own patterns
            self.names, self.own = NameTable({**study_wide.table, **own}), None

    def replace(self, text: str) -> str:
        return self.names.replace(text, self.own)


@functools.lru_cache(maxsize=65536)
def _is_word(name: str) -> bool:
    """True if every part of ``name`` is a known English or Dutch word (simplemma's lexicons)."""
    import simplemma

    return all(simplemma.is_known(p.lower(), lang="en") or simplemma.is_known(p.lower(), lang="nl")
               for p in re.split(r"[\s-]+", name) if p)


def _alternation(replacements: dict[str, str], flags: int) -> re.Pattern | None:
    """The pattern that finds the names of ``replacements``: at each place the longest name that
    stands there between non-word characters (see :func:`_trie`)."""
    if not replacements:
        return None
    alternatives = sorted(replacements, key=lambda s: (-len(s), s))
    body = _trie(alternatives, flags)
    if body is None:  # the plain alternation: the same matches, tried name by name
        body = "|".join(map(re.escape, alternatives))
    return re.compile(r"(?<![\w@])(?:" + body + r")(?![\w@])", flags)


def _trie(names: list[str], flags: int) -> str | None:
    """``names`` as a tree of their characters in one regular expression (``Amal|Amina`` ->
    ``Am(?:al|ina)``), or None where that would not match exactly as the plain alternation.

    The plain alternation, longest name first, finds at each place the longest name followed by no
    word character. The engine tries its names one by one at every place: about 90 µs a turn for
    400 names, 15 ms for 40,000 (case-insensitive: 450 µs and 50 ms). In the tree only one branch
    can go on at each character, longer names come before a name that ends there, and the check
    after the name sends the engine back to the next shorter one: the same match, in about 10 µs
    however many names (30-130 µs case-insensitive). Case-insensitive, two characters that match
    the same text are put on one branch when they match exactly the same characters (``i`` and
    ``ı``); where they match only partly the same (``ß`` and ``ẞ``), the alternation is kept. The
    engine may read a branch of single characters as a character class: case-insensitive, a class
    matches what its characters match one by one (tests/test_name_tables.py checks this over
    every Unicode character)."""
    if flags & re.IGNORECASE:
        same = _same_characters(sorted({c for name in names for c in name}))
        if same is None:
            return None
        names = ["".join(same[c] for c in name) for name in names]
    root: dict = {}
    for name in names:
        node = root
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}  # a name ends here
    try:
        return _branches(root)
    except RecursionError:  # a name of hundreds of characters nested: the alternation does it
        return None


def _branches(node: dict) -> str:
    branches = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return "(?:" + body + ")?" if "" in node else body  # longer names first, then the one ending here


def _same_characters(chars: list[str]) -> dict[str, str] | None:
    """Each character -> the first of ``chars`` that matches the same characters case-insensitively
    (``ı`` -> ``i``), or None if two of them match only partly the same (see :func:`_trie`)."""
    firsts: list[str] = []
    out: dict[str, str] = {}
    for char in chars:
        for first in firsts:
            one, other = _case_match(first, char), _case_match(char, first)
            if one and other:
                out[char] = first
                break
            if one or other:
                return None
        else:
            firsts.append(char)
            out[char] = char
    return out


@functools.lru_cache(maxsize=65536)
def _case_match(pattern: str, char: str) -> bool:
    """The regular-expression engine's own answer: does ``pattern`` match ``char`` ignoring case?"""
    return re.fullmatch(re.escape(pattern), char, re.IGNORECASE) is not None


def _article(match: re.Match) -> bool:
    """True where a name that is also a stop word stands as that word: opening a sentence before a
    lower-case word that is no verb (``An interesting point``, ``Elke week``; not ``An said``,
    ``Elke zei``); the English article ``An`` also needs a vowel after it."""
    word, text = match.group(0), match.string
    if " " in word or word.lower() not in _stop_words() or word.isupper() \
            or not _sentence_initial(text, match.start()):
        return False
    following = re.match(r"\s+([^\W\d_A-Z][^\W\d_]*)", text[match.end():])
    if following is None:
        return False
    nxt = following.group(1)
    if nxt.lower() in _stop_words() or _verb_like(nxt):
        return False
    english_only = word.lower() in _EN_ONLY_STOP
    return not english_only or nxt[0] in "aeiouh"


_EN_ONLY_STOP = frozenset({"an", "a", "will", "may", "said", "rose", "mark", "art", "bill", "pat", "sue", "val"})


def _verb_like(word: str) -> bool:
    """A finite verb form by simplemma's lemmas (``said`` -> say, ``zei`` -> zeggen, ``explained``)."""
    import simplemma

    if word.endswith("ed"):
        return True
    nl, en = simplemma.lemmatize(word, lang="nl"), simplemma.lemmatize(word, lang="en")
    if nl != word and nl.endswith("en") and not word.endswith("en"):
        return True
    return en != word and not word.endswith(("s", "ing"))
