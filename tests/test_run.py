"""The whole pipeline on a small study: outputs, caching, determinism and regeneration rules."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import yaml

import pipeline
from pipeline.api import cache

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
CODEBOOK = {
    "name": "mini", "version": "0.1", "languages": ["en", "nl"],
    "themes": [
        {"id": "motives", "label": {"en": "Motives"}, "codes": [
            {"id": "motives.network", "label": {"en": "Network"}, "cues": {"en": ["network"], "nl": ["netwerk*"]}},
            {"id": "motives.find_job", "label": {"en": "Find a job"}, "cues": {"en": ["find job", "job"]}},
        ]},
        {"id": "process", "label": {"en": "Process"}, "codes": [
            {"id": "process.contact_frequency", "label": {"en": "Contact"},
             "cues": {"en": ["every two weeks", "contact"], "nl": ["contact", "keer per maand"]}},
        ]},
    ],
}


def small_study(tmp_path: Path) -> Path:
    folder = tmp_path / "transcripts"
    folder.mkdir()
    rows = []
    for i, (name, lang) in enumerate([("plain.txt", "en"), ("windows.txt", "nl"), ("utf16.txt", "en"),
                                      ("paragraphs.docx", "en"), ("teams.vtt", "en"), ("cues.srt", "en"),
                                      ("bom.txt", "nl"), ("bold.docx", "nl"), ("units.csv", "en"),
                                      ("units.xlsx", "en"), ("table.docx", "en")]):
        shutil.copy(FIXTURES / name, folder / name)
        rows.append({"doc_id": f"d{i}", "file": name, "pilot": f"p{i % 3}",
                     "model": "dual" if i % 2 else "centralised", "method": "interview", "role": "mentee",
                     "language": lang, "interviewer": "Lotte" if name == "teams.vtt" else ""})
    pd.DataFrame(rows).to_csv(tmp_path / "manifest.csv", index=False)
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(CODEBOOK), encoding="utf-8")
    study = {"name": "small", "transcripts": "transcripts", "manifest": "manifest.csv", "codebook": "codebook.yaml",
             "coding": {"coder": "rule"},
             "topics": {"reduction": "none", "clustering": "kmeans", "n_topics": 2, "min_words": 1,
                        "stability_seeds": []},
             "compare": {"n_boot": 200, "n_perm": 200}}
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    return tmp_path / "study.yaml"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_run_writes_everything_and_second_run_recomputes_nothing(tmp_path):
    path = small_study(tmp_path)
    cache.EVENTS.clear()
    report = pipeline.run(path)
    out = tmp_path / "reports" / "small"
    assert report == out / "index.html" and report.exists()
    for name in ("documents.csv", "segments.csv", "coded_segments.csv", "codings.csv", "topics.csv",
                 "segment_topics.csv", "prevalence.csv", "differences.csv", "framework_matrix.csv",
                 "provenance.json"):
        assert (out / name).exists(), name
    assert not any(cache.EVENTS.values())  # first run: everything computed
    first = digest(out)
    html = report.read_bytes()

    cache.EVENTS.clear()
    pipeline.run(path)
    assert cache.EVENTS and all(cache.EVENTS.values()), cache.EVENTS  # second run: all from the cache
    assert digest(out) == first
    assert report.read_bytes() == html

    provenance = json.loads((out / "provenance.json").read_text())
    assert set(provenance["stages"]) >= {"ingest", "code", "topics", "compare"}
    assert provenance["stages"]["code"]["codebook"]["version"] == "0.1"


def test_changing_only_the_codebook_recodes_but_does_not_reingest_or_refit_topics(tmp_path):
    path = small_study(tmp_path)
    pipeline.run(path)
    book = dict(CODEBOOK, version="0.2")
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(book), encoding="utf-8")
    cache.EVENTS.clear()
    pipeline.run(path)
    assert cache.EVENTS["ingest"] is True
    assert cache.EVENTS["topics"] is True
    assert cache.EVENTS["code"] is False
    assert cache.EVENTS["report"] is False


def test_outputs_are_identical_without_the_cache(tmp_path, monkeypatch):
    path = small_study(tmp_path)
    pipeline.run(path)
    out = tmp_path / "reports" / "small"
    first = digest(out)
    monkeypatch.setenv("QUALPIPE_NO_CACHE", "1")
    pipeline.run(path)
    assert digest(out) == first


def test_no_real_name_in_any_output(tmp_path):
    path = small_study(tmp_path)
    pipeline.run(path)
    out = tmp_path / "reports" / "small"
    text = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in out.rglob("*")
                   if p.is_file() and p.suffix in {".csv", ".html", ".json"})
    for name in ("Amal", "Yusuf", "Omar", "Haddad", "Lotte", "Claes", "Nadia", "Jan"):
        assert name not in text, name
    assert not list(out.rglob("*pseudonym_key*"))


def test_cli_run_and_friendly_errors(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    path = small_study(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["validate", "--study", str(path)])
    assert result.exit_code == 0, result.output
    (tmp_path / "transcripts" / "stray.txt").write_text("Interviewer: hi\nAmal: hello\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", "--study", str(path)])
    assert result.exit_code == 1
    assert "stray.txt" in result.output and "not in the manifest" in result.output
    assert "Traceback" not in result.output


def test_report_does_not_depend_on_what_the_cache_held(tmp_path):
    """A cold run and a run whose embeddings were cached write the same report."""
    path = small_study(tmp_path)
    pipeline.run(path)
    out = tmp_path / "reports" / "small"
    first = (out / "index.html").read_bytes()
    for entry in (tmp_path / ".qualpipe-cache" / "small").glob("*.joblib"):
        entry.unlink()  # stage results gone, embeddings still cached
    pipeline.run(path)
    assert (out / "index.html").read_bytes() == first
