"""Errors and problems.

Every error qualpipe raises on bad input says three things, in the manner of spaCy's messages:
where (file, line or field), what went wrong, and what to do about it.

- :class:`Problem` is one finding of validation; ``qualpipe validate`` lists them all at once.
- :class:`QualpipeError` is raised for a single problem (or a list of them).
- :data:`CATALOGUE` holds the messages that several modules raise, each under a stable code
  (``E0xx`` errors, ``W0xx`` warnings), as spaCy's ``Errors`` does: :func:`problem` fills one in.
  A code never changes meaning, so users and scripts can look it up or filter on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a study, located precisely.

    ``where`` is a file path, optionally followed by ``:line`` or ``[field]``.
    ``severity`` is ``error`` (the stage refuses to run) or ``warning`` (it runs and says so).
    """

    where: str
    message: str
    fix: str = ""
    severity: str = "error"
    code: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if not self.code else f"{self.where}: [{self.code}] {self.message}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


class QualpipeError(Exception):
    """An error with a location and a fix. ``problems`` holds every :class:`Problem` found."""

    def __init__(self, message: str | Problem | list[Problem], fix: str = "", where: str = ""):
        if isinstance(message, Problem):
            problems = [message]
        elif isinstance(message, list):
            problems = list(message)
        else:
            problems = [Problem(where=where or "qualpipe", message=message, fix=fix)]
        self.problems: list[Problem] = problems
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class ConfigError(QualpipeError):
    """A study or codebook file has an unknown key or a bad value."""


class InputError(QualpipeError):
    """A transcript, manifest or codings file cannot be read as it is."""


def where(path: str | Path, line: int | None = None, field: str | None = None) -> str:
    """Format a location: ``path:line`` or ``path[field]``."""
    text = str(path)
    if line is not None:
        text += f":{line}"
    if field:
        text += f"[{field}]"
    return text


@dataclass
class Report:
    """A collector of problems used by validators."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, where: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(where, message, fix, "error"))

    def warn(self, where: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(where, message, fix, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


#: code -> (message, fix); ``{names}`` are filled in by :func:`problem`.
CATALOGUE: dict[str, tuple[str, str]] = {
    "E001": ("table '{table}' lacks column(s) {missing}.",
             "This is a bug in the stage that made '{table}' (or in a table you passed in): give it "
             "the columns listed in pipeline/schemas.py."),
    "E002": ("column '{column}' of table '{table}' should hold {expected} values, not {found}.",
             "Convert the column (e.g. `frame['{column}'] = frame['{column}'].astype({cast})`) or report it."),
    "E003": ("table '{table}' has {n} duplicate value(s) in '{column}', e.g. {example!r}.",
             "Each row of '{table}' needs its own '{column}': remove or rename the duplicates."),
    "E004": ("column '{column}' of table '{table}' holds ids, which are text, but it has {found} values, "
             "e.g. {example!r}.",
             "Read the table with its id columns as text (`pd.read_csv(path, dtype=str)`) or pass it "
             "through `pipeline.schemas.as_ids(frame)`."),
}


def problem(code: str, where: str, severity: str | None = None, **names: object) -> Problem:
    """The catalogued :class:`Problem` ``code``, its message and fix filled with ``names``."""
    message, fix = CATALOGUE[code]
    kind = severity or ("warning" if code.startswith("W") else "error")
    return Problem(where, message.format(**names), fix.format(**names), kind, code)


class QualpipeWarning(Warning):
    """Something qualpipe repaired on its own and tells the user about (a damaged cache entry or
    provenance file that was recomputed). The CLI prints these as ``warning: ...`` lines.

    Not a ``UserWarning``: BERTopic silences every ``UserWarning`` of the process when it is
    imported (``warnings.filterwarnings("ignore", category=UserWarning)``), which hid qualpipe's
    warnings from every stage after the topic model."""


class Note(str):
    """A sentence a stage says about what it decided on its own (a fallback, a group left out), in
    English as the CLI prints it, carrying the facts a report words in its own language: ``key``
    names the sentence (the report's text tables hold ``note_<key>``), ``fields`` fill it.

    A ``str``, so that printing, joining and JSON (provenance) see the English text unchanged."""

    key: str
    fields: dict

    def __new__(cls, text: str, key: str = "", fields: dict | None = None) -> "Note":
        note = super().__new__(cls, text)
        note.key, note.fields = key, dict(fields or {})
        return note

    def __reduce__(self):  # noqa: ANN204  (pickled with its key and fields: the stage cache keeps them)
        return (Note, (str(self), self.key, self.fields))
