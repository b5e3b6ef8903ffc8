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

import functools
import re
from collections import Counter
from pathlib import Path
from typing import Callable

from pipeline.errors import Problem
from pipeline.stages.ingest.formats.base import ReaderOptions, Transcript, Turn, clean_text, normalise_label
from pipeline.stages.ingest.formats.decoding import INVISIBLE, NAMES, decode_text
from pipeline.stages.ingest.formats.labels import JOINED, NAME_PARTICLES, legend, match_label
from pipeline.stages.ingest.formats.turns import merge_turns

__all__ = ["match_label", "parse_lines", "read_txt", "unlabelled"]

MINUTES_TS = re.compile(r"^(?P<m>\d{1,3})\.(?P<s>[0-5]\d)\t+")
Place = Callable[[int], str]


def _candidates(lines: list[tuple[int, str]], preset: dict) -> dict[int, tuple[str, float | None, str]]:
    """Label candidates by index into ``lines``; a preset applies to the first line of its number."""
    found: dict[int, tuple[str, float | None, str]] = {}
    seen: set[int] = set()
    for i, (number, line) in enumerate(lines):
        if number in preset and number not in seen:
            label, text, start = preset[number]
            found[i] = (label, start, text)
        else:
            match = match_label(line)
            if match:
                found[i] = match
        seen.add(number)
    return found


def _legend(candidates: dict, preset: dict, lines: list) -> tuple[set[int], set[str]]:
    """Leading legend lines (indexes) and the labels they declare."""
    rows: set[int] = set()
    declared: set[str] = set()
    for i, (label, _, text) in sorted(candidates.items()):
        names = [] if lines[i][0] in preset else legend(label, text)
        if not names:
            break
        rows.add(i)
        declared.update(normalise_label(n) for n in names)
    return rows, declared


def _accepted(candidates: dict, legend_rows: set[int], declared: set[str], preset: dict,
              lines: list, options: ReaderOptions) -> set[int]:
    counts = Counter(normalise_label(c[0]) for i, c in candidates.items() if i not in legend_rows)
    known = declared | options.interviewer_labels | options.known_speakers
    good = {k for k, n in counts.items() if n >= 2} | known

    @functools.lru_cache(maxsize=None)
    def ok(label: str) -> bool:
        key = normalise_label(label)
        parts = [p for p in JOINED.split(label) if p]
        return key in good or (len(parts) > 1 and any(normalise_label(p) in good for p in parts))

    accepted = {i for i, (label, _, _) in candidates.items()
                if i not in legend_rows and (lines[i][0] in preset or ok(label))}
    if accepted and _styled(accepted, lines, candidates):
        # nearly every line is a turn: a participant who speaks once is a speaker too
        first = min(accepted)
        accepted |= {i for i, (label, _, _) in candidates.items()
                     if i not in legend_rows and i > first and i not in accepted and _name_like(label)}
    return accepted


#: a code label followed by a space only ("K Nej"); one-letter words are never read so
BARE = re.compile(r"^\s*(?P<label>[A-Z\u00c0-\u00de]{1,2}\d{0,2}) (?P<text>[A-Z\u00c0-\u00de]\S*.*)$")
WORD_LETTERS = {"I", "A", "O", "U", "Y", "E", "Å", "Ø", "OK", "NO", "SO", "AH", "OH", "TV", "EU", "US", "UK"}


def _bare_labels(lines: list[tuple[int, str]], candidates: dict, accepted: set[int], legend_rows: set[int]) -> None:
    """Lines starting with an accepted code label and a space ("K Nej"), at a paragraph start."""
    codes = {candidates[i][0] for i in accepted | legend_rows if re.fullmatch(r"[A-Z\u00c0-\u00de]{1,2}\d{0,2}",
                                                                               candidates[i][0])}
    codes |= {n for i in legend_rows for n in legend(candidates[i][0], candidates[i][2])}
    codes -= WORD_LETTERS
    if not codes or not accepted:
        return
    for i, (_, line) in enumerate(lines):
        if i in candidates or i < min(accepted) or (i and lines[i - 1][1].strip() and i - 1 not in accepted):
            continue
        match = BARE.match(line)
        if match and match["label"] in codes:
            candidates[i] = (match["label"], None, match["text"])
            accepted.add(i)


NOTE_WORDS = {"note", "nb", "n.b", "ps", "p.s", "remark", "comment", "opmerking", "noot", "notitie",
              "translation", "vertaling", "edit", "update", "example", "voorbeeld", "tip", "let op",
              "warning", "source", "bron", "quote", "citaat", "title", "titel", "date", "datum",
              "location", "locatie", "place", "plaats", "duration", "duur", "time", "tijd"}


def _name_like(label: str) -> bool:
    words = label.split()
    names = [w for w in words if w not in NAME_PARTICLES]  # "van Dijk", "Jan van der Berg"
    return (1 <= len(names) <= 3 and len(words) <= 5 and words[-1][0].isupper()
            and all(w[0].isupper() for w in names) and label.casefold() not in NOTE_WORDS)


def _styled(accepted: set[int], lines: list[tuple[int, str]], candidates: dict) -> bool:
    """At least 60% of the non-empty lines after the first turn start a turn, or (a short file)
    every one of them starts with a label: "Interviewer: Hi" / "Bram: Hello"."""
    body = [i for i in range(min(accepted), len(lines)) if lines[i][1].strip()]
    if len(body) >= 2 and all(i in candidates for i in body):
        return True
    return len(body) >= 4 and sum(i in accepted for i in body) >= 0.6 * len(body)


