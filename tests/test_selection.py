"""Per-code choice of the decision (shared rule, own threshold, rules) and the conversation check."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.stages.coding.coders.selection import apply_modes, choose_modes, conversational


def test_each_code_gets_the_option_with_the_best_out_of_fold_f1():
    rng = np.random.default_rng(0)
    n = 200
    Y = np.zeros((n, 3), dtype=bool)
    Y[:40, 0] = Y[:20, 1] = Y[:30, 2] = True
    M = np.ones_like(Y)
    score = rng.random((n, 3)) * 0.3
    score[:40, 0] += 0.6            # code 0: the shared rule already finds it
    score[:20, 1] += 0.31           # code 1: rare, scores low: the shared threshold misses most
    shared = score >= 0.5
    rule = np.zeros_like(Y)
    rule[:30, 2] = True             # code 2: the cues find it exactly, the model does not
    modes, thresholds, reasons, f1 = choose_modes(shared, score, rule, Y, M, floor=0.2)
    assert modes == ["shared", "own", "rule"]
    assert 0.2 <= thresholds[1] < 0.5 and np.isnan(thresholds[0]) and np.isnan(thresholds[2])
    assert "rules beat the model" in reasons[2] and f1[2] == 1.0
    final = apply_modes(modes, thresholds, shared, score, rule)
    assert final[:20, 1].all() and (final[:, 2] == rule[:, 2]).all() and (final[:, 0] == shared[:, 0]).all()


def test_weak_alternatives_and_fixed_thresholds_keep_the_shared_rule():
    Y = np.zeros((100, 2), dtype=bool)
    Y[:3, 0] = Y[:10, 1] = True
    M = np.ones_like(Y)
    score = np.zeros((100, 2))
    shared = np.zeros_like(Y)
    rule = np.zeros_like(Y)
    rule[:60, 0] = True             # finds the 3 cases among 57 false alarms: F1 0.095 < 0.1
    rule[:10, 1] = True
    modes, _, reasons, _ = choose_modes(shared, score, rule, Y, M, floor=0.2, min_positives=5,
                                        fixed=np.array([False, True]))
    assert modes == ["shared", "shared"]
    assert "only 3 positive(s)" in reasons[0] and "unreliable" in reasons[0]
    assert reasons[1] == "threshold fixed in the settings"


def test_tables_of_passages_are_not_conversations():
    table = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "speaker": ["u1", "u2", "u3", "u4"], "context": ""})
    interview = pd.DataFrame({"doc_id": ["a", "a", "a"], "speaker": ["Mentee-01", "Interviewer-01", "Mentee-01"]})
    asked = table.assign(context=["Why?", "", "So?", ""])
    assert not conversational(table)
    assert conversational(interview) and conversational(asked)
    assert conversational(table.drop(columns="speaker"))  # no speakers: taken as turns


def test_codes_that_never_meet_are_found_and_only_the_higher_score_stays():
    from pipeline.stages.coding.coders.selection import apply_exclusive, exclusive_pairs

    rng = np.random.default_rng(0)
    n = 400
    gender = rng.integers(0, 3, n)  # one variable split into three codes: exclusive by design
    Y = np.column_stack([gender == 0, gender == 1, gender == 2, rng.random(n) < 0.1, rng.random(n) < 0.02])
    M = np.ones_like(Y)
    pairs = exclusive_pairs(Y, M)
    assert pairs == [(0, 1), (0, 2), (1, 2)]  # the rare independent codes are never taken as exclusive
    assert exclusive_pairs(Y, M, min_expected=1e9) == []
    pred = np.array([[True, True, False, True, True], [False, True, True, False, False]])
    score = np.array([[0.9, 0.4, 0.1, 0.5, 0.5], [0.2, 0.3, 0.8, 0.0, 0.0]])
    out = apply_exclusive(pred, score, pairs)
    assert out.tolist() == [[True, False, False, True, True], [False, False, True, False, False]]
