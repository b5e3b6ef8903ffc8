"""The rule behind ``qualpipe ingest --skip-invalid``: which documents an error belongs to."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.errors import Problem

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study


def split_skippable(study: "Study", errors: list[Problem]) -> tuple[set[int], set[str], list[Problem]]:
    """Manifest lines and transcript file names the errors belong to, and the errors that belong
    to neither (about the whole study: they still refuse it)."""
    manifest = re.compile(re.escape(str(study.manifest_path)) + r":(\d+)\[")
    folder = str(study.transcripts_dir).rstrip("/") + "/"
    lines: set[int] = set()
    files: set[str] = set()
    blocking: list[Problem] = []
    for error in errors:
        match = manifest.match(error.where)
        if match:
            lines.add(int(match[1]))
        elif error.where.startswith(folder):
            files.add(re.split(r":\d|\s\(|\[", error.where[len(folder):], maxsplit=1)[0])
        else:
            blocking.append(error)
    return lines, files, blocking
