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
    ``fixed_col`` keep their ``fixed_val``; the shared threshold never goes below ``min_threshold``)."""
    truth = (Y & M).sum()
    rel_grid = RELATIVE_GRID if relative is None else (float(relative),)
    fill_grid = FILL_GRID if fill is None else (float(fill),)
    best = (-1.0, min_threshold, rel_grid[0], fill_grid[0])
    for rel in rel_grid:
        for fil in fill_grid:
            # exact cut points for the plain rule, a 0.001 grid for the others (speed)
            digits = 4 if rel == 0 and fil == 0 else 3
            cands = np.unique(np.round(score[M], digits))
            cands = cands[cands >= min_threshold]
            for t in cands if len(cands) else [min_threshold]:
                thr = np.where(fixed_col, fixed_val, t)
                pred = decide(score, thr, rel, fil) & M
                f1 = 2 * (pred & Y).sum() / max(pred.sum() + truth, 1)
                if f1 > best[0] + 1e-12:
                    best = (f1, float(t), rel, fil)
    _, t, rel, fil = best
    return np.where(fixed_col, fixed_val, t).astype(float), rel, fil
