"""Tables of text units (.csv, .xlsx): open-ended answers, excerpts, notes.

One row per unit: an id column, a text column, and any other columns, which become attributes
of that unit's segment (a unit's ``pilot`` overrides the document's). Each row is one turn whose
speaker is the unit id; there is no interviewer. Column names are found among the study's
``ingest.table_id_columns`` and ``ingest.table_text_columns`` (case-insensitive).
A turn's ``line`` is the row as a spreadsheet shows it (the header is row 1).
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError, Problem
from pipeline.stages.ingest.formats.base import ReaderOptions, Transcript, Turn, clean_text
from pipeline.stages.ingest.formats.decoding import decode_text


def _pick(columns: list[str], wanted: tuple[str, ...], path: Path, what: str, key: str) -> str:
    lookup = {c.strip().casefold(): c for c in columns}
    for name in wanted:
        if name.casefold() in lookup:
            return lookup[name.casefold()]
    raise InputError(Problem(f"{path}[header]", f"no {what} column; the columns are {columns}.",
                             f"Name the column one of {list(wanted)}, or add its name to ingest.{key} in the study file."))


def read_table(path: Path, options: ReaderOptions) -> Transcript:
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as exc:
            raise InputError(Problem(str(path), f"cannot read the spreadsheet ({type(exc).__name__}: {exc}).",
                                     "Save it again as .xlsx, or export the sheet as CSV.")) from None
        encoding, decoding = "xlsx", []
    else:
        text, encoding, decoding = decode_text(path.read_bytes(), path)
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
        except Exception as exc:
            raise InputError(Problem(str(path), f"cannot read the table ({exc}).",
                                     "Save it as CSV with a header row and one unit per row.")) from None
    columns = list(frame.columns)
    id_col = _pick(columns, options.id_columns, path, "unit id", "table_id_columns")
    text_col = _pick(columns, options.text_columns, path, "text", "table_text_columns")
    others = [c for c in columns if c not in (id_col, text_col) and not str(c).startswith("Unnamed")]
    turns: list[Turn] = []
    warnings: list[Problem] = []
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        values = dict(zip(columns, row))
        unit = str(values[id_col]).strip()
        text = clean_text(str(values[text_col]))
        if not unit:
            problems.append(Problem(f"{path}:{i}[{id_col}]", "the unit id is empty.", "Give every row an id."))
            continue
        if unit in seen:
            problems.append(Problem(f"{path}:{i}[{id_col}]", f"unit id {unit!r} also on row {seen[unit]}.",
                                    "Make unit ids unique within the file."))
            continue
        seen[unit] = i
        if not text:
            warnings.append(Problem(f"{path}:{i}[{text_col}]", f"unit {unit!r} has no text; it is kept as an empty turn.",
                                    "Remove the row if it is not a unit.", severity="warning"))
        turns.append(Turn(unit, text, i, attributes={c: values[c] for c in others}))
    if problems:
        raise InputError(problems)
    return Transcript(turns=turns, encoding=encoding, warnings=decoding + warnings)
