"""Transcript readers, one per file format, in a registry keyed by file suffix.

Every reader has the signature ``read(path, options) -> Transcript`` (see :mod:`.base`). Readers
are registered by lower-case suffix in the registry ``ingest.readers`` (:mod:`pipeline.registry`);
a study can read another format by registering a reader::

    from pipeline.registry import registry

    @registry("ingest.readers").register(".pages")
    def read_pages(path, options): ...

``READERS`` is the same registry seen as a mapping of suffix to reader (``".txt" in READERS``,
``sorted(READERS)``); ``READERS[".pages"] = read_pages`` registers a reader too.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path

from pipeline.errors import InputError, Problem
from pipeline.registry import registry
from pipeline.stages.ingest.formats.base import ReaderOptions, Transcript, Turn
from pipeline.stages.ingest.formats.docx import read_docx
from pipeline.stages.ingest.formats.office import read_odt, read_pdf, read_rtf
from pipeline.stages.ingest.formats.subtitles import read_srt, read_vtt
from pipeline.stages.ingest.formats.tables import read_table
from pipeline.stages.ingest.formats.text import read_txt

Reader = Callable[[Path, ReaderOptions], Transcript]

_BUILTIN: dict[str, Reader] = {
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
for _suffix, _reader in _BUILTIN.items():
    registry("ingest.readers").register(_suffix)(_reader)


class _Readers(MutableMapping):
    """The registry ``ingest.readers`` as a mapping of suffix to reader (sorted by suffix)."""

    def __getitem__(self, suffix: str) -> Reader:
        if suffix not in registry("ingest.readers"):
            raise KeyError(suffix)
        return registry("ingest.readers").get(suffix)

    def __setitem__(self, suffix: str, reader: Reader) -> None:
        registry("ingest.readers").register(suffix)(reader)

    def __delitem__(self, suffix: str) -> None:
        if suffix not in registry("ingest.readers"):
            raise KeyError(suffix)
        registry("ingest.readers").unregister(suffix)

    def __contains__(self, suffix: object) -> bool:
        return isinstance(suffix, str) and suffix in registry("ingest.readers")

    def __iter__(self) -> Iterator[str]:
        return iter(registry("ingest.readers").names())

    def __len__(self) -> int:
        return len(registry("ingest.readers").names())

    def __repr__(self) -> str:
        return repr(dict(self))


READERS = _Readers()


def read_transcript(path: str | Path, options: ReaderOptions | None = None) -> Transcript:
    """Read one transcript file with the reader registered for its suffix."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(Problem(str(path), f"no reader for '{path.suffix}' files.",
                                 f"Convert it to one of {sorted(READERS)}."))
    return reader(path, options or ReaderOptions())


__all__ = ["READERS", "ReaderOptions", "Transcript", "Turn", "read_transcript"]
