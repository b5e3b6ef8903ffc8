"""Per-code choice of how a code is decided, by out-of-fold F1 on the training segments.

A learned coder's shared decision rule (one threshold for all codes, chosen for micro F1) serves
the frequent codes and can leave a rare code never predicted; and for some codes the codebook's
cues beat any model. :func:`choose_modes` looks at each code on its own, with the out-of-fold
scores of the training segments (documents never score themselves), and keeps:

- ``shared``: the coder's shared decision rule, unless another option is clearly better;
- ``own``: the code's own threshold on the same scores, chosen for the code's F1, never below
  ``floor`` (needs ``min_positives`` positives: a threshold fitted to three cases is noise);
- ``rule``: the rule coder's decision (its cues), when its F1 on the same segments is higher.

An option replaces ``shared`` only when its F1 is higher by more than ``margin`` (a choice on the
scores it is judged on favours the tuned options; the margin keeps near-ties with the default)
and reaches ``min_f1`` (cues that find 2 of 7 cases among 280 false alarms are not worth it).
The reason for each choice is returned for ``code_status.csv``.
"""
from __future__ import annotations

import numpy as np

MODES = ("shared", "own", "rule")


def f1_score(pred: np.ndarray, y: np.ndarray) -> float:
    """F1 of boolean predictions (0.0 when there is nothing to find and nothing predicted)."""
    tp = int((pred & y).sum())
    denom = int(pred.sum() + y.sum())
    return 2 * tp / denom if denom else 0.0


def best_threshold(score: np.ndarray, y: np.ndarray, floor: float) -> tuple[float, float]:
    """The cut on ``score`` (at or above ``floor``) with the highest F1: ``(threshold, f1)``."""
    cands = np.unique(np.round(score[score >= floor], 4))
    best = (float(floor), f1_score(score >= floor, y))
    for t in cands:
        f1 = f1_score(score >= t, y)
        if f1 > best[1] + 1e-12:
            best = (float(t), f1)
    return best


def choose_modes(shared_pred: np.ndarray, score: np.ndarray, rule_pred: np.ndarray, Y: np.ndarray,
                 M: np.ndarray, floor: float, min_positives: int = 5, margin: float = 0.02,
                 fixed: np.ndarray | None = None, min_f1: float = 0.1) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """Per code (column): ``modes`` (one of :data:`MODES`), ``thresholds`` for ``own`` (NaN
    elsewhere), ``reasons`` and the chosen option's out-of-fold F1. ``M`` marks the pairs that
    count (segments coded for the code); ``fixed`` marks codes whose threshold the user fixed
    (they keep ``shared``)."""
    n_codes = Y.shape[1]
    modes, reasons = [], []
    thresholds = np.full(n_codes, np.nan)
    chosen_f1 = np.zeros(n_codes)
    for k in range(n_codes):
        m = M[:, k]
        y = Y[m, k]
        f_shared = f1_score(shared_pred[m, k], y)
        f_rule = f1_score(rule_pred[m, k], y)
        options = {"shared": f_shared, "rule": f_rule}
        positives = int(y.sum())
        if fixed is not None and fixed[k]:
            modes.append("shared"), reasons.append("threshold fixed in the settings")
            chosen_f1[k] = f_shared
            continue
        if positives >= min_positives:
            thresholds[k], options["own"] = best_threshold(score[m, k], y, floor)
        best = max(("own", "rule"), key=lambda o: options.get(o, -1.0))
        if options.get(best, -1.0) > f_shared + margin and options[best] >= min_f1:
            mode = best
        else:
            mode = "shared"
        figures = ", ".join(f"{o} {options[o]:.2f}" for o in MODES if o in options)
        if mode == "shared":
            why = f"shared decision rule kept (out-of-fold F1: {figures})"
            if max(options.values()) < min_f1:
                why += f"; no option reaches F1 {min_f1}: machine codes unreliable"
        elif mode == "own":
            why = f"own threshold {thresholds[k]:.3f} beats the shared rule (out-of-fold F1: {figures})"
        else:
            why = f"the rules beat the model (out-of-fold F1: {figures})"
        if positives < min_positives:
            why += f"; only {positives} positive(s), no own threshold (needs {min_positives})"
        if mode != "own":
            thresholds[k] = np.nan
        modes.append(mode)
        reasons.append(why)
        chosen_f1[k] = options[mode]
    return modes, thresholds, reasons, chosen_f1


def apply_modes(modes: list[str], thresholds: np.ndarray, shared_pred: np.ndarray, score: np.ndarray,
                rule_pred: np.ndarray) -> np.ndarray:
    """The final boolean decisions (rows x codes) from each code's mode."""
    out = shared_pred.copy()
    for k, mode in enumerate(modes):
        if mode == "own":
            out[:, k] = score[:, k] >= thresholds[k]
        elif mode == "rule":
            out[:, k] = rule_pred[:, k]
    return out


def conversational(segments) -> bool:  # noqa: ANN001
    """Whether the units are turns of conversations (interviews, focus groups) rather than
    independent passages (a table of excerpts or answers): true when, in at least half of the
    documents, some speaker speaks more than once, or an interviewer is present. Without a
    ``speaker`` column the units are taken to be turns."""
    if "speaker" not in segments.columns or not len(segments):
        return True
    frame = segments[["doc_id", "speaker"]]  # ids are text (check_segments)
    repeated = frame.groupby("doc_id")["speaker"].agg(lambda s: s.duplicated().any())
    if "context" in segments.columns:
        asked = segments.assign(_q=segments["context"].astype("object").fillna("").astype(str).str.strip() != "")
        repeated = repeated | asked.groupby(asked["doc_id"])["_q"].any().reindex(repeated.index,
                                                                                           fill_value=False)
    return bool(repeated.mean() >= 0.5)


def exclusive_pairs(Y: np.ndarray, M: np.ndarray, min_expected: float = 10.0) -> list[tuple[int, int]]:
    """Pairs of codes (columns) that never apply to the same unit in the training codings although,
    were they independent, at least ``min_expected`` units would carry both (for 10, chance gives
    none with probability below 1e-4): exclusive by the codebook's design, such as the values of one
    variable split into codes. Only cells decided for both codes (``M``) count."""
    both = (M.T.astype(int) @ M.astype(int)).astype(float)
    pos = (Y & M).astype(int)
    together = pos.T @ pos
    n_pos = pos.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(both > 0, np.outer(n_pos, n_pos) / np.maximum(M.sum(axis=0)[:, None], 1), 0.0)
    return [(a, b) for a in range(Y.shape[1]) for b in range(a + 1, Y.shape[1])
            if together[a, b] == 0 and expected[a, b] >= min_expected]


def apply_exclusive(pred: np.ndarray, score: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """``pred`` where, of two exclusive codes both applied to a unit, only the higher-scoring stays."""
    out = pred.copy()
    for a, b in pairs:
        both = out[:, a] & out[:, b]
        lose_a = both & (score[:, a] < score[:, b])
        out[lose_a, a] = False
        out[both & ~lose_a, b] = False
    return out
