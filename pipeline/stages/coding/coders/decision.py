"""The stacked coder's decision rule: which segment x code cells of a score table to apply.

:func:`decide` applies a code where its score reaches the code's threshold, optionally only where
it also reaches a share (``relative``) of the segment's best score, and optionally fills a segment
left without any code with its best one (``fill``). :func:`choose_decision` picks one shared
threshold, ``relative`` and ``fill`` that maximise micro F1 on out-of-fold scores.
"""
from __future__ import annotations

import numpy as np

#: Candidates for ``relative`` and ``fill`` (0 = off) tried by :func:`choose_decision`.
RELATIVE_GRID = (0.0, 0.3, 0.4, 0.5)
FILL_GRID = (0.0, 0.6, 0.8)


def decide(score: np.ndarray, thresholds: np.ndarray, relative: float = 0.0, fill: float = 0.0) -> np.ndarray:
    """Which (segment, code) cells of ``score`` (segments x codes) to apply: the score reaches its
    code's threshold and, with ``relative`` > 0, at least ``relative`` times the segment's best
    score (a weak code beside a clear one is left out); with ``fill`` > 0 a segment left without
    any code gets its best code when that reaches ``fill`` times the code's threshold (most
    answers in an interview are about something)."""
    score = np.asarray(score, dtype=float)
    pred = score >= thresholds
    if not score.size:
        return pred
    if relative:
        pred &= score >= relative * score.max(axis=1, keepdims=True)
    if fill:
        rows = np.arange(len(score))
        best = score.argmax(axis=1)
        empty = ~pred.any(axis=1) & (score[rows, best] >= fill * np.asarray(thresholds)[best])
        pred[rows[empty], best[empty]] = True
    return pred


def choose_decision(score: np.ndarray, Y: np.ndarray, M: np.ndarray, fixed_col: np.ndarray,
                    fixed_val: np.ndarray, min_threshold: float, relative: float | None = None,
                    fill: float | None = None) -> tuple[np.ndarray, float, float]:
    """``(thresholds, relative, fill)`` that maximise micro F1 of :func:`decide` on ``score``
    against ``Y`` over the cells ``M`` marks (a given ``relative``/``fill`` is kept; codes marked in
    ``fixed_col`` keep their ``fixed_val``; the shared threshold never goes below ``min_threshold``).

    Candidates: the distinct scores of the cells (rounded to 4 digits for the plain rule, to 3
    with ``relative`` or ``fill``); the first candidate (``relative``, then ``fill``, then the
    threshold, ascending) whose F1 beats the best so far by more than 1e-12 wins. Every candidate
    is counted at once (:func:`_counts`), the same counts :func:`decide` gives one by one.
    """
    score = np.asarray(score, dtype=float)
    truth = int((Y & M).sum())
    rel_grid = RELATIVE_GRID if relative is None else (float(relative),)
    fill_grid = FILL_GRID if fill is None else (float(fill),)
    best = (-1.0, min_threshold, rel_grid[0], fill_grid[0])
    for rel in rel_grid:
        for fil in fill_grid:
            digits = 4 if rel == 0 and fil == 0 else 3
            cands = np.unique(np.round(score[M], digits))
            cands = cands[cands >= min_threshold]
            if not len(cands):
                cands = np.array([min_threshold], dtype=float)
            tp, n_pred = _counts(score, Y, M, fixed_col, fixed_val, rel, fil, cands)
            f1 = 2 * tp / np.maximum(n_pred + truth, 1)
            for t, value in zip(cands.tolist(), f1.tolist()):
                if value > best[0] + 1e-12:
                    best = (value, float(t), rel, fil)
    _, t, rel, fil = best
    return np.where(fixed_col, fixed_val, t).astype(float), rel, fil


def _counts(score: np.ndarray, Y: np.ndarray, M: np.ndarray, fixed_col: np.ndarray, fixed_val: np.ndarray,
            rel: float, fil: float, cands: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True positives and predictions among the cells ``M`` of ``decide(score, t, rel, fil)`` for
    every shared threshold ``t`` in ``cands`` (codes in ``fixed_col`` at their ``fixed_val``)."""
    n, n_codes = score.shape
    if not score.size:
        return np.zeros(len(cands), dtype=np.int64), np.zeros(len(cands), dtype=np.int64)
    eligible = score >= rel * score.max(axis=1, keepdims=True) if rel else np.ones_like(score, dtype=bool)
    fixed = np.broadcast_to(np.asarray(fixed_col, dtype=bool), score.shape)
    fixed_hit = eligible & fixed & (score >= np.asarray(fixed_val, dtype=float)[None, :])
    # cells of the shared threshold: counted by sorting their scores
    free = eligible & ~fixed & M
    values = np.sort(score[free])
    values_tp = np.sort(score[free & Y])
    tp = len(values_tp) - np.searchsorted(values_tp, cands, side="left")
    n_pred = len(values) - np.searchsorted(values, cands, side="left")
    tp = tp + int((fixed_hit & M & Y).sum())
    n_pred = n_pred + int((fixed_hit & M).sum())
    if fil:  # a row left without a code gets its best code when that reaches fill x its threshold
        rows = np.arange(n)
        best = score.argmax(axis=1)
        top = np.where(eligible & ~fixed, score, -np.inf).max(axis=1)
        s_best = score[rows, best]
        empty = ~fixed_hit.any(axis=1)[:, None] & (top[:, None] < cands[None, :])
        reach = np.where(fixed[rows, best][:, None],
                         (s_best >= fil * np.asarray(fixed_val, dtype=float)[best])[:, None],
                         s_best[:, None] >= fil * cands[None, :])
        added = empty & reach & M[rows, best][:, None]
        tp = tp + (added & Y[rows, best][:, None]).sum(axis=0)
        n_pred = n_pred + added.sum(axis=0)
    return tp, n_pred
