"""The stacked coder's level-1 models: one linear model per code (and per theme) on the features
of :mod:`pipeline.stages.coding.coders.features`, fitted on some rows and scoring others.

Each model is a weighted ridge regression on +-1 targets (a least-squares classifier; the
out-of-fold scores are Platt-calibrated afterwards): minimise
``sum_i w_i (t_i - x_i b - c)^2 + lam (|b|^2 + c^2)`` with ``lam = 1 / C``. All targets share the
rows and their weights, so with up to :data:`KERNEL_MAX_ROWS` training rows they are solved
together in the dual, from one Cholesky factorisation of ``X X' + 1 + lam W^-1``; above that,
in the primal by conjugate gradients (sklearn's ``Ridge(solver="sparse_cg")``), whose cost
grows with the rows, not their square. Cross-validation by document on the sample study's 28
training documents (5 folds, 3 seeds) and on FastingLLMPub gave the ridge models at least the
logistic regressions' figures (code micro F1 0.621 vs 0.605; mean kappa 0.269 vs 0.257) at a
sixth of the fitting time; see ``benchmarks/bench_coding.py``. BLAS runs on one thread here: on
a shared 2-core machine two spinning threads made a factorisation twenty times slower, and one
thread keeps the figures independent of the machine's thread count.

:func:`cross_fit` makes the out-of-fold scores of a training and its final models together: the
features of all training rows are made once (one vocabulary and idf for the training, the test
rows of a fold included: no labels are read), so ``X X'`` is computed once and each fold is
solved on its slice of it. The kernel had been computed again in every fold and was most of the
training time (18 of 27 s of level-1 work in a profile of FastingLLMPub's 5-fold evaluation).
Measured against one vocabulary per fold: FastingLLMPub 5-fold CPU 28.9 -> 15.8 s, mean kappa
0.282 -> 0.281 (mean of coder seeds 42, 1, 2); the sample study's 28 training documents (5 folds
x 3 seeds) CPU 39 -> 20 s, code micro F1 0.623 -> 0.616, theme 0.761 -> 0.766; but on the
sample's 6 held-out transcripts theme / code micro F1 0.821 / 0.686 -> 0.805 / 0.678. So it is
an option (``coding.shared_vocabulary``, and with ``coding.regularisation_grid``, which needs
the shared kernel); by default each fold keeps its own vocabulary (:func:`level1` per split).
"""
from __future__ import annotations

import numpy as np

from pipeline.stages.coding.coders import features

#: Training rows up to which the ridge models are solved in the dual (a dense rows x rows kernel).
KERNEL_MAX_ROWS = 5000


class Linear:
    """A fitted linear scorer: ``decision_function(X) = X coef_ + intercept_`` (one target)."""

    def __init__(self, coef: np.ndarray, intercept: float):
        self.coef_ = np.asarray(coef, dtype=np.float64).reshape(1, -1)
        self.intercept_ = np.array([float(intercept)])

    def decision_function(self, X) -> np.ndarray:  # noqa: ANN001
        return np.asarray(X @ self.coef_[0]).ravel() + self.intercept_[0]


def _solve(K: np.ndarray, T: np.ndarray, w: np.ndarray, lam: float) -> np.ndarray:
    """Dual coefficients (rows x targets) of the ridge models on the kernel ``K`` (which holds the
    constant feature 1 for the intercept); one factorisation when all weight columns are equal."""
    import scipy.linalg as sl

    A = np.empty_like(T)
    if (w == w[:, :1]).all():
        A[:] = sl.cho_solve(sl.cho_factor(K + np.diag(lam / w[:, 0]), lower=True), T)
    else:
        for k in range(T.shape[1]):
            A[:, k] = sl.cho_solve(sl.cho_factor(K + np.diag(lam / w[:, k]), lower=True), T[:, k])
    return A


