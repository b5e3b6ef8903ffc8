"""Errors and problems.

Every error qualpipe raises on bad input says three things, in the manner of spaCy's messages:
where (file, line or field), what went wrong, and what to do about it.

- :class:`Problem` is one finding of validation; ``qualpipe validate`` lists them all at once.
- :class:`QualpipeError` is raised for a single problem (or a list of them).
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

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}"
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


class QualpipeWarning(UserWarning):
    """Something qualpipe repaired on its own and tells the user about (a damaged cache entry or
    provenance file that was recomputed). The CLI prints these as ``warning: ...`` lines."""
