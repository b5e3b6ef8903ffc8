"""Word documents: ``Label: text`` paragraphs, bold label runs, or a Speaker/Text table.

- a paragraph ``Amal: text`` is a turn, as in a text file;
- a paragraph whose first run(s) are bold and end with a colon (``**Amal:** text``) is a turn
  whatever the label's frequency;
- a table with a header row naming a speaker column and a text column (and optionally a time
  column) gives one turn per row; header names are matched in English and Dutch;
- title paragraphs before the first turn are the preamble; paragraphs without a label continue
  the current turn; a table with no such header is read as plain paragraphs, with a warning;
- a manual line break (Shift+Enter) inside a paragraph ends a line: a label after it starts a turn;
- warnings name a paragraph as Word shows it: counted without empty paragraphs, and quoted.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError, Problem
from pipeline.stages.ingest.formats.base import ReaderOptions, Transcript, parse_time
from pipeline.stages.ingest.formats.text import parse_lines

SPEAKER_HEADERS = {"speaker", "spreker", "name", "naam", "participant", "deelnemer", "wie", "who"}
TEXT_HEADERS = {"text", "tekst", "utterance", "transcript", "transcriptie", "content", "inhoud"}
TIME_HEADERS = {"time", "tijd", "timestamp", "tijdstip", "start"}


def _bold_label(paragraph) -> tuple[str, str] | None:
    label, rest_start = "", None
    for i, run in enumerate(paragraph.runs):
        if run.bold and rest_start is None:
            label += run.text
            if label.rstrip().endswith(":"):
                rest_start = i + 1
                break
        elif not run.text.strip() and rest_start is None and label:
            label += run.text
        else:
            break
    if rest_start is None:
        return None
    name = label.rstrip().rstrip(":").strip()
    if not name or len(name.split()) > 5:
        return None
    text = "".join(run.text for run in paragraph.runs[rest_start:])
    return name, text.lstrip()


def _header_map(row_cells) -> dict[str, int] | None:
    names = [c.text.strip().casefold() for c in row_cells]
    found: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in SPEAKER_HEADERS and "speaker" not in found:
            found["speaker"] = i
        elif name in TEXT_HEADERS and "text" not in found:
            found["text"] = i
        elif name in TIME_HEADERS and "time" not in found:
            found["time"] = i
    return found if {"speaker", "text"} <= found.keys() else None


def _places(path: Path, lines: list[tuple[int, str]]):
    """Name a paragraph as Word shows it: counting only paragraphs with text, and quoting it."""
    shown: dict[int, tuple[int, str]] = {}
    for number, text in lines:
        if text.strip() and number not in shown:
            shown[number] = (len(shown) + 1, text.strip())

    def place(number: int) -> str:
        if number not in shown:
            return f"{path} (paragraph {number})"
        k, text = shown[number]
        words = " ".join(text.split()[:6])
        return f'{path} (paragraph {k}, "{words}{" ..." if len(text.split()) > 6 else ""}")'

    return place


def read_docx(path: Path, options: ReaderOptions) -> Transcript:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise InputError(Problem(str(path), f"cannot open the Word file ({type(exc).__name__}: {exc}).",
                                 "Open it in Word and save it again as .docx (not .doc or .docm).")) from None
    lines: list[tuple[int, str]] = []
    preset: dict[int, tuple[str, str, float | None]] = {}
    warnings: list[Problem] = []
    number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = block.rows
            header = _header_map(rows[0].cells) if rows else None
            if header is None:
                warnings.append(Problem(f"{path} (table at paragraph {number + 1})",
                                        "table has no Speaker and Text header row; read as plain paragraphs.",
                                        "Give the table a header row 'Speaker | Text' (optionally 'Time').",
                                        severity="warning"))
            for r, row in enumerate(rows):
                number += 1
                cells = row.cells
                if header is None:
                    lines.append((number, " ".join(c.text for c in cells)))
                    continue
                if r == 0:
                    lines.append((number, ""))  # the header row is markup
                    continue
                speaker = cells[header["speaker"]].text.strip()
                text = cells[header["text"]].text
                start = parse_time(cells[header["time"]].text) if "time" in header else None
                if speaker:
                    preset[number] = (speaker, text, start)
                lines.append((number, text))
            continue
        number += 1
        bold = _bold_label(block)
        if bold:
            preset[number] = (bold[0], bold[1].split("\n")[0], None)
        # a manual line break (Shift+Enter) makes a line of its own: it may start the next turn
        lines.extend((number, part) for part in block.text.split("\n"))
    transcript = parse_lines(lines, options, str(path), preset=preset, place=_places(path, lines))
    transcript.encoding = "docx"
    transcript.warnings = warnings + transcript.warnings
    return transcript
