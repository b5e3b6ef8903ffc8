"""A name detector that needs no trained model: possible personal names for review.

A *candidate* is a run of capitalised tokens, possibly joined by surname particles (``Pieter
van der Berg``, ``Sofie Van den Broeck``, ``Yassine El Amrani``, ``María García López``), that

- follows a context cue: a title (``mevrouw``, ``meneer``, ``Mr``, ``Ms``, ``Dr``, ...), a
  relation (``my mentor``, ``mijn collega``, ``her husband``) or ``named``/``heet``; or
- holds a token that is no common word of English or Dutch and is not the first word of a
  sentence (a run of two or more such tokens may start a sentence: ``Oliver Thompson said``).

*Common word* uses the bilingual word lists the project ships: spaCy's English lexeme
probabilities (spacy-lookups-data; a word seen more often in lower case than capitalised is a
common word, so ``station`` is one and ``Oliver`` is not), simplemma's English and Dutch
lexicons for words the first list does not hold, and spaCy's stop words. Places, months,
languages and tools that are no persons (:data:`NOT_NAMES`) are never candidates.

Candidates are what a human should review (``qualpipe pseudonymise review``); in ``strict``
mode they are masked until then. Runs also serve to keep a full name together as one unit.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.text.wordprob import FLOOR as _FLOOR  # at or below it a word counts as unseen

#: surname particles kept inside a name: "van der Berg", "El Amrani", "ten Brink", "da Silva"
PARTICLES = frozenset(
    "van von der den de het ter ten te t 't op in la le du da di dos das del della des el al ben bin ibn "
    "abu bou ould mac mc st".split())
TITLES = frozenset(
    "mevrouw mevr mevr. meneer mr mr. mrs mrs. ms ms. miss mister madam madame monsieur mme mme. dr dr. "
    "prof prof. professor dokter juffrouw juf meester sir dhr dhr. mw mw. heer".split())
_RELATIONS = (
    "mentor|mentee|coach|buddy|colleague|collega|manager|boss|baas|chef|teacher|leerkracht|docent|leraar|"
    "lerares|husband|wife|man|vrouw|partner|mother|father|mom|mum|dad|moeder|vader|mama|papa|son|daughter|"
    "zoon|dochter|brother|sister|broer|zus|zuster|friend|vriend|vriendin|neighbour|neighbor|buurman|buurvrouw|"
    "contact|contactpersoon|begeleider|begeleidster|consulent|trajectbegeleider|supervisor|advisor|adviseur|"
    "counsellor|counselor|tutor|werkgever|employer|uncle|aunt|oom|tante|cousin|neef|nicht|classmate|"
    "klasgenoot|landlord|huisbaas|lawyer|advocaat|doctor|huisarts|nurse|verpleegster|interpreter|tolk")
_POSSESSIVES = "my|mijn|our|onze|ons|his|her|their|zijn|haar|hun|the|de|a|een"
_CUE_WORDS = "named|called|genaamd|heet|heette|noemt|noemde|name is|naam is|ik ben|i am|i'm|this is|dit is"
_CUE = re.compile(rf"(?:\b(?:{_POSSESSIVES})\s(?:{_RELATIONS})|\b(?:{_CUE_WORDS})),?\s$", re.IGNORECASE)
#: proper nouns that are no persons: never candidates
NOT_NAMES = frozenset("""
monday tuesday wednesday thursday friday saturday sunday maandag dinsdag woensdag donderdag vrijdag zaterdag
zondag january february march april may june july august september october november december januari februari
maart mei juni juli augustus oktober english dutch french german arabic turkish spanish nederlands engels frans
duits arabisch turks belgian flemish belgium belgië belgie flanders vlaanderen wallonia wallonië brussels
brussel bruxelles antwerp antwerpen ghent gent leuven mechelen bruges brugge hasselt genk liège luik namur
limburg kortrijk aalst ostend oostende netherlands nederland holland amsterdam rotterdam utrecht eindhoven
europe europa european syria syrië iraq irak iran afghanistan eritrea ethiopia ethiopië morocco marokko turkey
turkije somalia india pakistan china russia ukraine oekraïne poland polen spain spanje vdab actiris forem
ocmw cpas leerwinkel linkedin facebook whatsapp google microsoft teams zoom excel word powerpoint outlook
youtube instagram twitter internet covid corona ramadan christmas kerstmis easter pasen eid islam christian
muslim moslim god allah ok okay mbti cv windows mac linux android iphone
london paris berlin madrid rome lisbon warsaw istanbul ankara damascus aleppo baghdad kabul tehran cairo casablanca
rabat tunis algiers asmara addis kinshasa lagos nairobi delhi mumbai new york washington
""".split())

_TITLE_BEFORE = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(t) for t in sorted(TITLES)) + r")\s$", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’][^\W\d_])*(?:-[^\W\d_](?:[^\W\d_]|['’][^\W\d_])*)*")
_SENTENCE_END = re.compile(r"(?:[.!?:;…\"“”‘’()\[\]*_]|[-–—]|\n)\s*$")
#: what ends a sentence before a word (the characters of :data:`_SENTENCE_END`)
_END_CHARS = frozenset(".!?:;…\"“”‘’()[]*_-–—\n")
#: titles compared without their dot ("mr." and "mr" alike)
_TITLE_KEYS = frozenset(t.rstrip(".") for t in TITLES)


def _reversed(words: str) -> str:
    return "|".join(re.escape(w[::-1]) for w in words.split("|"))


# _CUE and _TITLE_BEFORE end in "\s$" and are searched in the 40 characters before a run: tried at
# every position, Unicode case-insensitive, they cost about 20-30 µs a run. The same patterns
# written backwards match the reversed text at its start (one try, about 1 µs): ``$`` (the end,
# or before a final newline) becomes ``\n?`` at the start, ``^`` becomes ``\Z``; ``\b`` and the
# case rules are the same read either way. tests/test_name_tables.py compares the two forms.
_CUE_REVERSED = re.compile(rf"\n?\s,?(?:(?:{_reversed(_RELATIONS)})\s(?:{_reversed(_POSSESSIVES)})|"
                           rf"(?:{_reversed(_CUE_WORDS)}))\b", re.IGNORECASE)
_TITLE_REVERSED = re.compile(rf"\n?\s(?:{_reversed('|'.join(sorted(TITLES)))})(?:\s|\Z)", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    text: str        # the name as written, e.g. "Pieter van der Berg"
    start: int
    end: int
    reason: str      # "cue", "title", "unknown word"


#: greetings and fillers that open a turn ("Hi Daan", "Dag Els"): words, never part of a name
INTERJECTIONS = frozenset(
    "hi hello hey dear thanks thank bye goodbye cheers welcome sorry please yes yeah yep no nope ok okay oh ah uh "
    "uhm um hmm mm euh ehm eh allez awel hallo dag daag beste lieve bedankt dankjewel dankuwel merci ja jawel "
    "nee neen neenee tja goh amai zeg kijk ziezo voila voilà wow".split())


def _en_prob():  # noqa: ANN202 - WordProbabilities, or the dictionary where it cannot be kept
    """English word log probabilities, ``.get(word)`` (:mod:`pipeline.text.wordprob`)."""
    from pipeline.text.wordprob import english

    return english()  # the same answers as the JSON dictionary: see the test of wordprob


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """spaCy's English and Dutch stop words, read from its two word-list files: importing
    ``spacy`` itself (and with it thinc and torch) costs about 5-7 s, which pseudonymisation
    alone does not need."""
    return frozenset(w.lower() for w in _spacy_stop_words("en") | _spacy_stop_words("nl"))


def _spacy_stop_words(lang: str) -> set[str]:
    import importlib
    import importlib.util
    import sys
    from pathlib import Path

    name = f"spacy.lang.{lang}.stop_words"
    spec = importlib.util.find_spec("spacy") if "spacy" not in sys.modules else None
    path = Path(spec.origin).parent / "lang" / lang / "stop_words.py" if spec and spec.origin else None
    if path is None or not path.is_file():  # spaCy imported already, or laid out otherwise
        return set(importlib.import_module(name).STOP_WORDS)
    namespace: dict = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # a list of words only
    return set(namespace["STOP_WORDS"])


@functools.lru_cache(maxsize=65536)
def is_common_word(token: str) -> bool:
    """True for a common English or Dutch word (``station``, ``mentor``, ``Yesterday``), False
    for a likely proper noun (``Oliver``, ``Peeters``) or an unknown word."""
    lower = token.lower()
    if lower in _stop_words() or lower in INTERJECTIONS:
        return True
    parts = [p for p in re.split(r"[-'’]", lower) if p]
    if len(parts) > 1:
        return all(is_common_word(p) for p in parts)
    prob = _en_prob()
    p_lower, p_cap = prob.get(lower), prob.get(lower.capitalize())
    p_lower = p_lower if p_lower is not None and p_lower > _FLOOR else None  # the floor is "unseen"
    p_cap = p_cap if p_cap is not None and p_cap > _FLOOR else None
    if p_lower is not None and (p_cap is None or p_lower >= p_cap - 0.5):
        return True
    if p_cap is not None and (p_lower is None or p_cap > p_lower + 0.5):
        return False  # mostly written capitalised in English: a proper noun
    import simplemma

    return simplemma.is_known(lower, lang="nl") or simplemma.is_known(lower, lang="en")


_CONTRACTION = re.compile(r"^(?:i|you|we|they|he|she|it|that|there|what|who|let)['’](?:m|d|ve|ll|re|s)$", re.I)


@functools.lru_cache(maxsize=65536)
def is_opener(token: str) -> bool:
    """A word that may open a sentence capitalised though written capitalised often elsewhere
    too (``Luckily``, ``However``): common, or frequent in lower case and not much rarer than
    capitalised in English (``John``, ``Oliver`` are far more often capitalised)."""
    if is_common_word(token):
        return True
    prob = _en_prob()
    p_lower, p_cap = prob.get(token.lower()), prob.get(token.lower().capitalize())
    return p_lower is not None and p_lower > -13.5 and (p_cap is None or p_cap - p_lower < 1.5)


def _is_name_token(token: str) -> bool:
    return (token[0].isupper() and any(c.islower() for c in token) and token.lower() not in NOT_NAMES
            and not _CONTRACTION.match(token))


#: a token (as :data:`_TOKEN` cuts them) that does not start with a letter a-z: every name token
#: and a few more (checked in :func:`_word`); tokens starting a-z only matter as particles between
#: names, which :data:`_GAP` reads. The first character comes first, so the regular expression
#: engine skips quickly to where a token may start (about 3x faster than every token).
_CAP_TOKEN = re.compile(r"[^\W\d_a-z](?<![^\W\d_][^\W\d_])(?<![^\W\d_]['’-][^\W\d_])"
                        r"(?:[^\W\d_]|['’][^\W\d_])*(?:-[^\W\d_](?:[^\W\d_]|['’][^\W\d_])*)*")
#: what joins two name tokens: one space, or particles written a-z each followed by one space
_GAP = re.compile(" (?:(?:" + "|".join(
    "".join(f"[{c}{c.upper()}]" for c in p) for p in sorted(PARTICLES, key=lambda p: (-len(p), p)) if p.isalpha())
    + ") )*")
_WORDS: dict[str, tuple[str, bool, bool]] = {}


def _word(token: str) -> tuple[str, bool, bool]:
    """``(word, is a name token, is a particle)`` of one token; "Omar's" is Omar."""
    info = _WORDS.get(token)
    if info is None:
        word = re.sub(r"['’]s$", "", token) if not _CONTRACTION.match(token) else token
        lower = word.lower()
        info = (word, _is_name_token(word), lower in PARTICLES or lower.rstrip(".") in PARTICLES)
        if len(_WORDS) > 200_000:
            _WORDS.clear()
        _WORDS[token] = info
    return info


def runs(text: str) -> list[tuple[int, int, list[tuple[int, int, str]]]]:
    """Runs of capitalised tokens joined by single spaces and particles: ``(start, end, tokens)``."""
    out, current = [], []
    for m in _CAP_TOKEN.finditer(text):
        word, name, particle = _word(m.group())
        start = m.start()
        if current and (name or particle):
            gap = _GAP.fullmatch(text, current[-1][1], start)
            if gap is not None:
                current += _particles(text, current[-1][1], start)
                current.append((start, start + len(word), word))
                continue
        if current:
            out.append(current)
        current = [(start, start + len(word), word)] if name else []
    if current:
        out.append(current)
    result = []
    for run in out:
        while run and (run[-1][2].lower() in PARTICLES or run[-1][2].lower() in TITLES) and len(run) > 1:
            run = run[:-1]  # a run ends on a name, not on "van" or "Mr"
        if run:
            result.append((run[0][0], run[-1][1], run))
    return result


def _particles(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The particle tokens of a gap ``text[start:end]`` that :data:`_GAP` matched."""
    out, pos = [], start + 1
    for word in text[start + 1:end - 1].split(" ") if end - start > 1 else ():
        out.append((pos, pos + len(word), word))
        pos += len(word) + 1
    return out


