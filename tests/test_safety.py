"""File safety: nothing a person edited is overwritten, every output is written atomically,
spreadsheet cells cannot run formulas, REFI imports cannot read the disk or blow up, study paths
stay in their folders, the report escapes HTML, and no traceback reaches a user."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from test_run import small_study
from typer.testing import CliRunner

import pipeline
from pipeline.api import cache
from pipeline.api.files import escape_cell, unescape_cell
from pipeline.api.io import read_table, update_provenance, write_table
from pipeline.cli import app
from pipeline.errors import ConfigError, InputError, QualpipeError, QualpipeWarning
from pipeline.settings import load_study
from pipeline.stages.coding.review import SHEET_COLUMNS, read_review_sheet, write_review_sheet
from pipeline.stages.refi import import_refi, write_import

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edit_study(path: Path, **changes) -> Path:
    data = yaml.safe_load(path.read_text())
    data.update(changes)
    path.write_text(yaml.safe_dump(data))
    return path


def sheet_frame(texts: list[str]) -> pd.DataFrame:
    rows = [{c: "" for c in SHEET_COLUMNS} | {"segment_id": f"d0:{i + 1}", "doc_id": "d0", "speaker": "Mentee-01",
                                              "code": "motives.network", "score": 0.5, "text": t}
            for i, t in enumerate(texts)]
    return pd.DataFrame(rows, columns=SHEET_COLUMNS)


# -- 1. nothing a person edited is overwritten ---------------------------------------------------

def test_filled_review_sheet_is_kept_and_the_new_one_written_beside_it(tmp_path):
    base = tmp_path / "review" / "review_sheet"
    xlsx, csv_ = write_review_sheet(sheet_frame(["a", "b"]), base)
    xlsx2, _ = write_review_sheet(sheet_frame(["a", "b", "c"]), base)  # no decisions yet: replaced in place
    assert xlsx2 == xlsx
    filled = pd.read_csv(csv_, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    filled.loc[0, ["decision", "reviewer"]] = ["accept", "AB"]
    filled.to_csv(csv_, index=False, encoding="utf-8-sig")
    before = csv_.read_bytes(), xlsx.read_bytes()
    with pytest.warns(QualpipeWarning, match=r"review_sheet.csv \(1 decisions\) is kept.*review_sheet-2"):
        new_xlsx, new_csv = write_review_sheet(sheet_frame(["d"]), base)
    assert (new_xlsx.name, new_csv.name) == ("review_sheet-2.xlsx", "review_sheet-2.csv")
    assert (csv_.read_bytes(), xlsx.read_bytes()) == before  # the person's decisions are untouched
    forced, _ = write_review_sheet(sheet_frame(["d"]), base, force=True)
    assert forced == xlsx and csv_.read_bytes() != before[0]


def test_filled_xlsx_sheet_is_detected(tmp_path):
    from openpyxl import load_workbook

    xlsx, _ = write_review_sheet(sheet_frame(["a"]), tmp_path / "review_sheet")
    book = load_workbook(xlsx)
    book["review"].cell(2, SHEET_COLUMNS.index("decision") + 1, "reject")
    book.save(xlsx)
    with pytest.warns(QualpipeWarning, match="review_sheet.xlsx"):
        again, _ = write_review_sheet(sheet_frame(["a"]), tmp_path / "review_sheet")
    assert again.name == "review_sheet-2.xlsx"


def test_import_refi_into_refuses_to_replace_codebook_and_human_codings(tmp_path):
    from test_refi import AMAL, qde_text

    path = tmp_path / "foreign.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde_text(s1=40, e1=48, s2=60, e2=70))
        archive.writestr("sources/01106019-2518-43DD-BBD1-8F0252BACB30.txt", AMAL.encode())
    result = import_refi(path)
    into = tmp_path / "imported"
    write_import(result, into)
    (into / "codebook.yaml").write_text("# my edits\n")
    with pytest.raises(QualpipeError, match=r"codebook.yaml: the file exists.*Fix: Pass --force"):
        write_import(result, into)
    assert (into / "codebook.yaml").read_text() == "# my edits\n"
    (into / "codebook.yaml").unlink()
    (into / "human_codings.csv").write_text("segment_id,code,coder\n")
    out = runner.invoke(app, ["import", "refi", str(path), "--into", str(into)])
    assert out.exit_code == 1 and "human_codings.csv" in out.output and "--force" in out.output
    assert (into / "human_codings.csv").read_text() == "segment_id,code,coder\n"
    out = runner.invoke(app, ["import", "refi", str(path), "--into", str(into), "--force"])
    assert out.exit_code == 0 and (into / "codebook.yaml").exists()


def test_exports_are_not_replaced_without_force(tmp_path):
    study = REPO / "study.yaml"
    out = tmp_path / "book.qdc"
    out.write_text("mine")
    result = runner.invoke(app, ["codebook", "export", str(out), "--study", str(study)])
    assert result.exit_code == 1 and "--force" in result.output and out.read_text() == "mine"
    result = runner.invoke(app, ["codebook", "export", str(out), "--study", str(study), "--force"])
    assert result.exit_code == 0 and out.read_text().startswith("<?xml")
    project = tmp_path / "study.qdpx"
    project.write_text("mine")
    result = runner.invoke(app, ["export", "refi", "--out", str(project), "--study", str(study)])
    assert result.exit_code == 1 and "--force" in result.output and project.read_text() == "mine"
    yaml_out = tmp_path / "cb.yaml"
    yaml_out.write_text("mine")
    result = runner.invoke(app, ["codebook", "import", str(out), "--out", str(yaml_out)])
    assert result.exit_code == 1 and yaml_out.read_text() == "mine"


def test_review_import_keeps_extra_columns_of_the_human_file(tmp_path):
    path = small_study(tmp_path)
    segments = pipeline.ingest(path).segments
    seg = segments.loc[segments["speaker_role"] != "interviewer", "segment_id"].iloc[0]
    into = tmp_path / "human.csv"
    pd.DataFrame([{"segment_id": seg, "memo": "ask Ann", "code": "motives.find_job", "coder": "AB",
                   "decision": "accept", "note": ""}]).to_csv(into, index=False)
    sheet = tmp_path / "sheet.csv"
    pd.DataFrame([{"segment_id": seg, "code": "motives.network", "decision": "=1+1", "reviewer": "CD"}]
                 ).to_csv(sheet, index=False)
    with pytest.raises(InputError, match="is not accept, reject"):  # a formula is not a decision
        pipeline.api.import_review(path, sheet, into=into)
    pd.DataFrame([{"segment_id": seg, "code": "motives.network", "decision": "accept", "reviewer": "CD",
                   "note": "=HYPERLINK(\"http://x\")"}]).to_csv(sheet, index=False)
    pipeline.api.import_review(path, sheet, into=into)
    kept = pd.read_csv(into, dtype=str, keep_default_na=False)
    assert list(kept.columns) == ["segment_id", "memo", "code", "coder", "decision", "note"]
    assert kept.set_index("coder").loc["AB", "memo"] == "ask Ann"
    assert kept.set_index("coder").loc["CD", "note"] == "'=HYPERLINK(\"http://x\")"  # escaped on disk


def test_ingest_keeps_the_key_extra_columns(tmp_path):
    path = small_study(tmp_path)
    pipeline.ingest(path)
    key_path = tmp_path / ".private" / "small.pseudonym_key.csv"
    key = pd.read_csv(key_path, dtype=str, keep_default_na=False)
    key["checked_by"] = ["AB"] + [""] * (len(key) - 1)
    key.to_csv(key_path, index=False)
    pipeline.ingest(path)
    again = pd.read_csv(key_path, dtype=str, keep_default_na=False)
    assert list(again.columns) == ["scope", "original", "pseudonym", "kind", "checked_by"]
    assert again["checked_by"].iloc[0] == "AB" and len(again) == len(key)
    assert list(key_path.parent.glob("*.tmp")) == []


@pytest.mark.parametrize("changes, message", [
    ({"output": "transcripts"}, "the output folder .* is inside the transcripts folder"),
    ({"output": "transcripts/out"}, "the output folder .* is inside the transcripts folder"),
    ({"output": "manifest.csv"}, "is an existing file"),
    ({"pseudonymise": {"key_dir": "transcripts/keys"}}, "key folder .* inside the transcripts folder"),
    ({"pseudonymise": {"key_dir": "reports/small/keys"}}, "key folder .* inside the output folder"),
])
def test_outputs_among_the_inputs_are_refused(tmp_path, changes, message):
    path = edit_study(small_study(tmp_path), **changes)
    with pytest.raises(ConfigError, match=message):
        load_study(path)
    result = runner.invoke(app, ["ingest", "--study", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert sorted(p.name for p in (tmp_path / "transcripts").iterdir()) == sorted(
        p.name for p in (REPO / "tests" / "fixtures" / "formats").iterdir() if (tmp_path / "transcripts" / p.name).exists())
    assert not (tmp_path / "transcripts" / "documents.csv").exists()


# -- 2. atomic writes, damaged state repaired ------------------------------------------------------

def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    frame = pd.DataFrame({"a": ["x", "y"]})
    write_table(frame, tmp_path, "t")
    before = digests(tmp_path)

    def half(self, path, **kwargs):
        Path(path).write_text("a\nx")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", half)
    with pytest.raises(OSError):
        write_table(pd.DataFrame({"a": ["z"]}), tmp_path, "t")
    monkeypatch.undo()
    assert digests(tmp_path) == before  # old file intact, no temporary left behind


def test_truncated_provenance_and_damaged_cache_are_repaired(tmp_path):
    path = small_study(tmp_path)
    pipeline.ingest(path)
    out = tmp_path / "reports" / "small"
    clean = digests(out)
    provenance = out / "provenance.json"
    provenance.write_bytes(provenance.read_bytes()[:40])
    entry = next((tmp_path / ".qualpipe-cache" / "small").glob("ingest-*.joblib"))
    entry.write_bytes(entry.read_bytes()[:100])
    cache.EVENTS.clear()
    with pytest.warns(QualpipeWarning) as caught:
        pipeline.ingest(path)
    text = " ".join(str(w.message) for w in caught)
    assert "provenance.json is damaged" in text and "cache entry is damaged" in text
    assert cache.EVENTS["ingest"] is False  # recomputed, not trusted
    assert digests(out) == clean
    json.loads(provenance.read_text())
    update_provenance(out, "extra", {})  # and it is a valid record again
    assert "extra" in json.loads(provenance.read_text())["stages"]


def test_cli_prints_repairs_as_warnings(tmp_path):
    path = small_study(tmp_path)
    pipeline.ingest(path)
    (tmp_path / "reports" / "small" / "provenance.json").write_text('{"stages": {"ingest"')
    result = runner.invoke(app, ["ingest", "--study", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "provenance.json is damaged" in result.output
    assert "Traceback" not in result.output


def _ingest_process(path: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "QUALPIPE_NO_CACHE": "0"}
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ingest", "--study", str(path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_a_killed_ingest_leaves_consistent_outputs_and_a_rerun_is_identical(tmp_path):
    (tmp_path / "ref").mkdir()
    (tmp_path / "killed").mkdir()
    reference = small_study(tmp_path / "ref")
    assert _ingest_process(reference).wait(120) == 0
    expected = digests(tmp_path / "ref" / "reports" / "small")
    path = small_study(tmp_path / "killed")
    out = tmp_path / "killed" / "reports" / "small"
    key_dir = tmp_path / "killed" / ".private"
    moments = [lambda: any(key_dir.glob("*.csv*")) or any(key_dir.glob(".*.tmp")),  # writing the key
               lambda: any(out.glob("*.csv")) or any(out.glob(".*.tmp")),  # writing the tables
               lambda: (out / "provenance.json").exists()]  # writing the last files
    for moment in moments:
        _kill_when(lambda: _ingest_process(path), moment, 120)
        for name in ("documents.csv", "segments.csv", "provenance.json"):  # whole files or none
            if (out / name).exists():
                assert (out / name).read_bytes() == (tmp_path / "ref" / "reports" / "small" / name).read_bytes()
    assert _ingest_process(path).wait(120) == 0
    assert digests(out) == expected
    key = tmp_path / "killed" / ".private" / "small.pseudonym_key.csv"
    assert key.read_bytes() == (tmp_path / "ref" / ".private" / "small.pseudonym_key.csv").read_bytes()


def _kill_when(start, moment, limit: float) -> None:
    """Start a process and SIGKILL it as soon as ``moment()`` holds (or it ended, or ``limit`` s passed)."""
    process = start()
    started = time.monotonic()
    while process.poll() is None and not moment() and time.monotonic() - started < limit:
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(30)


def _run_process(path: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "QUALPIPE_NO_CACHE": "0"}
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", "--study", str(path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _visible(folder: Path) -> dict[str, str]:
    """Digests of the files a person sees (hidden temporary files of a killed write left out)."""
    return {name: d for name, d in digests(folder).items() if not Path(name).name.startswith(".")}


@pytest.mark.slow
def test_a_killed_run_leaves_whole_files_and_a_rerun_is_identical(tmp_path):
    """SIGKILL `qualpipe run` after it coded, fitted topics and compared: every file left is
    whole (byte-identical to an undisturbed run's, provenance.json valid JSON), and a re-run from
    the half-filled cache gives the same bytes as the undisturbed run."""
    (tmp_path / "ref").mkdir()
    (tmp_path / "killed").mkdir()
    assert _run_process(small_study(tmp_path / "ref")).wait(600) == 0
    expected = _visible(tmp_path / "ref" / "reports" / "small")
    path = small_study(tmp_path / "killed")
    out = tmp_path / "killed" / "reports" / "small"
    moments = [lambda: (out / "coded_segments.csv").exists(),  # (a killed ingest: the test above)
               lambda: (out / "topics.csv").exists(), lambda: (out / "differences.csv").exists()]
    for moment in moments:
        _kill_when(lambda: _run_process(path), moment, 600)
        for name, value in _visible(out).items():
            if name == "provenance.json":
                json.loads((out / name).read_text())  # whole, if not yet holding every stage
            else:
                assert value == expected[name], f"{name} differs after a kill"
    assert _run_process(path).wait(600) == 0
    assert _visible(out) == expected


# -- 3. spreadsheet injection ------------------------------------------------------------------------

@pytest.mark.parametrize("value, escaped", [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"), ("+1+2", "'+1+2"),
    ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"),
    ("-0.25", "-0.25"), ("+3", "+3"), ("1e-3", "1e-3"), ("plain", "plain"), ("'quoted", "'quoted"), ("", ""),
])
def test_escape_cell_round_trips(value, escaped):
    assert escape_cell(value) == escaped
    assert unescape_cell(escaped) == value


def test_csv_tables_and_review_sheets_cannot_run_formulas(tmp_path):
    from openpyxl import load_workbook

    formula = "=HYPERLINK(\"http://evil.example\",\"click\")"
    frame = pd.DataFrame({"text": [formula, "- a list item", "fine"], "score": [-0.5, 1.0, 2.0]})
    write_table(frame, tmp_path, "segments")
    raw = (tmp_path / "segments.csv").read_text()
    assert "\n\"'=HYPERLINK" in raw and "\n'- a list item" in raw and "-0.5" in raw
    back = read_table(tmp_path / "segments.csv")
    assert back["text"].tolist() == frame["text"].tolist() and back["score"].tolist() == [-0.5, 1.0, 2.0]
    assert read_table(tmp_path / "segments.parquet")["text"].iloc[0] == formula  # typed copy is untouched
    xlsx, csv_ = write_review_sheet(sheet_frame([formula, "@cmd"]), tmp_path / "review_sheet")
    cells = [row[SHEET_COLUMNS.index("text")] for row in load_workbook(xlsx)["review"].iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s", "s"] and cells[0].value == "'" + formula
    assert "'=HYPERLINK" in csv_.read_text(encoding="utf-8-sig")
    for sheet in (xlsx, csv_):
        assert read_review_sheet(sheet).empty  # no decisions: reading our own sheet back works


def test_sample_outputs_hold_no_text_that_needs_escaping():
    """The sample study's tables keep their bytes: no text field there begins with = + - @."""
    folder = REPO / "reports" / "mentoring_to_work_sample"
    if not (folder / "segments.csv").exists():
        pytest.skip("the sample study has not been run")
    for path in folder.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            assert all(escape_cell(v) == v for v in frame[column]), (path.name, column)


# -- 4. REFI import safety -----------------------------------------------------------------------------

QDE = """<?xml version="1.0" encoding="utf-8"?>{doctype}
<Project xmlns="urn:QDA-XML:project:1.0" name="Crafted" origin="OtherQDA 1">
  <Sources><TextSource guid="69A4332D-5B31-4915-B520-5275CFC21B40" name="doc" {source}</TextSource></Sources>
</Project>"""


def crafted(tmp_path: Path, source: str, doctype: str = "", members: dict | None = None) -> Path:
    path = tmp_path / "crafted.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", QDE.format(doctype=doctype, source=source))
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("reference", ["absolute:///etc/passwd", "relative://../../../../etc/passwd",
                                       "../../etc/passwd", "/etc/hostname"])
