"""Tokens, lemmas and sentences for the coders.

One spaCy *blank* pipeline per language (no trained model, nothing downloaded) with two
components: spaCy's rule-based ``sentencizer`` and ``qualpipe_lemmatizer``, which sets every
token's ``lemma_`` to the lower-cased lemma from :mod:`simplemma` (a dictionary lemmatiser that
covers English and Dutch inflections far better than spaCy's lookup tables). Pipelines are
built once per process and language (:func:`get_nlp`).

:func:`tokenize` returns, per text, the non-space tokens as :class:`Token` tuples::

    text        the token as written
    lemma       lower-cased lemma ("networks" -> "network", "werkte" -> "werken")
    lower       lower-cased form
    start_char  offset of the token in the text (text[start_char:end_char] == token.text)
    end_char
    sent_id     index of the sentence within the text, from 0 (spaCy's ``sentencizer``; not
                :func:`pipeline.text.quotes.sentences` nor the topic units' ``split_sentences``,
                whose regular-expression rules differ, e.g. on ``[PHONE]`` placeholders and on
                ``?",``; a cue's words must fall in one of these sentences, so changing the
                splitter would change the codings)
    is_punct    True for punctuation tokens

A word an export glued together ("thefasting") comes out as its pieces, each a token of its own
that is a slice of the written word (:mod:`pipeline.text.glued`; English words in lower case only).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, NamedTuple

import numpy as np

from pipeline.errors import InputError, Problem

#: spaCy component name of the simplemma lemmatiser.
LEMMATIZER = "qualpipe_lemmatizer"

_BATCH_SIZE = 256


class Token(NamedTuple):
    text: str
    lemma: str
    lower: str
    start_char: int
    end_char: int
    sent_id: int
    is_punct: bool


_new = tuple.__new__  # builds a Token without the Python-level NamedTuple constructor (faster)


def _register() -> None:
    """Register the lemmatiser factory with spaCy (once; spaCy is imported lazily)."""
    from spacy.language import Language

    if Language.has_factory(LEMMATIZER):
        return

    @Language.factory(LEMMATIZER)
    def _make_lemmatizer(nlp, name):  # noqa: ANN001 - spaCy's factory signature
        return SimplemmaLemmatizer(nlp.lang)


class SimplemmaLemmatizer:
    """spaCy component: ``token.lemma_`` = lower-cased simplemma lemma (cached per form)."""

    def __init__(self, lang: str):
        import simplemma

        self.lang = lang
        self._lemmatize = simplemma.lemmatize
        self._cache: dict[str, str] = {}
        self._hashes: dict[int, int] = {}  # orth hash -> lemma hash
        try:  # fail early, with a clear message, on a language simplemma does not know
            self._lemmatize("test", lang=lang)
            self._supported = True
        except (ValueError, KeyError):
            self._supported = False

    def lemma(self, form: str) -> str:
        cached = self._cache.get(form)
        if cached is None:
            cached = form.lower()
            if self._supported and any(ch.isalpha() for ch in form):
                cached = self._lemmatize(form, lang=self.lang).lower()
            if len(self._cache) < 500_000:
                self._cache[form] = cached
        return cached

    def __call__(self, doc):  # noqa: ANN001, ANN204 - spaCy Doc
        # array in, array out: much faster than touching every Token object
        from spacy.attrs import LEMMA, ORTH

        strings = doc.vocab.strings
        cache = self._hashes
        orths = doc.to_array(ORTH).tolist()
        lemmas = []
        for orth in orths:
            lemma = cache.get(orth)
            if lemma is None:
                lemma = cache[orth] = strings.add(self.lemma(strings[orth]))
            lemmas.append(lemma)
        if lemmas:
            doc.from_array([LEMMA], np.array(lemmas, dtype="uint64").reshape(-1, 1))
        return doc


@lru_cache(maxsize=None)
def get_nlp(language: str):  # noqa: ANN201 - spacy.Language, imported lazily
    """The blank spaCy pipeline (sentencizer + simplemma lemmatiser) for ``language``."""
    import spacy

    _register()
    try:
        nlp = spacy.blank(language)
    except (ImportError, KeyError, ValueError) as exc:
        raise InputError(Problem(
            f"language '{language}'",
            f"spaCy has no tokenizer for this language ({exc.__class__.__name__}).",
            "Use an ISO 639-1 code spaCy supports (e.g. 'en', 'nl') in the manifest's "
            "'language' column and the study's 'languages'.",
        )) from None
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(LEMMATIZER)
    return nlp


#: (language, text) -> tokens of texts tokenised in this process: cross-validation scores the same
#: turns in every fold, and tokenising is the slowest step of the rule coder. Bounded; a text's
#: tokens do not depend on the other texts, so the cache never changes a result.
_TOKENS: dict[tuple[str, str], list[Token]] = {}
_TOKENS_MAX = 50_000


def tokenize(texts: Iterable[str], language: str) -> list[list[Token]]:
    """Tokenise ``texts`` (all in ``language``): per text, its non-space tokens (cached per text)."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    missing = list(dict.fromkeys(t for t in texts if (language, t) not in _TOKENS))
    if missing:
        if len(_TOKENS) + len(missing) > _TOKENS_MAX:
            _TOKENS.clear()
            missing = list(dict.fromkeys(texts))
        for text, tokens in zip(missing, _tokenize(missing, language)):
            _TOKENS[(language, text)] = tokens
    return [list(_TOKENS[(language, t)]) for t in texts]


