"""Bad input, as a new user produces it: every case must end in a clear message that names the file
and the place (line, key or field) and says what to do, never in a traceback or a silent pass.

Each case starts from a tiny valid study (two transcripts, a two-code codebook), breaks one thing,
and runs a command through the CLI as a user would. Cases are grouped by what they break: study file,
codebook, human codings, manifest, transcripts. Other suites cover the rest: readers on real exports
(test_real_world_formats.py), paths, overwrites and injection (test_safety.py), personal data
(test_privacy.py).
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

TRANSCRIPT_A = ("Interviewer: How did you start?\nAnna: I wanted a network and a job here.\n"
                "Interviewer: And then?\nAnna: My mentor helped me with my CV.\n")
TRANSCRIPT_B = ("Interviewer: Wat vond je ervan?\nBram: Ik zocht een netwerk en werk.\n"
                "Interviewer: En nu?\nBram: Nu heb ik werk.\n")
MANIFEST = "doc_id,file,language,pilot,model,method,role\na,a.txt,en,p1,dual,interview,mentee\n" \
           "b,b.txt,nl,p2,centralised,interview,mentee\n"
CODEBOOK = textwrap.dedent("""\
    name: tiny
    version: "1"
    languages: [en, nl]
    themes:
      - id: goals
        label: {en: Goals, nl: Doelen}
        codes:
          - id: goals.network
            label: {en: Network, nl: Netwerk}
            cues: {en: [network], nl: [netwerk]}
          - id: goals.job
            label: {en: Job, nl: Werk}
            cues: {en: [job], nl: [werk]}
    """)
STUDY = textwrap.dedent("""\
    name: tiny
    transcripts: transcripts
    manifest: manifest.csv
    codebook: codebook.yaml
    languages: [en, nl]
    coding: {coder: rule}
    """)
CODINGS = "segment_id,code,coder\na:2,goals.network,ann\na:2,goals.job,ann\n"


def make_study(root: Path) -> Path:
    (root / "transcripts").mkdir()
    (root / "transcripts" / "a.txt").write_text(TRANSCRIPT_A, encoding="utf-8")
    (root / "transcripts" / "b.txt").write_text(TRANSCRIPT_B, encoding="utf-8")
    (root / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    (root / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (root / "study.yaml").write_text(STUDY, encoding="utf-8")
    return root / "study.yaml"


def edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        target = root / path
        text = target.read_text(encoding="utf-8")
        assert old in text, f"case setup: {old!r} not in {path}"
        target.write_text(text.replace(old, new), encoding="utf-8")
    return apply


def write(path: str, content: str | bytes) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return apply


def add_codings(content: str | bytes, name: str = "codings.csv") -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        write(name, content)(root)
        edit("study.yaml", "coding: {coder: rule}", f"coding: {{coder: rule}}\nhuman_codings: [{name}]")(root)
    return apply


def remove(path: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / path).unlink()
    return apply


def replace_b(name: str, content: str | bytes) -> Callable[[Path], None]:
    """Transcript b becomes ``transcripts/<name>`` (another format), listed so in the manifest."""
    def apply(root: Path) -> None:
        remove("transcripts/b.txt")(root)
        write(f"transcripts/{name}", content)(root)
        edit("manifest.csv", "b,b.txt", f"b,{name}")(root)
    return apply


def setting(text: str) -> Callable[[Path], None]:
    """Add lines to the study file."""
    return edit("study.yaml", "coding: {coder: rule}", "coding: {coder: rule}\n" + text)


def outside(kind: str) -> Callable[[Path], None]:
    """Manifest row b points at a file outside the transcripts folder (``..``, absolute, symlink)."""
    def apply(root: Path) -> None:
        write("outside/secret.txt", TRANSCRIPT_B)(root)
        name = {"dotdot": "../outside/secret.txt", "absolute": str(root / "outside" / "secret.txt"),
                "symlink": "link.txt"}[kind]
        if kind == "symlink":
            (root / "transcripts" / "link.txt").symlink_to(root / "outside" / "secret.txt")
        remove("transcripts/b.txt")(root)
        edit("manifest.csv", "b,b.txt", f"b,{name}")(root)
    return apply


@dataclass
class Case:
    id: str
    breaks: Callable[[Path], None]
    says: tuple[str, ...]           # words the message must hold (the place, the key, the fix)
    file: str = "study.yaml"        # the file the message must name
    command: tuple[str, ...] = ("validate",)
    exit_code: int = 1              # 1: refused; 0: ran, with a warning


CASES = [
    # -- the study file ------------------------------------------------------------------------------
    Case("study-not-yaml", write("study.yaml", "name: tiny\n  transcripts: [unclosed\n"), ("YAML", "line")),
    Case("study-is-a-list", write("study.yaml", "- name: tiny\n"), ("mapping",)),
    Case("study-empty", write("study.yaml", ""), ("name",)),
    Case("study-unknown-key", edit("study.yaml", "transcripts:", "transcipts:"), ("transcipts", "spelling")),
    Case("study-missing-codebook", edit("study.yaml", "codebook: codebook.yaml\n", ""), ("codebook", "missing")),
    Case("study-bad-name", edit("study.yaml", "name: tiny", "name: my study!"), ("name",)),
    Case("study-bad-language", edit("study.yaml", "languages: [en, nl]", "languages: [english]"),
         ("english", "ISO")),
    Case("study-seed-not-a-number", edit("study.yaml", "coding: {coder: rule}", "coding: {coder: rule}\nseed: abc"),
         ("seed",)),
    Case("study-unknown-nested-key", edit("study.yaml", "coding: {coder: rule}", "coding: {codr: rule}"),
         ("coding.codr",)),
    Case("study-unknown-coder", edit("study.yaml", "coding: {coder: rule}", "coding: {coder: magic}"),
         ("coding.coder", "magic")),
    Case("study-unknown-topic-embedding", edit("study.yaml", "coding: {coder: rule}",
                                               "coding: {coder: rule}\ntopics: {embedding: word2vec}"),
         ("topics", "word2vec", "choose one of")),
    Case("study-kmeans-without-n-topics", edit("study.yaml", "coding: {coder: rule}",
                                               "coding: {coder: rule}\ntopics: {clustering: kmeans}"),
         ("n_topics",)),
    Case("study-attributes-not-lists", edit("study.yaml", "coding: {coder: rule}",
                                            "coding: {coder: rule}\nattributes: {model: dual}"), ("attributes",)),
    Case("study-transcripts-folder-missing", edit("study.yaml", "transcripts: transcripts",
                                                  "transcripts: transcrpts"), ("transcrpts",)),
    Case("study-manifest-missing", edit("study.yaml", "manifest: manifest.csv", "manifest: manifest2.csv"),
         ("manifest2.csv",), file="manifest2.csv"),
    Case("study-codebook-missing", edit("study.yaml", "codebook: codebook.yaml", "codebook: book.yaml"),
         ("book.yaml", "codebook"), file="book.yaml"),
    Case("study-human-codings-missing", edit("study.yaml", "coding: {coder: rule}",
                                             "coding: {coder: rule}\nhuman_codings: [gold.csv]"),
         ("gold.csv", "human_codings")),
    Case("study-not-utf8", write("study.yaml", STUDY.replace("name: tiny", "name: tiny\ndescription: caf\xe9")
                                 .encode("cp1252")), ("UTF-8",)),
    Case("study-file-missing", remove("study.yaml"), ("does not exist", "--study")),
    Case("study-attribute-value-yes-no", edit("study.yaml", "coding: {coder: rule}",
                                              "coding: {coder: rule}\nattributes: {paid: [yes, no]}"),
         ("attributes", "truth value", "quotes")),
    Case("study-wrong-type-list", edit("study.yaml", "languages: [en, nl]", "languages: en"), ("languages",)),
    # -- the codebook --------------------------------------------------------------------------------
    Case("codebook-not-yaml", write("codebook.yaml", "name: tiny\nthemes: [\n"), ("YAML", "line"),
         file="codebook.yaml"),
    Case("codebook-is-a-list", write("codebook.yaml", "- id: x\n"), ("mapping",), file="codebook.yaml"),
    Case("codebook-no-themes", edit("codebook.yaml", CODEBOOK[CODEBOOK.index("themes:"):], "themes: []\n"),
         ("themes",), file="codebook.yaml"),
    Case("codebook-themes-missing", edit("codebook.yaml", CODEBOOK[CODEBOOK.index("themes:"):], ""),
         ("themes",), file="codebook.yaml"),
    Case("codebook-duplicate-code", edit("codebook.yaml", "id: goals.job", "id: goals.network"),
         ("goals.network",), file="codebook.yaml"),
    Case("codebook-unknown-key", edit("codebook.yaml", "cues: {en: [job]", "cuez: {en: [job]"), ("cuez",),
         file="codebook.yaml"),
    Case("codebook-missing-label", edit("codebook.yaml", "        label: {en: Job, nl: Werk}\n", ""),
         ("label",), file="codebook.yaml"),
    Case("codebook-missing-version", edit("codebook.yaml", 'version: "1"\n', ""), ("version",),
         file="codebook.yaml"),
    Case("codebook-empty-cue", edit("codebook.yaml", "en: [job]", 'en: [""]'), ("cue",), file="codebook.yaml"),
    Case("codebook-language-not-covered", edit("codebook.yaml", "languages: [en, nl]", "languages: [en]"),
         ("nl",), file="codebook.yaml"),
    Case("codebook-empty-file", write("codebook.yaml", ""), ("codebook",), file="codebook.yaml"),
    Case("codebook-bad-id", edit("codebook.yaml", "id: goals.job", "id: goals job!"), ("goals job!",),
         file="codebook.yaml"),
    Case("codebook-qdc-broken", lambda root: (write("codebook.qdc", "<CodeBook><Codes>")(root),
                                              edit("study.yaml", "codebook.yaml", "codebook.qdc")(root)),
         ("XML",), file="codebook.qdc"),
    Case("codebook-binary", write("codebook.yaml", bytes(range(256)) * 4), ("codebook",), file="codebook.yaml"),
    # -- human codings -------------------------------------------------------------------------------
    Case("codings-missing-column", add_codings("segment_id,code\na:2,goals.network\n"), ("coder",),
         file="codings.csv"),
    Case("codings-unknown-code", add_codings("segment_id,code,coder\na:2,goals.netwerk,ann\n"),
         ("goals.netwerk",), file="codings.csv"),
    Case("codings-unknown-segment", add_codings("segment_id,code,coder\nz:9,goals.network,ann\n"), ("z:9",),
         file="codings.csv"),
    Case("codings-empty-file", add_codings(""), ("codings.csv",), file="codings.csv"),
    Case("codings-binary", add_codings(bytes(range(256)) * 8), ("codings.csv",), file="codings.csv"),
    Case("codings-empty-coder", add_codings("segment_id,code,coder\na:2,goals.network,\n"), ("coder",),
         file="codings.csv"),
    Case("codings-unknown-format", add_codings("whatever", name="codings.json"), ("codings.json",),
         file="codings.json"),
    # -- the manifest --------------------------------------------------------------------------------
    Case("manifest-no-doc-id", write("manifest.csv", MANIFEST.replace("doc_id,", "id,")), ("doc_id",),
         file="manifest.csv"),
    Case("manifest-no-file-column", write("manifest.csv", MANIFEST.replace(",file,", ",path,")), ("file",),
         file="manifest.csv"),
    Case("manifest-duplicate-doc-id", write("manifest.csv", MANIFEST.replace("\nb,b.txt", "\na,b.txt")),
         ("a",), file="manifest.csv"),
    Case("manifest-file-not-found", write("manifest.csv", MANIFEST.replace("b,b.txt", "b,c.txt")), ("c.txt",),
         file="manifest.csv"),
    Case("manifest-bad-doc-id", write("manifest.csv", MANIFEST.replace("\nb,b.txt", "\nb b/,b.txt")),
         ("b b/",), file="manifest.csv"),
    Case("manifest-language-not-in-study", write("manifest.csv", MANIFEST.replace(",nl,", ",fr,")), ("fr",),
         file="manifest.csv"),
    Case("manifest-empty", write("manifest.csv", ""), ("manifest",), file="manifest.csv"),
    Case("manifest-header-only", write("manifest.csv", MANIFEST.splitlines()[0] + "\n"), ("manifest",),
         file="manifest.csv"),
    Case("manifest-binary", write("manifest.csv", bytes(range(256)) * 4), ("manifest",), file="manifest.csv"),
    Case("manifest-empty-file-cell", write("manifest.csv", MANIFEST.replace("b,b.txt", "b,")), ("file",),
         file="manifest.csv"),
    Case("manifest-attribute-not-allowed", lambda root: edit("study.yaml", "coding: {coder: rule}",
                                                             "coding: {coder: rule}\nattributes: {model: [dual]}")(root),
         ("centralised",), file="manifest.csv"),
    # -- transcripts ---------------------------------------------------------------------------------
    Case("transcript-empty", write("transcripts/b.txt", ""), ("b.txt",), file="b.txt"),
    Case("transcript-unknown-format", lambda root: (write("transcripts/b.pages", "x")(root),
                                                    edit("manifest.csv", "b.txt", "b.pages")(root)),
         ("b.pages",), file="b.pages"),
    Case("transcript-too-large", lambda root: (write("transcripts/b.txt", TRANSCRIPT_B * 40_000)(root),
                                               edit("study.yaml", "coding: {coder: rule}",
                                                    "coding: {coder: rule}\ningest: {max_file_mb: 1}")(root)),
         ("MB", "max_file_mb"), file="b.txt"),
    Case("transcript-whitespace-only", write("transcripts/b.txt", " \n\n\t\n"), ("b.txt",), file="b.txt"),
    # -- settings that name codes or attributes ------------------------------------------------------
    Case("study-compare-by-unknown-attribute", setting("compare: {by: [region]}"),
         ("compare.by", "region", "method", "model")),
    Case("study-compare-within-unknown-attribute", setting("compare: {by: [model], within: [regio]}"),
         ("compare.within", "regio")),
    Case("study-spread-quotes-by-unknown", setting("report: {spread_quotes_by: [wave]}"),
         ("report.spread_quotes_by", "wave")),
    Case("study-recommendation-code-unknown", setting("report: {recommendation_codes: [goals.nope]}"),
         ("report.recommendation_codes", "goals.nope", "codebook")),
    Case("study-contrary-code-unknown", setting("report: {contrary: {goals.job: [goals.jobless]}}"),
         ("report.contrary.goals.job", "goals.jobless")),
    Case("study-compare-cases-unknown", setting("compare: {cases: articles}"), ("compare.cases", "articles")),
    Case("study-attribute-column-missing", setting("attributes: {region: [north]}"), ("region", "column"),
         file="manifest.csv"),
    Case("study-languages-empty", edit("study.yaml", "languages: [en, nl]", "languages: []"), ("language", "nl"),
         file="manifest.csv"),
    # -- where things are written and read -------------------------------------------------------------
    Case("study-output-is-the-transcripts-folder", setting("output: transcripts"), ("output", "transcripts folder")),
    Case("study-output-is-an-existing-file", setting("output: manifest.csv"), ("output", "existing file")),
    Case("study-key-dir-in-transcripts", setting("pseudonymise: {key_dir: transcripts/keys}"),
         ("key_dir", "transcripts folder")),
    Case("manifest-file-climbs-out", outside("dotdot"), ("manifest.csv:3[file]", "'..'", "allow_outside_files"),
         file="manifest.csv"),
    Case("manifest-file-absolute-path", outside("absolute"), ("manifest.csv:3[file]", "absolute path"),
         file="manifest.csv"),
    Case("manifest-file-symlink-out", outside("symlink"), ("manifest.csv:3[file]", "symbolic link"),
         file="manifest.csv"),
    Case("manifest-same-file-twice", edit("manifest.csv", "b,b.txt", "b,a.txt"),
         ("manifest.csv:3[file]", "listed twice", "line 2"), file="manifest.csv"),
    Case("manifest-file-is-a-folder", lambda root: ((root / "transcripts" / "d.txt").mkdir(),
                                                    remove("transcripts/b.txt")(root),
                                                    edit("manifest.csv", "b,b.txt", "b,d.txt")(root)),
         ("manifest.csv:3[file]", "d.txt"), file="manifest.csv"),
    Case("manifest-semicolons", write("manifest.csv", MANIFEST.replace(",", ";")), ("missing column", "doc_id"),
         file="manifest.csv"),
    Case("transcript-not-in-manifest", write("transcripts/c.txt", TRANSCRIPT_B), ("not in the manifest",
                                                                                 "ingest.ignore"), file="c.txt"),
    # -- encodings and binary (ingest: read, warned with the line, or refused) -----------------------------
    Case("transcript-random-bytes", write("transcripts/b.txt", bytes((i * 7919 + 13) % 256 for i in range(4096))),
         ("binary",), file="b.txt"),
    Case("transcript-mixed-utf8-cp1252", write("transcripts/b.txt", TRANSCRIPT_B.replace("werk.", "werk, \u00e9\u00e9n.")
                                               .encode("utf-8") + "Interviewer: Caf\u00e9?\nBram: Na\u00efef.\n".encode("cp1252")),
         ("b.txt:5", "cp1252"), file="b.txt", command=("ingest",), exit_code=0),
    Case("transcript-utf16-lone-surrogate", write("transcripts/b.txt", "\ufeffInterviewer: Hi\nBram: a".encode(
        "utf-16-le") + b"\x00\xd8" + "b\nInterviewer: Ok\nBram: Ja\n".encode("utf-16-le")),
         ("b.txt:2", "surrogate"), file="b.txt", command=("ingest",), exit_code=0),
    Case("transcript-cesu8", write("transcripts/b.txt", TRANSCRIPT_B.encode() + b"Bram: smile \xed\xa0\xbd\xed\xb8\x80\n"),
         ("b.txt:5", "CESU-8"), file="b.txt", command=("ingest",), exit_code=0),
    Case("transcript-nul-bytes", write("transcripts/b.txt", TRANSCRIPT_B.replace("netwerk", "net\x00werk")),
         ("b.txt:2", "NUL"), file="b.txt", command=("ingest",), exit_code=0),
    Case("transcript-zero-width-in-label", write("transcripts/b.txt", TRANSCRIPT_B.replace("Bram:", "\u200bBr\u200dam:", 1)),
         ("b.txt:2", "zero-width"), file="b.txt", command=("ingest",), exit_code=0),
    # -- layout -----------------------------------------------------------------------------------------
    Case("transcript-no-speaker-labels", write("transcripts/b.txt", "Ik zocht een netwerk.\n\nNu heb ik werk.\n"),
         ("no speaker labels", "2 paragraphs"), file="b.txt", command=("ingest",), exit_code=0),
    Case("transcript-only-interviewer-turns", write("transcripts/b.txt", "Interviewer: Hallo?\n\nInterviewer: Niemand?\n"),
         ("no respondent turn", "interviewer_labels"), file="b.txt", command=("ingest",), exit_code=0),
    Case("transcript-one-off-note-label", write("transcripts/b.txt", TRANSCRIPT_B + "Note: recorder stopped here\n"),
         ("b.txt:5", "labels no other line"), file="b.txt", command=("ingest",), exit_code=0),
    Case("srt-cues-overlap", replace_b("b.srt", "1\n00:00:01,000 --> 00:00:05,000\nInterviewer: Hi\n\n"
                                      "2\n00:00:03,000 --> 00:00:06,000\nBram: Ik zocht werk.\n\n"
                                      "3\n00:00:07,000 --> 00:00:08,000\nInterviewer: Ok\n"),
         ("b.srt:6 (cue 2)", "start before the cue above them ends"), file="b.srt", command=("ingest",), exit_code=0),
    Case("srt-broken-numbering", replace_b("b.srt", "1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Hi\n\n"
                                          "7\n00:00:03,000 --> 00:00:04,000\nBram: Ik zocht werk.\n"),
         ("b.srt", "1, 2, 3"), file="b.srt", command=("ingest",), exit_code=0),
    Case("vtt-malformed-timing", replace_b("b.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\n<v Interviewer>Hi</v>\n\n"
                                          "00:00:03.000 --> 00:00:04.000\n<v Bram>Ik zocht werk.</v>\n"),
         ("b.vtt:3 (cue 1)", "malformed cue timing"), file="b.vtt", command=("ingest",), exit_code=0),
    Case("docx-not-a-word-file", replace_b("b.docx", b"not a zip at all"), ("Word", "save it again"), file="b.docx"),
    Case("xlsx-not-a-workbook", replace_b("b.xlsx", b"PK\x03\x04broken"), ("spreadsheet",), file="b.xlsx"),
    Case("table-without-text-column", replace_b("b.csv", "id,comment\nR1,netwerk\n"),
         ("b.csv[header]", "no text column", "table_text_columns"), file="b.csv"),
    Case("table-duplicate-unit-id", replace_b("b.csv", "id,text\nR1,netwerk\nR1,werk\n"),
         ("b.csv:3[id]", "also on row 2"), file="b.csv"),
    Case("table-empty-unit-id", replace_b("b.csv", "id,text\nR1,netwerk\n,werk\n"), ("b.csv:3[id]", "empty"),
         file="b.csv"),
    Case("table-row-without-text", replace_b("b.csv", "id,text\nR1,netwerk\nR2,\n"), ("b.csv:3[text]", "no text"),
         file="b.csv", command=("ingest",), exit_code=0),
    # -- human codings, more -------------------------------------------------------------------------------
    Case("codings-xlsx-broken", add_codings(b"PK\x03\x04nope", name="codings.xlsx"), ("workbook",),
         file="codings.xlsx"),
    Case("codings-unknown-decision", add_codings("segment_id,code,coder,decision\na:2,goals.network,ann,maybe\n"),
         ("codings.csv:2[decision]", "maybe", "accept"), file="codings.csv"),
    Case("codebook-cues-not-a-list", edit("codebook.yaml", "cues: {en: [job], nl: [werk]}", "cues: 5"),
         ("goals.job", "cues"), file="codebook.yaml"),
    Case("codebook-misspelt-codes-key", edit("codebook.yaml", "    codes:\n", "    codez:\n"), ("codez",),
         file="codebook.yaml"),
]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_a_clear_message(case: Case, tmp_path: Path, runner: CliRunner, monkeypatch):
    study = make_study(tmp_path)
    monkeypatch.chdir(tmp_path)
    case.breaks(tmp_path)
    result = runner.invoke(app, [*case.command, "--study", str(study)])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{case.id}: a traceback reached the user:\n{output}\n{result.exception!r}")
    assert result.exit_code == case.exit_code, f"{case.id}: exit {result.exit_code}, not {case.exit_code}:\n{output}"
    assert case.file in output, f"{case.id}: the message does not name {case.file}:\n{output}"
    for word in case.says:
        assert word.lower() in output.lower(), f"{case.id}: the message lacks {word!r}:\n{output}"
    if case.exit_code:
        assert "fix" in output.lower() or "--study" in output, f"{case.id}: no fix offered:\n{output}"


def test_the_base_study_is_valid(tmp_path: Path, runner: CliRunner, monkeypatch):
    study = make_study(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "--study", str(study)])
    assert result.exit_code == 0, result.output


def test_numbers_in_attributes_mean_the_text_of_manifest_cells(tmp_path: Path, runner: CliRunner, monkeypatch):
    """A year written bare in the study file (`year: [2005, 2006]`) is the manifest's text '2005'."""
    study = make_study(tmp_path)
    monkeypatch.chdir(tmp_path)
    write("manifest.csv", MANIFEST.replace(",role\n", ",role,year\n").replace("mentee\n", "mentee,2005\n", 1)
          .replace("mentee\n", "mentee,2006\n"))(tmp_path)
    edit("study.yaml", "coding: {coder: rule}", "coding: {coder: rule}\nattributes: {year: [2005, 2006]}")(tmp_path)
    result = runner.invoke(app, ["validate", "--study", str(study)])
    assert result.exit_code == 0, result.output
    edit("study.yaml", "[2005, 2006]", "[2005]")(tmp_path)
    result = runner.invoke(app, ["validate", "--study", str(study)])
    assert result.exit_code == 1 and "manifest.csv:3[year]" in result.output and "2006" in result.output


def test_a_respondent_who_speaks_once_in_a_short_file_is_a_speaker(tmp_path: Path, runner: CliRunner, monkeypatch):
    """Every line of the file is 'Label: text': the one answer is the respondent's turn, not text of
    the interviewer's (which left the document without a respondent turn)."""
    import pandas as pd

    study = make_study(tmp_path)
    monkeypatch.chdir(tmp_path)
    write("transcripts/b.txt", "Interviewer: Wat vond je ervan?\nBram: Ik zocht een netwerk.\n")(tmp_path)
    result = runner.invoke(app, ["ingest", "--study", str(study)])
    assert result.exit_code == 0 and "labels no other line" not in result.output, result.output
    segments = pd.read_csv(tmp_path / "reports" / "tiny" / "segments.csv")
    b = segments[segments["doc_id"] == "b"]
    assert b["speaker_role"].tolist() == ["interviewer", "respondent"]
    assert b["text"].tolist() == ["Wat vond je ervan?", "Ik zocht een netwerk."]
