"""The fast paths of pseudonymisation find exactly what their plain definitions find.

Name patterns are a tree of characters, name runs are read from capitalised tokens, cues are
matched backwards, identifier detectors are skipped on text they cannot match: each is checked
here against the plain form it replaced, on texts built to hit the edges (particles, possessives,
dotless i, long s, Kelvin sign, final sigma, e-mail-like ``@``, line breaks).
"""
from __future__ import annotations

import random
import re
import sys

import pytest

from pipeline.stages.ingest import namefinder
from pipeline.stages.ingest.detectors import DETECTORS, mask_identifiers
from pipeline.stages.ingest.nametables import DocumentTables, NameTable, _alternation, _trie

ALPHABET = list("aAbBiIıİsSſkKKσςΣµμ") + ["é", "É", "e\u0301", "\u0345", "ι", "-", " ", "'", "@", ".", "_", "1",
                                             "ß", "ẞ", "\n"]
WORDS = ["van", "Van", "de", "De", "der", "El", "el", "Amal", "Haddad", "O'Neil", "Jean-Luc", "it's", "It's",
         "Omar's", "I'm", "VAN", "vAn", "van's", "Mr", "mr.", "Mc", "St", "ten", "Monday", "İlker", "ſt", "x''y",
         "a-'b", "Anne-Marie", "my", "mentor", "My", "MENTOR", "hıs", "named", "name is", "i'm", "I’m", "dr.",
         "Dr", "mevr.", "de heer", "collega", "mijn", "the", "Yesterday", "And", "Priya", "said", "Euh", "Hope",
         "An", "an", "\n", ",", ".", "(", "—", "van der", "El Amrani", "d'Artagnan", "Kelvin"]


def _plain(replacements: dict[str, str], flags: int) -> re.Pattern:
    alternatives = sorted(replacements, key=lambda s: (-len(s), s))
    return re.compile(r"(?<![\w@])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![\w@])", flags)


def _texts(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        out.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30))))
        out.append("".join(rng.choice(WORDS) + rng.choice(["", " ", " ", "-", "'", ",", ". ", "  ", "\n"])
                           for _ in range(rng.randint(1, 12))))
    return out


def test_the_tree_of_names_finds_what_one_alternative_per_name_finds():
    rng = random.Random(12)
    trees = 0
    for trial in range(400):
        word = lambda n: "".join(rng.choice(ALPHABET) for _ in range(n))  # noqa: E731
        names = {word(rng.randint(1, 5)) for _ in range(rng.randint(1, 20))}
        names |= {n + word(rng.randint(1, 3)) for n in list(names)[:5]}  # names that go on from others
        for flags in (0, re.IGNORECASE):
            table = {n.casefold() if flags and trial % 2 else n: "X" for n in names}
            trees += _trie(sorted(table), flags) is not None
            plain, tree = _plain(table, flags), _alternation(table, flags)
            for _ in range(10):
                pool = sorted(names)
                text = " ".join(rng.choice([word(rng.randint(1, 6)), rng.choice(pool), rng.choice(pool).upper()])
                                for _ in range(rng.randint(1, 8)))
                assert [m.span() for m in tree.finditer(text)] == [m.span() for m in plain.finditer(text)], \
                    (text, sorted(table), flags)
    assert trees > 600  # the tree, not the fallback, was what got compared


def test_a_case_insensitive_character_class_matches_what_its_characters_match():
    """The engine may read a branch of single characters as a class; the tree relies on both
    matching the same characters, for every character that is the lower case of another."""
    differ = set()
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        lower = char.lower()
        if lower == char:
            continue
        first = lower[0]
        alone = re.fullmatch(re.escape(first), char, re.IGNORECASE) is not None
        in_class = re.fullmatch("[" + re.escape(first) + "\x00]", char, re.IGNORECASE) is not None
        if alone != in_class:
            differ.add(first)
    assert differ == set()


def test_a_document_shares_the_study_wide_patterns_and_its_own_pseudonyms_win():
    study = NameTable({"Nadia": "Person-01", "Nadia Haddad": "Person-01", "Haddad": "Person-01",
                       "Omar": "Person-02", "jabouri": "Person-03"})
    own = {"Nadia": "Mentee-01", "Haddad": "Mentee-01"}
    shared = DocumentTables(study, own)
    assert shared.names is study  # no patterns compiled for the document
    apart = DocumentTables(study, {**own, "Karim": "Mentor-01"})  # a name only the document has
    assert apart.names is not study
    merged, merged_apart = NameTable({**study.table, **own}), NameTable({**study.table, **own, "Karim": "Mentor-01"})
    rng = random.Random(3)
    pieces = ["Nadia", "NADIA", "nadia", "Nadia Haddad", "Haddad", "haddad", "Omar", "omar", "Jabouri", "Karim",
              "An", "said", ".", ",", "@", "Nadia's", "x"]
    for _ in range(500):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        assert shared.replace(text) == merged.replace(text)
        assert apart.replace(text) == merged_apart.replace(text)
    assert shared.replace("Nadia met Omar and Jabouri.") == "Mentee-01 met Person-02 and Person-03."


