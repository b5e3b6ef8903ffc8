"""Speaker labels as transcription tools and services write them.

:func:`match_label` finds the label at the start of one line, in any of these forms
(a timestamp, ``[..]`` or ``(..)``, is optional before or after the label)::

    Interviewer: So how did you hear about the programme?     plain, most tools
    [00:03:12] Amal: Through my counsellor.                   Descript, many services
    Amal (00:03:12): Through my counsellor.                   Rev
    Tom (HIVA): Thanks for joining.                           Zoom display name with organisation
    Speaker 1  0:08                                           Otter.ai header line (text follows)
    *0:12 = I1: Så er optageren tændt.                        service time mark
    00:00:05<TAB>I<TAB>Velkommen.                             tab layout (TID, PERSON, UDTALELSE)
    X. Det var gennem jobcentret.  I; Og så?  O:Hvor          short code labels (one or two capitals)
    Y og X: Ja.                                               several speakers at once

:func:`legend` recognises legend lines of transcription services (``I1: Interviewer 1``,
``M: Mand``, ``I: interviewer, X: borger``) that declare labels rather than speak.
"""
from __future__ import annotations

import functools
import re

from pipeline.stages.ingest.formats.base import parse_time

TS = r"[\[(]?\s*\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\s*[\])]?"
NAME = r"[^\W\d_][\w.'\u2019 -]{0,39}?"
#: a bracketed suffix that is not a timestamp: Zoom's organisation, a role ("Anna (SL)")
SUFFIX = r"(?:\s*\((?!\s*\d{1,2}:)[^()\n]{1,30}\))?"
LINE = re.compile(
    rf"^\s*(?:(?P<ts1>{TS})\s*[-\u2013]?\s*)?"
    rf"(?P<label>{NAME}{SUFFIX})\s*"
    rf"(?:(?P<ts2>{TS})\s*)?(?::(?:[ \t]+|$)|\t+)(?P<text>.*)$"
)
#: Otter.ai: "Speaker 1  0:08" or "Jane Doe  1:02:03" alone on a line, the text on the next lines
HEADER = re.compile(rf"^\s*(?P<label>{NAME}{SUFFIX})(?:\s{{2,}}|\s*\|\s*)(?P<ts>\d{{1,2}}:\d{{2}}(?::\d{{2}})?)\s*$")
#: one or two capitals and an optional number, then '.', ';' or ':' (no space needed after ':')
CODE = re.compile(r"^\s*(?P<label>[A-Z\u00c0-\u00de]{1,2}\d{0,2})(?:[.;]\s+|:\s*)(?P<text>\S.*)$")
#: service time marks: "*0:0 = ", "*12:03 = "
TIMEMARK = re.compile(r"^\s*\*\s*(?P<a>\d{1,2}):(?P<b>\d{1,2})(?::(?P<c>\d{1,2}))?\s*=\s*")
LEADING_TS = re.compile(rf"^\s*(?P<ts>{TS})\s+")
JOINED = re.compile(r"\s+(?:og|and|en|und|et|och|y|&|\+)\s+|\s*/\s*|\s*,\s*", re.I)
MAX_LABEL_WORDS = 5
#: what a legend says a label stands for
ROLE_WORDS = {
    "interviewer", "interviewster", "intervieweren", "interviewee", "respondent", "respondenten",
    "participant", "deelnemer", "deltager", "informant", "moderator", "facilitator", "researcher",
    "onderzoeker", "mand", "kvinde", "man", "woman", "vrouw", "borger", "mentor", "mentee", "barn",
    "forælder", "parent", "child", "speaker", "spreker", "observer", "observatør", "tolk",
    "interpreter", "person", "leder", "medarbejder", "elev", "lærer", "teacher", "student",
}


def _time(token: str | None) -> float | None:
    if not token:
        return None
    return parse_time(token.strip("[]() \t"))


def _timemark(line: str) -> tuple[float | None, str]:
    match = TIMEMARK.match(line)
    if not match:
        return None, line
    parts = [int(x) for x in (match["a"], match["b"], match["c"]) if x is not None]
    seconds = parts[0] * 60 + parts[1] if len(parts) == 2 else parts[0] * 3600 + parts[1] * 60 + parts[2]
    return float(seconds), line[match.end():]


_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)  # labels repeat on every turn
def _plausible(label: str) -> bool:
    words = label.split()
    if not words or len(words) > MAX_LABEL_WORDS:
        return False
    if len(JOINED.split(label)) > 1:  # "Y og X": every part a label
        return all(p and _plausible(p) for p in JOINED.split(label) if p)
    # Labels are names or roles: every word capitalised (or a number or a bracketed suffix), or one
    # short lower-case token ("int", "r"); a surname particle may stand between capitalised words
    # ("Mehmet Van den Broeck", "Jan de Vries": read as text before, the whole name stayed in it),
    # and a surname alone may start with one ("van Dijk", "de Vries", "van der Berg").
    capitalised = [w[0].isupper() or w[0].isdigit() or w[0] == "(" for w in words]
    return all(capitalised) or (len(words) == 1 and len(label) <= 12) or (
        (capitalised[0] or len(words) > 1) and capitalised[-1]
        and all(c or w in NAME_PARTICLES for c, w in zip(capitalised, words)))


#: lower-case surname particles inside a speaker's name
NAME_PARTICLES = frozenset("van von der den de ter ten du da di dos das del della des la le el al ben bin ibn abu bou"
                           .split())


def match_label(line: str) -> tuple[str, float | None, str] | None:
    """``(label, start_time, text)`` if the line starts with a speaker label, else None."""
    mark, line = _timemark(line)
    match = LINE.match(line)
    if match:
        label = _SPACES.sub(" ", match["label"]).strip(" .-")
        if _plausible(label) and not (match["text"] == "" and ":" not in line[match.start("label"):]):
            text = match["text"]
            start = _time(match["ts1"]) if match["ts1"] else _time(match["ts2"])
            lead = LEADING_TS.match(text)
            if lead and _time(lead["ts"]) is not None:
                start = start if start is not None else _time(lead["ts"])
                text = text[lead.end():]
            return label, mark if mark is not None else start, text
    header = HEADER.match(line)
    if header and _plausible(header["label"].strip()):
        return _SPACES.sub(" ", header["label"]).strip(), _time(header["ts"]), ""
    code = CODE.match(line)
    if code:
        return code["label"], mark, code["text"]
    return None


def legend(label: str, text: str) -> list[str]:
    """The labels a legend line declares (``I1: Interviewer 1`` -> ``['I1']``), or ``[]``."""
    pairs = [p.strip() for p in text.split(",")]
    declared = [label]
    description = pairs[0]
    if len(pairs) > 1:  # "I: interviewer, X: borger, O: borger"
        for pair in pairs[1:]:
            name, sep, desc = pair.partition(":")
            if not sep or not re.fullmatch(r"[A-Z\u00c0-\u00de]{1,2}\d{0,2}|[^\W\d_][\w' -]{0,20}", name.strip()):
                return []
            if not _describes(name.strip(), desc.strip()):
                return []
            declared.append(name.strip())
    return declared if _describes(label, description) else []


def _describes(label: str, description: str) -> bool:
    if not re.fullmatch(r"[^\W\d_][\w' -]{0,30}", description) or len(description.split()) > 3:
        return False
    words = description.casefold().split()
    return words[0] in ROLE_WORDS or (len(label) <= 3 and words[0][0] == label[0].casefold()
                                      and len(words[0]) > 2)
