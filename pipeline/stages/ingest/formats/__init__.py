"""Transcript readers, one per file format, in a registry keyed by file suffix.

Every reader has the signature ``read(path, options) -> Transcript`` (see :mod:`.base`). A study
can read another format by registering a reader: ``READERS[".pages"] = my_reader``.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError, Problem
from pipeline.stages.ingest.formats.base import ReaderOptions, Transcript, Turn
from pipeline.stages.ingest.formats.docx import read_docx
from pipeline.stages.ingest.formats.office import read_odt, read_pdf, read_rtf
from pipeline.stages.ingest.formats.subtitles import read_srt, read_vtt
from pipeline.stages.ingest.formats.tables import read_table
from pipeline.stages.ingest.formats.text import read_txt

READERS = {
    ".txt": read_txt,
    ".text": read_txt,
    ".md": read_txt,
    ".docx": read_docx,
    ".vtt": read_vtt,
    ".srt": read_srt,
    ".csv": read_table,
    ".tsv": read_table,
    ".xlsx": read_table,
    ".rtf": read_rtf,
    ".pdf": read_pdf,
    ".odt": read_odt,
}


def read_transcript(path: str | Path, options: ReaderOptions | None = None) -> Transcript:
    """Read one transcript file with the reader registered for its suffix."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(Problem(str(path), f"no reader for '{path.suffix}' files.",
                                 f"Convert it to one of {sorted(READERS)}."))
    return reader(path, options or ReaderOptions())


__all__ = ["READERS", "ReaderOptions", "Transcript", "Turn", "read_transcript"]
