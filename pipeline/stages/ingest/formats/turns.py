"""The turn model every reader shares.

A turn is one speaker talking until another starts. Readers find *pieces* (a labelled line or
paragraph, a cue, a table row) and :func:`merge_turns` joins consecutive pieces of one speaker
into one turn: the start (line, time) of the first piece, the end time of the last, the texts
joined by ``sep`` (a blank line between paragraphs, so paragraph breaks stay inside the turn;
a space between the cues of a subtitle file, which split sentences anywhere).
"""
from __future__ import annotations

import re

from pipeline.stages.ingest.formats.base import Turn


def same_speaker(a: str, b: str) -> bool:
    """Labels of one speaker: equal up to case and spacing (``Speaker 1`` is not ``Speaker 2``)."""
    key = lambda s: re.sub(r"\s+", " ", s).strip().casefold()  # noqa: E731
    return key(a) == key(b)


def merge_turns(turns: list[Turn], sep: str = "\n\n") -> list[Turn]:
    """Consecutive turns of one speaker as one turn (see the module docstring)."""
    merged: list[Turn] = []
    for turn in turns:
        last = merged[-1] if merged else None
        if last is not None and same_speaker(last.speaker, turn.speaker) and not turn.attributes:
            if turn.text:
                last.text = f"{last.text}{sep}{turn.text}" if last.text else turn.text
            if turn.end_time is not None:
                last.end_time = turn.end_time
            if last.start_time is None:
                last.start_time = turn.start_time
            continue
        merged.append(turn)
    return merged
