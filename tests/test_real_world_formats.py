"""Transcripts as researchers bring them: one real-world-shaped fixture per tool's convention,
the five real Teams/OneDrive/Zoom exports, and the faults of real files (issues 14 and 11).

Each fixture in tests/fixtures/real_world has a hand-written truth of its turns; the readers
must find >= 0.97 of the turn starts, find no others, and give the right roles. A second test
proves for every fixture and format that each content character of the source lands in exactly
one turn or the preamble: what the readers drop is markup only (labels, timestamps, cue lines).
"""
from __future__ import annotations

import csv
import difflib
import importlib.util
import re
from pathlib import Path

import pytest

from pipeline.errors import InputError, QualpipeError
from pipeline.settings import DEFAULT_INTERVIEWER_LABELS
from pipeline.stages.ingest.corpus import speaker_role
from pipeline.stages.ingest.formats import ReaderOptions, read_transcript

HERE = Path(__file__).parent
REAL = HERE / "fixtures" / "real_world"
FORMATS = HERE / "fixtures" / "formats"
_spec = importlib.util.spec_from_file_location("bench_turns", HERE.parent / "benchmarks" / "bench_turns.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)
MANIFEST = bench.read_rows(REAL / "manifest.csv")
OPTIONS = ReaderOptions(interviewer_labels=DEFAULT_INTERVIEWER_LABELS, id_columns=["unit_id"], text_columns=["text"])


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_turn_starts_and_roles_match_the_truth(entry):
    result = bench.score(entry)
    assert result["matched"] / result["found"] >= 0.97, result
    assert result["matched"] / result["true"] >= 0.97, result
    assert result["roles"] / result["matched"] >= 0.97, result


# -- every character lands once -----------------------------------------------------------------

def _source_text(path: Path) -> str:
    """The file's text as its library gives it, markup included."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx

        from docx.table import Table

        parts = []
        for block in docx.Document(str(path)).iter_inner_content():
            parts += [c.text for r in block.rows for c in r.cells] if isinstance(block, Table) else [block.text]
        return "\n".join(parts)
    if suffix == ".rtf":
        from striprtf.striprtf import rtf_to_text

        return rtf_to_text(path.read_text(encoding="ascii"))
    if suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    if suffix == ".odt":
        from odf.opendocument import load

        from pipeline.stages.ingest.formats.office import _odt_paragraphs
        return "\n".join(_odt_paragraphs(load(str(path)).text))
    if suffix == ".xlsx":
        import pandas as pd

        return pd.read_excel(path, dtype=str).to_csv(index=False)
    from pipeline.stages.ingest.formats.decoding import decode_text

    return decode_text(path.read_bytes(), path)[0]


#: what a reader may drop besides speaker labels: timestamps, cue numbers and timing lines, voice
#: tags, WEBVTT headers, Teams/OneDrive cue ids (hex), time marks, separators
MARKUP = re.compile(r"^(?:\d+|[^\w\s]|WEBVTT|v|[0-9a-f]{4,}|og)$")
TOKEN = re.compile(r"\w+|[^\w\s]")

CHAR_CASES = sorted([p for p in REAL.rglob("*") if p.suffix in {".txt", ".vtt", ".srt", ".docx", ".rtf", ".pdf", ".odt"}]
                    + [p for p in FORMATS.iterdir() if p.suffix in {".txt", ".vtt", ".srt", ".docx", ".csv", ".xlsx"}
                       and p.name not in ("broken.docx", "empty.txt")])


def _markup_words(transcript) -> set[str]:
    """Words a reader may drop as markup: the speaker labels, table headers and attribute cells."""
    words = {w for t in transcript.turns for w in TOKEN.findall(t.speaker)}
    words |= {w for t in transcript.turns for k, v in t.attributes.items() for w in TOKEN.findall(f"{k} {v}")}
    return words | {"unit_id", "text", "Time", "Speaker", "Text", "nan"}


@pytest.mark.parametrize("path", CHAR_CASES, ids=[p.relative_to(HERE / "fixtures").as_posix() for p in CHAR_CASES])
def test_every_content_character_lands_in_exactly_one_turn_or_the_preamble(path):
    """Aligned word by word (punctuation marks are words), the output is the source minus markup:
    nothing added or doubled, and what was dropped is labels, times, cue lines and ids only."""
    transcript = read_transcript(path, OPTIONS)
    source = TOKEN.findall(_source_text(path).replace("&amp;", "&"))
    out = TOKEN.findall(transcript.preamble + "\n" + "\n".join(t.text for t in transcript.turns))
    markup = _markup_words(transcript)
    matcher = difflib.SequenceMatcher(None, source, out, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        assert op in ("equal", "delete"), f"{op}: source {source[a1:a2]} -> output {out[b1:b2]}"
        dropped = [w for w in source[a1:a2] if op == "delete" and w not in markup and not MARKUP.match(w)]
        assert not dropped, f"dropped content {dropped} near {source[max(0, a1 - 8):a2]}"


# -- conventions in detail ------------------------------------------------------------------------

def test_consecutive_paragraphs_of_one_speaker_are_one_turn_with_the_breaks_kept():
    turns = read_transcript(REAL / "consecutive.txt", OPTIONS).turns
    assert turns[1].speaker == "Counsellor" and turns[1].line == 5
    assert turns[1].text.count("\n\n") == 2 and turns[1].text.startswith("About forty.")


def test_multi_line_srt_cues_keep_the_speaker_over_several_cues():
    turns = read_transcript(REAL / "srt_multiline.srt", OPTIONS).turns
    assert [t.speaker for t in turns] == ["Interviewer", "Yusuf"] * 3
    assert turns[1].text == ("I was a pharmacist in Aleppo for eleven years, in my own pharmacy. Then the war "
                             "came and we had to leave, in 2015. First Turkey, then Belgium.")
    assert (turns[1].line, turns[1].start_time, turns[1].end_time) == (3, 8.4, 18.2)


def test_teams_surname_first_matches_a_manifest_first_name():
    labels = ReaderOptions(interviewer_labels=["Peter"]).interviewer_labels
    assert speaker_role("Jansen, Peter", labels) == "interviewer"
    assert speaker_role("De Smet, Karin", labels) == "respondent"
    assert speaker_role("Tom (HIVA)", ReaderOptions(interviewer_labels=["Tom"]).interviewer_labels) == "interviewer"
    otter = ReaderOptions(interviewer_labels=["Speaker 1"]).interviewer_labels
    assert speaker_role("Speaker 2", otter) == "respondent" and speaker_role("Speaker 1", otter) == "interviewer"


def test_otter_headers_are_markup_and_give_start_times():
    transcript = read_transcript(REAL / "otter.txt", OPTIONS)
    assert transcript.preamble == "Mentor interview Hasselt"
    assert [t.start_time for t in transcript.turns[:3]] == [8.0, 15.0, 31.0]
    assert "0:15" not in "".join(t.text for t in transcript.turns)


def test_legend_lines_are_preamble_and_declare_their_labels():
    transcript = read_transcript(REAL / "service_legend.docx", OPTIONS)
    assert transcript.preamble.splitlines()[1:] == ["I1: Interviewer 1", "I2: Interviewer 2", "M: Mand"]
    variants = read_transcript(REAL / "label_variants.txt", OPTIONS)
    assert [t.speaker for t in variants.turns][4] == "O"  # declared by the legend line, speaks once


def test_time_marks_are_start_times():
    turns = read_transcript(REAL / "service_timemarks.docx", OPTIONS).turns
    assert [t.start_time for t in turns] == [0.0, 4.0, 6.0, 10.0, 21.0, 23.0]
    assert turns[3].text == "I september, for to år siden.\n\nNej, undskyld, for tre år siden."


def test_teams_malformed_timing_is_named_and_the_cue_kept():
    transcript = read_transcript(REAL / "teams2nvivo" / "teams_2022.vtt", OPTIONS)
    assert transcript.turns[1].text.startswith("Thing where like I'm")
    assert transcript.turns[1].start_time is None
    malformed = [w for w in transcript.warnings if "malformed cue timing" in w.message]
    assert malformed and malformed[0].where.endswith("teams_2022.vtt:6 (cue 2)") and "0:0:-6.-820" in malformed[0].message


def test_teams_premium_crosstalk_is_warned():
    transcript = read_transcript(REAL / "teams2nvivo" / "teams_premium.vtt", OPTIONS)
    assert any("start before the cue above them" in w.message for w in transcript.warnings)


def test_onedrive_utterances_become_paragraphs():
    transcript = read_transcript(REAL / "teams2nvivo" / "onedrive_2022.vtt", OPTIONS)
    assert not transcript.labelled and len(transcript.turns) > 100
    assert "new utterance id" in transcript.warnings[-1].message


def test_long_unlabelled_speech_is_split_at_sentence_ends(tmp_path):
    cues = [f"{i}\n00:{i // 60:02d}:{i % 60:02d},000 --> 00:{i // 60:02d}:{i % 60:02d},900\n"
            f"This is sentence number {i} of a long talk without pauses{'.' if i % 3 == 0 else ','}\n"
            for i in range(1, 400)]
    path = tmp_path / "whisper.srt"
    path.write_text("\n".join(cues), encoding="utf-8")
    transcript = read_transcript(path, OPTIONS)
    assert len(transcript.turns) > 5
    assert all(len(t.text) < 1700 and t.text.endswith(".") for t in transcript.turns[:-1])
    assert "sentence end after 1500 characters" in transcript.warnings[-1].message


def test_docx_warnings_quote_the_paragraph_as_word_shows_it(tmp_path):
    import docx

    document = docx.Document()
    for text in ["Interview", "", "Interviewer: Hello.", "", "", "Sam: Hi.", "Interviewer: And?",
                 "Sam: Well.", "Remark: one-off words here", "Sam: Yes."]:
        document.add_paragraph(text)
    path = tmp_path / "t.docx"
    document.save(str(path))
    transcript = read_transcript(path, OPTIONS)
    where = [w.where for w in transcript.warnings if "labels no other line" in w.message]
    assert where == [f'{path} (paragraph 6, "Remark: one-off words here")']


# -- faults of real files (issue 11) ---------------------------------------------------------------

def test_random_bytes_named_txt_are_refused(tmp_path):
    import random

    path = tmp_path / "notes.txt"
    path.write_bytes(random.Random(1).randbytes(4096))
    with pytest.raises(InputError, match="binary data"):
        read_transcript(path, OPTIONS)


def test_mixed_utf8_and_cp1252_is_decoded_per_line(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes("Interviewer: Café?\nAmal: Oui, café.\n".encode("utf-8")
                     + "Interviewer: Hé?\nAmal: Très bien.\n".encode("cp1252"))
    transcript = read_transcript(path, OPTIONS)
    assert [t.text for t in transcript.turns] == ["Café?", "Oui, café.", "Hé?", "Très bien."]
    warning = transcript.warnings[0]
    assert warning.where.endswith("mixed.txt:3") and "lines 3, 4" in warning.message


def test_cesu8_surrogate_pair_is_repaired(tmp_path):
    path = tmp_path / "cesu.txt"
    emoji = "\U0001f600".encode("utf-16-be")
    hi, lo = (int.from_bytes(emoji[i:i + 2], "big") for i in (0, 2))
    cesu = b"".join(chr(c).encode("utf-8", "surrogatepass") for c in (hi, lo))
    path.write_bytes(b"Interviewer: Hi\nAmal: Good " + cesu + "\nInterviewer: é\nAmal: x\n".encode("utf-8"))
    transcript = read_transcript(path, OPTIONS)
    assert transcript.turns[1].text == "Good \U0001f600" and "CESU-8" in transcript.warnings[0].message


def test_utf16_lone_surrogate_does_not_crash(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes(b"\xff\xfe" + "Interviewer: Hi\nAmal: A".encode("utf-16-le") + b"\x00\xd8"
                     + "b\nInterviewer: Ok\nAmal: Yes\n".encode("utf-16-le"))
    transcript = read_transcript(path, OPTIONS)
    assert len(transcript.turns) == 4 and "\ufffd" in transcript.turns[1].text
    assert transcript.warnings[0].where.endswith("u16.txt:2") and "surrogate" in transcript.warnings[0].message


def test_nul_and_zero_width_characters_do_not_hide_labels(tmp_path):
    path = tmp_path / "zw.txt"
    path.write_text("Interviewer: Hi\n\u200eAmal\u200d: Hello\x00 there\nInterviewer: Ok\nAmal: Yes\n", encoding="utf-8")
    transcript = read_transcript(path, OPTIONS)
    assert [t.speaker for t in transcript.turns] == ["Interviewer", "Amal"] * 2
    assert transcript.turns[1].text == "Hello there"
    assert transcript.warnings[0].where.endswith("zw.txt:2") and "3 invisible" in transcript.warnings[0].message


def test_srt_broken_numbering_keeps_timings_out_of_turns(tmp_path):
    path = tmp_path / "broken.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Hi\n"
                    "5\n00:00:03,000 --> 00:00:04,000\nAmal: Hello\n\n"
                    "3\n00:00:02,500 --> 00:00:05,000\nInterviewer: Ok\n\n"
                    "4\n00:00:06,000 --> 00:00:07,000\nAmal: Yes\n", encoding="utf-8")
    transcript = read_transcript(path, OPTIONS)
    assert [t.text for t in transcript.turns] == ["Hi", "Hello", "Ok", "Yes"]
    messages = " ".join(w.message for w in transcript.warnings)
    assert "not separated by a blank line" in messages and "do not run 1, 2, 3" in messages
    assert "start before the cue above them (first: cue 3)" in messages


def test_table_row_with_empty_text_is_warned(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("unit_id,text\nR1,hello\nR2,\n", encoding="utf-8")
    transcript = read_transcript(path, OPTIONS)
    assert [w.where for w in transcript.warnings] == [f"{path}:3[text]"]


def test_scanned_pdf_is_refused_with_a_fix(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(InputError, match="no text layer"):
        read_transcript(path, OPTIONS)


def test_truth_files_are_well_formed():
    for entry in MANIFEST:
        path = REAL / entry["file"]
        with path.with_name(path.stem + ".truth.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert [int(r["turn"]) for r in rows] == list(range(1, len(rows) + 1))
        assert {r["role"] for r in rows} <= {"interviewer", "respondent"}


# -- command line ---------------------------------------------------------------------------------

def _study_with_a_bad_file(tmp_path):
    import random

    from test_ingest import make_study

    docs = {"plain": ("plain.txt", "mentee", "en", ""), "teams": ("teams.vtt", "mentee", "en", "Lotte"),
            "junk": ("junk.txt", "mentee", "en", "")}
    return make_study(tmp_path, docs, files={"junk.txt": random.Random(3).randbytes(2048)})


def test_skip_invalid_ingests_the_rest_and_lists_what_was_left_out(tmp_path):
    from pipeline.settings import load_study
    from pipeline.stages.ingest.corpus import ingest as read_corpus

    study = load_study(_study_with_a_bad_file(tmp_path))
    with pytest.raises(QualpipeError, match="binary data"):  # refused by default
        read_corpus(study, pseudonymise=False)
    corpus = read_corpus(study, pseudonymise=False, skip_invalid=True)
    assert sorted(corpus.documents["doc_id"]) == ["plain", "teams"]
    left = [w for w in corpus.warnings if w.message.startswith("left out:")]
    assert len(left) == 1 and left[0].where.endswith("junk.txt") and "binary data" in left[0].message


def test_cli_skip_invalid_and_explain(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    path = _study_with_a_bad_file(tmp_path)
    runner = CliRunner()
    refused = runner.invoke(app, ["ingest", "--study", str(path)])
    assert refused.exit_code == 1 and "binary data" in refused.output
    done = runner.invoke(app, ["ingest", "--study", str(path), "--skip-invalid"])
    assert done.exit_code == 0, done.output
    assert "2 documents" in done.output and "left out" in done.output and "junk.txt" in done.output
    shown = runner.invoke(app, ["ingest", "--study", str(path), "--explain", str(tmp_path / "transcripts/teams.vtt")])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert "3 turns" in lines[0] and "manifest line" in lines[0]
    assert lines[2].split()[:4] == ["1", "1", "interviewer", "Lotte"]  # the manifest's 'Lotte' is the interviewer
    assert "Omar Haddad" in lines[3] and "respondent" in lines[3]
