"""Base class for every settings block of a study file.

Each stage module defines its own settings model (``IngestSettings`` in ``ingest.py``,
``TopicsSettings`` in ``topics.py`` ...) by subclassing :class:`StrictModel`, and
``config.py`` composes them into the :class:`~pipeline.settings.Study`. Unknown keys are errors,
so a typo in ``study.yaml`` never passes silently.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A pydantic model that forbids unknown keys and validates on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def read_utf8(path: Path, what: str) -> str:
    """The text of a YAML file a person wrote (study file, codebook), which must be UTF-8: on any
    other bytes, a :class:`~pipeline.errors.ConfigError` naming the line and the fix."""
    from pipeline.errors import ConfigError, Problem

    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        binary = b"\x00" in data[:4096]
        message = (f"this {what} is not a text file (it holds binary bytes)." if binary else
                   f"this {what} is not UTF-8 text (byte {data[exc.start]:#04x} on this line).")
        raise ConfigError(Problem(f"{path}:{line}", message,
                                  "Save it as UTF-8 (in most editors: 'Save with encoding' > UTF-8), "
                                  "or point the study at the right file.")) from None
