"""The one registry (:mod:`pipeline.registry`) for transcript readers and coders: a reader
registered for a new suffix is used by ingest, and a coder name is checked as before."""
from __future__ import annotations

import textwrap
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError

import pipeline
from pipeline.codebook import load_codebook
from pipeline.registry import registry
from pipeline.settings import CodingSettings
from pipeline.stages.coding.code import make_coder
from pipeline.stages.ingest.formats import READERS, read_transcript
from pipeline.stages.ingest.formats.text import read_txt

CODEBOOK = textwrap.dedent("""\
    name: tiny
    version: "1"
    languages: [en]
    themes:
      - id: goals
        label: {en: Goals}
        codes:
          - id: goals.network
            label: {en: Network}
            cues: {en: [network]}
    """)
STUDY = textwrap.dedent("""\
    name: tiny
    transcripts: transcripts
    manifest: manifest.csv
    codebook: codebook.yaml
    languages: [en]
    coding: {coder: rule}
    """)


@pytest.fixture
def pages_reader():
    """A reader for ``.pages`` files (plain text under another suffix), registered for one test."""
    calls = []

    @registry("ingest.readers").register(".pages")
    def read_pages(path, options):  # noqa: ANN001, ANN202
        calls.append(Path(path).name)
        return read_txt(path, options)

    yield calls
    registry("ingest.readers").unregister(".pages")


def test_a_registered_reader_reads_its_suffix_in_ingest(tmp_path, pages_reader):
    (tmp_path / "transcripts").mkdir()
    (tmp_path / "transcripts" / "a.pages").write_text(
        "Interviewer: How did you start?\nAnna: I wanted a network and a job here.\n"
        "Interviewer: And then?\nAnna: My mentor helped me with my CV.\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("doc_id,file,language\na,a.pages,en\n", encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (tmp_path / "study.yaml").write_text(STUDY, encoding="utf-8")

    segments = pipeline.ingest(tmp_path / "study.yaml", write=False).segments

    assert pages_reader and set(pages_reader) == {"a.pages"}
    assert ".pages" in READERS and READERS[".pages"] is registry("ingest.readers").get(".pages")
    assert segments["text"].tolist() == ["How did you start?", "I wanted a network and a job here.",
                                         "And then?", "My mentor helped me with my CV."]


def test_readers_mapping_is_the_registry(tmp_path):
    assert sorted(READERS) == registry("ingest.readers").names()
    assert READERS[".txt"] is read_txt and ".pages" not in READERS
    READERS[".pages"] = read_txt  # the older way of adding a reader still registers it
    try:
        assert registry("ingest.readers").get(".pages") is read_txt
    finally:
        del READERS[".pages"]
    assert ".pages" not in registry("ingest.readers")
    with pytest.raises(pipeline.errors.InputError, match=r"no reader for '\.pages' files"):
        read_transcript(tmp_path / "a.pages")


def test_coder_names_are_the_registered_coders():
    allowed = typing.get_args(CodingSettings.model_fields["coder"].annotation)
    assert sorted(allowed) == registry("coding.coders").names()


def test_an_unknown_coder_gives_the_same_clear_error(tmp_path):
    with pytest.raises(ValidationError, match=r"Input should be 'rule', 'model', 'combined' or 'stacked'"):
        CodingSettings(coder="magic")
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    book = load_codebook(tmp_path / "codebook.yaml")
    with pytest.raises(KeyError, match=r"unknown coding.coders 'magic'; choose one of: combined, model, rule, stacked"):
        make_coder(book, CodingSettings(), "magic")
    assert type(make_coder(book, CodingSettings(), "rule")).__name__ == "RuleCoder"
