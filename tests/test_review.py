"""Human codings files, review sheets and the review loop."""
from __future__ import annotations

import codecs

import openpyxl
import pandas as pd
import pytest

from pipeline.codebook import codebook_from_dict
from pipeline.errors import InputError
from pipeline.stages.coding.review import (coverage, merge_human, read_human_codings, read_review_sheet,
                             review_sheet, write_review_sheet)


@pytest.fixture
def book():
    return codebook_from_dict({
        "name": "tiny", "version": "1.0.0", "languages": ["en", "nl"],
        "themes": [
            {"id": "motives", "label": {"en": "Motives", "nl": "Motieven"}, "codes": [
                {"id": "motives.network", "label": {"en": "Build a network", "nl": "Netwerk"}},
                {"id": "motives.job", "label": {"en": "Find a job", "nl": "Werk vinden"}}]},
            {"id": "barriers", "label": "Barriers", "codes": [
                {"id": "barriers.language", "label": "Language"},
                {"id": "barriers.recognition", "label": "Diploma recognition"}]},
        ]})


def make_segments(turns: dict[str, int]) -> pd.DataFrame:
    """Documents with alternating interviewer (odd) and respondent (even) turns."""
    rows = []
    for doc, n in turns.items():
        for t in range(1, n + 1):
            role = "interviewer" if t % 2 else "respondent"
            rows.append({"segment_id": f"{doc}:{t}", "doc_id": doc, "turn": t,
                         "speaker": "Interviewer" if t % 2 else f"Mentee-{doc}",
                         "speaker_role": role, "text": f"{doc} turn {t} text"})
    return pd.DataFrame(rows)


@pytest.fixture
def segs():
    return make_segments({"D1": 8, "D2": 6, "D3": 4})


# -- reading human codings -------------------------------------------------------------------
def test_reads_utf8_csv_with_optional_columns_filled(tmp_path, book, segs):
    path = tmp_path / "coder_a.csv"
    path.write_text("segment_id,code,coder,note\nD1:2,motives.network,ann,first\nD1:4,motives.job,ann,\n",
                    encoding="utf-8")
    out = read_human_codings(path, book, segs)
    assert list(out.columns) == ["segment_id", "code", "coder", "decision", "note"]
    assert out["segment_id"].tolist() == ["D1:2", "D1:4"]
    assert out["decision"].tolist() == ["", ""]
    assert out["note"].tolist() == ["first", ""]


def test_reads_windows_csv_encodings_and_separators(tmp_path, book, segs):
    text = "Segment ID;Code;Coder;Note\r\nD1:2;motives.network;Zoë;café première\r\n"
    cp = tmp_path / "excel_nl.csv"
    cp.write_bytes(text.encode("cp1252"))  # Excel "CSV (semicolon)" on a Flemish Windows
    out = read_human_codings(cp, book, segs)
    assert out.loc[0, "coder"] == "Zoë" and out.loc[0, "note"] == "café première"
    u16 = tmp_path / "unicode.txt"
    u16.write_bytes(codecs.BOM_UTF16_LE + text.replace(";", "\t").encode("utf-16-le"))  # "Unicode text"
    assert read_human_codings(u16, book, segs).loc[0, "coder"] == "Zoë"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(text.replace(";", ",").encode("utf-8-sig"))
    assert read_human_codings(bom, book, segs).loc[0, "segment_id"] == "D1:2"


def test_reads_codings_sheet_of_a_workbook_and_names_spreadsheet_rows(tmp_path, book, segs):
    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["nothing here"])
    ws = wb.create_sheet("Codings")
    ws.append(["segment_id", "code", "coder"])
    ws.append(["D1:2", "motives.network", "ann"])
    ws.append([None, None, None])  # blank row 3 is skipped but still counts
    ws.append(["D1:4", "motives.job", None])  # row 4: empty coder
    path = tmp_path / "codings.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_human_codings(path, book, segs)
    assert f"{path}:4[coder]" in str(err.value)
    ws.cell(4, 3).value = 7  # a number typed as coder id
    wb.save(path)
    out = read_human_codings(path, book, segs)
    assert out["coder"].tolist() == ["ann", "7"]


