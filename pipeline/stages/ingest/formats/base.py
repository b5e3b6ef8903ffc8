"""What every transcript reader returns, and the helpers they share.

A reader turns one file into a :class:`Transcript`: an optional preamble (title lines before the
first turn) and a list of :class:`Turn`. Speaker labels, timestamps and cue numbers are markup;
everything else is *content* and must end up in exactly one turn or in the preamble.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Problem


@dataclass(slots=True)  # no per-turn __dict__: a million turns are held at once
class Turn:
    """One speaker turn as read from the source. ``line`` is where it starts (1-based) in the
    source: a line of a text file, a paragraph or table row of a docx, a cue of a subtitle file,
    a row of a table."""

    speaker: str
    text: str
    line: int
    start_time: float | None = None
    end_time: float | None = None
    attributes: dict[str, object] = field(default_factory=dict)


@dataclass
class Transcript:
    turns: list[Turn]
    preamble: str = ""
    encoding: str = ""
    #: False when the file had no speaker labels and paragraphs were made turns of one speaker.
    labelled: bool = True
    warnings: list[Problem] = field(default_factory=list)


class ReaderOptions:
    """What readers need to know from the study: interviewer labels and table columns."""

    def __init__(self, interviewer_labels=(), known_speakers=(), id_columns=(), text_columns=(),
                 unlabelled_speaker: str = "Respondent", questions_as_interviewer: bool = False):
        #: normalised labels ("interviewer 2" -> "interviewer"), and a numbered label as written
        #: ("speaker 1" stays "speaker 1": "Speaker 2" is someone else)
        self.interviewer_labels = {label_key(x) for x in interviewer_labels}
        self.known_speakers = {normalise_label(x) for x in known_speakers}
        self.id_columns = tuple(id_columns)
        self.text_columns = tuple(text_columns)
        self.unlabelled_speaker = unlabelled_speaker
        #: in text without labels, a paragraph that ends with '?' is the interviewer's
        self.questions_as_interviewer = questions_as_interviewer


@functools.lru_cache(maxsize=65536)
def normalise_label(label: str) -> str:
    """Label comparison key: case-folded, single spaces, a trailing number dropped."""
    label = re.sub(r"\s+", " ", label).strip().casefold()
    return re.sub(r"\s*\d+$", "", label) or label


@functools.lru_cache(maxsize=65536)
def label_key(label: str) -> str:
    """How a study's interviewer label is compared: as :func:`normalise_label`, except that a
    label of several words ending in a number ("Speaker 1") keeps its number."""
    spaced = re.sub(r"\s+", " ", label).strip().casefold()
    return spaced if re.fullmatch(r"\S+ \S*?\d+", spaced) else normalise_label(label)


def clean_text(text: str) -> str:
    """Unicode NFC, Unix newlines, no zero-width or non-breaking spaces, trimmed line ends."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


_TIME = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


def parse_time(text: str) -> float | None:
    """Seconds from ``hh:mm:ss``, ``mm:ss`` or ``hh:mm:ss.mmm`` (or ``,mmm``); None if not a time."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    hours, minutes, seconds, millis = match.groups()
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if millis:
        value += int(millis.ljust(3, "0")) / 1000
    return float(value)


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a text file as Windows and Mac users produce them; returns (text, encoding).

    See :func:`.decoding.decode_text`, which also returns the warnings (mixed encodings, lone
    surrogates) and refuses binary content; readers of transcripts use that one.
    """
    from pipeline.stages.ingest.formats.decoding import decode_text

    text, encoding, _ = decode_text(data, path)
    return text, encoding
