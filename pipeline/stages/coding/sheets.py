"""Files of the review loop (see :mod:`pipeline.stages.coding.review`, which re-exports what is
public here): reading a CSV or ``.xlsx`` table of codings or a filled review sheet
(:func:`read_table`), and writing a review sheet as ``.xlsx`` and ``.csv`` (:func:`write_review_sheet`)
without overwriting one that holds a person's decisions.
"""
from __future__ import annotations

import csv
import io
import logging
import math
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from pipeline.api.files import atomic_path, beside, escape_cell, escape_frame, unescape_cell, write_bytes
from pipeline.errors import InputError, Problem, QualpipeError, QualpipeWarning

log = logging.getLogger("pipeline.stages.coding.review")  # the review loop's logger (as before the split)

_ALIASES = {"segment": "segment_id", "segmentid": "segment_id", "code_id": "code",
            "codes": "code", "coder_id": "coder", "reviewer_id": "reviewer"}


# -- reading tables ----------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unescape_cell(str(value).strip())  # undo the formula-injection escape of our own sheets


def _decode(data: bytes, path: Path) -> str:
    """Text of a CSV file in any encoding a Windows or Mac user produces (one decoder for the
    whole project: :func:`pipeline.stages.ingest.formats.base.decode`)."""
    from pipeline.stages.ingest.formats.base import decode

    text, encoding = decode(data, path)
    log.info("%s: read as %s", path, encoding)
    return text


def read_table(path: str | Path, sheets: Iterable[str] = ()) -> tuple[list[str], list[tuple[int, dict]]]:
    """Read a CSV or ``.xlsx`` table as ``(header, [(row_number, {column: text}), ...])``.

    Row numbers are those a spreadsheet shows (the header is row 1). Column names are lower-cased,
    spaces become ``_``. Empty rows are skipped. From a workbook, the first sheet named in
    ``sheets`` that exists is read, else the first sheet."""
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), "the file does not exist.", "Check the path."))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds
            raise InputError(Problem(str(path), f"cannot open the workbook ({exc}).",
                                     "Open it in Excel and save it again as .xlsx.")) from None
        names = {name.lower(): name for name in book.sheetnames}
        name = next((names[s] for s in sheets if s in names), book.sheetnames[0])
        raw = [(i, [_cell(v) for v in row]) for i, row in enumerate(book[name].iter_rows(values_only=True), 1)]
        book.close()
    elif suffix in (".csv", ".tsv", ".txt"):
        text = _decode(path.read_bytes(), path)
        first = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = max(",;\t|", key=first.count) if first else ","
        raw = [(i, [_cell(v) for v in row])
               for i, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1)]
    else:
        raise InputError(Problem(str(path), f"cannot read '{suffix}' files as a table.",
                                 "Save it as .xlsx or .csv (UTF-8)."))
    raw = [(i, row) for i, row in raw if any(row)]
    if not raw:
        raise InputError(Problem(str(path), "the table is empty.", "Add a header row and data rows."))
    header_row, header = raw[0]
    header = [_ALIASES.get(h, h) for h in (re.sub(r"\s+", "_", h.lower().strip("\ufeff ")) for h in header)]
    rows = [(i, {h: (row[k] if k < len(row) else "") for k, h in enumerate(header) if h})
            for i, row in raw[1:]]
    return header, rows


_WIDTHS = {"segment_id": 12, "doc_id": 10, "speaker": 14, "code": 24, "label": 24, "source": 10,
           "score": 7, "evidence": 30, "context_before": 50, "text": 70, "decision": 16, "reviewer": 12,
           "note": 30}
_FIXED_TIME = "1980-01-01T00:00:00Z"


