"""Every input format, read from real files in tests/fixtures/formats.

Each case lists the expected preamble and turns in full: together they are every character of
the transcript's content (labels, timestamps and cue numbers are markup), so these tests prove
that nothing is lost or duplicated, format by format.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.settings import DEFAULT_INTERVIEWER_LABELS
from pipeline.errors import InputError
from pipeline.stages.ingest.formats import ReaderOptions, read_transcript

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
OPTIONS = ReaderOptions(interviewer_labels=DEFAULT_INTERVIEWER_LABELS, id_columns=["unit_id"],
                        text_columns=["text"])

CASES = {
    "plain.txt": ("utf-8", "Interview with a mentee, 14 November 2017\nGhent, VDAB office", [
        ("Interviewer", "So, how did you hear about the programme?", 5.0),
        ("Amal", "Through my counsellor. She said: you need a network here.\nAnd that was true, I knew nobody."
                 "\n\nReally nobody.", 9.0),
        ("Interviewer", "And your mentor?", 62.0),
        ("Amal", "Koen. An engineer, like me.\nNote: he is retired now.", 70.0),
    ]),
    "windows.txt": ("cp1252", "Interview met een mentor", [
        ("Onderzoeker", "Waarom deed u mee?", 3.0),
        ("Jan", "Om iets terug te geven, hé. Ik ben zelf \u2019ns nieuwkomer geweest.", 7.0),
        ("Onderzoeker", "En het contact?", 30.0),
        ("Jan", "Eén keer per maand, ongeveer.", 35.0),
    ]),
    "utf16.txt": ("utf-16", "", [
        ("I", "How often did you meet?", None),
        ("R", "Every two weeks \u2013 in a café near Gent-Sint-Pieters.", None),
        ("I", "Was that enough?", None),
        ("R", "Yes. Well\u2026 mostly.", None),
    ]),
    "bom.txt": ("utf-8-sig", "", [
        ("Interviewer", "Wat vond je ervan?", None),
        ("Fatima", "Goed. Ik zou het aanraden aan mijn vriendinnen.", None),
        ("Interviewer", "Waarom?", None),
        ("Fatima", "Omdat je iemand hebt om vragen aan te stellen.", None),
    ]),
    "paragraphs.docx": ("docx", "Interview mentee 2\nAntwerp, 22 November 2017", [
        ("Interviewer", "Why did you join?", None),
        ("Yusuf", "To find a job at my level.\nI am a pharmacist, you know.", None),
        ("Interviewer", "And did you?", None),
        ("Yusuf", "Not yet.", None),
    ]),
    "bold.docx": ("docx", "Focusgroep mentees Antwerpen", [
        ("Moderator", "Wie wil beginnen?", None),
        ("Ahmed", "Ik. Mijn mentor was een schat.", None),
        ("Lina", "Bij mij was er bijna geen contact.", None),
        ("Moderator", "Hoe kwam dat?", None),
        ("Lina", "Hij had geen tijd, denk ik.", None),
    ]),
    "table.docx": ("docx", "Interview coordinator Atlas", [
        ("Interviewer", "How do you match pairs?", 4.0),
        ("Sofie", "By sector, when we can.", 10.0),
        ("Interviewer", "And when you cannot?", 75.0),
        ("Sofie", "Then by personality.\nEnd of recording.", 80.0),
    ]),
    "teams.vtt": ("utf-8", "", [
        ("Lotte Claes", "Welcome, can you hear me?", 1.0),
        ("Omar Haddad", "Yes, I hear you. My mentor never opened doors for me.", 5.0),
        ("Lotte Claes", "I see.", 12.5),
    ]),
    "zoom.vtt": ("utf-8", "", [
        ("Sara Peeters", "Hello everybody, thanks for coming. Let's start with a round.", 4.16),
        ("Ravi Kumar", "I am Ravi, an IT architect.", 13.0),
        ("Sara Peeters", "Thank you Ravi.", 16.5),
    ]),
    "cues.srt": ("utf-8", "", [
        ("Interviewer", "Did the organisation follow up?", 1.0),
        ("Nadia", "Once, by phone. After that, nothing.", 3.5),
        ("Interviewer", "Okay.", 9.5),
    ]),
    "units.csv": ("utf-8", "", [
        ("R01", "Good programme.", None),
        ("R02", "My mentor helped with my CV, but no network.", None),
    ]),
    "units.xlsx": ("xlsx", "", [
        ("R01", "Useful.", None),
        ("R02", "Too little contact with my mentor.", None),
        ("R03", "I found an internship!", None),
    ]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_format_reads_every_turn(name):
    encoding, preamble, expected = CASES[name]
    transcript = read_transcript(FIXTURES / name, OPTIONS)
    assert transcript.encoding == encoding
    assert transcript.preamble == preamble
    got = [(t.speaker, t.text, t.start_time) for t in transcript.turns]
    assert got == [(s, t, pytest.approx(x) if x is not None else None) for s, t, x in expected]


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_content_character_is_lost_or_doubled(name):
    """The words of the source, minus markup, are exactly the words of preamble + turns."""
    transcript = read_transcript(FIXTURES / name, OPTIONS)
    out = transcript.preamble + "".join(t.text for t in transcript.turns)
    _, preamble, expected = CASES[name]
    want = preamble + "".join(t for _, t, _ in expected)
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    assert squash(out) == squash(want)
    assert len(squash(out)) > 20


def test_end_times_of_merged_cues():
    turns = read_transcript(FIXTURES / "teams.vtt", OPTIONS).turns
    assert (turns[1].start_time, turns[1].end_time) == (5.0, 12.0)


def test_table_rows_carry_their_attributes_and_row_numbers():
    turns = read_transcript(FIXTURES / "units.csv", OPTIONS).turns
    assert turns[1].attributes == {"pilot": "ef-leerwinkel", "sector": "health"}
    assert [t.line for t in turns] == [2, 3]


def test_unlabelled_text_becomes_paragraph_turns_with_a_warning():
    transcript = read_transcript(FIXTURES / "unlabelled.txt", OPTIONS)
    assert not transcript.labelled
    assert [t.speaker for t in transcript.turns] == ["Respondent"] * 4
    assert transcript.turns[1].text == "My name is Rita. I came in 1939."
    assert transcript.turns[1].start_time == 39.0  # "0.39<TAB>" is minutes.seconds
    assert transcript.warnings and "no speaker labels" in transcript.warnings[0].message


def test_one_off_label_is_kept_as_text_and_reported():
    transcript = read_transcript(FIXTURES / "plain.txt", OPTIONS)
    assert any("'Note:'" in w.message and w.where.endswith(":11") for w in transcript.warnings)


def test_broken_docx_names_file_and_fix():
    with pytest.raises(InputError) as info:
        read_transcript(FIXTURES / "broken.docx", OPTIONS)
    message = str(info.value)
    assert "broken.docx" in message and "save it again" in message


def test_unknown_suffix_is_refused(tmp_path):
    path = tmp_path / "notes.pages"
    path.write_text("x")
    with pytest.raises(InputError, match="no reader for '.pages'"):
        read_transcript(path, OPTIONS)


def test_table_without_text_column_names_header(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("unit_id,comment\nR1,hello\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_transcript(path, OPTIONS)
    assert "t.csv[header]" in str(info.value) and "table_text_columns" in str(info.value)


def test_table_duplicate_unit_ids_name_the_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("unit_id,text\nR1,a\nR1,b\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_transcript(path, OPTIONS)
    assert "t.csv:3[unit_id]" in str(info.value) and "row 2" in str(info.value)


def test_external_zoom_recording_and_oral_history(shared):
    zoom = read_transcript(shared / "external/format-fixtures/zoom_class_recording_plc_fishbowl.vtt", OPTIONS)
    assert zoom.turns and zoom.turns[0].speaker == "Caleob King"
    history = sorted((shared / "external/western-sydney-oral-history/transcripts_txt").glob("*.txt"))[0]
    oral = read_transcript(history, OPTIONS)
    assert not oral.labelled and len(oral.turns) > 50 and oral.encoding == "cp1252"
    assert "\u2019" in "".join(t.text for t in oral.turns) or "'" in "".join(t.text for t in oral.turns)


def test_unlabelled_questions_can_be_the_interviewers():
    options = ReaderOptions(interviewer_labels=DEFAULT_INTERVIEWER_LABELS, questions_as_interviewer=True)
    transcript = read_transcript(FIXTURES / "unlabelled.txt", options)
    assert [t.speaker for t in transcript.turns] == ["Respondent", "Respondent", "Interviewer", "Respondent"]


def test_rtf_pdf_odt_are_registered_and_read_like_text():
    from pipeline.stages.ingest.formats import READERS

    assert {".rtf", ".pdf", ".odt"} <= set(READERS)
    real = FIXTURES.parent / "real_world"
    for name, encoding in (("word.rtf", "rtf"), ("service.pdf", "pdf"), ("libreoffice.odt", "odt")):
        transcript = read_transcript(real / name, OPTIONS)
        assert transcript.encoding == encoding and transcript.preamble
        assert transcript.turns[0].speaker == "Interviewer" and len(transcript.turns) >= 4


def test_consecutive_labelled_lines_of_one_speaker_are_one_turn(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Interviewer: Hi.\nAmal: One.\n\nAmal: Two.\nInterviewer: Ok.\nAmal: Three.\n", encoding="utf-8")
    turns = read_transcript(path, OPTIONS).turns
    assert [(t.speaker, t.text, t.line) for t in turns] == [
        ("Interviewer", "Hi.", 1), ("Amal", "One.\n\nTwo.", 2), ("Interviewer", "Ok.", 5), ("Amal", "Three.", 6)]


def test_zoom_labels_with_an_organisation_and_wrapped_cues(tmp_path):
    path = tmp_path / "z.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nTom (HIVA): Hello and\nwelcome.\n\n"
                    "2\n00:00:03.500 --> 00:00:05.000\nAnna Smith (SL): Thanks.\n", encoding="utf-8")
    turns = read_transcript(path, OPTIONS).turns
    assert [(t.speaker, t.text) for t in turns] == [("Tom (HIVA)", "Hello and welcome."), ("Anna Smith (SL)", "Thanks.")]


def test_a_speaker_label_with_a_surname_particle_is_a_label(tmp_path):
    """``Mehmet Van den Broeck:`` is a speaker: read as text, the whole transcript was one
    interviewer turn and the participant's full name stayed in it."""
    path = tmp_path / "particles.txt"
    path.write_text("Interviewer: How did it go?\nMehmet Van den Broeck: It went well.\nInterviewer: And then?\n"
                    "Mehmet Van den Broeck: I found a job.\nJan de Vries: Me too.\nJan de Vries: Yes.\n"
                    "Dit is de Bakker: a line of text.\nDit is de Bakker: again text.\n", encoding="utf-8")
    turns = read_transcript(path, ReaderOptions(interviewer_labels=DEFAULT_INTERVIEWER_LABELS)).turns
    assert [t.speaker for t in turns] == ["Interviewer", "Mehmet Van den Broeck", "Interviewer",
                                          "Mehmet Van den Broeck", "Jan de Vries"]
    assert turns[-1].text.endswith("Dit is de Bakker: again text.")  # "is" is no particle: text


