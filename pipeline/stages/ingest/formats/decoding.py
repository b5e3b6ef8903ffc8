"""Bytes to text for transcripts, as Windows and Mac users produce them, and what went wrong.

:func:`decode_text` returns the text, the encoding and warnings (each naming the line):

- a byte-order mark (UTF-8, UTF-16) or UTF-16 without one (many NUL bytes); a lone UTF-16
  surrogate becomes U+FFFD with a warning instead of a crash;
- binary content (images, archives, random bytes named ``.txt``) is refused;
- strict UTF-8, then, for a file mixing UTF-8 lines with Windows (cp1252) lines, decoding line by
  line with a warning naming the cp1252 lines (and CESU-8 surrogate pairs repaired);
- cp1252 for the whole file, then charset-normalizer's guess, then Mac Roman.

:func:`scrub` removes NUL bytes and invisible format characters (zero-width joiners, direction
marks, soft hyphens) that hide speaker labels, reporting the first line and the count.
"""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import InputError, Problem

#: control bytes that never occur in text (tab, line feed, form feed, carriage return excepted)
CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
INVISIBLE = re.compile("[\x00\u200b-\u200f\u202a-\u202e\u2060-\u2064\u00ad\ufeff]")
NAMES = {"\x00": "NUL", "\u200b": "zero-width space", "\u200c": "zero-width non-joiner",
         "\u200d": "zero-width joiner", "\u200e": "left-to-right mark", "\u200f": "right-to-left mark",
         "\u00ad": "soft hyphen", "\ufeff": "byte-order mark", "\u2060": "word joiner"}


def _warn(path: Path, line: int | None, message: str, fix: str) -> Problem:
    return Problem(f"{path}:{line}" if line else str(path), message, fix, severity="warning")


def _is_binary(data: bytes) -> bool:
    sample = data[:65536]
    controls = sum(sample.count(bytes([b])) for b in CONTROL)
    return controls > max(8, len(sample) // 50)


def _utf16(data: bytes, codec: str, path: Path, bom: int) -> tuple[str, str, list[Problem]]:
    try:
        return data[bom:].decode(codec), codec if not bom else "utf-16", []
    except UnicodeDecodeError:
        text = data[bom:].decode(codec, errors="replace")
        line = text[: text.index("\ufffd")].count("\n") + 1 if "\ufffd" in text else None
        return text, codec if not bom else "utf-16", [_warn(
            path, line, "the UTF-16 text holds an invalid (lone) surrogate; it was replaced by '\ufffd'.",
            "Save the file again as UTF-8 from the program that wrote it.")]


def _line_by_line(data: bytes, path: Path) -> tuple[str, list[Problem]] | None:
    """Text of a file mixing UTF-8 and cp1252 lines, or None if no line is non-ASCII UTF-8."""
    lines = data.split(b"\n")
    out, windows, cesu, utf8 = [], [], [], 0
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8")
            utf8 += any(b > 127 for b in raw)
        except UnicodeDecodeError:
            try:  # CESU-8: a surrogate pair written as two 3-byte sequences
                text = raw.decode("utf-8", errors="surrogatepass")
                text = text.encode("utf-16", "surrogatepass").decode("utf-16", errors="replace")
                cesu.append(number)
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
                windows.append(number)
        out.append(text)
    if not utf8 and not cesu:
        return None
    problems = []
    if windows:
        shown = ", ".join(map(str, windows[:8])) + (" ..." if len(windows) > 8 else "")
        problems.append(_warn(path, windows[0], f"the file mixes UTF-8 and Windows (cp1252) text; "
                              f"{len(windows)} line(s) were read as cp1252 (lines {shown}).",
                              "Check those lines' accents; save the file again as UTF-8."))
    if cesu:
        problems.append(_warn(path, cesu[0], f"{len(cesu)} line(s) hold CESU-8 surrogates (first: line "
                              f"{cesu[0]}); they were decoded as the characters they encode.",
                              "Save the file again as UTF-8."))
    return "\n".join(out), problems


def decode_text(data: bytes, path: Path) -> tuple[str, str, list[Problem]]:
    """``(text, encoding, warnings)``; refuses binary content (see the module docstring)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], "utf-8-sig"
    else:
        bom = ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(data, "utf-16-le" if data[:2] == b"\xff\xfe" else "utf-16-be", path, 2)
    if len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        le = data[1::2].count(0) > data[0::2].count(0)
        codec = "utf-16-le" if le else "utf-16-be"
        text, _, problems = _utf16(data, codec, path, 0)
        if text.count("\ufffd") < max(2, len(text) // 100):
            return text, codec, problems
    if _is_binary(data):
        raise InputError(Problem(str(path), "the file holds binary data, not text (control bytes throughout).",
                                 "Check it is the transcript; export it again as .txt (UTF-8), .docx or .pdf."))
    try:
        return data.decode("utf-8"), bom or "utf-8", []
    except UnicodeDecodeError:
        pass
    mixed = _line_by_line(data, path)
    if mixed is not None:
        return mixed[0], "utf-8+cp1252", mixed[1]
    try:  # Windows' default: curly quotes and dashes live in 0x80-0x9f
        return data.decode("cp1252"), "cp1252", []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding, []
    return data.decode("mac_roman"), "mac_roman", []


def scrub(text: str, path: Path | str, lines_are: str = "line") -> tuple[str, list[Problem]]:
    """``text`` without NUL and invisible format characters, and a warning if there were any."""
    found = INVISIBLE.findall(text)
    if not found or set(found) <= {"\u200b", "\ufeff"}:  # clean_text removed these silently before
        return INVISIBLE.sub("", text) if found else text, []
    first = INVISIBLE.search(text)
    line = text[: first.start()].count("\n") + 1
    kinds = sorted({NAMES.get(ch, f"U+{ord(ch):04X}") for ch in found})
    warning = Problem(f"{path}:{line}" if lines_are == "line" else str(path),
                      f"{len(found)} invisible character(s) removed ({', '.join(kinds)}; first on {lines_are} {line}).",
                      "Nothing to do if the text reads right; they can hide speaker labels.", severity="warning")
    return INVISIBLE.sub("", text), [warning]