def test_refi_sources_come_from_inside_the_archive_only(tmp_path, reference):
    path = crafted(tmp_path, f'plainTextPath="{reference}">')
    with pytest.raises(InputError, match="points outside the project archive.*Fix: Export the project again"):
        import_refi(path)


def test_refi_absolute_path_is_read_from_the_archive_when_it_is_there(tmp_path):
    path = crafted(tmp_path, 'plainTextPath="absolute://C:/Users/ann/doc.txt">',
                   members={"sources/doc.txt": "Q: Hello?\nA: Inside the archive.\n"})
    result = import_refi(path)
    assert any("Inside the archive." in text for text in result.segments["text"])


def test_refi_members_leaving_the_archive_are_refused(tmp_path):
    path = crafted(tmp_path, "><PlainTextContent>x</PlainTextContent>", members={"../evil.txt": "x"})
    with pytest.raises(InputError, match=r"evil.txt: the archive holds 1 entry whose name leaves"):
        import_refi(path)


def test_refi_entities_are_refused_not_cut(tmp_path):
    doctype = '\n<!DOCTYPE Project [<!ENTITY who "Ann">]>'
    path = crafted(tmp_path, "><PlainTextContent>A: I met &who; at work and more text.</PlainTextContent>",
                   doctype=doctype)
    with pytest.raises(InputError, match=r"project.qde:\d+: the XML uses the entity &who;"):
        import_refi(path)
    bomb = '\n<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with pytest.raises(InputError, match="entity &b;"):
        import_refi(crafted(tmp_path, "><PlainTextContent>&b;</PlainTextContent>", doctype=bomb))
    external = '\n<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    with pytest.raises(InputError, match="entity &x;"):
        import_refi(crafted(tmp_path, "><PlainTextContent>&x;</PlainTextContent>", doctype=external))


