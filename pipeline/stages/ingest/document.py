"""A document's normalised text: the preamble, then each turn as ``Speaker: text``, separated by
blank lines. Segments point into it with ``start_char, end_char``."""
from __future__ import annotations


def render_document(preamble: str, speakers: list[str], texts: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """The normalised document text and each turn's ``(start_char, end_char)`` in it."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    if preamble:
        parts.append(preamble + "\n\n")
        pos += len(preamble) + 2
    for speaker, text in zip(speakers, texts):
        prefix = f"{speaker}: "
        start = pos + len(prefix)
        end = start + len(text)
        parts.append(prefix + text + "\n\n")
        offsets.append((start, end))
        pos = end + 2
    return "".join(parts).rstrip("\n"), offsets
