"""Stage: agreement between coders, and evaluation of machine coders against human gold.

The unit of analysis is a respondent turn (``segments.speaker_role == "respondent"``). A coder
*coded* a unit when they coded its document fully (see :func:`pipeline.stages.coding.review.coverage`: rows with
a blank decision; machine coders cover every document). A code is *present* on a unit for a coder
when the coder has a row for it that is not ``decision == "reject"``.

:func:`agreement` returns one row per code, theme and overall figure:

``level`` (code, theme, overall), ``code`` (code or theme id, or ``(pooled)`` / ``(mean of codes)``),
``theme``, ``coders`` (joined by ', '), ``n_coders``, ``n_units`` (units all compared coders coded),
``n_positive`` (present marks summed over coders), ``n_positive_by_coder`` (``alice=3, bob=4``),
``percent_agreement`` (mean over coder pairs of the share of units on which both agree),
``cohen_kappa`` (mean over pairs), ``krippendorff_alpha`` (nominal, all coders at once), ``note``.

A code no coder used (or every coder used everywhere) has no variation: kappa and alpha are
undefined and given as NaN with a note, never as 1.0.

:func:`evaluate` compares machine codings with human gold, one row per code and theme plus
``micro`` and ``macro`` rows over codes and ``theme_micro`` / ``theme_macro`` rows (codes
``(theme micro)``, ``(theme macro)``) over themes: ``level, code, theme, n_units, support, n_predicted, tp,
fp, fn, precision, recall, f1, kappa, note``. Undefined ratios (0/0) are NaN; the macro mean is
over codes where the figure is defined (the note says how many). :func:`cross_validate` (k-fold by
document, never by segment) and :func:`holdout_evaluate` fit a coder and evaluate it.
"""
from __future__ import annotations

from itertools import combinations
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from pipeline.codebook import NO_CODE
from pipeline.stages.quality.units import (_doc_map, _present, _respondent_units, left_out, unit_predictions,
                                           unmarked_units)
from pipeline.errors import InputError, Problem
from pipeline.schemas import as_ids
from pipeline.settings import AgreementSettings  # noqa: F401  (re-exported)