def _sentence_initial(text: str, start: int) -> bool:
    """True if the word at ``start`` opens a sentence: after a sentence end (:data:`_SENTENCE_END`)
    and only white space, or at the very start of ``text``."""
    before = text[max(0, start - 6):start]
    stripped = before.rstrip()  # str.rstrip and the "\s" of a regular expression strip the same
    if not stripped:
        return start < 6 or "\n" in before
    return stripped[-1] in _END_CHARS or "\n" in before[len(stripped):]


def _cue_before(before: str) -> tuple[bool, bool]:
    """``(title, cue)``: ``before`` (the text before a run) ends in a title, or in a cue or a title
    (:data:`_TITLE_BEFORE`, :data:`_CUE`)."""
    backwards = before[::-1]
    title = _TITLE_REVERSED.match(backwards) is not None
    return title, title or _CUE_REVERSED.match(backwards) is not None


def find_candidates(text: str, text_runs: list | None = None) -> list[Candidate]:
    """Possible personal names in ``text`` (see the module docstring); ``text_runs`` are its
    :func:`runs` when already computed."""
    if not isinstance(text, str) or not text:
        return []
    found: list[Candidate] = []
    for _, _, run in runs(text) if text_runs is None else text_runs:
        title = False
        while run and run[0][2].lower().rstrip(".") in _TITLE_KEYS:
            title = True
            run = run[1:]
        if not run:
            continue
        title_before, cue = _cue_before(text[max(0, run[0][0] - 40):run[0][0]])
        title = title or title_before
        cue = title or cue
        initial = not cue and _sentence_initial(text, run[0][0])
        while len(run) > 1 and run[0][2].lower() in _stop_words() and run[0][2].lower() not in PARTICLES:
            run = run[1:]  # "And Martine", "Without Dirk": a capitalised stop word opens the run
            initial = False
        names = [(s, e, w) for s, e, w in run if w.lower() not in PARTICLES]
        if initial and names and is_opener(names[0][2]):
            # a capitalised common word opens the sentence: "Yesterday Pieter ..." -> "Pieter"
            run = [t for t in run if t[0] > names[0][0]]
            names = names[1:]
        elif initial and len(names) < 2:
            continue  # one unknown word opening a sentence ("Priya said", "Euh"): too unsure
        unknown = [w for _, _, w in names if not is_common_word(w)]
        if not run or not names:
            continue
        if not (cue or unknown):
            continue
        if names and not cue and all(w.lower() in _stop_words() for _, _, w in names):
            continue
        while run and run[0][2].lower() in PARTICLES and not run[0][2][0].isupper():
            run = run[1:]
        s, e = run[0][0], run[-1][1]
        reason = "title" if title else "cue" if cue else "unknown word"
        found.append(Candidate(text[s:e], s, e, reason))
    return found