def test_every_error_names_file_row_and_fix(tmp_path, book, segs):
    path = tmp_path / "bad.csv"
    path.write_text("segment_id,code,coder,decision\n"
                    "D1:2,motives.netwerk,ann,\n"        # 2: misspelt code
                    "D1:2,motives,ann,\n"                # 3: a theme
                    "D9:2,motives.job,ann,\n"            # 4: unknown segment
                    "D1:4,motives.job,ann,\n"            # 5
                    "D1:4,motives.job,ann,\n"            # 6: duplicate of 5
                    "D1:6,motives.job,ann,maybe\n",      # 7: bad decision
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_human_codings(path, book, segs)
    text = str(err.value)
    assert f"{path}:2[code]" in text and "Did you mean 'motives.network'" in text
    assert f"{path}:3[code]" in text and "motives.network, motives.job" in text
    assert f"{path}:4[segment_id]" in text
    assert f"{path}:6" in text and "duplicate of row 5" in text
    assert f"{path}:7[decision]" in text
    assert len(err.value.problems) == 5
    assert all(p.fix for p in err.value.problems)


def test_missing_columns_are_named(tmp_path, book):
    path = tmp_path / "cols.csv"
    path.write_text("segment,label\nD1:2,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"missing column\(s\) code, coder"):
        read_human_codings(path, book)


def test_interviewer_turn_is_a_warning_not_an_error(tmp_path, book, segs):
    path = tmp_path / "int.csv"
    path.write_text("segment_id,code,coder\nD1:1,motives.job,ann\n", encoding="utf-8")
    out = read_human_codings(path, book, segs)
    assert len(out) == 1
    assert out.attrs["problems"][0].severity == "warning"


# -- review sheets ---------------------------------------------------------------------------
def machine(rows):
    return pd.DataFrame([{"segment_id": s, "code": c, "source": src, "score": sc, "evidence": f"ev {s}",
                          "coder": f"{src}@0.1.0"} for s, c, src, sc in rows])


def test_review_sheet_most_uncertain_first_with_deterministic_ties(book, segs):
    codings = machine([
        ("D2:2", "motives.job", "model", 0.90),
        ("D2:4", "motives.job", "model", 0.50),
        ("D1:4", "motives.network", "model", 0.50),   # same score: D1 before D2
        ("D1:2", "barriers.language", "model", 0.30),
        ("D1:2", "motives.network", "model", 0.58),
        ("D1:2", "motives.network", "rule", 1.00),    # same pair from the rule coder: merged
        ("D1:6", "motives.job", "model", 0.45),
    ])
    sheet = review_sheet(codings, segs, codebook=book)
    assert list(sheet.columns) == ["segment_id", "doc_id", "speaker", "code", "label", "source", "score",
                                   "evidence", "context_before", "text", "decision", "reviewer", "note"]
    assert list(zip(sheet["segment_id"], sheet["code"])) == [
        ("D1:4", "motives.network"), ("D2:4", "motives.job"), ("D1:6", "motives.job"),
        ("D1:2", "motives.network"), ("D1:2", "barriers.language"), ("D2:2", "motives.job")]
    first = sheet.iloc[0]
    assert first["context_before"] == "D1 turn 3 text" and first["text"] == "D1 turn 4 text"
    assert first["label"] == "Build a network" and first["speaker"] == "Mentee-D1"
    assert sheet.loc[3, "source"] == "model+rule" and sheet.loc[3, "score"] == 0.58
    assert (sheet["decision"] == "").all() and (sheet["reviewer"] == "").all()
    assert review_sheet(codings, segs, n=2)["segment_id"].tolist() == ["D1:4", "D2:4"]
    # entropy: same order as the margin at threshold 0.5
    ent = review_sheet(codings, segs, strategy="entropy")
    assert list(zip(ent["segment_id"], ent["code"])) == list(zip(sheet["segment_id"], sheet["code"]))
    # another threshold moves what counts as uncertain
    low = review_sheet(codings, segs, threshold=0.3)
    assert low.loc[0, "code"] == "barriers.language"


def test_review_sheet_skips_what_people_decided(book, segs):
    codings = machine([("D1:2", "motives.network", "model", 0.5), ("D1:4", "motives.job", "model", 0.5),
                       ("D2:2", "motives.job", "model", 0.5), ("D3:2", "motives.job", "model", 0.5)])
    human = pd.DataFrame({"segment_id": ["D1:2", "D2:4"], "code": ["motives.network", "motives.job"],
                          "coder": ["ann", "bob"], "decision": ["reject", ""], "note": ["", ""]})
    sheet = review_sheet(codings, segs, human=human)
    # D1:2 network was rejected by ann; D2 was fully coded by bob; D1:4 and D3:2 remain
    assert list(zip(sheet["segment_id"], sheet["code"])) == [("D1:4", "motives.job"), ("D3:2", "motives.job")]


def test_xlsx_round_trip_fill_decisions_and_read_back(tmp_path, book, segs):
    codings = machine([("D1:2", "motives.network", "model", 0.5), ("D1:4", "motives.job", "model", 0.6),
                       ("D2:2", "barriers.language", "model", 0.7), ("D2:4", "motives.job", "model", 0.8)])
    sheet = review_sheet(codings, segs, codebook=book)
    xlsx, csv_path = write_review_sheet(sheet, tmp_path / "review" / "round1.xlsx", codebook=book)
    assert xlsx.name == "round1.xlsx" and csv_path.name == "round1.csv" and csv_path.exists()
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["review"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    dec_col = header.index("decision") + 1
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1 and validations[0].formula1 == '"accept,reject"'
    letter = openpyxl.utils.get_column_letter(dec_col)
    assert f"{letter}2" in str(validations[0].sqref)
    assert ws.cell(2, header.index("text") + 1).alignment.wrap_text
    assert "codes" in wb.sheetnames
    # the reviewer fills in the sheet
    ws.cell(2, dec_col).value = "accept"                               # D1:2 network
    ws.cell(3, dec_col).value = "Reject"                               # D1:4 job
    ws.cell(4, dec_col).value = "barriers.recognition, motives.job"    # D2:2 language -> these two
    ws.cell(2, header.index("reviewer") + 1).value = "ann"
    ws.cell(4, header.index("reviewer") + 1).value = "ann"            # row 3: default reviewer; row 5 blank
    wb.save(xlsx)
    human = read_review_sheet(xlsx, book, reviewer="bob")
    got = set(zip(human["segment_id"], human["code"], human["coder"], human["decision"]))
    assert got == {("D1:2", "motives.network", "ann", "accept"), ("D1:4", "motives.job", "bob", "reject"),
                   ("D2:2", "barriers.language", "ann", "reject"),
                   ("D2:2", "barriers.recognition", "ann", "accept"), ("D2:2", "motives.job", "ann", "accept")}
    assert human.attrs["n_blank"] == 1
    # the next sheet offers only what is still undecided
    again = review_sheet(codings, segs, human=human)
    assert list(zip(again["segment_id"], again["code"])) == [("D2:4", "motives.job")]


def test_csv_sheet_round_trip_and_identical_bytes(tmp_path, book, segs):
    codings = machine([("D1:2", "motives.network", "model", 0.5), ("D1:4", "motives.job", "model", 0.6)])
    sheet = review_sheet(codings, segs, codebook=book)
    x1, c1 = write_review_sheet(sheet, tmp_path / "a")
    x2, c2 = write_review_sheet(sheet, tmp_path / "b")
    assert x1.read_bytes() == x2.read_bytes() and c1.read_bytes() == c2.read_bytes()
    filled = pd.read_csv(c1, encoding="utf-8-sig", keep_default_na=False)
    filled["decision"] = ["yes", "no"]
    filled["reviewer"] = "cat"
    filled.to_csv(c1, index=False, sep=";", encoding="cp1252")  # re-saved by Excel on Windows
    human = read_review_sheet(c1, book)
    assert human["decision"].tolist() == ["accept", "reject"] and set(human["coder"]) == {"cat"}


def test_review_sheet_errors_name_row_and_column(tmp_path, book, segs):
    codings = machine([("D1:2", "motives.network", "model", 0.5), ("D1:4", "motives.job", "model", 0.6)])
    _, path = write_review_sheet(review_sheet(codings, segs), tmp_path / "s")
    filled = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    filled["decision"] = ["perhaps", "accept"]
    filled["reviewer"] = ["ann", ""]
    filled.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_review_sheet(path, book)
    text = str(err.value)
    assert f"{path}:2[decision]" in text and "perhaps" in text
    assert f"{path}:3[reviewer]" in text


# -- merging and final codings ---------------------------------------------------------------
def hc(rows):
    return pd.DataFrame(rows, columns=["segment_id", "code", "coder", "decision", "note"])


def test_merge_never_loses_a_decision_and_later_file_wins_conflicts():
    existing = hc([("D1:2", "motives.job", "ann", "reject", ""), ("D1:4", "motives.job", "ann", "", ""),
                   ("D1:6", "motives.job", "bob", "accept", "")])
    new = hc([("D1:2", "motives.job", "bob", "accept", ""),       # another coder: both kept
              ("D1:4", "motives.job", "ann", "accept", "again"),  # same polarity: earlier row kept
              ("D1:6", "motives.job", "bob", "reject", "")])      # bob changed his mind: later wins
    merged = merge_human(existing, new)
    got = set(zip(merged["segment_id"], merged["coder"], merged["decision"]))
    assert got == {("D1:2", "ann", "reject"), ("D1:2", "bob", "accept"), ("D1:4", "ann", ""),
                   ("D1:6", "bob", "reject")}
    assert len(merged.attrs["problems"]) == 1 and "bob changed" in merged.attrs["problems"][0].message
    # re-reading the same sheet again changes nothing
    assert merge_human(merged, new).equals(merged)


def test_coverage_lists_the_documents_coded_whole(segs):
    human = hc([("D1:2", "motives.job", "ann", "reject", ""), ("D1:4", "barriers.language", "ann", "accept", "x"),
                ("D2:4", "motives.network", "bob", "", "")])
    # only blank-decision rows (coding a whole document) make a document fully coded
    assert coverage(human, segs).values.tolist() == [["bob", "D2"]]


def test_review_sheet_checks_segments_and_codes_against_the_current_study(tmp_path, book, segs):
    codings = machine([("D1:2", "motives.network", "model", 0.5), ("D1:4", "motives.old_code", "model", 0.6)])
    _, path = write_review_sheet(review_sheet(codings, segs), tmp_path / "s")
    filled = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    filled["decision"] = ["accept", "accept"]
    filled["reviewer"] = "ann"
    filled.loc[0, "segment_id"] = "D7:2"
    filled.to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        read_review_sheet(path, book, segments=segs)
    assert f"{path}:2[segment_id]" in str(err.value) and f"{path}:3[code]" in str(err.value)


def test_empty_suggestions_give_an_empty_sheet_with_all_columns(tmp_path, segs):
    empty = machine([]).reindex(columns=["segment_id", "code", "source", "score", "evidence", "coder"])
    sheet = review_sheet(empty, segs)
    assert sheet.empty and "decision" in sheet.columns
    xlsx, _ = write_review_sheet(sheet, tmp_path / "empty")
    assert read_review_sheet(xlsx).empty
