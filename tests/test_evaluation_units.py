"""Evaluation that others can check: 'coded, no code' rows, left-out units, per-unit predictions,
and gold coders deciding the final codes."""
from __future__ import annotations

import logging

import pandas as pd
import pytest

from pipeline.stages.quality.agreement import cross_validate, evaluate
from pipeline.codebook import NO_CODE, codebook_from_dict
from pipeline.settings import CodingSettings
from pipeline.stages.coding.code import code
from tests.test_agreement import JOB, NET, SpyCoder, cv_data, make_segments, unit
from tests.test_coding import BOOK, interviews


@pytest.fixture(scope="module")
def book():
    """The two-code codebook of tests/test_agreement.py's figures."""
    return codebook_from_dict({"name": "tiny", "version": "1.0.0", "themes": [
        {"id": "motives", "label": "Motives", "codes": [{"id": NET, "label": "Network"},
                                                       {"id": JOB, "label": "Job"}]}]})


@pytest.fixture(scope="module")
def coding_book():
    return codebook_from_dict(BOOK)


def test_no_code_rows_make_a_document_count_as_coded(book, caplog):
    segs = make_segments({"D1": 3, "D2": 2})
    gold = pd.DataFrame([(unit("D1", 1), NET, "ann", "")], columns=["segment_id", "code", "coder", "decision"])
    with caplog.at_level(logging.WARNING):
        before = evaluate(gold.assign(coder="m"), gold, book, segs)
    assert before.set_index("code").loc[NET, "n_units"] == 3
    assert any("D2" in p.where and "2 unit(s) left out" in p.message for p in before.attrs["problems"])
    assert "left out" in caplog.text
    marked = pd.concat([gold, pd.DataFrame([(unit("D2", k), NO_CODE, "ann", "") for k in (1, 2)],
                                           columns=gold.columns)], ignore_index=True)
    after = evaluate(gold.assign(coder="m"), marked, book, segs)
    assert after.set_index("code").loc[NET, "n_units"] == 5
    assert not [p for p in after.attrs["problems"] if "left out" in p.message]
    # ann now marks uncoded units, so D1's units without any row of hers are named
    assert [p.where for p in after.attrs["problems"]] == ["gold codings[ann]"]


def test_units_without_a_row_from_a_marking_coder_are_named(book):
    segs = make_segments({"D1": 3})
    gold = pd.DataFrame([(unit("D1", 1), NET, "ann", ""), (unit("D1", 2), NO_CODE, "ann", "")],
                        columns=["segment_id", "code", "coder", "decision"])
    result = evaluate(gold.iloc[:1], gold, book, segs)
    assert [p for p in result.attrs["problems"] if unit("D1", 3) in p.message]


def test_cross_validation_writes_out_of_fold_predictions_per_unit(book):
    segs, gold = cv_data()
    result = cross_validate(SpyCoder, segs, gold, book, n_splits=3, seed=1)
    pred = result.attrs["predictions"]
    assert list(pred.columns) == ["segment_id", "doc_id", "fold", "gold_codes", "predicted_codes"]
    assert len(pred) == len(segs) // 2 and set(pred["fold"]) == {1, 2, 3}
    for number, docs in enumerate(result.attrs["folds"], start=1):
        assert set(pred.loc[pred["fold"] == number, "doc_id"]) == set(docs)
    assert pred.set_index("segment_id").loc[unit("D1", 1), "gold_codes"] == NET
    # the pooled per-unit table reproduces the tp count
    tp = sum(NET in g.split(";") and NET in p.split(";") for g, p in zip(pred["gold_codes"], pred["predicted_codes"]))
    assert tp == result.set_index("code").loc[NET, "tp"]


def test_gold_coders_alone_decide_final_codes(coding_book):
    seg, cod = interviews()
    ann = cod[cod["segment_id"].str.startswith("doc00:")]
    bob = pd.DataFrame({"segment_id": ["doc00:2", "doc01:2"], "code": ["process.stalled"] * 2, "coder": ["bob"] * 2})
    human = pd.concat([ann, bob], ignore_index=True)
    res = code(seg, coding_book, CodingSettings(coder="rule"), human_codings=human, gold_coders=["ann"])
    final = res.codings[res.codings["final"]]
    assert not ((final["coder"] == "bob").any())
    kept = res.codings[res.codings["coder"] == "bob"]
    assert len(kept) == 2 and not kept["final"].any()  # nothing dropped: bob's rows stay as suggestions
    cs = res.coded_segments.set_index("segment_id")
    assert cs.loc["doc00:2", "coded_by"] == "human:ann"
    assert not cs.loc["doc01:2", "coded_by"].startswith("human")  # doc01 was coded by bob only
    union = code(seg, coding_book, CodingSettings(coder="rule"), human_codings=human)
    assert "process.stalled" in union.coded_segments.set_index("segment_id").loc["doc00:2", "codes"]


def test_no_code_rows_are_not_codes(coding_book):
    seg, cod = interviews()
    human = pd.DataFrame({"segment_id": ["doc00:2"], "code": [NO_CODE], "coder": ["ann"]})
    res = code(seg, coding_book, CodingSettings(coder="rule"), human_codings=human)
    assert NO_CODE not in set(res.codings["code"])
    cs = res.coded_segments.set_index("segment_id")
    assert cs.loc["doc00:2", "codes"] == "" and cs.loc["doc00:4", "coded_by"] == "human:ann"


def test_codings_file_accepts_the_no_code_mark_and_explains_an_empty_code(tmp_path, book):
    from pipeline.errors import InputError
    from pipeline.stages.coding.review import read_human_codings

    segs = make_segments({"D1": 2})
    path = tmp_path / "gold.csv"
    path.write_text(f"segment_id,code,coder\n{unit('D1', 1)},{NET},ann\n{unit('D1', 2)},-,ann\n", encoding="utf-8")
    frame = read_human_codings(path, codebook=book, segments=segs)
    assert list(frame["code"]) == [NET, NO_CODE]
    path.write_text(f"segment_id,code,coder\n{unit('D1', 2)},,ann\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"gold.csv:2\[code\].*write '-'"):
        read_human_codings(path, codebook=book, segments=segs)
    path.write_text(f"segment_id,code,coder,decision\n{unit('D1', 2)},-,ann,accept\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be accepted"):
        read_human_codings(path, codebook=book, segments=segs)
