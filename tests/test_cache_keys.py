"""Precise cache keys and the whole-run record: what an edit recomputes, and that a result served
from the cache is always the result a run without the cache writes."""
from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
import yaml

import pipeline
from pipeline.api import cache, keys
from pipeline.codebook import load_codebook
from pipeline.stages.coding.code import codebook_version
from test_run import CODEBOOK, digest, small_study


def _rel(stage: str) -> set[str]:
    return {str(p.relative_to(keys.PACKAGE)) for p in keys.stage_files(stage)}


def test_a_stage_key_covers_the_modules_it_runs_and_not_the_others():
    code = _rel("code")
    assert {"stages/coding/code.py", "stages/coding/coders/rule.py", "stages/coding/coders/stacked.py",
            "codebook.py", "api/stages.py"} <= code
    assert not any(p.startswith(("stages/topics/", "stages/report/", "stages/compare/")) for p in code)
    topics = _rel("topics")
    assert "stages/topics/components.py" in topics  # looked up by name through the registry
    assert not any(p.startswith("stages/coding/") for p in topics)
    assert {"stages/report/templates/report.html.j2", "stages/report/render.py"} <= _rel("report")


@pytest.mark.slow
def test_editing_a_definition_re_renders_the_report_only_and_serves_no_stale_result(tmp_path, monkeypatch):
    path = small_study(tmp_path)
    pipeline.run(path)
    book = copy.deepcopy(CODEBOOK)
    book["themes"][0]["codes"][0]["definition"] = {"en": "Joined to build a network of contacts."}
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(book), encoding="utf-8")
    cache.EVENTS.clear()
    pipeline.run(path)
    served = dict(cache.EVENTS)
    for stage in ("ingest", "code", "topics", "compare", "agreement"):
        assert served.get(stage, True) is True, (stage, served)
    assert served["code"] is True and served["compare"] is True
    assert served["report"] is False
    out = tmp_path / "reports" / "small"
    cached = digest(out)
    html = (out / "index.html").read_bytes()
    codings = (out / "codings.csv").read_text(encoding="utf-8")
    assert codebook_version(load_codebook(tmp_path / "codebook.yaml")) in codings  # the edited codebook's version

    monkeypatch.setenv("QUALPIPE_NO_CACHE", "1")
    pipeline.run(path)
    assert digest(out) == cached  # every table as a run without the cache writes it
    assert (out / "index.html").read_bytes() == html


@pytest.mark.slow
def test_editing_a_cue_recodes(tmp_path):
    path = small_study(tmp_path)
    pipeline.run(path)
    before = (tmp_path / "reports" / "small" / "codings.csv").read_text(encoding="utf-8")
    book = copy.deepcopy(CODEBOOK)
    book["themes"][0]["codes"][0]["cues"] = {"en": ["hello"]}
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(book), encoding="utf-8")
    cache.EVENTS.clear()
    pipeline.run(path)
    assert cache.EVENTS["ingest"] is True and cache.EVENTS["code"] is False
    assert (tmp_path / "reports" / "small" / "codings.csv").read_text(encoding="utf-8") != before


def test_a_run_with_nothing_changed_reads_no_stage_and_a_touched_output_is_rewritten(tmp_path):
    path = small_study(tmp_path)
    pipeline.run(path)
    out = tmp_path / "reports" / "small"
    first = digest(out)
    cache.EVENTS.clear()
    pipeline.run(path)
    assert cache.EVENTS == {"run": True}
    (out / "codings.csv").write_text("damaged\n", encoding="utf-8")
    cache.EVENTS.clear()
    pipeline.run(path)
    assert "run" not in cache.EVENTS and cache.EVENTS["code"] is True
    assert digest(out) == first


def test_cli_warm_run_imports_no_stage_library(tmp_path):
    path = small_study(tmp_path)
    pipeline.run(path)
    probe = ("import sys, runpy; sys.argv = ['qualpipe', 'run', '--study', sys.argv[1]]\n"
             "try:\n    runpy.run_module('pipeline.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "heavy = [m for m in ('torch', 'bertopic', 'umap', 'spacy', 'sklearn', 'joblib', 'scipy') "
             "if m in sys.modules]\nprint('HEAVY', heavy)")
    done = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=120)
    assert "nothing changed" in done.stdout, done.stdout + done.stderr
    assert "HEAVY []" in done.stdout, done.stdout


def test_coders_that_read_definitions_are_given_them():
    """With coding.zero_shot (and embeddings) the coder scores turns against the definitions, with
    coding.definitions_weight it learns from them: its codebook keeps them, so an edited
    definition recodes; without (the default: embeddings auto, zero_shot none), they are left out."""
    from pipeline.api.stages import _view

    from pathlib import Path

    study = pipeline.load_study(Path(__file__).resolve().parents[1] / "study.yaml")

    def with_coding(**update):  # noqa: ANN003, ANN202
        return study.model_copy(update={"coding": study.coding.model_copy(update=update)})

    plain, plain_hash = _view(study)  # the default: embeddings on (two languages), no zero-shot
    assert study.coding.embeddings == "auto" and study.coding.zero_shot == "none"
    assert all(not code.definition for code, _, _ in plain.walk())
    full, full_hash = _view(with_coding(embeddings="usem3", zero_shot="sentences"))
    assert any(code.definition for code, _, _ in full.walk()) and full_hash != plain_hash
    assert _view(with_coding(definitions_weight=0.5))[1] == full_hash  # descriptions as training rows
    assert _view(with_coding(embeddings=None, zero_shot="sentences"))[1] == plain_hash  # no embeddings
    # embeddings: auto embeds turns of several languages: the bilingual sample reads the definitions
    # when it compares turns with them, a study of one language does not
    auto = with_coding(embeddings="auto", zero_shot="unit")
    assert _view(auto)[1] == full_hash
    assert _view(auto.model_copy(update={"languages": ["en"]}))[1] == plain_hash


def test_the_kept_module_lists_are_used_only_for_the_same_source(monkeypatch, tmp_path):
    """stage_files keeps its lists under the hash of the package's files: a list kept for other
    source is never used."""
    memo = tmp_path / "stage-files.json"
    monkeypatch.setattr(keys, "_MEMO_FILE", memo)
    keys._stage_files_memo.cache_clear()
    keys.stage_files.cache_clear()
    try:
        fresh = keys.stage_files("code")
        kept = json.loads(memo.read_text(encoding="utf-8"))
        assert kept["stages"]["code"] == [str(p.relative_to(keys.PACKAGE)) for p in fresh]
        memo.write_text(json.dumps({"source": "other", "stages": {"code": ["bogus.py"]}}),
                        encoding="utf-8")
        keys._stage_files_memo.cache_clear()
        keys.stage_files.cache_clear()
        assert keys.stage_files("code") == fresh
    finally:
        keys._stage_files_memo.cache_clear()
        keys.stage_files.cache_clear()
