"""The stacked coder's level-1 models: one linear model per code (and per theme) on the
features of :mod:`pipeline.stages.coding.coders.features`, fitted on some rows and scoring others."""
from __future__ import annotations

import os

import numpy as np

from pipeline.stages.coding.coders import features

#: Stored feature values x models below which fitting in one process is faster than a pool.
_PARALLEL_MIN_WORK = 2e7


def classifier(C: float, balanced: bool, seed: int):  # noqa: ANN201
    """The level-1 model: an L2 logistic regression."""
    from sklearn.linear_model import LogisticRegression

    # dual liblinear: same optimum as the primal, far faster with more features than rows
    return LogisticRegression(C=C, class_weight="balanced" if balanced else None, solver="liblinear", dual=True,
                              random_state=seed, max_iter=2000)


def _fit_one(model, X, y: np.ndarray, weights: np.ndarray):  # noqa: ANN001, ANN202
    return model.fit(X, y, sample_weight=weights)


def fit_all(make, X, Y: np.ndarray, weights: np.ndarray, n_jobs: int | None) -> list:  # noqa: ANN001
    """One fitted ``make()`` per column of ``Y``; in ``n_jobs`` processes when there are many
    rows x targets (liblinear's random state is global to a process, so not threads). The
    models do not depend on ``n_jobs``."""
    n_jobs = n_jobs if n_jobs is not None else min(4, os.cpu_count() or 1)
    if n_jobs == 1 or Y.shape[1] < 2 or X.nnz * Y.shape[1] < _PARALLEL_MIN_WORK:
        return [_fit_one(make(), X, Y[:, k], weights) for k in range(Y.shape[1])]
    from joblib import Parallel, delayed

    return Parallel(n_jobs=n_jobs, backend="loky")(
        delayed(_fit_one)(make(), X, Y[:, k], weights) for k in range(Y.shape[1]))


def level1(coder, data: dict, train: np.ndarray, test: np.ndarray, Y: np.ndarray,  # noqa: ANN001
           weights: np.ndarray) -> tuple[np.ndarray, tuple, dict]:
    """Fit one model per column of ``Y`` on the ``train`` rows of a fitted-up stacked ``coder``:
    ``(decision values of the test rows x targets, vectorizers, {column: model})``. A column with
    one class only in ``train`` gets no model and +-10 as its decision value."""
    vecs = features.fit_vectorizers(data, train, coder.max_ngram, coder.context_, coder.char_max_df)
    X_tr = coder._matrix(vecs, data, train)
    X_te = coder._matrix(vecs, data, test) if len(test) else None
    out = np.full((len(test), Y.shape[1]), -10.0)
    fit_cols = []
    for k in range(Y.shape[1]):
        y = Y[train, k]
        if y.all() or not y.any():
            out[:, k] = 10.0 if y.all() else -10.0
        else:
            fit_cols.append(k)

    def make():  # noqa: ANN202
        return classifier(coder.C, coder.balanced, coder.seed)

    models = dict(zip(fit_cols, fit_all(make, X_tr, Y[train][:, fit_cols], weights[train], coder.n_jobs)))
    for k, model in models.items():
        if X_te is not None:
            out[:, k] = model.decision_function(X_te)
    return out, vecs, models
