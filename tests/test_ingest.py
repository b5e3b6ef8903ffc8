"""Ingestion of a whole study: manifest, every format, validation, pseudonymisation, outputs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import pipeline
from pipeline.settings import load_study
from pipeline.errors import ConfigError, QualpipeError
from pipeline.stages.ingest.corpus import ingest as read_corpus
from pipeline.stages.ingest.corpus import validate

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
GOOD = {
    "plain": ("plain.txt", "mentee", "en", ""),
    "windows": ("windows.txt", "mentor", "nl", ""),
    "utf16": ("utf16.txt", "mentee", "en", ""),
    "bom": ("bom.txt", "mentee", "nl", ""),
    "paragraphs": ("paragraphs.docx", "mentee", "en", ""),
    "bold": ("bold.docx", "mixed", "nl", ""),
    "table": ("table.docx", "coordinator", "en", ""),
    "teams": ("teams.vtt", "mentee", "en", "Lotte"),
    "zoom": ("zoom.vtt", "mixed", "en", "Sara Peeters"),
    "srt": ("cues.srt", "mentee", "en", ""),
    "units": ("units.csv", "mentee", "en", ""),
    "unitsx": ("units.xlsx", "mentee", "en", ""),
}


def make_study(tmp_path: Path, docs=GOOD, extra: dict | None = None, files=None) -> Path:
    folder = tmp_path / "transcripts"
    folder.mkdir()
    rows = []
    for doc_id, (name, role, lang, interviewer) in docs.items():
        if (FIXTURES / name).exists():
            shutil.copy(FIXTURES / name, folder / name)
        rows.append({"doc_id": doc_id, "file": name, "pilot": "p1", "model": "dual", "method": "interview",
                     "role": role, "language": lang, "interviewer": interviewer})
    for name, content in (files or {}).items():
        (folder / name).write_bytes(content)
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    config = {"name": "t", "transcripts": "transcripts", "manifest": "manifest.csv", "codebook": "cb.yaml",
              "attributes": {"model": ["dual", "centralised"], "pilot": ["p1", "p2", "ef-leerwinkel"]},
              "pseudonymise": {"names": ["Koen"]}}
    config.update(extra or {})
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp_path / "study.yaml"


def test_ingest_every_format(tmp_path):
    corpus = read_corpus(load_study(make_study(tmp_path)), pseudonymise=False)
    docs, segs = corpus.documents, corpus.segments
    assert sorted(docs["doc_id"]) == sorted(GOOD)
    assert list(segs.columns[:11]) == ["segment_id", "doc_id", "turn", "speaker", "speaker_role", "text",
                                       "start_char", "end_char", "start_time", "end_time", "source_line"]
    # offsets point into the document's normalised text
    texts = dict(zip(docs["doc_id"], docs["text"]))
    for row in segs.itertuples():
        assert texts[row.doc_id][row.start_char:row.end_char] == row.text
    # turn numbers run from 1 over all turns, interviewer turns included
    for doc_id, part in segs.groupby("doc_id"):
        assert part["turn"].tolist() == list(range(1, len(part) + 1))
        assert (part["segment_id"] == doc_id + ":" + part["turn"].astype(str)).all()
    assert docs.set_index("doc_id").loc["plain", "n_turns"] == 4
    assert docs.set_index("doc_id").loc["windows", "encoding"] == "cp1252"


def test_speaker_roles_from_labels_and_manifest(tmp_path):
    segs = read_corpus(load_study(make_study(tmp_path)), pseudonymise=False).segments
    role = dict(zip(segs["segment_id"], segs["speaker_role"]))
    assert role["plain:1"] == "interviewer" and role["plain:2"] == "respondent"
    assert role["windows:1"] == "interviewer"  # Dutch default label 'Onderzoeker'
    assert role["utf16:1"] == "interviewer"  # 'I'
    assert role["bold:1"] == "interviewer"  # 'Moderator'
    assert role["teams:1"] == "interviewer"  # 'Lotte Claes' named 'Lotte' in the manifest
    assert role["teams:2"] == "respondent"
    assert role["zoom:1"] == "interviewer"  # full name in the manifest
    assert (segs.loc[segs["doc_id"] == "units", "speaker_role"] == "respondent").all()


def test_document_and_unit_attributes_reach_segments(tmp_path):
    segs = read_corpus(load_study(make_study(tmp_path)), pseudonymise=False).segments.set_index("segment_id")
    assert segs.loc["plain:2", "model"] == "dual" and segs.loc["plain:2", "role"] == "mentee"
    assert segs.loc["units:2", "sector"] == "health"
    assert segs.loc["units:2", "pilot"] == "ef-leerwinkel"  # a unit's attribute overrides the document's


def test_validate_lists_every_problem_at_once(tmp_path):
    docs = {
        "ok": ("plain.txt", "mentee", "en", ""),
        "missing": ("nowhere.txt", "mentee", "en", ""),
        "empty": ("empty.txt", "mentee", "en", ""),
        "nocues": ("nocues.vtt", "mentee", "en", ""),
        "broken": ("broken.docx", "mentee", "en", ""),
    }
    path = make_study(tmp_path, docs, files={"stray.txt": b"Interviewer: hi\nAmal: hello\n"})
    manifest = pd.read_csv(tmp_path / "manifest.csv", dtype=str, keep_default_na=False)
    manifest.loc[len(manifest)] = ["ok", "bom.txt", "p9", "dual", "interview", "mentee", "en", ""]
    manifest.to_csv(tmp_path / "manifest.csv", index=False)
    problems = [str(p) for p in validate(load_study(path)) if p.severity == "error"]
    text = "\n".join(problems)
    assert "manifest.csv:3[file]" in text and "'nowhere.txt' is not in" in text
    assert "empty.txt: the file is empty" in text
    assert "nocues.vtt: no recognisable turns" in text
    assert "broken.docx: cannot open the Word file" in text
    assert "stray.txt: this transcript is not in the manifest" in text
    assert "manifest.csv:7[doc_id]: duplicate doc_id 'ok' (also on line 2)" in text
    assert "manifest.csv:7[pilot]: value 'p9' is not allowed for 'pilot'" in text
    assert all("Fix:" in p for p in problems)
    with pytest.raises(QualpipeError) as info:
        pipeline.ingest(path)
    assert len(info.value.problems) == len(problems)
    assert not (tmp_path / "reports").exists()  # nothing partial is written


def test_manifest_missing_columns(tmp_path):
    path = make_study(tmp_path, {"a": ("plain.txt", "mentee", "en", "")})
    pd.DataFrame({"doc_id": ["a"], "file": ["plain.txt"]}).to_csv(tmp_path / "manifest.csv", index=False)
    problems = validate(load_study(path))
    assert any("manifest.csv[header]" in p.where and "missing column" in p.message for p in problems)


def test_pseudonymisation_is_consistent_and_keeps_offsets(tmp_path):
    path = make_study(tmp_path)
    corpus = pipeline.ingest(path)
    segs, docs = corpus.segments, corpus.documents
    everything = "\n".join(docs["text"]) + "\n".join(segs["speaker"])
    for name in ("Amal", "Koen", "Omar", "Haddad", "Lotte", "Claes", "Fatima", "Yusuf", "Ravi", "Sofie"):
        assert name not in everything, name
    texts = dict(zip(docs["doc_id"], docs["text"]))
    for row in segs.itertuples():
        assert texts[row.doc_id][row.start_char:row.end_char] == row.text
    by_id = segs.set_index("segment_id")
    assert by_id.loc["plain:2", "speaker"] == "Mentee-01"
    assert by_id.loc["teams:1", "speaker"].startswith("Interviewer-")
    assert "Person-" in by_id.loc["plain:4", "text"]  # Koen, a known name
    assert by_id.loc["zoom:3", "text"] == "Thank you " + by_id.loc["zoom:2", "speaker"] + "."
    key = tmp_path / ".private" / "t.pseudonym_key.csv"
    assert key.exists() and (tmp_path / ".private" / ".gitignore").exists()
    again = pipeline.ingest(path)  # same pseudonyms on a re-run
    pd.testing.assert_frame_equal(again.segments, segs)
    out = tmp_path / "reports" / "t"
    written = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.csv"))
    assert "Amal" not in written and "Koen" not in written
    assert not list(out.rglob("*pseudonym_key*"))


def test_emails_and_phone_numbers(tmp_path):
    files = {"c.txt": "Interviewer: Your number?\nAmal: It is 0475 12 34 56, or +32 9 123 45 67.\n"
                      "Interviewer: Mail?\nAmal: amal.h@example.org. Born in 1987, 12:30 is fine.\n".encode()}
    path = make_study(tmp_path, {"c": ("c.txt", "mentee", "en", "")}, files=files)
    segs = pipeline.ingest(path).segments.set_index("segment_id")
    assert segs.loc["c:2", "text"] == "It is [PHONE], or [PHONE]."
    # a birth year is personal data (issue 17); a time of day is not
    assert segs.loc["c:4", "text"] == "[EMAIL]. Born in [DATE_OF_BIRTH], 12:30 is fine."


def test_ingest_writes_tables_and_provenance(tmp_path):
    path = make_study(tmp_path)
    pipeline.ingest(path)
    out = tmp_path / "reports" / "t"
    for name in ("documents.csv", "documents.parquet", "segments.csv", "segments.parquet", "provenance.json"):
        assert (out / name).exists(), name
    first = (out / "segments.csv").read_bytes()
    pipeline.ingest(path)
    assert (out / "segments.csv").read_bytes() == first
    import json

    prov = json.loads((out / "provenance.json").read_text())
    # inputs are named by doc_id, never by file name (a file name may hold a person's name)
    assert prov["stages"]["ingest"]["inputs"]["transcripts/plain"] == \
        __import__("hashlib").sha256((tmp_path / "transcripts/plain.txt").read_bytes()).hexdigest()
    assert "pandas" in prov["packages"]


def test_unknown_key_names_key_and_file(tmp_path):
    path = make_study(tmp_path, extra={"transcirpts": "x"})
    with pytest.raises(ConfigError) as info:
        load_study(path)
    assert "study.yaml[transcirpts]" in str(info.value) and "unknown key" in str(info.value)


def test_bad_value_names_key(tmp_path):
    path = make_study(tmp_path, extra={"languages": ["english"]})
    with pytest.raises(ConfigError, match=r"study.yaml\[languages\]: bad value"):
        load_study(path)


def test_default_output_folder(tmp_path):
    study = load_study(make_study(tmp_path))
    assert study.output_dir == (tmp_path / "reports" / "t").resolve()


def test_oral_histories_ingest_with_warnings(tmp_path, shared):
    source = shared / "external/western-sydney-oral-history/transcripts_txt"
    files = sorted(source.glob("*.txt"))[:3]
    folder = tmp_path / "transcripts"
    folder.mkdir()
    rows = []
    for i, f in enumerate(files):
        shutil.copy(f, folder / f.name)
        rows.append({"doc_id": f"oh{i}", "file": f.name, "pilot": "wsu", "model": "none", "method": "interview",
                     "role": "mixed", "language": "en"})
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(
        {"name": "oh", "transcripts": "transcripts", "manifest": "manifest.csv", "codebook": "x.yaml"}))
    corpus = pipeline.ingest(tmp_path / "study.yaml")
    assert len(corpus.documents) == 3 and len(corpus.segments) > 100
    assert sum("no speaker labels" in w.message for w in corpus.warnings) == 3


def test_document_without_recognised_interviewer_is_reported(tmp_path):
    docs = {"zoom": ("zoom.vtt", "mixed", "en", "")}
    problems = validate(load_study(make_study(tmp_path, docs)))
    warning = [p for p in problems if p.severity == "warning" and "no interviewer turns" in p.message]
    assert warning and warning[0].where.endswith("manifest.csv:2[interviewer]")
    # where the labels are, not what they say: a speaker label may be a name (issue 17)
    assert "Sara Peeters" not in warning[0].message and "line(s) 1" in warning[0].message


def test_speakers_file_sets_roles_and_bad_header_is_named(tmp_path):
    docs = {"bold": ("bold.docx", "mixed", "nl", "")}
    (tmp_path / "speakers.csv").write_text("doc_id,speaker,role\nbold,Ahmed,mentee\nbold,Lina,mentor\n",
                                           encoding="utf-8")
    path = make_study(tmp_path, docs, extra={"ingest": {"speakers": "speakers.csv"}})
    segs = pipeline.ingest(path).segments.set_index("segment_id")
    assert segs.loc["bold:2", "role"] == "mentee" and segs.loc["bold:3", "role"] == "mentor"
    assert segs.loc["bold:2", "speaker"].startswith("Mentee-") and segs.loc["bold:3", "speaker"].startswith("Mentor-")
    (tmp_path / "speakers.csv").write_text("doc,name,role\n", encoding="utf-8")
    with pytest.raises(QualpipeError, match=r"speakers.csv\[header\]: missing column"):
        read_corpus(load_study(path))
