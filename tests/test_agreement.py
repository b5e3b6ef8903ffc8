"""Agreement and evaluation statistics against values computed by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pipeline.stages.quality.agreement import agreement, cross_validate, evaluate, holdout_evaluate, nominal_alpha
from pipeline.codebook import codebook_from_dict
from pipeline.errors import InputError

NET, JOB, LANG, REC = "motives.network", "motives.job", "barriers.language", "barriers.recognition"


@pytest.fixture
def book():
    return codebook_from_dict({
        "name": "tiny", "version": "1.0.0",
        "themes": [
            {"id": "motives", "label": "Motives", "codes": [{"id": NET, "label": "Network"},
                                                           {"id": JOB, "label": "Job"}]},
            {"id": "barriers", "label": "Barriers", "codes": [{"id": LANG, "label": "Language"},
                                                             {"id": REC, "label": "Recognition"}]},
            {"id": "general", "label": "General"},  # a theme without codes is a leaf code itself
        ]})


def make_segments(turns: dict[str, int]) -> pd.DataFrame:
    """Per document n respondent turns, each after an interviewer turn: D1:2, D1:4, ..."""
    rows = []
    for doc, n in turns.items():
        for t in range(1, 2 * n + 1):
            rows.append({"segment_id": f"{doc}:{t}", "doc_id": doc, "turn": t,
                         "speaker_role": "interviewer" if t % 2 else "respondent", "text": f"{doc} {t}"})
    return pd.DataFrame(rows)


def unit(doc: str, k: int) -> str:
    """The k-th respondent turn (from 1) of a document."""
    return f"{doc}:{2 * k}"


def codings_from(vectors: dict[str, list[int]], code: str, doc: str = "D1") -> pd.DataFrame:
    """Human codings from 0/1 vectors per coder over the respondent units of ``doc``."""
    rows = []
    for coder, vec in vectors.items():
        rows += [(unit(doc, k), code, coder, "") for k, v in enumerate(vec, 1) if v]
    return pd.DataFrame(rows, columns=["segment_id", "code", "coder", "decision"])


def row(table, code):
    return table.set_index("code").loc[code]


def test_two_coders_textbook_binary_example(book):
    # Krippendorff (2011) "Computing Krippendorff's alpha-reliability", example A (binary, 2 observers):
    #   A: 0 1 0 0 0 0 0 0 1 0
    #   B: 1 1 1 0 0 1 0 0 0 0        alpha = 1 - (n-1) * o01 / (n0 * n1) = 1 - 19 * 4 / (14 * 6) = 0.095
    # agreement on units 2,4,5,7,8,10 -> 6/10 = 0.6
    # kappa: pA = 0.2, pB = 0.4, pe = 0.2*0.4 + 0.8*0.6 = 0.56, kappa = (0.6 - 0.56) / 0.44 = 0.0909
    segs = make_segments({"D1": 10})
    cod = codings_from({"A": [0, 1, 0, 0, 0, 0, 0, 0, 1, 0], "B": [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]}, NET)
    table = agreement(cod, segs, book, level="code")
    r = row(table, NET)
    assert r["n_units"] == 10 and r["n_positive"] == 6 and r["n_positive_by_coder"] == "A=2, B=4"
    assert r["percent_agreement"] == pytest.approx(0.6)
    assert r["cohen_kappa"] == pytest.approx(0.04 / 0.44)
    assert r["krippendorff_alpha"] == pytest.approx(1 - 76 / 84)
    assert round(r["krippendorff_alpha"], 3) == 0.095


def test_nominal_alpha_krippendorff_reliability_data_example():
    # Krippendorff (2011), example C: 4 observers, 12 units, nominal values, missing data: alpha = 0.743
    nan = np.nan
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    assert round(nominal_alpha(data), 3) == 0.743
    assert math.isnan(nominal_alpha([[0, 0, 0], [0, 0, 0]]))


def test_three_coders_pairwise_means_and_alpha(book):
    # A: 1 1 0 0 1 0 / B: 1 0 0 0 1 0 / C: 1 1 0 1 1 0
    # percent: AB 5/6, AC 5/6, BC 4/6 -> 14/18
    # kappa AB: po 5/6, pe .5*1/3 + .5*2/3 = 1/2 -> 2/3; AC: po 5/6, pe 1/2 -> 2/3;
    #       BC: po 4/6, pe 1/3*2/3 + 2/3*1/3 = 4/9 -> (2/9)/(5/9) = 0.4; mean (2/3+2/3+0.4)/3
    # alpha: coincidences o11 = 7, o00 = 7, o01 = o10 = 2, n = 18, n0 = n1 = 9 -> 1 - 17*2/81
    segs = make_segments({"D1": 6})
    cod = codings_from({"A": [1, 1, 0, 0, 1, 0], "B": [1, 0, 0, 0, 1, 0], "C": [1, 1, 0, 1, 1, 0]}, JOB)
    r = row(agreement(cod, segs, book), JOB)
    assert r["coders"] == "A, B, C" and r["n_coders"] == 3
    assert r["percent_agreement"] == pytest.approx(14 / 18)
    assert r["cohen_kappa"] == pytest.approx((2 / 3 + 2 / 3 + 0.4) / 3)
    assert r["krippendorff_alpha"] == pytest.approx(1 - 34 / 81)
    # a subset of coders
    ab = row(agreement(cod, segs, book, coders=["A", "B"]), JOB)
    assert ab["cohen_kappa"] == pytest.approx(2 / 3) and ab["percent_agreement"] == pytest.approx(5 / 6)


def test_only_units_every_coder_coded_count(book):
    segs = make_segments({"D1": 4, "D2": 3, "D3": 2})
    cod = pd.concat([
        codings_from({"A": [1, 0, 1, 0], "B": [1, 0, 0, 0]}, NET, "D1"),
        codings_from({"A": [1, 1, 0], "B": [1, 1, 1]}, NET, "D2"),
        codings_from({"A": [1, 0]}, NET, "D3"),  # only A coded D3: not compared
    ], ignore_index=True)
    r = row(agreement(cod, segs, book), NET)
    assert r["n_units"] == 7
    assert r["percent_agreement"] == pytest.approx(5 / 7)


def test_degenerate_codes_are_nan_with_a_note_not_one(book):
    segs = make_segments({"D1": 5})
    cod = codings_from({"A": [1, 1, 0, 0, 1], "B": [1, 0, 0, 0, 1]}, NET)
    table = agreement(cod, segs, book)
    unused = row(table, REC)
    assert unused["percent_agreement"] == 1.0
    assert math.isnan(unused["cohen_kappa"]) and math.isnan(unused["krippendorff_alpha"])
    assert "undefined" in unused["note"]
    # one coder constant, the other not: kappa is defined (0), alpha defined
    cod2 = codings_from({"A": [1, 1, 1, 1, 1], "B": [1, 0, 1, 1, 1]}, JOB)
    r = row(agreement(cod2, segs, book), JOB)
    assert r["cohen_kappa"] == pytest.approx(0.0) and not math.isnan(r["krippendorff_alpha"])


def test_theme_and_overall_levels(book):
    segs = make_segments({"D1": 4})
    cod = pd.DataFrame([("D1:2", NET, "A", ""), ("D1:4", JOB, "A", ""),
                        ("D1:2", JOB, "B", ""), ("D1:6", LANG, "B", "")],
                       columns=["segment_id", "code", "coder", "decision"])
    table = agreement(cod, segs, book)
    assert set(table["level"]) == {"code", "theme", "overall"}
    motives = table[(table["level"] == "theme") & (table["code"] == "motives")].iloc[0]
    # A: motives on units 1, 2; B: on unit 1 -> agree on 3 of 4 units
    assert motives["percent_agreement"] == pytest.approx(0.75)
    assert motives["n_positive_by_coder"] == "A=2, B=1"
    pooled = row(table, "(pooled)")
    # 4 units x 5 codes = 20 decisions; A marks 2, B marks 2, none in common -> 16 agreements
    assert pooled["percent_agreement"] == pytest.approx(16 / 20)
    mean = row(table, "(mean of codes)")
    codes = table[table["level"] == "code"]
    assert mean["percent_agreement"] == pytest.approx(codes["percent_agreement"].mean())
    assert mean["cohen_kappa"] == pytest.approx(codes["cohen_kappa"].dropna().mean())
    assert "3 of 5 codes" in mean["note"]


def test_rejections_are_absence_and_review_only_coders_have_no_units(book):
    segs = make_segments({"D1": 3})
    cod = pd.DataFrame([("D1:2", NET, "A", ""), ("D1:2", NET, "B", ""), ("D1:4", NET, "B", "reject"),
                        ("D1:4", NET, "R", "accept")], columns=["segment_id", "code", "coder", "decision"])
    r = row(agreement(cod, segs, book, coders=["A", "B"]), NET)
    assert r["percent_agreement"] == 1.0 and r["n_positive_by_coder"] == "A=1, B=1"
    with_reviewer = row(agreement(cod, segs, book, coders=["A", "R"]), NET)
    assert with_reviewer["n_units"] == 0 and "no unit" in with_reviewer["note"]
    with pytest.raises(InputError, match="two or more coders"):
        agreement(cod, segs, book, coders=["A", "Z"])


# -- evaluation ------------------------------------------------------------------------------
def long(rows):
    return pd.DataFrame([{"segment_id": s, "code": c, "source": "model", "score": 0.9, "coder": "model@0.1.0"}
                         for s, c in rows])


def test_evaluate_per_code_micro_and_macro_by_hand(book):
    segs = make_segments({"D1": 6})
    u = lambda k: unit("D1", k)  # noqa: E731
    gold = pd.DataFrame([(u(1), NET, "ann", ""), (u(2), NET, "ann", ""), (u(3), NET, "ann", ""),
                         (u(4), JOB, "ann", "")], columns=["segment_id", "code", "coder", "decision"])
    pred = long([(u(1), NET), (u(2), NET), (u(5), NET), (u(4), JOB), (u(6), JOB), (u(1), LANG),
                 ("D1:1", REC)])  # an interviewer turn is not a unit
    table = evaluate(pred, gold, book, segs).set_index("code")
    # network: tp 2 fp 1 fn 1 -> P = R = F1 = 2/3; kappa: po 4/6, pe 1/2 -> 1/3
    net = table.loc[NET]
    assert (net["tp"], net["fp"], net["fn"], net["support"]) == (2, 1, 1, 3)
    assert net["precision"] == pytest.approx(2 / 3) and net["f1"] == pytest.approx(2 / 3)
    assert net["kappa"] == pytest.approx(1 / 3)
    # job: tp 1 fp 1 -> P .5 R 1 F1 2/3; kappa: po 5/6, pe 1/6*2/6 + 5/6*4/6 = 22/36 -> 8/14
    job = table.loc[JOB]
    assert job["precision"] == 0.5 and job["recall"] == 1.0 and job["kappa"] == pytest.approx(8 / 14)
    # language: fp only -> P 0, R undefined, F1 0, kappa 0; recognition: nothing -> all NaN
    lang = table.loc[LANG]
    assert lang["precision"] == 0 and math.isnan(lang["recall"]) and lang["f1"] == 0
    assert lang["kappa"] == pytest.approx(0.0)
    assert math.isnan(table.loc[REC, "precision"]) and math.isnan(table.loc[REC, "kappa"])
    # micro: tp 3 fp 3 fn 1 -> P .5 R .75 F1 6/10
    micro = table.loc["(micro)"]
    assert (micro["precision"], micro["recall"], micro["f1"]) == (0.5, 0.75, pytest.approx(0.6))
    macro = table.loc["(macro)"]
    assert macro["precision"] == pytest.approx((2 / 3 + 0.5 + 0) / 3)
    assert macro["recall"] == pytest.approx((2 / 3 + 1) / 2)
    assert macro["f1"] == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)
    assert macro["kappa"] == pytest.approx((1 / 3 + 8 / 14 + 0) / 3)
    # theme motives: gold units 1-4, predicted 1, 2, 4, 5, 6 -> tp 3 fp 2 fn 1
    motives = table.loc["motives"]
    assert motives["level"] == "theme" and (motives["tp"], motives["fp"], motives["fn"]) == (3, 2, 1)


class SpyCoder:
    """Predicts, for every respondent turn, the code seen most often in training; logs what it saw."""

    log: list[dict] = []

    def fit(self, segments, codings):
        self.train_docs = set(segments["doc_id"])
        self.gold_docs = {s.split(":")[0] for s in codings["segment_id"]}
        self.code = codings["code"].value_counts().sort_index().idxmax()
        return self

    def predict(self, segments):
        SpyCoder.log.append({"train": self.train_docs, "gold": self.gold_docs, "test": set(segments["doc_id"])})
        resp = segments[segments["speaker_role"] == "respondent"]
        return pd.DataFrame({"segment_id": resp["segment_id"], "code": self.code})


def cv_data():
    docs = {f"D{k}": 2 + k % 3 for k in range(1, 8)}
    segs = make_segments(docs)
    gold = pd.DataFrame([(unit(d, 1), NET, "ann", "") for d in docs] + [(unit("D1", 2), JOB, "ann", "")],
                        columns=["segment_id", "code", "coder", "decision"])
    return segs, gold


def test_cross_validation_never_splits_a_document(book):
    segs, gold = cv_data()
    SpyCoder.log = []
    result = cross_validate(SpyCoder, segs, gold, book, n_splits=3, seed=1)
    assert len(SpyCoder.log) == 3
    tested = [d for entry in SpyCoder.log for d in entry["test"]]
    assert sorted(tested) == sorted(set(segs["doc_id"]))  # every document tested exactly once
    for entry in SpyCoder.log:
        assert not entry["train"] & entry["test"] and entry["gold"] <= entry["train"]
    assert sorted(map(set, result.attrs["folds"]), key=sorted) == sorted((e["test"] for e in SpyCoder.log), key=sorted)
    net = result.set_index("code").loc[NET]
    assert net["n_units"] == len(segs) // 2 and net["tp"] == 7  # every first turn is network
    # same seed, same folds; another seed may differ but still covers every document
    SpyCoder.log = []
    again = cross_validate(SpyCoder, segs, gold, book, n_splits=3, seed=1)
    assert again.attrs["folds"] == result.attrs["folds"] and again.equals(result)


def test_holdout_evaluates_only_test_documents(book):
    segs, gold = cv_data()
    SpyCoder.log = []
    result = holdout_evaluate(SpyCoder, segs, gold, book, train_docs=["D1", "D2", "D3"], test_docs=["D4", "D5"])
    assert SpyCoder.log[0]["train"] == {"D1", "D2", "D3"} and SpyCoder.log[0]["test"] == {"D4", "D5"}
    net = result.set_index("code").loc[NET]
    assert net["support"] == 2 and net["n_units"] == int((segs["doc_id"].isin(["D4", "D5"])).sum() // 2)
    with pytest.raises(InputError) as err:
        holdout_evaluate(SpyCoder, segs, gold, book, train_docs=["D1", "D2"], test_docs=["D2", "D9"])
    assert "D2" in str(err.value) and "D9" in str(err.value)


def test_predictions_outside_the_test_documents_are_refused(book):
    segs, gold = cv_data()

    class Leaky(SpyCoder):
        def predict(self, segments):
            return pd.DataFrame({"segment_id": ["D1:2"], "code": [NET]})

    with pytest.raises(InputError, match="not given"):
        holdout_evaluate(Leaky, segs, gold, book, train_docs=["D2"], test_docs=["D3"])


def test_machine_coder_against_a_human_covers_every_document(book):
    segs = make_segments({"D1": 4, "D2": 2})
    human = pd.DataFrame([(unit("D1", 1), NET, "ann", ""), (unit("D1", 3), NET, "ann", "")],
                         columns=["segment_id", "code", "coder", "decision"])
    human["source"] = "human"
    model = long([(unit("D1", 1), NET), (unit("D1", 2), NET), (unit("D2", 1), NET)])
    r = row(agreement(pd.concat([human, model], ignore_index=True), segs, book), NET)
    # units: D1 only (ann did not code D2); ann 1010, model 1100 -> agree on units 1 and 4
    assert r["n_units"] == 4 and r["percent_agreement"] == 0.5
    assert r["coders"] == "ann, model@0.1.0"