def test_a_surname_that_starts_with_a_lower_case_particle_is_a_label(tmp_path):
    """``van Dijk:`` and ``de Vries:`` (Dutch surnames written alone) are speakers, also when each
    speaks once; before, every such turn was merged into the interviewer's, names and all."""
    path = tmp_path / "surnames.txt"
    path.write_text("Interviewer: How did you start?\nvan Dijk: I started in 2019.\nInterviewer: And then?\n"
                    "de Vries: Then we grew.\nvan der Berg: I agree.\n", encoding="utf-8")
    turns = read_transcript(path, ReaderOptions(interviewer_labels=DEFAULT_INTERVIEWER_LABELS)).turns
    assert [(t.speaker, t.text) for t in turns] == [
        ("Interviewer", "How did you start?"), ("van Dijk", "I started in 2019."), ("Interviewer", "And then?"),
        ("de Vries", "Then we grew."), ("van der Berg", "I agree.")]
    prose = tmp_path / "prose.txt"  # a lower-case line start that ends in a lower-case word stays text
    prose.write_text("Interviewer: And the rest?\nRespondent: Well.\nde rest: that was for later.\n"
                     "Interviewer: Fine.\nRespondent: Yes.\n", encoding="utf-8")
    turns = read_transcript(prose, ReaderOptions(interviewer_labels=DEFAULT_INTERVIEWER_LABELS)).turns
    assert turns[1].text == "Well.\nde rest: that was for later."
