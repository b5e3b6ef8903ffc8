"""The packed columns (``codes``, ``evidence``, ``top_words``) and string ids: what scripts and the
report read back from the output tables is what the stages wrote."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pipeline.schemas import (SCHEMAS, as_ids, format_span, format_terms, format_top_words, join_codes,
                              join_evidence, parse_evidence, parse_top_words, split_codes)


@pytest.mark.parametrize("codes", [[], ["motives.network"], ["b.two", "a.one"], ["my code", "other code"],
                                   ["a", "a", "b"]])
def test_codes_round_trip(codes):
    packed = join_codes(codes)
    assert split_codes(packed) == sorted(set(codes))
    assert join_codes(split_codes(packed)) == packed


def test_codes_format_is_the_one_in_the_output_files():
    assert join_codes(["motives.network", "motives.find_job"]) == "motives.find_job;motives.network"
    assert join_codes(["z", "a", "z"], sort=False) == "z;a"
    assert join_codes([]) == ""
    assert split_codes("a;b") == ["a", "b"]


@pytest.mark.parametrize("empty", ["", None, np.nan, pd.NA, ";", " ; "])
def test_empty_codes_cells_are_no_codes(empty):
    assert split_codes(empty) == []


def test_split_codes_of_a_column_gives_a_list_per_row():
    column = pd.Series(["a;b", "", None, "one code"], dtype="string")
    assert split_codes(column).tolist() == [["a", "b"], [], [], ["one code"]]
    assert split_codes(pd.Series(["c"], index=[7])).index.tolist() == [7]


def test_evidence_round_trip():
    text = "I found a job through my network."
    spans = [(text[10:13], 10, 13), (text[25:32], 25, 32)]
    packed = join_evidence([*(format_span(*s) for s in spans), format_terms(["work", "mentor"])])
    assert packed == "job@10-13; network@25-32; terms: work, mentor"
    parsed = parse_evidence(packed)
    assert parsed.spans == spans and parsed.terms == ["work", "mentor"]
    assert parse_evidence(join_evidence([format_span("find a job", 3, 13)])).spans == [("find a job", 3, 13)]


@pytest.mark.parametrize("empty", ["", None, np.nan])
def test_empty_evidence_has_no_items(empty):
    assert parse_evidence(empty) == ([], [])


def test_evidence_a_person_typed_is_skipped_not_misread():
    parsed = parse_evidence("see the second sentence; job@4-7; Terms: a ,b")
    assert parsed.spans == [("job", 4, 7)] and parsed.terms == ["a", "b"]


def test_top_words_round_trip():
    words = [("mentor", 0.41234), ("werk", 0.388), ("job search", 0.0)]
    packed = format_top_words(words)
    assert packed == "mentor:0.412; werk:0.388; job search:0.000"
    assert parse_top_words(packed) == [("mentor", 0.412), ("werk", 0.388), ("job search", 0.0)]
    assert parse_top_words("") == [] and parse_top_words(None) == []
    word, weight = parse_top_words("odd")[0]
    assert word == "odd" and math.isnan(weight)


def test_every_packed_column_names_a_known_format_and_a_listed_or_optional_column():
    formats = {"codes", "evidence", "top_words"}
    for schema in SCHEMAS.values():
        for column, kind in schema.packed.items():
            assert kind in formats, (schema.name, column)
    assert SCHEMAS["coded_segments"].packed == {"codes": "codes", "themes": "codes"}
    assert SCHEMAS["codings"].packed == {"evidence": "evidence"}


def test_as_ids_makes_ids_strings_once_and_leaves_string_tables_alone():
    table = pd.DataFrame({"doc_id": ["a", "b"], "segment_id": ["a:1", "b:1"], "speaker": ["1", "2"], "n": [1, 2]})
    assert as_ids(table) is table
    assert as_ids(table.assign(speaker=[1, 2]))["speaker"].tolist() == ["1", "2"]
    ids = as_ids(pd.DataFrame({"doc_id": [2005, 2006], "speaker": pd.Series([1, None], dtype=object)}),
                 ("doc_id", "speaker"))
    assert ids["doc_id"].tolist() == ["2005", "2006"]
    assert ids["speaker"].tolist()[0] == "1" and pd.isna(ids["speaker"].tolist()[1])


def test_check_refuses_ids_that_are_not_text_naming_column_and_fix():
    from pipeline.errors import QualpipeError
    from pipeline.schemas import check

    codings = pd.DataFrame({"segment_id": ["7:1"], "code": ["a"], "coder": [7]})
    with pytest.raises(QualpipeError) as bad:
        check(codings, "human_codings", "codings.csv")
    problem = bad.value.problems[0]
    assert problem.code == "E004" and "'coder'" in problem.message and "7" in problem.message
    assert "as_ids" in problem.fix and "codings.csv" in str(bad.value)
    assert check(as_ids(codings), "human_codings") is not None
    with_missing = pd.DataFrame({"segment_id": ["d:1", None], "code": ["a", "b"], "coder": ["x", "y"]})
    assert check(with_missing, "human_codings") is with_missing


def test_read_table_keeps_ids_as_written(tmp_path):
    from pipeline.api.io import read_table, write_table

    frame = pd.DataFrame({"segment_id": ["007:1", "2005:2"], "doc_id": ["007", "2005"], "speaker": ["1", "2"],
                          "turn": [1, 2]})
    csv, parquet = write_table(frame, tmp_path, "segments")
    for path in (csv, parquet):
        back = read_table(path)
        assert back["doc_id"].tolist() == ["007", "2005"] and back["speaker"].tolist() == ["1", "2"]
        assert back["turn"].tolist() == [1, 2]


def test_compare_gives_the_same_tables_for_ids_read_as_numbers():
    from pipeline.codebook import codebook_from_dict
    from pipeline.stages.compare.differences import CompareSettings, compare

    book = codebook_from_dict({"name": "mini", "version": "1.0", "languages": ["en"], "themes": [
        {"id": "motives", "label": "Motives", "codes": [{"id": "motives.network", "label": "Network"}]}]})
    rows = [{"segment_id": f"{d}:{t}", "doc_id": d, "turn": t, "speaker": s, "speaker_role": "respondent",
             "text": f"turn {t} of {d}", "codes": c, "model": m}
            for d, m in ((2005, "dual"), (2006, "dual"), (2007, "centralised"), (2008, "centralised"))
            for t, s, c in ((1, 1, "motives.network" if d % 2 else ""), (2, 2, ""))]
    numbers = pd.DataFrame(rows)
    text = numbers.assign(doc_id=numbers["doc_id"].astype(str), speaker=numbers["speaker"].astype(str))
    settings = CompareSettings(by=["model"], within=[], n_boot=200, n_perm=200)
    a, b = compare(numbers, None, book, settings).tables(), compare(text, None, book, settings).tables()
    for name in ("prevalence", "differences", "corpus"):
        pd.testing.assert_frame_equal(a[name], b[name])