# -- statistics on a coders x units matrix ----------------------------------------------------
def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two binary vectors; NaN when chance agreement is 1 (no variation)."""
    from sklearn.metrics import cohen_kappa_score

    if len(a) == 0:
        return float("nan")
    pe = a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean())
    if np.isclose(pe, 1.0):
        return float("nan")
    return float(cohen_kappa_score(a, b, labels=[0, 1]))


def nominal_alpha(data: Any) -> float:
    """Krippendorff's alpha (nominal) of a coders x units table (NaN = missing). NaN when fewer
    than two values occur (alpha is undefined without variation)."""
    import krippendorff

    arr = np.asarray(data, dtype=float)
    values = np.unique(arr[~np.isnan(arr)])
    pairable = (np.sum(~np.isnan(arr), axis=0) >= 2).sum() if arr.ndim == 2 else 0
    if len(values) < 2 or pairable == 0:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=arr, level_of_measurement="nominal"))


def _stats(matrix: np.ndarray) -> dict[str, Any]:
    """Percent agreement, mean pairwise kappa and alpha of a binary coders x units matrix."""
    n_units = matrix.shape[1]
    if n_units == 0:
        return {"percent_agreement": np.nan, "cohen_kappa": np.nan, "krippendorff_alpha": np.nan,
                "note": "no unit was coded by every compared coder"}
    pairs = list(combinations(range(matrix.shape[0]), 2))
    pa = float(np.mean([(matrix[i] == matrix[j]).mean() for i, j in pairs]))
    kappas = [_kappa(matrix[i], matrix[j]) for i, j in pairs]
    defined = [k for k in kappas if not np.isnan(k)]
    kappa = float(np.mean(defined)) if defined else float("nan")
    alpha = nominal_alpha(matrix)
    notes = []
    if matrix.sum() == 0:
        notes.append("no coder used it: kappa and alpha undefined")
    elif matrix.all():
        notes.append("every coder used it on every unit: kappa and alpha undefined")
    elif len(defined) < len(kappas):
        notes.append(f"kappa undefined for {len(kappas) - len(defined)} of {len(kappas)} pairs "
                     "(a coder with no variation against another); mean of the rest")
    return {"percent_agreement": pa, "cohen_kappa": kappa, "krippendorff_alpha": alpha,
            "note": "; ".join(notes)}


# -- building unit x item tables -------------------------------------------------------------
def _check_segments(codings: pd.DataFrame, segments: pd.DataFrame, what: str) -> None:
    unknown = sorted(set(codings["segment_id"]) - set(segments["segment_id"]))
    if unknown:
        raise InputError(Problem(what, f"{len(unknown)} segment id(s) are not among the segments, "
                                 f"e.g. {', '.join(unknown[:3])}.",
                                 "Use codings made on the same ingest run (segment ids '<doc_id>:<turn>')."))


def _indicator(present: pd.DataFrame, units: list[str], items: list[str], item_of) -> np.ndarray:
    """units x items 0/1 matrix: item present on the unit in any row of ``present``."""
    pos = {u: k for k, u in enumerate(units)}
    col = {it: k for k, it in enumerate(items)}
    out = np.zeros((len(units), len(items)), dtype=int)
    for seg, code in zip(present["segment_id"], present["code"]):
        item = item_of(code)
        if seg in pos and item in col:
            out[pos[seg], col[item]] = 1
    return out


def agreement(codings: pd.DataFrame, segments: pd.DataFrame, codebook, coders: Iterable[str] | None = None,
              level: str = "all") -> pd.DataFrame:
    """Agreement of two or more coders at the turn level, per code, per theme and overall
    (``level`` one of code, theme, overall, all). Units are the respondent turns of documents that
    every compared coder coded; see the module docstring for the columns."""
    from pipeline.stages.coding.review import coverage

    if level not in ("code", "theme", "overall", "all"):
        raise InputError(Problem("agreement[level]", f"unknown level '{level}'.",
                                 "Use code, theme, overall or all."))
    codings, segments = as_ids(codings), as_ids(segments)
    _check_segments(codings, segments, "codings")
    found = sorted(codings["coder"].unique())
    coders = list(coders) if coders is not None else found
    missing = [c for c in coders if c not in found]
    if missing or len(coders) < 2:
        raise InputError(Problem("agreement[coders]",
                                 f"need two or more coders with codings; got {coders} (found: {found}).",
                                 "Name coders that appear in the human codings files."))
    cov = coverage(codings, segments)
    docs = set.intersection(*(set(cov.loc[cov["coder"] == c, "doc_id"]) for c in coders))
    units = _respondent_units(segments, docs)
    present = _present(codings)
    codes = list(codebook.code_ids)
    themes = list(codebook.theme_ids)
    by_code = {c: _indicator(present[present["coder"] == c], units, codes, lambda x: x) for c in coders}
    theme_of = {code: codebook.theme_of(code) for code in codes}
    by_theme = {c: _indicator(present[present["coder"] == c], units, themes, theme_of.get) for c in coders}
    base = {"coders": ", ".join(coders), "n_coders": len(coders), "n_units": len(units)}
    rows = []

    def row(lvl: str, item: str, theme: str, matrix: np.ndarray, extra_note: str = "") -> dict:
        stats = _stats(matrix)
        note = "; ".join(n for n in (stats.pop("note"), extra_note) if n)
        return {"level": lvl, "code": item, "theme": theme, **base, "n_positive": int(matrix.sum()),
                "n_positive_by_coder": ", ".join(f"{c}={int(m.sum())}" for c, m in zip(coders, matrix)),
                **stats, "note": note}

    code_rows = [row("code", code, codebook.theme_of(code),
                     np.vstack([by_code[c][:, k] for c in coders])) for k, code in enumerate(codes)]
    if level in ("code", "all"):
        rows += code_rows
    if level in ("theme", "all"):
        rows += [row("theme", t, t, np.vstack([by_theme[c][:, k] for c in coders])) for k, t in enumerate(themes)]
    if level in ("overall", "all"):
        pooled = np.vstack([by_code[c].T.reshape(-1) for c in coders])
        rows.append(row("overall", "(pooled)", "", pooled,
                        f"pooled over {len(codes)} codes ({pooled.shape[1]} unit-code decisions)"))
        mean = {"level": "overall", "code": "(mean of codes)", "theme": "", **base,
                "n_positive": int(sum(r["n_positive"] for r in code_rows)),
                "n_positive_by_coder": ", ".join(f"{c}={int(by_code[c].sum())}" for c in coders)}
        for stat in ("percent_agreement", "cohen_kappa", "krippendorff_alpha"):
            vals = [r[stat] for r in code_rows if not np.isnan(r[stat])]
            mean[stat] = float(np.mean(vals)) if vals else float("nan")
        n_def = sum(not np.isnan(r["cohen_kappa"]) for r in code_rows)
        mean["note"] = f"kappa and alpha averaged over the {n_def} of {len(codes)} codes where defined"
        rows.append(mean)
    return pd.DataFrame(rows)


# -- evaluation ------------------------------------------------------------------------------
def _gold_docs(gold: pd.DataFrame, segments: pd.DataFrame) -> set:
    from pipeline.stages.coding.review import coverage

    return set(coverage(gold, segments)["doc_id"])


def _metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    tp = int(((y_true == 1) & (y_pred == 1)).sum())
    fp = int(((y_true == 0) & (y_pred == 1)).sum())
    fn = int(((y_true == 1) & (y_pred == 0)).sum())
    nan = float("nan")
    notes = []
    if tp + fp == 0:
        notes.append("never predicted: precision undefined")
    if tp + fn == 0:
        notes.append("absent from gold: recall undefined")
    kappa = _kappa(y_true.astype(int), y_pred.astype(int))
    if np.isnan(kappa) and len(y_true):
        notes.append("no variation: kappa undefined")
    return {"support": tp + fn, "n_predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else nan,
            "recall": tp / (tp + fn) if tp + fn else nan,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan,
            "kappa": kappa, "note": "; ".join(notes)}


def evaluate(predicted: pd.DataFrame, gold: pd.DataFrame, codebook, segments: pd.DataFrame,
             gold_coders: Iterable[str] | None = None) -> pd.DataFrame:
    """Precision, recall, F1, kappa and support of ``predicted`` codings against human ``gold``
    per code and theme, with micro (pooled counts) and macro (mean over codes) rows. Units are the
    respondent turns of documents the gold coders coded fully; where several gold coders coded a
    document, a code is gold-present if any of them marked it."""
    predicted, gold, segments = as_ids(predicted), as_ids(gold), as_ids(segments)
    _check_segments(predicted, segments, "predicted codings")
    _check_segments(gold, segments, "gold codings")
    if gold_coders is not None:
        gold = gold[gold["coder"].isin(list(gold_coders))]
    docs = _gold_docs(gold, segments)
    if not docs:
        raise InputError(Problem("gold codings", "no document is fully coded by the gold coders.",
                                 "Give human codings files in which coders coded whole documents."))
    units = _respondent_units(segments, docs)
    problems = left_out(segments, docs) + unmarked_units(gold, segments, units)
    codes, themes = list(codebook.code_ids), list(codebook.theme_ids)
    theme_of = {code: codebook.theme_of(code) for code in codes}.get
    truth, pred = _indicator(_present(gold), units, codes, lambda x: x), _indicator(_present(predicted), units, codes, lambda x: x)
    rows = [{"level": "code", "code": c, "theme": codebook.theme_of(c), "n_units": len(units),
             **_metrics(truth[:, k], pred[:, k])} for k, c in enumerate(codes)]
    rows += _summary(rows, truth, pred, len(units), "", "codes", "")
    t_truth = _indicator(_present(gold), units, themes, theme_of)
    t_pred = _indicator(_present(predicted), units, themes, theme_of)
    theme_rows = [{"level": "theme", "code": t, "theme": t, "n_units": len(units),
                   **_metrics(t_truth[:, k], t_pred[:, k])} for k, t in enumerate(themes)]
    rows += theme_rows
    rows += _summary(theme_rows, t_truth, t_pred, len(units), "theme_", "themes",
                     " (a theme is present where any of its codes is)")
    cols = ["level", "code", "theme", "n_units", "support", "n_predicted", "tp", "fp", "fn",
            "precision", "recall", "f1", "kappa", "note"]
    result = pd.DataFrame(rows)[cols]
    result.attrs["problems"] = problems
    result.attrs["units"] = units
    return result


def _summary(item_rows: list[dict], truth: np.ndarray, pred: np.ndarray, n_units: int, prefix: str,
             noun: str, pooled_note: str) -> list[dict]:
    """The micro row (pooled over items) and the macro row (mean over items where a figure is
    defined) for code-level (``prefix`` "") or theme-level (``prefix`` "theme_") rows."""
    label = prefix.replace("_", " ")
    micro = {"level": f"{prefix}micro", "code": f"({label}micro)", "theme": "", "n_units": n_units,
             **_metrics(truth.reshape(-1), pred.reshape(-1))}
    micro["note"] = f"pooled over {len(item_rows)} {noun}{pooled_note}"
    macro: dict[str, Any] = {"level": f"{prefix}macro", "code": f"({label}macro)", "theme": "", "n_units": n_units}
    for key in ("support", "n_predicted", "tp", "fp", "fn"):
        macro[key] = int(sum(r[key] for r in item_rows))
    counts = []
    for stat in ("precision", "recall", "f1", "kappa"):
        vals = [r[stat] for r in item_rows if not np.isnan(r[stat])]
        macro[stat] = float(np.mean(vals)) if vals else float("nan")
        counts.append(f"{stat} {len(vals)}")
    macro["note"] = f"mean over {noun} where defined ({', '.join(counts)} of {len(item_rows)})"
    return [micro, macro]


def _fit_predict(coder_factory: Callable[[], Any], segments: pd.DataFrame, gold: pd.DataFrame,
                 train_docs: set, test_docs: set) -> pd.DataFrame:
    doc_of = _doc_map(segments)
    train_segs = segments[segments["doc_id"].isin(train_docs)].reset_index(drop=True)
    test_segs = segments[segments["doc_id"].isin(test_docs)].reset_index(drop=True)
    train_gold = gold[np.array([doc_of.get(s) in train_docs for s in gold["segment_id"]], dtype=bool)]
    train_gold = train_gold[train_gold["code"] != NO_CODE].reset_index(drop=True)
    coder = coder_factory()
    coder.fit(train_segs, train_gold)
    pred = coder.predict(test_segs)
    stray = sorted(set(pred["segment_id"]) - set(test_segs["segment_id"]))
    if stray:
        raise InputError(Problem("coder.predict", f"returned codings for {len(stray)} segment(s) it was not "
                                 f"given, e.g. {stray[:3]}.", "predict() must code only the segments passed to it."))
    return pred


def cross_validate(coder_factory: Callable[[], Any], segments: pd.DataFrame, gold: pd.DataFrame, codebook,
                   n_splits: int = 5, seed: int = 0) -> pd.DataFrame:
    """k-fold cross-validation by document (``GroupKFold`` with shuffled groups, seeded): for each
    fold a fresh ``coder_factory()`` is fit on the other documents and predicts the fold's; the
    pooled predictions are evaluated with :func:`evaluate`. Folds are kept in ``attrs["folds"]``
    (test documents per fold)."""
    from sklearn.model_selection import GroupKFold

    segments, gold = as_ids(segments), as_ids(gold)
    docs = sorted(_gold_docs(gold, segments))
    if len(docs) < 2:
        raise InputError(Problem("gold codings", f"cross-validation needs two or more fully coded documents; "
                                 f"found {len(docs)}.", "Code more documents, or name a held-out set."))
    k = min(n_splits, len(docs))
    units = segments[segments["doc_id"].isin(docs)].sort_values(["doc_id", "turn"])
    splitter = GroupKFold(n_splits=k, shuffle=True, random_state=seed)
    preds, folds = [], []
    fold_of: dict[str, Any] = {}
    for number, (_, test_idx) in enumerate(splitter.split(units, groups=units["doc_id"].to_numpy()), start=1):
        test_docs = set(units["doc_id"].iloc[test_idx])
        folds.append(sorted(test_docs))
        fold_of.update({d: number for d in test_docs})
        preds.append(_fit_predict(coder_factory, segments, gold, set(docs) - test_docs, test_docs))
    pooled = pd.concat(preds, ignore_index=True) if preds else pd.DataFrame(columns=["segment_id", "code"])
    result = evaluate(pooled, gold, codebook, segments)
    result.attrs["predictions"] = unit_predictions(pooled, gold, segments, result.attrs["units"], fold_of)
    result.attrs["folds"] = folds
    result.attrs["n_splits"] = k
    return result


def holdout_evaluate(coder_factory: Callable[[], Any], segments: pd.DataFrame, gold: pd.DataFrame, codebook,
                     train_docs: Iterable[str], test_docs: Iterable[str]) -> pd.DataFrame:
    """Fit on ``train_docs``, predict ``test_docs`` and evaluate on them only."""
    segments, gold = as_ids(segments), as_ids(gold)
    train, test = set(train_docs), set(test_docs)
    coded = _gold_docs(gold, segments)
    problems = []
    if train & test:
        problems.append(Problem("agreement[test_docs]", f"documents both in training and test: "
                                f"{', '.join(sorted(train & test))}.", "Put each document in one set only."))
    for name, docs in (("train_docs", train), ("test_docs", test)):
        lacking = sorted(docs - coded)
        if lacking:
            problems.append(Problem(f"agreement[{name}]", f"not fully coded by a human: {', '.join(lacking)}.",
                                    "Name documents that appear in the human codings files."))
        if not docs:
            problems.append(Problem(f"agreement[{name}]", "no documents given.", "Name at least one."))
    if problems:
        raise InputError(problems)
    pred = _fit_predict(coder_factory, segments, gold, train, test)
    doc_of = _doc_map(segments)
    test_gold = gold[np.array([doc_of.get(s) in test for s in gold["segment_id"]], dtype=bool)]
    test_segments = segments[segments["doc_id"].isin(test)]
    result = evaluate(pred, test_gold, codebook, test_segments)
    result.attrs["predictions"] = unit_predictions(pred, test_gold, test_segments, result.attrs["units"],
                                                   {d: "heldout" for d in test})
    return result
