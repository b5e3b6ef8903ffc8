"""Level-2 features of the stacked coder: one row per segment x code pair, for the meta-model
shared by all codes (see :mod:`pipeline.stages.coding.coders.stacked`)."""
from __future__ import annotations

import numpy as np



def _unigrams():  # noqa: ANN202
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, sublinear_tf=True,
                           dtype=np.float64)


def neighbours(data: dict, rows: np.ndarray, pos_rows: np.ndarray, Ypos: np.ndarray, docs_rows: np.ndarray,
               docs_pos: np.ndarray, ex_rows: np.ndarray, EY: np.ndarray, n_neighbours: int):  # noqa: ANN201
    """Per row and code: mean similarity (TF-IDF of lemmas) to the ``n_neighbours`` nearest
    positives of other documents, and the highest similarity to the code's examples."""
    from sklearn.preprocessing import normalize

    vec = _unigrams().fit([data["lemmas"][i] for i in np.r_[pos_rows, ex_rows]])
    A = normalize(vec.transform([data["lemmas"][i] for i in rows]))

    def similarity(other: np.ndarray) -> np.ndarray:
        return (A @ normalize(vec.transform([data["lemmas"][i] for i in other])).T).toarray()

    return _nearest(similarity, pos_rows, Ypos, docs_rows, docs_pos, ex_rows, EY, n_neighbours)


def embedding_neighbours(E: np.ndarray, rows: np.ndarray, pos_rows: np.ndarray, Ypos: np.ndarray,
                         docs_rows: np.ndarray, docs_pos: np.ndarray, ex_rows: np.ndarray, EY: np.ndarray,
                         n_neighbours: int) -> np.ndarray:
    """Per row and code, side by side: mean cosine similarity of the sentence embeddings to the
    ``n_neighbours`` nearest positives of other documents, and the highest to the code's examples."""
    A = np.asarray(E[rows], dtype=np.float64)

    def similarity(other: np.ndarray) -> np.ndarray:
        return A @ np.asarray(E[other], dtype=np.float64).T

    return np.hstack(_nearest(similarity, pos_rows, Ypos, docs_rows, docs_pos, ex_rows, EY, n_neighbours))


def _nearest(similarity, pos_rows: np.ndarray, Ypos: np.ndarray, docs_rows: np.ndarray,  # noqa: ANN001
             docs_pos: np.ndarray, ex_rows: np.ndarray, EY: np.ndarray, n_neighbours: int):  # noqa: ANN202
    """``(knn, exs)`` from ``similarity(rows of other texts)``: per row and code the mean of the
    ``n_neighbours`` highest similarities to positives of other documents (a missing one counts 0),
    and the highest similarity to the code's examples."""
    sim = similarity(pos_rows)
    sim[docs_rows[:, None] == docs_pos[None, :]] = -1.0
    n_codes = Ypos.shape[1]
    knn = np.zeros((sim.shape[0], n_codes))
    for k in range(n_codes):
        cols = np.nonzero(Ypos[:, k])[0]
        if len(cols):
            top = -np.sort(-sim[:, cols], axis=1)[:, :n_neighbours]
            knn[:, k] = np.clip(top, 0, None).mean(axis=1)
    exs = np.zeros((sim.shape[0], n_codes))
    if len(ex_rows):
        es = similarity(ex_rows)
        for k in range(n_codes):
            cols = np.nonzero(EY[:, k])[0]
            if len(cols):
                exs[:, k] = es[:, cols].max(axis=1)
    return knn, exs


def theme_max(M: np.ndarray, theme_col: np.ndarray, n_themes: int) -> np.ndarray:
    """Each cell replaced by the highest value of its row among the codes of its theme."""
    out = np.zeros_like(M)
    for t in range(n_themes):
        cols = theme_col == t
        out[:, cols] = M[:, cols].max(axis=1, keepdims=True)
    return out


def others_max(M: np.ndarray, theme_col: np.ndarray, n_themes: int) -> np.ndarray:
    """Each cell replaced by the highest value of its row among the *other* codes of its theme
    (0 for a code alone in its theme)."""
    out = np.zeros_like(M)
    for t in range(n_themes):
        cols = np.nonzero(theme_col == t)[0]
        if len(cols) < 2:
            continue
        sub = M[:, cols]
        order = np.argsort(-sub, axis=1, kind="stable")
        first = np.take_along_axis(sub, order[:, :1], axis=1)
        second = np.take_along_axis(sub, order[:, 1:2], axis=1)
        is_first = np.arange(len(cols))[None, :] == order[:, :1]
        out[:, cols] = np.where(is_first, second, first)
    return out


def pairs(P, R, QR, knn, exs, T, adjacent, theme_col: np.ndarray, n_themes: int, prior: np.ndarray,  # noqa: ANN001
          ZS=None, use_adjacent: bool = False, dependencies: bool = False, EN=None) -> np.ndarray:  # noqa: ANN001
    """The meta-model's rows (segments x codes, flattened row by row) and their features: the
    code's calibrated probability (and its log), its rule score and the theme's best, the
    context's, the neighbours', the examples', the log prior, the theme model's probability, the
    theme's best probability and the code's share of the segment's best; with ``ZS`` the zero-shot
    similarity (raw and relative to the segment's mean; ``ZS`` may hold several blocks of codes
    side by side, such as the unit's and its best sentence's); with ``EN`` the neighbours' and the
    examples' similarity by embedding (:func:`embedding_neighbours`, two blocks, each raw and relative
    to the segment's mean); with ``use_adjacent`` the previous and
    next turn's probabilities and the theme's rule score there; with ``dependencies`` the highest
    probability and rule score among the other codes of the code's theme, and the sum of all the
    segment's code probabilities (how much else the segment is about)."""
    n = P.shape[0]

    def tmax(M: np.ndarray) -> np.ndarray:
        return theme_max(M, theme_col, n_themes)

    feats = [P, np.log(P + 1e-4), R, tmax(R), QR, tmax(QR), knn, tmax(knn), exs, np.tile(np.log(prior), (n, 1)),
             T[:, theme_col], tmax(P), P / (P.max(axis=1, keepdims=True) + 1e-9)]
    # zero-shot similarity (per block: unit, sentences) and the neighbours by embedding (knn, examples),
    # raw and within the turn
    for blocks in (ZS, EN):
        if blocks is not None and blocks.shape[1]:
            for Z in np.split(blocks, blocks.shape[1] // P.shape[1], axis=1):
                feats += [Z, Z - Z.mean(axis=1, keepdims=True)]
    if dependencies:  # the other codes of the same segment: label dependencies
        feats += [others_max(P, theme_col, n_themes), others_max(R, theme_col, n_themes),
                  np.repeat(P.sum(axis=1, keepdims=True), P.shape[1], axis=1) - P]
    if use_adjacent:  # the previous and next turn's scores (zeros at a document's edge)
        RT = tmax(R)
        for idx in adjacent:
            there = (idx >= 0)[:, None]
            j = np.where(idx >= 0, idx, 0)
            feats += [np.where(there, P[j], 0.0), np.where(there, T[j][:, theme_col], 0.0),
                      np.where(there, RT[j], 0.0)]
    return np.stack([f.reshape(-1) for f in feats], axis=1)
