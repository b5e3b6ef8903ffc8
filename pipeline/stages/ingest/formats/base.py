"""What every transcript reader returns, and the helpers they share.

A reader turns one file into a :class:`Transcript`: an optional preamble (title lines before the
first turn) and a list of :class:`Turn`. Speaker labels, timestamps and cue numbers are markup;
everything else is *content* and must end up in exactly one turn or in the preamble.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError, Problem


@dataclass
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
        self.interviewer_labels = {normalise_label(x) for x in interviewer_labels}
        self.known_speakers = {normalise_label(x) for x in known_speakers}
        self.id_columns = tuple(id_columns)
        self.text_columns = tuple(text_columns)
        self.unlabelled_speaker = unlabelled_speaker
        #: in text without labels, a paragraph that ends with '?' is the interviewer's
        self.questions_as_interviewer = questions_as_interviewer


def normalise_label(label: str) -> str:
    """Label comparison key: case-folded, single spaces, a trailing number dropped."""
    label = re.sub(r"\s+", " ", label).strip().casefold()
    return re.sub(r"\s*\d+$", "", label) or label


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

    Order: a byte-order mark (UTF-8, UTF-16), UTF-16 without BOM (NUL bytes), strict UTF-8,
    cp1252 (Windows), then charset-normalizer's best guess, then Mac Roman.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        le = data[1::2].count(0) > data[0::2].count(0)
        codec = "utf-16-le" if le else "utf-16-be"
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # Windows' default: curly quotes and dashes live in 0x80-0x9f
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    try:
        return data.decode("mac_roman"), "mac_roman"
    except UnicodeDecodeError as exc:  # pragma: no cover - mac_roman maps every byte
        raise InputError(Problem(str(path), f"cannot decode the file as text ({exc}).",
                                 "Save it as UTF-8 (in Word: Save As > Plain Text > Unicode (UTF-8)).")) from None
