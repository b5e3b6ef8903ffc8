"""Topic words: tokens, lemmas, stop words and spoken fillers in several languages.

Each unit's text is reduced once to a *prepared* string: its content lemmas separated by spaces,
with `` | `` where a sentence, clause or removed filler phrase breaks it (n-grams never cross a
break). Both the LSA embedding and BERTopic's c-TF-IDF count words in prepared strings, so a
topic is never labelled by a filler, a stop word, or two forms of one word.

Rules, per unit:

- the unit's main language is the study language with most stop-word hits in it (ties: the
  order of ``languages``);
- a token (or its lemma) is dropped when it is a stop word of the main language, a filler or an
  extra stop word, or a stop word of another study language that is not a known word of the
  main language (so English "want" survives in English text although Dutch "want" is a stop
  word, and English "the" is dropped in Dutch text);
- lemmas come from simplemma, trying the main language first;
- transcript annotations (``[laughs]``, ``[lacht]``, ``[EMAIL]``) and qualpipe's pseudonyms
  (``Person-12``, ``Mentee-07``) are removed first: they are markup, not topics.
"""
from __future__ import annotations

import functools
import importlib.util
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.errors import ConfigError, Problem

_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_BREAK = re.compile(r"[.!?;:…,()\[\]{}\"“”„«»/]+|\s[-–—]+\s|\n")
_CONTRACTION_BASES = frozenset({"ca", "wo", "sha", "ai"})
#: transcript markup that says nothing about the topic: annotations such as [laughs], [lacht],
#: [pause], [EMAIL], and the pseudonyms qualpipe writes (Person-12, Mentee-07)
_MARKUP = re.compile(r"\[[^\]\n]{0,40}\]|\((?:laughs?|lacht|lachen|pause|pauze|inaudible|onverstaanbaar)\)"
                     r"|\b(?:Person|Mentee|Mentor|Coordinator|Participant|Interviewer|Respondent)-\d+\b",
                     re.IGNORECASE)
BREAK = "|"
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def _spacy_stop_words(language: str) -> set[str]:
    """spaCy's ``STOP_WORDS`` of ``language``, read from its module file without importing spaCy
    itself when it is not imported yet (``import spacy`` imports thinc, which imports torch: about
    5 s; the stop-word files import nothing)."""
    name = f"spacy.lang.{language}.stop_words"
    if name in sys.modules:
        return sys.modules[name].STOP_WORDS
    spec = importlib.util.find_spec("spacy") if _LANGUAGE_CODE.fullmatch(language) else None
    path = Path(spec.submodule_search_locations[0]) / "lang" / language / "stop_words.py" \
        if spec is not None and spec.submodule_search_locations else None
    if path is None or not path.is_file():
        raise ConfigError(Problem(
            "topics.languages", f"spaCy has no stop-word list for language {language!r}.",
            "Use ISO 639-1 codes spaCy knows (en, nl, fr, de, ...)."))
    file_spec = importlib.util.spec_from_file_location(f"_qualpipe_stop_words_{language}", path)
    module = importlib.util.module_from_spec(file_spec)
    file_spec.loader.exec_module(module)
    return module.STOP_WORDS


