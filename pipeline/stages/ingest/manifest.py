"""The manifest: one row per document (``doc_id``, ``file``, ``language`` where the study has more
than one language, and attribute columns), read as strings and checked against the study file.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.errors import InputError, Problem, Report

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study

#: the manifest columns every study needs; ``language`` too where the study has more than one
#: language (with one, a missing ``language`` column is filled with it). Every other column is an
#: attribute of the document.
REQUIRED_COLUMNS = ("doc_id", "file")
DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def read_manifest(path: Path) -> pd.DataFrame:
    """The manifest as strings, with a ``_line`` column (the line a spreadsheet user sees)."""
    if not path.exists():
        raise InputError(Problem(str(path), "the manifest file does not exist.",
                                 "Check the 'manifest:' path in the study file."))
    from pipeline.stages.ingest.formats.base import decode

    text, _ = decode(path.read_bytes(), path)
    import io

    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except Exception as exc:
        raise InputError(Problem(str(path), f"cannot read the manifest as CSV ({exc}).",
                                 "Save it as CSV with a header row.")) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip())
    frame.insert(0, "_line", range(2, len(frame) + 2))
    return frame


def required_columns(study: "Study") -> tuple[str, ...]:
    """``doc_id, file``, and ``language`` when the study has more than one language."""
    return (*REQUIRED_COLUMNS, "language") if len(study.languages) > 1 else REQUIRED_COLUMNS


def _check_manifest(study: "Study", manifest: pd.DataFrame, report: Report) -> None:
    path = str(study.manifest_path)
    required = required_columns(study)
    missing = [c for c in required if c not in manifest.columns]
    if missing:
        why = (f" (the study has {len(study.languages)} languages, {study.languages}, so each document "
               "says which it is in)" if "language" in missing else "")
        report.error(f"{path}[header]", f"missing column(s) {missing}{why}.",
                     f"Add them; a manifest needs at least {list(required)}; every other column is an "
                     "attribute of the document.")
        return
    if "language" not in manifest.columns:  # one language: every document is in it
        manifest["language"] = study.languages[0] if study.languages else ""
    seen: dict[str, int] = {}
    for values in manifest.to_dict("records"):
        line = values["_line"]
        for column in required:
            if not values[column]:
                report.error(f"{path}:{line}[{column}]", f"'{column}' is empty.", "Fill it in.")
        doc_id = values["doc_id"]
        if doc_id and not DOC_ID.match(doc_id):
            report.error(f"{path}:{line}[doc_id]", f"doc_id {doc_id!r} has characters other than letters, "
                         "digits, '_', '-' and '.'.", "Rename it, e.g. 'efv-mentee-01'.")
        if doc_id in seen:
            report.error(f"{path}:{line}[doc_id]", f"duplicate doc_id {doc_id!r} (also on line {seen[doc_id]}).",
                         "Give every document its own doc_id.")
        elif doc_id:
            seen[doc_id] = line
        if values["language"] and values["language"] not in study.languages:
            report.error(f"{path}:{line}[language]", f"language {values['language']!r} is not one of the "
                         f"study's languages {study.languages}.", "Correct it, or add it under 'languages:'.")
        for column, allowed in study.attributes.items():
            if column not in manifest.columns:
                report.error(f"{path}[header]", f"the study file names allowed values for '{column}', "
                             "but the manifest has no such column.", f"Add a '{column}' column or remove "
                             f"'{column}' from 'attributes:' in {study.source}.")
                break
            value = values.get(column, "")
            if value and value not in allowed:
                report.error(f"{path}:{line}[{column}]", f"value {value!r} is not allowed for '{column}'.",
                             f"Use one of {allowed}, or add it under attributes.{column} in {study.source}.")