def _runs_token_by_token(text: str) -> list:
    """The definition of :func:`namefinder.runs`: every token, one at a time."""
    tokens = []
    for m in namefinder._TOKEN.finditer(text):
        word = re.sub(r"['’]s$", "", m.group(0)) if not namefinder._CONTRACTION.match(m.group(0)) else m.group(0)
        tokens.append((m.start(), m.start() + len(word), word))
    out, current = [], []
    for tok in tokens:
        start, _, word = tok
        joined = current and text[current[-1][1]:start] == " "
        particle = word.lower() in namefinder.PARTICLES
        if current and joined and (namefinder._is_name_token(word) or particle):
            current.append(tok)
            continue
        if current:
            out.append(current)
        current = [tok] if namefinder._is_name_token(word) else []
    if current:
        out.append(current)
    result = []
    for run in out:
        while len(run) > 1 and (run[-1][2].lower() in namefinder.PARTICLES or run[-1][2].lower() in namefinder.TITLES):
            run = run[:-1]
        result.append((run[0][0], run[-1][1], run))
    return result


def test_name_runs_cues_and_sentence_starts_match_their_definitions():
    for text in _texts(random.Random(5), 3000):
        assert namefinder.runs(text) == _runs_token_by_token(text), text
        for end in range(0, len(text) + 1, max(1, len(text) // 8)):
            before = text[max(0, end - 40):end]
            title = bool(namefinder._TITLE_BEFORE.search(before))
            assert namefinder._cue_before(before) == (title, title or bool(namefinder._CUE.search(before))), before
            plain_start = not text[max(0, end - 6):end].strip() and end < 6 or bool(
                namefinder._SENTENCE_END.search(text[max(0, end - 6):end]))
            assert namefinder._sentence_initial(text, end) == plain_start, (text, end)
    assert namefinder._cue_before("I talked to my Mentor, ") == (False, True)
    assert namefinder._cue_before("Ik sprak met mevr. ") == (True, True)


def test_identifiers_are_masked_as_by_running_every_detector():
    rng = random.Random(8)
    parts = ["a.b@example.org", "jan [at] example [dot] org", "BE71 0961 2345 6769", "85.07.30-033.61", "BSN",
             "123456782", "592-1234567-89", "passport EH123456", "09 234 56 71", "+32 470 12 34 56", "born",
             "12 March 1985", "°", "Kerkstraat 12", "42 Oak Avenue", "2000 Antwerpen", "(", "@", "٣", "word", "\n"]
    for _ in range(3000):
        text = " ".join(rng.choice(parts) for _ in range(rng.randint(1, 6)))
        every = text
        for detector in DETECTORS:
            every = detector.apply(every)
        assert mask_identifiers(text) == every, text


def test_compact_word_probabilities_keep_the_words_above_the_floor():
    from pipeline.text.wordprob import FLOOR, WordProbabilities

    words = {"station": -9.5, "Station": -12.25, "Oliver": -11.0, "zzqx": FLOOR, "rare": FLOOR - 0.1, "é": -14.0,
             "naïve": -13.0, "": -15.0}
    table = WordProbabilities.from_bytes(WordProbabilities.from_dict(words).to_bytes())
    for word, p in [*words.items(), ("oliver", None), ("Stations", None), ("stati", None)]:
        assert table.get(word) == (p if p is not None and p > FLOOR else None), word
    assert len(table) == 6


@pytest.mark.slow
def test_the_compact_word_probabilities_answer_as_the_json_file():
    """The name detector's English word probabilities, read from a compact sorted file, give every
    word above the floor its probability and every other word none, as the JSON file does."""
    from pipeline.text.wordprob import FLOOR, WordProbabilities, _read_json, _source, english

    probabilities = _read_json(_source())
    table = english()
    if isinstance(table, dict):  # the package folder is read-only here: the JSON itself is used
        table = WordProbabilities.from_dict(probabilities)
    again = WordProbabilities.from_bytes(table.to_bytes())
    words = list(probabilities)[::251] + ["Oliver", "oliver", "station", "Station", "zzqx", "", "é", "Ü" * 40]
    for word in words + [w.capitalize() for w in words] + [w.upper() for w in words]:
        expected = probabilities.get(word)
        expected = expected if expected is not None and expected > FLOOR else None
        assert table.get(word) == expected and again.get(word) == expected, word
    assert len(table) == sum(p > FLOOR for p in probabilities.values())
    assert WordProbabilities.from_bytes(table.to_bytes()[:-5]) is None  # a cut file is built again
