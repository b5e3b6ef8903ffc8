"""Helpers shared by the coders: versions, input checks, the long codings table."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from pipeline.codebook import Codebook
from pipeline.errors import InputError, Problem
from pipeline.schemas import as_ids, format_terms, join_evidence

#: Version of the coders; recorded in every coding row as ``<coder>@<version>``.
CODER_VERSION = "0.1.0"

#: Columns of the long codings table (see :mod:`pipeline.stages.coding.code`).
CODING_COLUMNS = ["segment_id", "code", "theme", "source", "score", "evidence", "coder",
                  "codebook_version"]


def codebook_version(codebook: Codebook) -> str:
    """``name@version#hash``: the hash (8 hex digits) covers the codebook's whole content, so an
    edited cue list changes the version string even when the author forgot to bump ``version``."""
    content = json.dumps(codebook.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:8]
    return f"{codebook.name}@{codebook.version}#{digest}"


def check_segments(segments: pd.DataFrame, needed: tuple[str, ...] = ("segment_id", "text"),
                   where: str = "segments") -> pd.DataFrame:
    """``segments`` with its id columns as text (:func:`pipeline.schemas.as_ids`: the one cast of a
    table a coder is given; every id behind it is text); raise :class:`InputError` when it misses a
    column or repeats a segment id."""
    if not isinstance(segments, pd.DataFrame):
        raise InputError(Problem(where, f"expected a pandas DataFrame, got {type(segments).__name__}.",
                                 "Pass the segments table from the ingest stage."))
    missing = [c for c in needed if c not in segments.columns]
    if missing:
        raise InputError(Problem(where, f"missing column(s) {', '.join(missing)}.",
                                 "Pass the segments table from the ingest stage (one row per "
                                 "speaker turn with segment_id, doc_id, text, ...)."))
    segments = as_ids(segments)
    dup = segments["segment_id"][segments["segment_id"].duplicated()]
    if len(dup):
        raise InputError(Problem(f"{where}[segment_id]",
                                 f"segment id {dup.iloc[0]!r} occurs more than once.",
                                 "Segment ids must be unique ('{doc_id}:{turn}')."))
    return segments


def long_codings(proba: pd.DataFrame, decide: np.ndarray, sources: list[str], coders: list[str],
                 evidence: dict[tuple[str, str], str], codebook: Codebook) -> pd.DataFrame:
    """The long codings table for the cells of ``proba`` where ``decide`` is True.

    ``sources``/``coders`` give, per column (code), the source and coder name of its rows.
    """
    rows, cols = np.nonzero(decide)
    codes = list(proba.columns)
    themes = {c: codebook.theme_of(c) for c in codes}
    version = codebook_version(codebook)
    seg_ids = proba.index.to_numpy()
    values = proba.to_numpy()
    out = pd.DataFrame({
        "segment_id": pd.array([seg_ids[r] for r in rows], dtype="string"),
        "code": pd.array([codes[c] for c in cols], dtype="string"),
        "theme": pd.array([themes[codes[c]] for c in cols], dtype="string"),
        "source": pd.array([sources[c] for c in cols], dtype="string"),
        "score": np.round(values[rows, cols].astype(float), 6),
        "evidence": pd.array([evidence.get((seg_ids[r], codes[c]), "") for r, c in zip(rows, cols)],
                             dtype="string"),
        "coder": pd.array([coders[c] for c in cols], dtype="string"),
        "codebook_version": pd.array([version] * len(rows), dtype="string"),
    })
    return out[CODING_COLUMNS]


def best_threshold(y: np.ndarray, score: np.ndarray, default: float = 0.5,
                   floor: float = 0.0) -> tuple[float, float, float, float]:
    """The threshold (>= ``floor``) on ``score`` that maximises F1 for labels ``y``.

    Returns ``(threshold, f1, precision, recall)``; the threshold is the midpoint between the
    chosen score and the next lower distinct score, so it generalises a little better than the
    score itself. With no positives the ``default`` is returned with zero metrics; when no
    cut lies at or above ``floor``, the floor itself.
    """
    y = np.asarray(y, dtype=bool)
    score = np.asarray(score, dtype=float)
    n_pos = int(y.sum())
    if n_pos == 0 or len(y) == 0:
        return default, 0.0, 0.0, 0.0
    order = np.argsort(-score, kind="mergesort")
    s, t = score[order], y[order]
    tp = np.cumsum(t)
    fp = np.cumsum(~t)
    # only cut where the score changes (ties go together)
    last = np.r_[s[1:] != s[:-1], True]
    tp, fp, cut = tp[last], fp[last], np.nonzero(last)[0]
    precision = tp / (tp + fp)
    recall = tp / n_pos
    f1 = np.where(tp > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)
    lower = np.r_[s[cut[:-1] + 1], max(s[cut[-1]] - 1e-3, 0.0)]
    thresholds = (s[cut] + lower) / 2
    allowed = thresholds >= floor
    if not allowed.any():
        pred = score >= floor
        tp_ = int((pred & y).sum())
        p = tp_ / pred.sum() if pred.any() else 0.0
        r = tp_ / n_pos
        return float(floor), (2 * p * r / (p + r) if p + r else 0.0), float(p), float(r)
    best = int(np.argmax(np.where(allowed, f1, -1.0)))
    return float(thresholds[best]), float(f1[best]), float(precision[best]), float(recall[best])


def add_context(segments: pd.DataFrame) -> pd.DataFrame:
    """``segments`` with a ``context`` column: the text of the closest preceding interviewer
    (or moderator) turn of the same document, by ``turn`` ("" when there is none, or when the
    table has no ``speaker_role``, ``doc_id`` or ``turn``), and a ``position`` column: the turn's
    place in its document, 0 (first turn) to 1 (last), over the turns in the table (NaN without
    ``doc_id``/``turn``). Columns already present are kept as given. Respondent turns of a focus
    group after one question share its text; turns of other documents never leak in."""
    out = as_ids(segments).copy()  # ids as text (a table passed in); none is cast below
    if "position" not in out.columns:
        position = np.full(len(out), np.nan)
        if len(out) and {"doc_id", "turn"} <= set(out.columns):
            turn = pd.to_numeric(out["turn"], errors="coerce")
            grouped = turn.groupby(out["doc_id"])
            low, high = grouped.transform("min"), grouped.transform("max")
            position = ((turn - low) / (high - low).where(high > low, 1.0)).to_numpy(dtype=float)
        out["position"] = position
    if "context" in out.columns:
        return out
    context = np.array([""] * len(out), dtype=object)
    if len(out) and {"speaker_role", "doc_id", "turn"} <= set(out.columns):
        order = np.lexsort((pd.to_numeric(out["turn"], errors="coerce").fillna(-1).to_numpy(),
                            out["doc_id"].to_numpy()))
        docs = out["doc_id"].to_numpy()
        roles = out["speaker_role"].astype("object").fillna("").astype(str).str.lower().to_numpy()
        texts = out["text"].astype("object").fillna("").astype(str).to_numpy()
        last_doc, last_question = None, ""
        for i in order:
            if docs[i] != last_doc:
                last_doc, last_question = docs[i], ""
            if roles[i] == "interviewer":
                last_question = texts[i]
            else:
                context[i] = last_question
    out["context"] = pd.array(context, dtype="string")
    return out


def add_model_terms(evidence: dict, proba: pd.DataFrame, decide: np.ndarray, models: dict, X, names,
                    n_text: int, codes: list[str], languages, n_terms: int) -> dict:
    """Evidence for model codings: to each applied (segment, code) the words that pushed the
    model's score up most (``"terms: a, b"``), after any cue evidence already there. ``X`` is the
    feature matrix of the scored rows, its first ``n_text`` columns the words ``names``."""
    from pipeline.text.nlp import stop_words

    evidence = dict(evidence)
    seg_ids = proba.index.to_numpy()
    stop = frozenset().union(*(stop_words(lang) for lang in languages))
    for k, model in models.items():
        coef = model.coef_.ravel()
        for r in np.nonzero(decide[:, k])[0]:
            row = X.getrow(r)
            text_part = row.indices < n_text  # words, not cue scores
            idx = row.indices[text_part]
            contrib = row.data[text_part] * coef[idx]
            order = np.argsort(-contrib, kind="mergesort")
            terms = [str(names[idx[i]]) for i in order if contrib[i] > 0]
            terms = [t for t in terms if not set(t.split()) <= stop][:n_terms]
            key = (seg_ids[r], codes[k])
            parts = [evidence[key]] if key in evidence else []
            if terms:
                parts.append(format_terms(terms))
            evidence[key] = join_evidence(parts)
    return evidence


def platt(dec: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Platt scaling ``(a, b)`` with ``P(y=1) = sigmoid(a * dec + b)``, by Newton's method (a tiny
    ridge keeps it finite on separable scores; the fit of an almost unpenalised logistic
    regression, about a hundred times faster)."""
    y = np.asarray(y, dtype=float)
    if y.all() or not y.any():
        return np.array([0.0, 10.0 if y.all() else -10.0])
    X = np.column_stack([np.asarray(dec, dtype=float), np.ones(len(y))])
    w = np.zeros(2)
    ridge = 1e-4 * np.eye(2)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        grad = X.T @ (p - y) + ridge @ w
        hess = (X * (p * (1 - p))[:, None]).T @ X + ridge
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def sigmoid(dec: np.ndarray, ab: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(ab[0] * np.asarray(dec, dtype=float) + ab[1])))