@functools.lru_cache(maxsize=32)
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words of ``language`` (lower case, straight apostrophes)."""
    return frozenset(w.lower().replace("’", "'") for w in _spacy_stop_words(language))


@functools.lru_cache(maxsize=500_000)
def _lemma(token: str, languages: tuple[str, ...]) -> str:
    import simplemma

    # Dutch separable verbs come as 'op_bouwen'
    return simplemma.lemmatize(token, lang=languages).lower().replace("_", "")


@functools.lru_cache(maxsize=500_000)
def _known(token: str, language: str) -> bool:
    import simplemma

    try:
        return simplemma.is_known(token, lang=language)
    except (ValueError, KeyError):
        return False


class TextPreparer:
    """Reduce texts to prepared strings of content lemmas (see the module docstring)."""

    def __init__(self, languages: Sequence[str], fillers: Iterable[str] = (),
                 extra_stop_words: Iterable[str] = (), lemmatize: bool = True):
        self.languages = tuple(languages)
        self.lemmatize = lemmatize
        self._stop = {lang: stop_words(lang) for lang in self.languages}
        words, phrases = set(), []
        for item in fillers:
            item = item.lower().replace("’", "'").strip()
            if not item:
                continue
            if _TOKEN.fullmatch(item):
                words.add(item)
            else:
                phrases.append(item)
        self._always = frozenset(words | {w.lower() for w in extra_stop_words})
        phrases.sort(key=lambda p: (-len(p), p))
        self._phrases = (re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")(?!\w)")
                         if phrases else None)

    def main_language(self, tokens: Sequence[str]) -> str:
        """The study language with most stop-word hits among ``tokens``."""
        if len(self.languages) == 1:
            return self.languages[0]
        counts = [sum(t in self._stop[lang] for t in tokens) for lang in self.languages]
        return self.languages[counts.index(max(counts))]

    def is_stop(self, token: str, main: str) -> bool:
        if len(token) < 2 or token in self._always or token in self._stop[main]:
            return True
        return any(token in self._stop[lang] and not _known(token, main)
                   for lang in self.languages if lang != main)

    def _tokens(self, text: str) -> list[str]:
        out = []
        for token in _TOKEN.findall(text):
            if "'" in token:
                if token in self._always or any(token in s for s in self._stop.values()):
                    continue
                if token.endswith("n't"):
                    base = token[:-3]
                    out.append("" if base in _CONTRACTION_BASES else base)
                    continue
                out.extend(token.split("'"))
            else:
                out.append(token)
        return out

    def _chunks(self, text: str) -> list[list[str]]:
        text = _MARKUP.sub(" . ", text)
        text = text.lower().replace("’", "'").replace("‘", "'")
        if self._phrases is not None:
            text = self._phrases.sub(" . ", text)
        return [self._tokens(chunk) for chunk in _BREAK.split(text)]

    def language(self, text: str) -> str:
        """The main language of ``text`` (the one :meth:`prepare` uses)."""
        return self.main_language([t for chunk in self._chunks(text) for t in chunk])

    def prepare(self, text: str) -> str:
        """The prepared string of ``text``: content lemmas, `` | `` at breaks."""
        return self.prepare_with_language(text)[0]

    def prepare_with_language(self, text: str) -> tuple[str, str]:
        """``(prepared string, main language)`` of ``text`` (:meth:`prepare`, :meth:`language`)."""
        chunks = self._chunks(text)
        main = self.main_language([t for chunk in chunks for t in chunk])
        order = (main, *[lang for lang in self.languages if lang != main])
        kept_chunks = []
        for chunk in chunks:
            kept = []
            for token in chunk:
                if self.is_stop(token, main):
                    continue
                lemma = _lemma(token, order) if self.lemmatize else token
                if lemma != token and (self.is_stop(lemma, main) or not _TOKEN.fullmatch(lemma)):
                    continue
                kept.append(lemma)
            if kept:
                kept_chunks.append(" ".join(kept))
        return f" {BREAK} ".join(kept_chunks), main

    def prepare_many(self, texts: Iterable[str]) -> list[str]:
        return [self.prepare(t) for t in texts]


class PreparedAnalyzer:
    """A scikit-learn ``analyzer``: the n-grams of a prepared string (never across a break)."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 1)):
        self.ngram_range = tuple(ngram_range)

    def __call__(self, prepared: str) -> list[str]:
        low, high = self.ngram_range
        grams: list[str] = []
        for chunk in prepared.split(BREAK):
            tokens = chunk.split()
            for n in range(low, high + 1):
                grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)
                             if n == 1 or len(set(tokens[i:i + n])) > 1)  # no "job job"
        return grams


def n_content_words(prepared: str) -> int:
    """The number of content words in a prepared string."""
    return sum(1 for t in prepared.split() if t != BREAK)
