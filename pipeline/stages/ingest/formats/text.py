"""Plain-text transcripts: ``Label: text`` turns, optional timestamps, continuation lines.

Accepted line forms (timestamps optional, ``[..]`` or ``(..)``, ``hh:mm:ss`` or ``mm:ss``)::

    Interviewer: So how did you hear about the programme?
    [00:03:12] Amal: Through my counsellor at VDAB.
    Amal (00:03:12): Through my counsellor at VDAB.
    Amal: [00:03:12] Through my counsellor at VDAB.

A line without a label continues the current speaker's turn. Text before the first turn is the
preamble. A candidate label counts as a speaker only if it labels at least two lines of the
document, or is a known interviewer label or a speaker named by the study: so a stray
``Note: ...`` in the middle of an answer is not taken for a speaker.

Text with no speaker labels at all (oral histories, notes) becomes one turn per paragraph of a
single speaker, with a warning; a paragraph starting with a minutes timestamp such as
``3.08<TAB>`` gets that start time. With ``questions_as_interviewer`` (study key
``ingest.unlabelled_questions_as_interviewer``) a paragraph ending in ``?`` is an
``Interviewer`` turn: the layout-only speaker changes of many oral-history transcripts.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pipeline.errors import Problem
from pipeline.stages.ingest.formats.base import (ReaderOptions, Transcript, Turn, clean_text, decode,
                                   normalise_label, parse_time)

TS = r"[\[(]?\s*\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\s*[\])]?"
LINE = re.compile(
    rf"^\s*(?:(?P<ts1>{TS})\s*[-\u2013]?\s*)?"
    r"(?P<label>[^\W\d_][\w.'\u2019 -]{0,39}?)\s*"
    rf"(?:(?P<ts2>{TS})\s*)?:(?:[ \t]+|$)(?P<text>.*)$"
)
LEADING_TS = re.compile(rf"^\s*(?P<ts>{TS})\s+")
MINUTES_TS = re.compile(r"^(?P<m>\d{1,3})\.(?P<s>[0-5]\d)\t+")
MAX_LABEL_WORDS = 5


def _time(token: str | None) -> float | None:
    if not token:
        return None
    return parse_time(token.strip("[]() \t"))


def match_label(line: str) -> tuple[str, float | None, str] | None:
    """``(label, start_time, text)`` if the line starts with a speaker label, else None."""
    match = LINE.match(line)
    if not match:
        return None
    label = re.sub(r"\s+", " ", match["label"]).strip(" .-")
    if not label or len(label.split()) > MAX_LABEL_WORDS:
        return None
    words = label.split()
    # Labels are names or roles: every word capitalised, or one short lower-case token ("int", "r").
    if not all(w[0].isupper() or w[0].isdigit() for w in words) and not (len(words) == 1 and len(label) <= 12):
        return None
    text = match["text"]
    start = _time(match["ts1"]) if match["ts1"] else _time(match["ts2"])
    lead = LEADING_TS.match(text)
    if lead and _time(lead["ts"]) is not None:
        start = start if start is not None else _time(lead["ts"])
        text = text[lead.end():]
    return label, start, text


def parse_lines(lines: list[tuple[int, str]], options: ReaderOptions, source: str,
                preset: dict[int, tuple[str, str, float | None]] | None = None) -> Transcript:
    """Turn numbered lines (or paragraphs) into a :class:`Transcript`.

    ``preset`` maps a line number to ``(label, text, start_time)`` already known from formatting
    (a bold label run in a docx paragraph, a row of a speaker table); such labels always count.
    """
    preset = preset or {}
    candidates: dict[int, tuple[str, float | None, str]] = {}
    for number, line in lines:
        if number in preset:
            label, text, start = preset[number]
            candidates[number] = (label, start, text)
            continue
        found = match_label(line)
        if found:
            candidates[number] = found
    counts = Counter(normalise_label(c[0]) for c in candidates.values())
    accepted = {
        n for n, (label, _, _) in candidates.items()
        if n in preset or counts[normalise_label(label)] >= 2
        or normalise_label(label) in options.interviewer_labels
        or normalise_label(label) in options.known_speakers
    }
    if not accepted:
        return unlabelled(lines, options, source)

    preamble: list[str] = []
    turns: list[Turn] = []
    body: list[list[str]] = []
    for number, line in lines:
        if number in accepted:
            label, start, text = candidates[number]
            turns.append(Turn(speaker=label, text="", line=number, start_time=start))
            body.append([text])
        elif turns:
            body[-1].append(line)
        else:
            preamble.append(line)
    for turn, parts in zip(turns, body):
        turn.text = _join(parts)
    warnings = [
        Problem(f"{source}:{n}", f"'{label}:' looks like a speaker label but labels no other line; "
                "it was kept as text of the turn before.",
                "If it is a speaker, list it in the study's ingest.speakers file; otherwise ignore this.",
                severity="warning")
        for n, (label, _, _) in sorted(candidates.items()) if n not in accepted and turns and n > turns[0].line
    ]
    return Transcript(turns=turns, preamble=_join(preamble), warnings=warnings)


def _join(parts: list[str]) -> str:
    text = clean_text("\n".join(parts))
    return re.sub(r"\n{3,}", "\n\n", text)


def unlabelled(lines: list[tuple[int, str]], options: ReaderOptions, source: str) -> Transcript:
    """Paragraphs (separated by blank lines) become turns of one speaker, with a warning."""
    turns: list[Turn] = []
    current: list[str] = []
    first_line = 0

    def flush() -> None:
        if not current:
            return
        text = _join(current)
        start = None
        stamp = MINUTES_TS.match(text)
        if stamp:
            start = float(int(stamp["m"]) * 60 + int(stamp["s"]))
            text = text[stamp.end():]
        if text.strip():
            speaker = options.unlabelled_speaker
            if options.questions_as_interviewer and text.rstrip().endswith("?"):
                speaker = "Interviewer"
            turns.append(Turn(speaker, text.strip(), first_line, start))
        current.clear()

    for number, line in lines:
        if line.strip():
            if not current:
                first_line = number
            current.append(line)
        else:
            flush()
    flush()
    warning = Problem(
        source,
        f"no speaker labels found; {len(turns)} paragraphs were made turns of one speaker "
        f"'{options.unlabelled_speaker}'.",
        "If the file does have speakers, write each turn as 'Label: text' on its own line.",
        severity="warning",
    )
    return Transcript(turns=turns, labelled=False, warnings=[warning] if turns else [])


def read_txt(path: Path, options: ReaderOptions) -> Transcript:
    text, encoding = decode(path.read_bytes(), path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = list(enumerate(text.split("\n"), start=1))
    transcript = parse_lines(lines, options, str(path))
    transcript.encoding = encoding
    return transcript
