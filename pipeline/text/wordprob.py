"""How often a word is written in English: spaCy's lexeme probabilities (spacy-lookups-data).

The name detector asks it, per distinct word, whether ``station`` is more often written in lower
case than ``Station`` (a common word) or not (``Oliver``: a name). The data is a JSON file of a
million words; reading it into a dictionary took about 1.5-2 s in every process that ingests, most
of an ingest of a small study. The words above :data:`FLOOR` (below it a word counts as unseen:
a lookup gives the same answers with or without them) are kept instead in one compact file, sorted,
read in about 20 ms and searched by bisection (:class:`WordProbabilities`). The file lives in this
package's ``__pycache__`` under the source file's version, size and time, and is written once;
where that folder cannot be written, the JSON file is read as before.
"""
from __future__ import annotations

import functools
import gzip
import json
import os
import struct
from array import array
from pathlib import Path

#: at or below this log probability a word counts as unseen (spaCy's floor for rare words)
FLOOR = -19.4
_MAGIC = b"QPWPROB1"
_CACHE = Path(__file__).resolve().parent / "__pycache__"


class WordProbabilities:
    """``word -> log probability`` for the words above :data:`FLOOR`, like ``dict.get``."""

    def __init__(self, blob: bytes, offsets: array, values: array):
        self.blob, self.offsets, self.values = blob, offsets, values

    @classmethod
    def from_dict(cls, probabilities: dict[str, float]) -> "WordProbabilities":
        kept = sorted((word.encode("utf-8", "surrogatepass"), p) for word, p in probabilities.items() if p > FLOOR)
        offsets, values, position = array("Q", [0]), array("d"), 0
        for key, p in kept:
            position += len(key)
            offsets.append(position)
            values.append(p)
        return cls(b"".join(key for key, _ in kept), offsets, values)

    def __len__(self) -> int:
        return len(self.values)

    def get(self, word: str, default: float | None = None) -> float | None:
        key = word.encode("utf-8", "surrogatepass")
        blob, offsets = self.blob, self.offsets
        low, high = 0, len(self.values)
        while low < high:  # the first stored word >= key
            middle = (low + high) // 2
            if blob[offsets[middle]:offsets[middle + 1]] < key:
                low = middle + 1
            else:
                high = middle
        if low < len(self.values) and blob[offsets[low]:offsets[low + 1]] == key:
            return self.values[low]
        return default

    def to_bytes(self) -> bytes:
        return _MAGIC + struct.pack("<Q", len(self.values)) + self.offsets.tobytes() + self.values.tobytes() + self.blob

    @classmethod
    def from_bytes(cls, data: bytes) -> "WordProbabilities | None":
        if data[:8] != _MAGIC or len(data) < 16:
            return None
        (n,) = struct.unpack("<Q", data[8:16])
        start, middle = 16, 16 + 8 * (n + 1)
        end = middle + 8 * n
        offsets, values = array("Q"), array("d")
        offsets.frombytes(data[start:middle])
        values.frombytes(data[middle:end])
        blob = data[end:]
        if len(values) != n or len(offsets) != n + 1 or offsets[-1] != len(blob):
            return None  # cut short or written by another layout: built again
        return cls(blob, offsets, values)


def _source() -> Path:
    from importlib.resources import files

    return Path(str(files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz"))


def _read_json(path: Path) -> dict[str, float]:
    with gzip.open(str(path), "rt", encoding="utf-8") as handle:
        return json.load(handle)


@functools.lru_cache(maxsize=1)
def english() -> WordProbabilities | dict[str, float]:
    """The English word probabilities (see the module docstring)."""
    source = _source()
    stat = source.stat()
    cached = _CACHE / f"qualpipe-en-prob-{stat.st_size}-{stat.st_mtime_ns}-{FLOOR}.bin"
    try:
        table = WordProbabilities.from_bytes(cached.read_bytes())
        if table is not None:
            return table
    except OSError:
        pass
    probabilities = _read_json(source)
    table = WordProbabilities.from_dict(probabilities)
    try:  # a read-only install reads the JSON file in each process instead
        _CACHE.mkdir(exist_ok=True)
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        tmp.write_bytes(table.to_bytes())
        os.replace(tmp, cached)
    except OSError:
        return probabilities
    return table