def test_refi_zip_bomb_is_refused(tmp_path, monkeypatch):
    from pipeline.stages.refi import archive

    path = crafted(tmp_path, 'plainTextPath="internal://doc.txt">', members={"sources/doc.txt": b"\0" * (8 << 20)})
    with pytest.raises(InputError, match=r"doc.txt: the entry compresses \d+ times"):
        import_refi(path)
    monkeypatch.setattr(archive, "MAX_ENTRY_BYTES", 1 << 20)
    with pytest.raises(InputError, match="unpacks to 8 MiB, more than the 1 MiB"):
        import_refi(path)


# -- 5. paths ------------------------------------------------------------------------------------------

def _manifest(tmp_path: Path) -> pd.DataFrame:
    return pd.read_csv(tmp_path / "manifest.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_manifest_files_outside_the_transcripts_folder_are_refused(tmp_path, kind):
    path = small_study(tmp_path)
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Interviewer: Hello?\nMentee: The secret text.\n")
    manifest = _manifest(tmp_path)
    name = {"dotdot": "../outside/secret.txt", "absolute": str(secret), "symlink": "link.txt"}[kind]
    if kind == "symlink":
        (tmp_path / "transcripts" / "link.txt").symlink_to(secret)
    (tmp_path / "transcripts" / "plain.txt").unlink()
    manifest.loc[0, "file"] = name
    manifest.to_csv(tmp_path / "manifest.csv", index=False)
    problems = [p for p in pipeline.validate(path) if p.severity == "error"]
    how = {"dotdot": "climbs with '..'", "absolute": "is an absolute path", "symlink": "symbolic link"}[kind]
    assert [str(p) for p in problems if how in p.message], problems
    assert problems[0].where.endswith("manifest.csv:2[file]") and "allow_outside_files" in problems[0].fix
    with pytest.raises(QualpipeError):
        pipeline.ingest(path)
    edit_study(path, ingest={"allow_outside_files": True})
    corpus = pipeline.ingest(path)
    assert any("The secret text." in text for text in corpus.segments["text"])
    inputs = json.loads((tmp_path / "reports" / "small" / "provenance.json").read_text())["stages"]["ingest"]["inputs"]
    assert "outside/outside/secret.txt" in inputs  # its content is part of the cache key and provenance


def test_the_same_file_under_two_ids_is_an_error_naming_both_rows(tmp_path):
    path = small_study(tmp_path)
    manifest = _manifest(tmp_path)
    extra = manifest.iloc[[0]].assign(doc_id="again")
    pd.concat([manifest, extra]).to_csv(tmp_path / "manifest.csv", index=False)
    problems = [p for p in pipeline.validate(path) if "listed twice" in p.message]
    assert len(problems) == 1 and problems[0].where.endswith(f"manifest.csv:{len(manifest) + 2}[file]")
    assert "as 'd0' on line 2 and as 'again' on line" in problems[0].message


def test_provenance_paths_are_relative_to_the_study_file(tmp_path):
    path = small_study(tmp_path)
    segments = pipeline.ingest(path).segments
    seg = segments.loc[segments["speaker_role"] != "interviewer", "segment_id"].iloc[0]
    codings = tmp_path / "codings" / "gold.csv"
    codings.parent.mkdir()
    pd.DataFrame([{"segment_id": seg, "code": "motives.network", "coder": "AB"}]).to_csv(codings, index=False)
    edit_study(path, human_codings=[str(codings)])  # an absolute path in the study file
    pipeline.code(path)
    text = (tmp_path / "reports" / "small" / "provenance.json").read_text()
    assert str(tmp_path) not in text and "human_codings/codings/gold.csv" in text


# -- 6. the report escapes HTML ------------------------------------------------------------------------

@pytest.mark.slow
def test_html_in_transcripts_labels_and_attributes_is_escaped_in_the_report(tmp_path):
    path = small_study(tmp_path)
    book = yaml.safe_load((tmp_path / "codebook.yaml").read_text())
    book["themes"][0]["codes"][0]["label"]["en"] = "Network <img src=x onerror=alert(2)>"
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(book))
    plain = tmp_path / "transcripts" / "plain.txt"
    plain.write_text(plain.read_text() + "\nMentee: <script>alert(1)</script> my network helped me find a job.\n")
    manifest = _manifest(tmp_path)
    manifest["pilot"] = manifest["pilot"].str.replace("p1", "<b onmouseover=alert(3)>p1</b>")
    manifest.to_csv(tmp_path / "manifest.csv", index=False)
    html = pipeline.run(path).read_text()
    for raw in ("<script>alert(1)", "<img src=x", "<b onmouseover"):
        assert raw not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


