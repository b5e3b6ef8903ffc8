"""Subtitle transcripts: WebVTT (Microsoft Teams, Zoom) and SubRip (.srt).

- Teams writes ``<v Full Name>text</v>``; Zoom and most SRT files write ``Name: text``;
- a cue without a label continues the previous speaker;
- consecutive cues of one speaker form one turn (start of the first cue, end of the last);
- a file with no labels at all: cues separated by a pause of more than ``PAUSE`` seconds start a
  new paragraph, and paragraphs become turns of one speaker, with a warning.

A turn's ``line`` is the number of its first cue (1-based), as subtitle editors show it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, Problem
from pipeline.stages.ingest.formats.base import (ReaderOptions, Transcript, Turn, clean_text, decode,
                                   normalise_label, parse_time)
from pipeline.stages.ingest.formats.text import match_label

PAUSE = 3.0


@dataclass
class Cue:
    number: int
    start: float | None
    end: float | None
    speaker: str | None
    text: str


def _merge(cues: list[Cue], options: ReaderOptions, source: str) -> Transcript:
    counts = Counter(normalise_label(c.speaker) for c in cues if c.speaker)
    warnings: list[Problem] = []
    if not counts:
        return _unlabelled(cues, options, source)
    turns: list[Turn] = []
    for cue in cues:
        speaker = cue.speaker
        text = clean_text(cue.text)
        if speaker is None and turns:
            speaker = turns[-1].speaker
        if speaker is None:
            speaker = "Unknown speaker"
            warnings.append(Problem(f"{source} (cue {cue.number})",
                                    "the first cue has no speaker label; its text is kept as 'Unknown speaker'.",
                                    "Add the speaker's name to the cue ('Name: text' or '<v Name>text</v>').",
                                    severity="warning"))
        if turns and turns[-1].speaker == speaker:
            last = turns[-1]
            last.text = f"{last.text} {text}".strip() if text else last.text
            last.end_time = cue.end if cue.end is not None else last.end_time
        else:
            turns.append(Turn(speaker, text, cue.number, cue.start, cue.end))
    turns = [t for t in turns if t.text or t.speaker]
    return Transcript(turns=turns, warnings=warnings)


def _unlabelled(cues: list[Cue], options: ReaderOptions, source: str) -> Transcript:
    turns: list[Turn] = []
    for cue in cues:
        text = clean_text(cue.text)
        gap = (cue.start - turns[-1].end_time) if turns and cue.start is not None and turns[-1].end_time is not None else 0
        if turns and gap <= PAUSE:
            turns[-1].text = f"{turns[-1].text} {text}".strip()
            turns[-1].end_time = cue.end
        else:
            turns.append(Turn(options.unlabelled_speaker, text, cue.number, cue.start, cue.end))
    warning = Problem(source, f"no speaker labels found; cues were joined into {len(turns)} paragraphs "
                              f"(a pause over {PAUSE:g} s starts a new one) of one speaker "
                              f"'{options.unlabelled_speaker}'.",
                      "If the recording has several speakers, export it with speaker names.",
                      severity="warning")
    return Transcript(turns=turns, labelled=False, warnings=[warning] if turns else [])


def _label_cues(raw: list[tuple[int, float | None, float | None, str | None, str]],
                options: ReaderOptions) -> list[Cue]:
    """Apply ``Name: text`` detection to cues without a voice tag; a label must recur (or be known)."""
    found = {}
    for number, _, _, voice, text in raw:
        if voice is None:
            match = match_label(text)
            if match:
                found[number] = match
    counts = Counter(normalise_label(m[0]) for m in found.values())
    voices = {normalise_label(v) for _, _, _, v, _ in raw if v}
    # In a 'Name: text' export (Zoom, most SRT) most cues are labelled: then every label counts,
    # even of a participant who speaks once.
    styled = len(found) >= max(2, len(raw) // 2)
    cues = []
    for number, start, end, voice, text in raw:
        if voice is None and number in found:
            label, _, rest = found[number]
            key = normalise_label(label)
            if styled or counts[key] >= 2 or key in voices or key in options.interviewer_labels or key in options.known_speakers:
                voice, text = label, rest
        cues.append(Cue(number, start, end, voice, text))
    return cues


VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
TAG = re.compile(r"</?(?:v|c|i|b|u|lang|ruby|rt)(?:[.\s][^>]*)?>")


def read_vtt(path: Path, options: ReaderOptions) -> Transcript:
    import webvtt
    from webvtt.errors import MalformedFileError

    text, encoding = decode(path.read_bytes(), path)
    try:
        captions = webvtt.from_string(text).captions
    except MalformedFileError as exc:
        raise InputError(Problem(str(path), f"not a valid WebVTT file ({exc}).",
                                 "Check that it starts with 'WEBVTT' and each cue has a 'start --> end' line.")) from None
    raw = []
    for number, caption in enumerate(captions, start=1):
        body = caption.raw_text
        voices = VOICE.findall(body)
        voice = voices[0].strip() if voices else None
        content = TAG.sub("", body).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        raw.append((number, parse_time(caption.start), parse_time(caption.end), voice, content))
    transcript = _merge(_label_cues(raw, options), options, str(path))
    transcript.encoding = encoding
    return transcript


def read_srt(path: Path, options: ReaderOptions) -> Transcript:
    import srt

    text, encoding = decode(path.read_bytes(), path)
    try:
        subtitles = list(srt.parse(text.replace("\r\n", "\n")))
    except srt.SRTParseError as exc:
        line = text[: exc.actual_start].count("\n") + 1 if hasattr(exc, "actual_start") else None
        where = f"{path}:{line}" if line else str(path)
        raise InputError(Problem(where, "not a valid SubRip (.srt) file: unexpected text between cues.",
                                 "Each cue needs a number line, a '00:00:01,000 --> 00:00:04,000' line and text.")) from None
    raw = [(n, s.start.total_seconds(), s.end.total_seconds(), None, s.content)
           for n, s in enumerate(subtitles, start=1)]
    transcript = _merge(_label_cues(raw, options), options, str(path))
    transcript.encoding = encoding
    return transcript
