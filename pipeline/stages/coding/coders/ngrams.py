"""Word and character n-gram counts of texts, hashed into fixed columns and kept per text.

The stacked coder counts the lemma n-grams and the character n-grams of every segment it is
fitted on or scores. Counted into a vocabulary of the training rows, they were counted again in
every fit: five folds and a final fit per training, and each training again for the evaluation.
Hashed into :data:`N_FEATURES` fixed columns (scikit-learn's ``FeatureHasher``, murmurhash3, no
sign flip) a text's counts do not depend on the other texts, so they are computed once per text
and process (bounded memory) and shared by every fold, the coding and the evaluation stage. Each
fold then keeps the columns its own training rows use (:class:`~pipeline.stages.coding.coders.features.CountTfidf`).
N-grams hashed into one column share a weight (with 200,000 distinct n-grams, about 5% share
their column with another, mostly rare ones); :func:`bucket_names` names a word column by the first of its n-grams in
alphabetical order (the evidence of a code).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

#: Hashed columns of each kind of n-gram.
N_FEATURES = 2 ** 22

_COUNTS: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
_STORED = [0]
#: Stored counts (over all texts) above which the per-text store is emptied and refilled.
MAX_STORED = 40_000_000


@lru_cache(maxsize=None)
def _hasher():  # noqa: ANN202
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False, dtype=np.float64)


@lru_cache(maxsize=None)
def _char_analyzer(lo: int, hi: int):  # noqa: ANN202
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer="char_wb", ngram_range=(lo, hi), lowercase=True).build_analyzer()


def word_terms(lemmas: str, max_ngram: int) -> list[str]:
    """The 1..``max_ngram``-grams of a space-separated lemma string (as a ``TfidfVectorizer`` with
    ``tokenizer=str.split`` makes them)."""
    words = lemmas.split()
    return [" ".join(words[i:i + n]) for n in range(1, max_ngram + 1) for i in range(len(words) - n + 1)]


def _terms(kind: tuple, text: str) -> list[str]:
    if kind[0] == "words":
        return word_terms(text, kind[1])
    return _char_analyzer(kind[1], kind[2])(text)


def counts(texts: list[str], kind: tuple):  # noqa: ANN201
    """Rows x :data:`N_FEATURES` sparse counts: ``kind`` ``("words", max_ngram)`` over lemma strings
    or ``("chars", lo, hi)`` (character n-grams within words, lower-cased) over texts."""
    from scipy import sparse

    missing = [t for t in dict.fromkeys(texts) if (kind, t) not in _COUNTS]
    if missing:
        if _STORED[0] > MAX_STORED:
            _COUNTS.clear()
            _STORED[0] = 0
            missing = list(dict.fromkeys(texts))
        hashed = _hasher().transform(_terms(kind, t) for t in missing)
        for i, text in enumerate(missing):
            lo, hi = hashed.indptr[i], hashed.indptr[i + 1]
            _COUNTS[(kind, text)] = (hashed.indices[lo:hi].astype(np.int32), hashed.data[lo:hi].astype(np.float32))
            _STORED[0] += hi - lo
    rows = [_COUNTS[(kind, t)] for t in texts]
    indptr = np.r_[0, np.cumsum([len(r[0]) for r in rows])]
    indices = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, dtype=np.int32)
    data = np.concatenate([r[1] for r in rows]).astype(np.float64) if rows else np.zeros(0)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(texts), N_FEATURES))


def bucket_names(lemmas: list[str], max_ngram: int, columns: np.ndarray) -> np.ndarray:
    """A name for each word column in ``columns``: the alphabetically first n-gram of ``lemmas``
    hashed into it ("" when none is)."""
    terms = sorted({t for text in lemmas for t in word_terms(text, max_ngram)})
    named: dict[int, str] = {}
    if terms:
        hashed = _hasher().transform([t] for t in terms)
        for term, column in zip(terms, hashed.indices):
            named.setdefault(int(column), term)
    return np.array([named.get(int(c), "") for c in columns], dtype=object)
