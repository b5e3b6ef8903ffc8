"""Cues of a subtitle file (WebVTT or SubRip), read tolerantly and with a warning for each fault.

Real exports break the specifications: Teams 2022 writes ``0:0:-6.-820 --> 0:0:8.970``, SRT files
edited by hand lose a blank line or a cue number, Teams writes overlapping cues out of time order
when people talk at once. Every cue's text is kept; a fault is named (file, line, cue) with a fix:

- a malformed timing: the cue is kept without times;
- a timing line inside a cue's text (a blank line missing): a new cue starts there;
- text between cues without a timing line: added to the cue before;
- SRT numbering that is not 1, 2, 3 ...; cues that start before the previous one, or overlap it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError, Problem

TIMING = re.compile(r"^\s*(?P<a>\S+)\s*-->\s*(?P<b>\S+)")
CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")
SKIP = ("NOTE", "STYLE", "REGION")


@dataclass
class RawCue:
    number: int          #: position in the file, from 1
    ident: str           #: the identifier line (VTT) or cue number (SRT), '' if none
    start: float | None
    end: float | None
    lines: list[str]     #: the text lines, markup (voice tags) still in
    line: int            #: line of the file where the timing is


@dataclass
class CueFile:
    cues: list[RawCue] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def clock(text: str, micro: bool = False) -> float | None:
    """Seconds from ``h:mm:ss.mmm``, ``mm:ss,mmm``, Teams' unpadded ``0:0:10.20``; None if malformed.
    ``micro`` computes as ``timedelta.total_seconds`` does (the float SRT readers have given)."""
    match = CLOCK.match(text.strip())
    if not match:
        return None
    hours, minutes, seconds, millis = match.groups()
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if micro:
        return (value * 10**6 + int((millis or "0").ljust(3, "0")) * 1000) / 10**6
    if millis:
        value += int(millis.ljust(3, "0")) / 1000
    return float(value)


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Blocks of non-blank lines with the (1-based) line number of their first line."""
    blocks, current, first = [], [], 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                first = number
            current.append(line)
        elif current:
            blocks.append((first, current))
            current = []
    if current:
        blocks.append((first, current))
    return blocks


def _split_block(first: int, block: list[str]) -> list[tuple[int, list[str]]]:
    """A block holding several timing lines (a blank line missing) as one piece per cue."""
    timings = [i for i, line in enumerate(block) if TIMING.match(line) and "-->" in line]
    if len(timings) <= 1:
        return [(first, block)]
    pieces, begin = [], 0
    for t in timings[1:]:
        cut = t - 1 if t - 1 > timings[0] and block[t - 1].strip().isdigit() else t
        pieces.append((first + begin, block[begin:cut]))
        begin = cut
    pieces.append((first + begin, block[begin:]))
    return pieces


def parse_cues(text: str, path: Path, kind: str) -> CueFile:
    """All cues of a ``vtt`` or ``srt`` text, with warnings (see the module docstring)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    blocks = _blocks(lines)
    out = CueFile()
    if kind == "vtt":
        if not blocks or not blocks[0][1][0].startswith("WEBVTT"):
            raise InputError(Problem(str(path), "not a valid WebVTT file (it does not start with 'WEBVTT').",
                                     "Check that it starts with 'WEBVTT' and each cue has a 'start --> end' line."))
        blocks = blocks[1:]
    pieces = [p for first, block in blocks for p in _split_block(first, block)]
    if len(pieces) > len(blocks):
        out.warnings.append(Problem(f"{path}:{pieces[0][0]}", "some cues are not separated by a blank line; "
                                    "each timing line was read as the start of a new cue.",
                                    "Put a blank line between cues.", severity="warning"))
    for first, block in pieces:
        if kind == "vtt" and block[0].split(" ")[0].split("\t")[0] in SKIP:
            continue
        _add(out, first, block, path, kind)
    _check_order(out, path, kind)
    return out


def _add(out: CueFile, first: int, block: list[str], path: Path, kind: str) -> None:
    timing = next((i for i, line in enumerate(block) if "-->" in line and TIMING.match(line)), None)
    if timing is None:
        if out.cues:
            out.cues[-1].lines.extend(block)
            out.warnings.append(Problem(f"{path}:{first}", f"text without a timing line after cue "
                                        f"{out.cues[-1].number}; it was added to that cue.",
                                        "Give it its own number and 'start --> end' line, or remove the blank line "
                                        "before it.", severity="warning"))
        else:
            out.warnings.append(Problem(f"{path}:{first}", "text before the first cue has no timing line; "
                                        "it is kept as the first cue's text.", "Remove it or give it a timing line.",
                                        severity="warning"))
            out.cues.append(RawCue(1, "", None, None, list(block), first))
        return
    match = TIMING.match(block[timing])
    start, end = clock(match["a"], kind == "srt"), clock(match["b"], kind == "srt")
    number = len(out.cues) + 1
    if start is None or end is None:
        out.warnings.append(Problem(f"{path}:{first + timing} (cue {number})",
                                    f"malformed cue timing '{block[timing].strip()}'; the cue's text is kept "
                                    "without times.", "Correct it to 'hh:mm:ss.mmm --> hh:mm:ss.mmm'.",
                                    severity="warning"))
    ident = " ".join(x.strip() for x in block[:timing])
    out.cues.append(RawCue(number, ident, start, end, block[timing + 1:], first + timing))


def _check_order(out: CueFile, path: Path, kind: str) -> None:
    """One warning each for broken SRT numbering, cues out of time order and overlapping cues."""
    faults: dict[str, list[RawCue]] = {"numbering": [], "order": [], "overlap": []}
    previous: RawCue | None = None
    for cue in out.cues:
        if kind == "srt" and cue.ident != str(cue.number):
            faults["numbering"].append(cue)
        if previous is not None and cue.start is not None and previous.start is not None:
            if cue.start < previous.start:
                faults["order"].append(cue)
            elif previous.end is not None and cue.start < previous.end - 0.001:
                faults["overlap"].append(cue)
        previous = cue if cue.start is not None else previous
    texts = {
        "numbering": ("the cue numbers do not run 1, 2, 3 ... (first: cue {n} is numbered {ident!r}); "
                      "{k} cue(s) affected. Cues are counted in file order.",
                      "Renumber the cues (any subtitle editor does it), or ignore this if the order is right."),
        "order": ("{k} cue(s) start before the cue above them (first: cue {n}); they are kept in file order.",
                  "Sort the cues by start time if the order matters, or ignore this for crosstalk."),
        "overlap": ("{k} cue(s) start before the cue above them ends (first: cue {n}); both are kept.",
                    "Nothing to do if people talked at once; otherwise correct the timings."),
    }
    for kind_, cues in faults.items():
        if cues:
            message, fix = texts[kind_]
            first = cues[0]
            out.warnings.append(Problem(f"{path}:{first.line} (cue {first.number})",
                                        message.format(n=first.number, ident=first.ident, k=len(cues)), fix,
                                        severity="warning"))