# -- 7. no traceback reaches the user ------------------------------------------------------------------

def test_unexpected_errors_are_one_paragraph_and_debug_shows_the_traceback(tmp_path, monkeypatch):
    path = small_study(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(pipeline.api, "ingest", broken)
    result = runner.invoke(app, ["ingest", "--study", str(path)])
    assert result.exit_code == 2
    assert "`qualpipe ingest` stopped on an unexpected error: RuntimeError: something inside broke" in result.output
    assert "report it" in result.output and "--debug" in result.output and "Traceback" not in result.output
    debug = runner.invoke(app, ["--debug", "ingest", "--study", str(path)])
    assert isinstance(debug.exception, RuntimeError)


def test_every_command_is_guarded():
    """Every command goes through the guard that turns errors into messages."""
    from pipeline import cli

    typers = (cli.app, cli.codebook_app, cli.export_app, cli.import_app, cli.review_app)
    callbacks = [c.callback for t in typers for c in t.registered_commands]
    callbacks.append(cli.review_app.registered_callback.callback)
    assert len(callbacks) >= 16
    assert [f.__name__ for f in callbacks if not hasattr(f, "__wrapped__")] == []


def test_qualpipe_warnings_survive_a_library_that_silences_user_warnings():
    """BERTopic runs warnings.filterwarnings("ignore", category=UserWarning) when imported; qualpipe's
    warnings (and the topic model's) must still reach the user after the topics stage."""
    import warnings

    from pipeline.stages.topics import TopicsWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=UserWarning)  # what importing bertopic does
        warnings.warn("a row without text", QualpipeWarning, stacklevel=1)
        warnings.warn("mostly outliers", TopicsWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["a row without text", "mostly outliers"]
