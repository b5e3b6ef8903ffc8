"""Reading and writing files: the one place where tables touch the disk.

Tables are written as CSV (UTF-8, ``\\n`` line ends, for people and spreadsheets) and Parquet
(typed, for code), deterministically: the same frame gives the same bytes. Every output folder
has a ``provenance.json`` that records what produced each file.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import warnings
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd  # imported where a table is read, so that hashing files needs no pandas

from pipeline.errors import QualpipeWarning
from pipeline.api.files import atomic_path, escape_frame, unescape_frame, write_text

#: packages whose versions are recorded in provenance
TRACKED_PACKAGES = ("qualpipe", "pandas", "numpy", "scikit-learn", "scipy", "spacy", "simplemma", "bertopic",
                    "umap-learn", "hdbscan", "sentence-transformers", "torch", "krippendorff", "matplotlib",
                    "jinja2", "pydantic", "pyarrow", "python-docx", "webvtt-py", "srt")


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_table(frame: pd.DataFrame, folder: str | Path, name: str,
                formats: Iterable[str] = ("csv", "parquet")) -> list[Path]:
    """Write ``frame`` as ``folder/name.csv`` and ``folder/name.parquet``; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = folder / f"{name}.{fmt}"
        if fmt not in ("csv", "parquet"):
            raise ValueError(f"unknown table format {fmt!r}")
        with atomic_path(path) as tmp:  # never leave a half-written file behind
            if fmt == "csv":  # text cells that a spreadsheet would run as formulas get a leading '
                escape_frame(frame).to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
            else:
                frame.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
        written.append(path)
    return written


def read_table(path: str | Path) -> pd.DataFrame:
    """A table this package wrote (CSV or Parquet), its id columns as text (:data:`pipeline.schemas.ID_COLUMNS`)."""
    import pandas as pd

    from pipeline.schemas import ID_COLUMNS, as_ids

    path = Path(path)
    if path.suffix == ".parquet":
        return as_ids(pd.read_parquet(path))
    return unescape_frame(pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=dict.fromkeys(ID_COLUMNS, str)))


def read_csv_with(path: str | Path, required: Iterable[str], what: str) -> pd.DataFrame:
    """A small CSV of strings (a speakers file, a split file) that must have ``required``
    columns; a missing column is an error naming the file and what the file needs."""
    import pandas as pd

    from pipeline.errors import InputError, Problem

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(required) - set(frame.columns)
    if missing:
        raise InputError(Problem(f"{path}[header]", f"missing column(s) {sorted(missing)}.",
                                 f"The {what} needs the columns {', '.join(required)}."))
    return frame


def write_json(data: Any, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    return write_text(path, text)


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def run_date() -> str:
    """Today's date (UTC), or the one given by ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch else _dt.datetime.now(_dt.timezone.utc)
    return moment.date().isoformat()


def update_provenance(folder: str | Path, stage: str, record: dict[str, Any]) -> Path:
    """Merge one stage's record into ``folder/provenance.json``.

    A record names the stage's inputs (with sha256), settings, seeds, the codebook version and
    the files it wrote; package versions and the date are added here.
    """
    path = Path(folder) / "provenance.json"
    data = read_provenance(path)
    data.setdefault("stages", {})[stage] = record
    data["packages"] = package_versions()
    data["date"] = run_date()
    return write_json(data, path)


def read_provenance(path: str | Path) -> dict[str, Any]:
    """The records of ``provenance.json``; a damaged file (e.g. cut short by a killed run) is
    reported with a warning and started afresh, never a traceback."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        data = None
        reason = str(exc)
    else:
        reason = "it is not a JSON object"
    if isinstance(data, dict) and isinstance(data.get("stages", {}), dict):
        return data
    warnings.warn(f"{path}: provenance.json is damaged ({reason}); it is written afresh from the stages "
                  "run now.", QualpipeWarning, stacklevel=2)
    return {}