def _stable_zip(data: bytes) -> bytes:
    """Rewrite an .xlsx so that the same sheet gives the same bytes (no timestamps)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + _FIXED_TIME.encode(), content)
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), content,
                          compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def filled_decisions(path: Path) -> int:
    """How many decisions a review sheet on disk holds (-1: unreadable, so kept as if filled)."""
    if not path.exists():
        return 0
    try:
        _, rows = read_table(path, sheets=("review",))
    except QualpipeError:
        return -1
    return sum(1 for _, rec in rows if rec.get("decision", ""))


def _free_base(base: Path, force: bool) -> Path:
    """``base``, or a new name beside it when a sheet there holds a person's decisions."""
    if force:
        return base
    filled = {p: filled_decisions(p) for p in (base.with_suffix(".xlsx"), base.with_suffix(".csv"))}
    kept = [p for p, n in filled.items() if n]
    if not kept:
        return base
    new = base
    while new.with_suffix(".xlsx").exists() or new.with_suffix(".csv").exists():
        new = beside(new.with_suffix(".xlsx")).with_suffix("")
    held = ", ".join(f"{p.name} ({'unreadable' if filled[p] < 0 else f'{filled[p]} decisions'})" for p in kept)
    warnings.warn(f"{base.parent}: the review sheet {held} is kept; the new sheet is {new.name}.xlsx/.csv.",
                  QualpipeWarning, stacklevel=3)
    log.info("Import the filled sheet with `qualpipe review import`, or pass --force to replace it.")
    return new


def _codes_sheet(book, codebook, lang: str) -> None:  # noqa: ANN001
    """Sheet ``codes``: the codebook's leaf codes, for the reviewer's reference."""
    cs = book.create_sheet("codes")
    cs.append(["code", "theme", "label", "definition"])
    for code_id in codebook.code_ids:
        c = codebook.code(code_id)
        cs.append([escape_cell(v) for v in (code_id, codebook.theme_of(code_id), c.text("label", lang),
                                            c.text("definition", lang))])
    for letter, width in zip("ABCD", (28, 16, 28, 80)):
        cs.column_dimensions[letter].width = width
    cs.freeze_panes = "A2"


def write_review_sheet(sheet: pd.DataFrame, path: str | Path, codebook=None,
                       language: str | None = None, force: bool = False) -> tuple[Path, Path]:
    """Write ``path.xlsx`` (sheet ``review``: frozen header, wrapped text, column widths, an
    accept/reject dropdown on ``decision``; sheet ``codes`` listing the codebook when given) and
    ``path.csv`` (UTF-8 with BOM, so Excel opens it). Returns both paths.

    A sheet already there that holds decisions is kept (unless ``force``): the new one is written
    beside it as ``<name>-2`` with a warning. Text cells a spreadsheet would run as formulas
    (``=``, ``+``, ``-``, ``@`` ...) are written with a leading ``'``; both files are written
    atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    base = path.with_suffix("") if path.suffix.lower() in (".xlsx", ".csv") else path
    base.parent.mkdir(parents=True, exist_ok=True)
    base = _free_base(base, force)
    book = Workbook()
    ws = book.active
    ws.title = "review"
    columns = list(sheet.columns)
    ws.append(columns)
    for rec in sheet.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and math.isnan(v)) else escape_cell(v) for v in rec])
    for k, col in enumerate(columns, 1):
        letter = get_column_letter(k)
        ws.column_dimensions[letter].width = _WIDTHS.get(col, 14)
        ws.cell(1, k).font = Font(bold=True)
        wrap = col in ("text", "context_before", "evidence", "label", "note")
        for row in range(2, len(sheet) + 2):
            ws.cell(row, k).alignment = Alignment(wrap_text=wrap, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    if "decision" in columns:
        letter = get_column_letter(columns.index("decision") + 1)
        dv = DataValidation(type="list", formula1='"accept,reject"', allow_blank=True,
                            showErrorMessage=True, errorStyle="warning", errorTitle="decision",
                            error="Use accept, reject, or a comma list of code ids (sheet 'codes').")
        dv.add(f"{letter}2:{letter}{max(2, len(sheet) + 1)}")
        ws.add_data_validation(dv)
    if codebook is not None:
        _codes_sheet(book, codebook, language or codebook.languages[0])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = base.with_suffix(".xlsx")
    write_bytes(xlsx, _stable_zip(buffer.getvalue()))
    csv_path = base.with_suffix(".csv")
    with atomic_path(csv_path) as tmp:
        escape_frame(sheet).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    return xlsx, csv_path