def _dual(X, T: np.ndarray, w: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Weights (features x targets) and intercepts of the ridge models, solved in the dual; ``w``
    is rows x targets (one factorisation when all columns are equal)."""
    A = _solve(kernel(X), T, w, lam)
    return np.asarray(X.T @ A), A.sum(axis=0)


#: with at least this many columns that most rows fill (sentence embeddings: 512), :func:`kernel`
#: multiplies those columns as a dense block; fewer (the features without embeddings) stay sparse
DENSE_BLOCK_MIN = 256


def kernel(X) -> np.ndarray:  # noqa: ANN001
    """``X X' + 1`` as a dense array (the constant feature 1 carries the intercept).

    A sparse product of columns that most rows fill (the 512 of sentence embeddings) costs far more
    than the same product in BLAS: with :data:`DENSE_BLOCK_MIN` or more such columns they are
    multiplied as a dense block and the rest as sparse (the code stage of the sample with embeddings,
    vectors cached: 20.9 -> 14.6 CPU s). Without such columns the product is the plain sparse one.
    """
    from scipy import sparse

    X = sparse.csr_matrix(X)
    filled = np.bincount(X.indices, minlength=X.shape[1]) > 0.5 * X.shape[0]
    if X.shape[0] < 2 or int(filled.sum()) < DENSE_BLOCK_MIN:
        return (X @ X.T).toarray() + 1.0
    dense = X[:, np.nonzero(filled)[0]].toarray()
    rest = X[:, np.nonzero(~filled)[0]]
    return (rest @ rest.T).toarray() + dense @ dense.T + 1.0


def _primal(X, T: np.ndarray, w: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """The same models solved in the primal by conjugate gradients (for many rows)."""
    from scipy import sparse
    from sklearn.linear_model import Ridge

    Xc = sparse.hstack([X, np.ones((X.shape[0], 1))], format="csr")
    coef = np.empty((X.shape[1] + 1, T.shape[1]))
    for k in range(T.shape[1]):
        model = Ridge(alpha=lam, fit_intercept=False, solver="sparse_cg", tol=1e-6)
        coef[:, k] = model.fit(Xc, T[:, k], sample_weight=w[:, k]).coef_
    return coef[:-1], coef[-1]


def _targets(Y: np.ndarray, weights: np.ndarray, balanced) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """+-1 targets and the rows x targets weights (each class of a column weighing as much as the
    other with ``balanced``: a bool for all columns, or one per column)."""
    T = np.where(Y, 1.0, -1.0)
    w = np.repeat(np.asarray(weights, dtype=float)[:, None], Y.shape[1], axis=1)
    cols = np.broadcast_to(np.asarray(balanced, dtype=bool), (Y.shape[1],))
    if cols.any():
        n_pos = Y.sum(axis=0)
        scale = np.where(Y, len(Y) / (2.0 * np.maximum(n_pos, 1)), len(Y) / (2.0 * np.maximum(len(Y) - n_pos, 1)))
        w = np.where(cols[None, :], w * scale, w)
    return T, w


def balanced_columns(coder, n_targets: int) -> np.ndarray:  # noqa: ANN001
    """Which targets (codes, then themes) get balanced class weights: all with ``balanced`` true,
    the codes only with ``"codes"``, none with false."""
    if coder.balanced == "codes":
        return np.arange(n_targets) < len(coder.codes_)
    return np.full(n_targets, bool(coder.balanced))


def ridge(X, Y: np.ndarray, weights: np.ndarray, C: float, balanced: bool = False,  # noqa: ANN001
          kernel_max_rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(coef, intercept)`` of one weighted ridge regression per column of ``Y`` (bool, each with
    both classes) on ``X``; with ``balanced`` each class of a column weighs as much as the other."""
    from threadpoolctl import threadpool_limits

    T, w = _targets(Y, weights, balanced)
    limit = KERNEL_MAX_ROWS if kernel_max_rows is None else kernel_max_rows
    with threadpool_limits(1):
        return (_dual if X.shape[0] <= limit else _primal)(X, T, w, 1.0 / float(C))


def level1(coder, data: dict, train: np.ndarray, test: np.ndarray, Y: np.ndarray,  # noqa: ANN001
           weights: np.ndarray) -> tuple[np.ndarray, tuple, dict]:
    """Fit one model per column of ``Y`` on the ``train`` rows of a set-up stacked ``coder``:
    ``(decision values of the test rows x targets, vectorizers, {column: Linear})``. A column with
    one class only in ``train`` gets no model and +-10 as its decision value."""
    vecs = features.fit_vectorizers(data, train, coder.char_max_df)
    X_tr = coder._matrix(vecs, data, train)
    y = Y[train]
    const = y.all(axis=0) | ~y.any(axis=0)
    out = np.tile(np.where(y.all(axis=0), 10.0, -10.0), (len(test), 1))
    fit_cols = np.nonzero(~const)[0]
    models: dict[int, Linear] = {}
    if len(fit_cols):
        coef, intercept = ridge(X_tr, y[:, fit_cols], weights[train], coder.C,
                                balanced_columns(coder, Y.shape[1])[fit_cols])
        models = {int(k): Linear(coef[:, j], intercept[j]) for j, k in enumerate(fit_cols)}
        if len(test):
            out[:, fit_cols] = np.asarray(coder._matrix(vecs, data, test) @ coef) + intercept
    return out, vecs, models


def _oof(K: np.ndarray, at: np.ndarray, splits: list, Y: np.ndarray, weights: np.ndarray, lam: float,
         balanced: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out`` with each split's test rows filled with their out-of-fold decision values at ``lam``."""
    for tr, te in splits:
        i, j = at[tr], at[te]
        y = Y[tr]
        fit_cols = np.nonzero(y.any(axis=0) & ~y.all(axis=0))[0]
        out[te] = np.where(y.all(axis=0), 10.0, -10.0)[None, :]
        if len(fit_cols) and len(te):
            T, w = _targets(y[:, fit_cols], weights[tr], balanced[fit_cols])
            out[np.ix_(te, fit_cols)] = K[np.ix_(j, i)] @ _solve(K[np.ix_(i, i)], T, w, lam)
    return out


def log_loss(dec: np.ndarray, y: np.ndarray) -> float:
    """Mean log-loss of Platt-calibrated decision values ``dec`` for the labels ``y``."""
    from pipeline.stages.coding.coders._common import platt, sigmoid

    p = np.clip(sigmoid(dec, platt(dec, y)), 1e-9, 1 - 1e-9)
    return float(-np.mean(np.where(y, np.log(p), np.log(1 - p))))


def choose_lambda(outs: list[np.ndarray], tested: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per target (column), the index into ``outs`` (out-of-fold decision values, one per penalty)
    whose Platt-calibrated log-loss on the ``tested`` rows is lowest (the first on a tie)."""
    losses = np.array([[log_loss(o[tested, k], Y[tested, k]) for k in range(Y.shape[1])] for o in outs])
    return np.argmin(losses, axis=0)


def cross_fit(coder, data: dict, rows: np.ndarray, splits: list[tuple[np.ndarray, np.ndarray]],  # noqa: ANN001
              Y: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, tuple, dict]:
    """Out-of-fold decision values and the final models of a set-up stacked ``coder`` in one go:
    ``(decision values of each split's test rows, in data rows x targets, vectorizers, {column: Linear})``.

    ``rows`` are all training rows (the final models learn from them); each split is
    ``(train rows, test rows)`` among them. With ``coder.shared_vocabulary`` false (and one C)
    each split is fitted on its own by :func:`level1`, with its own vocabulary and idf (a
    kernel per split). Otherwise the features of every row are made once, by the
    vectorizers of all ``rows`` (an n-gram counts when enough training rows have it, test rows of a
    split included: no labels are read), so the kernel ``X X'`` is computed once and each split's
    models are solved on its slice (one Cholesky per split); above :data:`KERNEL_MAX_ROWS` rows
    each split is fitted on its own by :func:`level1`. Rows of no test set keep -10.

    With ``coder.C_grid`` (several values of C) each target takes the C whose out-of-fold scores
    have the lowest Platt-calibrated log-loss (:func:`choose_lambda`); the kernel is shared (so
    the vocabulary is), and a value costs one Cholesky per split. ``coder.C_`` holds the chosen C per target.
    """
    from threadpoolctl import threadpool_limits

    out = np.full((len(data["lemmas"]), Y.shape[1]), -10.0)
    grid = [float(c) for c in (getattr(coder, "C_grid", None) or (coder.C,))]
    coder.C_ = np.full(Y.shape[1], grid[0])
    if len(rows) > KERNEL_MAX_ROWS or not (getattr(coder, "shared_vocabulary", True) or len(grid) > 1):
        for tr, te in splits:
            out[te] = level1(coder, data, tr, te, Y, weights)[0]
        _, vecs, models = level1(coder, data, rows, rows[:0], Y, weights)
        return out, vecs, models
    vecs = features.fit_vectorizers(data, rows, coder.char_max_df)
    X = coder._matrix(vecs, data, rows)
    at = np.full(len(data["lemmas"]), -1)
    at[rows] = np.arange(len(rows))
    with threadpool_limits(1):
        K = kernel(X)
        balanced = balanced_columns(coder, Y.shape[1])
        outs = [_oof(K, at, splits, Y, weights, 1.0 / c, balanced, out.copy()) for c in grid]
        pick = np.zeros(Y.shape[1], dtype=int)
        tested = np.unique(np.concatenate([te for _, te in splits])) if splits else np.zeros(0, dtype=int)
        if len(grid) > 1 and len(tested):
            pick = choose_lambda(outs, tested, Y)
        out = np.choose(pick[None, :], outs) if len(grid) > 1 else outs[0]
        coder.C_ = np.array(grid)[pick]
        models = _final(X, K, grid, pick, Y[rows], weights[rows], balanced)
    return out, vecs, models


def _final(X, K: np.ndarray, grid: list[float], pick: np.ndarray, y: np.ndarray, weights: np.ndarray,  # noqa: ANN001
           balanced: np.ndarray) -> dict:
    """The final model of each target on all training rows, with its chosen C (``grid[pick[k]]``)."""
    fit_cols = np.nonzero(y.any(axis=0) & ~y.all(axis=0))[0]
    if not len(fit_cols):
        return {}
    T, w = _targets(y[:, fit_cols], weights, balanced[fit_cols])
    A = np.empty_like(T)
    for g in np.unique(pick[fit_cols]):
        cols = np.nonzero(pick[fit_cols] == g)[0]
        A[:, cols] = _solve(K, T[:, cols], w[:, cols], 1.0 / grid[g])
    coef, intercept = np.asarray(X.T @ A), A.sum(axis=0)
    return {int(k): Linear(coef[:, c], intercept[c]) for c, k in enumerate(fit_cols)}