def parse_lines(lines: list[tuple[int, str]], options: ReaderOptions, source: str,
                preset: dict[int, tuple[str, str, float | None]] | None = None,
                place: Place | None = None) -> Transcript:
    """Turn numbered lines (or paragraphs) into a :class:`Transcript`.

    ``preset`` maps a line number to ``(label, text, start_time)`` already known from formatting
    (a bold label run in a docx paragraph, a row of a speaker table); such labels always count.
    Several lines may share a number (the lines of one docx paragraph). ``place(number)`` names a
    line in warnings (default ``source:number``). Consecutive turns of one speaker are merged.
    """
    preset = preset or {}
    place = place or (lambda n: f"{source}:{n}")
    lines, hidden = _scrub_lines(lines, place)
    candidates = _candidates(lines, preset)
    legend_rows, declared = _legend(candidates, preset, lines)
    accepted = _accepted(candidates, legend_rows, declared, preset, lines, options)
    _bare_labels(lines, candidates, accepted, legend_rows)
    if not accepted:
        transcript = unlabelled(lines, options, source)
        transcript.warnings = hidden + transcript.warnings
        return transcript
    preamble: list[str] = []
    turns: list[Turn] = []
    body: list[list[str]] = []
    for i, (number, line) in enumerate(lines):
        if i in accepted:
            label, start, text = candidates[i]
            turns.append(Turn(speaker=label, text="", line=number, start_time=start))
            body.append([text])
        elif turns:
            body[-1].append(line)
        else:
            preamble.append(line)
    for turn, parts in zip(turns, body):
        turn.text = _join(parts)
    first = min(accepted)
    warnings = [
        Problem(place(lines[i][0]), f"'{label}:' looks like a speaker label but labels no other line; "
                "it was kept as text of the turn before.",
                "If it is a speaker, list it in the study's ingest.speakers file; otherwise ignore this.",
                severity="warning")
        for i, (label, _, _) in sorted(candidates.items())
        if i not in accepted and i not in legend_rows and i > first
    ]
    return Transcript(turns=merge_turns(turns), preamble=_join(preamble), warnings=hidden + warnings)


def _scrub_lines(lines: list[tuple[int, str]], place: Place) -> tuple[list[tuple[int, str]], list[Problem]]:
    """Lines without NUL and invisible characters, and one warning naming the first such line."""
    out, count, first, kinds = [], 0, None, set()
    for number, line in lines:
        found = INVISIBLE.findall(line)
        if found:
            line = INVISIBLE.sub("", line)
            loud = [c for c in found if c not in "\u200b\ufeff"]
            count += len(loud)
            kinds.update(NAMES.get(c, f"U+{ord(c):04X}") for c in loud)
            first = first if first is not None or not loud else number
        out.append((number, line))
    if not count:
        return out, []
    return out, [Problem(place(first), f"{count} invisible character(s) removed ({', '.join(sorted(kinds))}); "
                         "they can hide speaker labels.", "Nothing to do if the text reads right.",
                         severity="warning")]


_BLANKS = re.compile(r"\n{3,}")


def _join(parts: list[str]) -> str:
    text = clean_text("\n".join(parts))
    return _BLANKS.sub("\n\n", text) if "\n\n\n" in text else text


MAX_PARAGRAPH = 1500
SENTENCE = re.compile(r"(?<=[.?!\u2026])[\"\u201d\u2019')\]]*\s+")


def split_long(text: str) -> list[tuple[int, str]]:
    """``(offset, piece)`` of a paragraph cut at the first sentence end after every
    ``MAX_PARAGRAPH`` characters (long unlabelled speech); one piece if it is shorter."""
    if len(text) <= MAX_PARAGRAPH:
        return [(0, text)] if text else []
    pieces, begin = [], 0
    for match in SENTENCE.finditer(text):
        if match.start() - begin >= MAX_PARAGRAPH and match.end() < len(text):
            pieces.append((begin, text[begin:match.start() + len(match.group().rstrip())].rstrip()))
            begin = match.end()
    pieces.append((begin, text[begin:]))
    return pieces


def unlabelled(lines: list[tuple[int, str]], options: ReaderOptions, source: str) -> Transcript:
    """Paragraphs (separated by blank lines) become turns of one speaker, with a warning."""
    turns: list[Turn] = []
    current: list[str] = []
    first_line = 0
    split = [0]

    def flush() -> None:
        if not current:
            return
        text = _join(current)
        start = None
        stamp = MINUTES_TS.match(text)
        if stamp:
            start = float(int(stamp["m"]) * 60 + int(stamp["s"]))
            text = text[stamp.end():]
        pieces = split_long(text.strip())
        split[0] += len(pieces) - 1
        for k, (offset, piece) in enumerate(pieces):
            speaker = options.unlabelled_speaker
            if options.questions_as_interviewer and piece.rstrip().endswith("?"):
                speaker = "Interviewer"
            line = first_line + text.strip()[:offset].count("\n")
            turns.append(Turn(speaker, piece, line, start if k == 0 else None))
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
        f"'{options.unlabelled_speaker}'"
        + (f" ({split[0]} cut at a sentence end after {MAX_PARAGRAPH} characters)." if split[0] else "."),
        "If the file does have speakers, write each turn as 'Label: text' on its own line.",
        severity="warning",
    )
    return Transcript(turns=turns, labelled=False, warnings=[warning] if turns else [])


def read_txt(path: Path, options: ReaderOptions) -> Transcript:
    text, encoding, problems = decode_text(path.read_bytes(), path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = list(enumerate(text.split("\n"), start=1))
    transcript = parse_lines(lines, options, str(path))
    transcript.encoding = encoding
    transcript.warnings = problems + transcript.warnings
    return transcript