def _tokenize(texts: list[str], language: str) -> list[list[Token]]:
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, LOWER, SENT_START

    from pipeline.text import glued

    nlp = get_nlp(language)
    lemma_of = nlp.get_pipe(LEMMATIZER).lemma
    cut = glued.split_points if glued.has_table(language) else None
    strings = nlp.vocab.strings
    names: dict[int, str] = {}
    attrs = [IDX, LENGTH, IS_SPACE, IS_PUNCT, SENT_START, LEMMA, LOWER]
    out: list[list[Token]] = []
    for doc in nlp.pipe(texts, batch_size=_BATCH_SIZE):
        text = doc.text
        tokens: list[Token] = []
        sent_id = -1
        for start, length, is_space, is_punct, sent_start, lemma, lower in doc.to_array(attrs).tolist():
            if sent_start == 1 or sent_id < 0:
                sent_id += 1
            if is_space:
                continue
            if lemma not in names:
                names[lemma] = strings[lemma]
            if lower not in names:
                names[lower] = strings[lower]
            written = text[start:start + length]
            cuts = cut(written) if cut is not None and length >= glued.MIN_LENGTH and written.islower() else ()
            if cuts:
                tokens.extend(_pieces(written, cuts, start, sent_id, lemma_of))
                continue
            tokens.append(_new(Token, (written, names[lemma], names[lower], start, start + length, sent_id,
                                       bool(is_punct))))
        out.append(tokens)
    return out


def _pieces(written: str, cuts: tuple[int, ...], start: int, sent_id: int, lemma_of) -> list[Token]:  # noqa: ANN001
    """The tokens of a glued word cut at ``cuts`` (offsets in the word)."""
    bounds = (0, *cuts, len(written))
    return [_new(Token, (written[a:b], lemma_of(written[a:b]), written[a:b], start + a, start + b, sent_id, False))
            for a, b in zip(bounds[:-1], bounds[1:])]


def lemmatize_word(word: str, language: str) -> str:
    """The lower-cased lemma of one word, as :func:`tokenize` would give it."""
    return get_nlp(language).get_pipe(LEMMATIZER).lemma(word)


def split_word(word: str, language: str) -> list[str]:
    """How the tokenizer of ``language`` splits one written word (e.g. "e-mail")."""
    return [t.text.lower() for t in get_nlp(language).tokenizer(word) if not t.is_space]


def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop-word list of ``language`` (lower case)."""
    return frozenset(w.lower() for w in get_nlp(language).Defaults.stop_words)
