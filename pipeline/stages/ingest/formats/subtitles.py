"""Subtitle transcripts: WebVTT (Microsoft Teams, Zoom) and SubRip (.srt).

- Teams writes ``<v Full Name>text</v>`` (also ``<v Surname, First>``); Zoom and most SRT files
  write ``Name: text`` or ``Name (Org): text`` on the first line of a cue;
- a cue's lines are one line of speech wrapped for the screen: they are joined with spaces;
- a cue without a label continues the previous speaker (a turn spread over several cues);
- consecutive cues of one speaker form one turn (start of the first cue, end of the last);
- a file with no labels at all is cut into paragraphs of one speaker, with a warning: at a pause
  of more than ``PAUSE`` seconds, where the cue identifiers of OneDrive and new Teams
  (``<id>-0``, ``<id>-1`` ...) start a new utterance, and at a sentence end once a paragraph is
  longer than ``MAX_PARAGRAPH`` characters.

Cues are read by :mod:`.cues`, which keeps every cue and names malformed timings, broken
numbering and cues out of order. A turn's ``line`` is the number of its first cue (1-based),
as subtitle editors show it.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import Problem
from pipeline.stages.ingest.formats.base import ReaderOptions, Transcript, Turn, clean_text, normalise_label
from pipeline.stages.ingest.formats.decoding import decode_text, scrub
from pipeline.stages.ingest.formats.cues import RawCue, parse_cues
from pipeline.stages.ingest.formats.labels import match_label
from pipeline.stages.ingest.formats.turns import merge_turns

PAUSE = 3.0
MAX_PARAGRAPH = 1500
SENTENCE_END = re.compile(r"[.?!\u2026][\"\u201d\u2019')\]]*$")
GROUP = re.compile(r"^(?P<group>.+)-\d+$")


@dataclass
class Cue:
    number: int
    start: float | None
    end: float | None
    speaker: str | None
    text: str
    ident: str = ""


def _merge(cues: list[Cue], options: ReaderOptions, source: str) -> Transcript:
    counts = Counter(normalise_label(c.speaker) for c in cues if c.speaker)
    warnings: list[Problem] = []
    if not counts:
        return _unlabelled(cues, options, source)
    turns: list[Turn] = []
    for cue in cues:
        speaker = cue.speaker
        if speaker is None and turns:
            speaker = turns[-1].speaker
        if speaker is None:
            speaker = "Unknown speaker"
            warnings.append(Problem(f"{source} (cue {cue.number})",
                                    "the first cue has no speaker label; its text is kept as 'Unknown speaker'.",
                                    "Add the speaker's name to the cue ('Name: text' or '<v Name>text</v>').",
                                    severity="warning"))
        turns.append(Turn(speaker, clean_text(cue.text), cue.number, cue.start, cue.end))
    return Transcript(turns=merge_turns(turns, sep=" "), warnings=warnings)


def _new_paragraph(last: Turn, last_cue: Cue | None, cue: Cue) -> str | None:
    """Why ``cue`` starts a new paragraph of unlabelled speech ('pause', 'utterance', 'length'), or None."""
    if cue.start is not None and last.end_time is not None and cue.start - last.end_time > PAUSE:
        return "pause"
    groups = [GROUP.match(c.ident) if c is not None else None for c in (last_cue, cue)]
    if groups[0] and groups[1] and groups[0]["group"] != groups[1]["group"]:
        return "utterance"
    if len(last.text) >= MAX_PARAGRAPH and SENTENCE_END.search(last.text):
        return "length"
    return None


def _unlabelled(cues: list[Cue], options: ReaderOptions, source: str) -> Transcript:
    turns: list[Turn] = []
    reasons: Counter = Counter()
    previous: Cue | None = None
    for cue in cues:
        text = clean_text(cue.text)
        reason = _new_paragraph(turns[-1], previous, cue) if turns else "first"
        if reason is None:
            turns[-1].text = f"{turns[-1].text} {text}".strip()
            turns[-1].end_time = cue.end if cue.end is not None else turns[-1].end_time
        else:
            reasons[reason] += 1
            turns.append(Turn(options.unlabelled_speaker, text, cue.number, cue.start, cue.end))
        previous = cue
    how = [f"a pause over {PAUSE:g} s ({reasons['pause']})"]
    if reasons["utterance"]:
        how.append(f"a new utterance id ({reasons['utterance']})")
    if reasons["length"]:
        how.append(f"a sentence end after {MAX_PARAGRAPH} characters ({reasons['length']})")
    warning = Problem(source, f"no speaker labels found; cues were joined into {len(turns)} paragraphs "
                              f"of one speaker '{options.unlabelled_speaker}', a new one at "
                              f"{', '.join(how)}.",
                      "If the recording has several speakers, export it with speaker names.",
                      severity="warning")
    return Transcript(turns=turns, labelled=False, warnings=[warning] if turns else [])


def _label_cues(raw: list[Cue], options: ReaderOptions) -> list[Cue]:
    """Apply ``Name: text`` detection to the first line of cues without a voice tag; a label must
    recur (or be known), unless most cues are labelled."""
    found = {}
    for cue in raw:
        if cue.speaker is None:
            first, _, rest = cue.text.partition("\n")
            match = match_label(first)
            if match:
                found[cue.number] = (match[0], f"{match[2]}\n{rest}" if rest else match[2])
    counts = Counter(normalise_label(m[0]) for m in found.values())
    voices = {normalise_label(c.speaker) for c in raw if c.speaker}
    # In a 'Name: text' export (Zoom, most SRT) most cues are labelled: then every label counts,
    # even of a participant who speaks once.
    styled = len(found) >= max(2, len(raw) // 2)
    known = voices | options.interviewer_labels | options.known_speakers
    for cue in raw:
        if cue.number in found:
            label, rest = found[cue.number]
            key = normalise_label(label)
            if styled or counts[key] >= 2 or key in known:
                cue.speaker, cue.text = label, rest
        cue.text = " ".join(x.strip() for x in cue.text.split("\n") if x.strip())
    return raw


VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
TAG = re.compile(r"</?(?:v|c|i|b|u|lang|ruby|rt)(?:[.\s][^>]*)?>")


def _vtt_cue(cue: RawCue) -> Cue:
    body = "\n".join(cue.lines)
    voices = VOICE.findall(body)
    voice = voices[0].strip() if voices else None
    content = TAG.sub("", body).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return Cue(cue.number, cue.start, cue.end, voice, content, cue.ident)


def read_vtt(path: Path, options: ReaderOptions) -> Transcript:
    text, encoding, problems = decode_text(path.read_bytes(), path)
    text, hidden = scrub(text, path)
    parsed = parse_cues(text, path, "vtt")
    parsed.warnings[:0] = problems + hidden
    transcript = _merge(_label_cues([_vtt_cue(c) for c in parsed.cues], options), options, str(path))
    transcript.encoding = encoding
    transcript.warnings = parsed.warnings + transcript.warnings
    return transcript


def read_srt(path: Path, options: ReaderOptions) -> Transcript:
    text, encoding, problems = decode_text(path.read_bytes(), path)
    text, hidden = scrub(text, path)
    parsed = parse_cues(text, path, "srt")
    parsed.warnings[:0] = problems + hidden
    raw = [Cue(c.number, c.start, c.end, None, html.unescape("\n".join(c.lines)) if "&" in "".join(c.lines)
               else "\n".join(c.lines), c.ident) for c in parsed.cues]
    transcript = _merge(_label_cues(raw, options), options, str(path))
    transcript.encoding = encoding
    transcript.warnings = parsed.warnings + transcript.warnings
    return transcript
