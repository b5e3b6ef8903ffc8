"""The whole-run record: a ``qualpipe run`` with nothing changed finishes in well under a second.

After a run, ``<cache>/run.json`` records the run's key and the sha256 of every file in the output
folder. The next run computes the key again and, when it is the same and every recorded output is
still there unchanged, returns the report without importing pandas or any stage. Anything else
(an edited input, setting or source file, a package upgrade, a new day for the provenance date, a
touched or deleted output, ``QUALPIPE_NO_CACHE=1``) runs the stages, each from its own cache entry.

The key covers: every file of qualpipe's source; the study file and its settings (but ``compute``,
which changes where stages run, not what they write); every file a
setting names (manifest, codebook, name lists, speakers, human codings, split, training data) and
every file under the transcripts folder; the pseudonym key file; the versions of the packages
provenance records; the run date. This module imports neither pandas nor joblib.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.api.io import package_versions, run_date, sha256_file

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study

PACKAGE = Path(__file__).resolve().parents[1]
RECORD = "run.json"


def source_hash() -> str:
    """sha256 of qualpipe's own source and templates (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in {".py", ".j2", ".html", ".css"} and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def input_files(study: "Study", with_key_file: bool = True) -> dict[str, str]:
    """sha256 of every file the study's settings name, and of every file under the transcripts folder."""
    files: dict[str, str] = {}
    for text in _strings(study.model_dump(mode="json")):
        if len(text) < 1024 and "\n" not in text:
            path = study.resolve(text)
            if path.is_file():
                files[str(path)] = sha256_file(path)
    folder = study.transcripts_dir
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files[str(path)] = sha256_file(path)
    key_file = Path(study.private_dir) / f"{study.name}.pseudonym_key.csv"
    if with_key_file:  # written by the first ingest, read by the next
        files["pseudonym key"] = sha256_file(key_file) if key_file.is_file() else ""
    return files


def run_key(study: "Study", with_key_file: bool = True) -> str:
    """The key of a run: ``with_key_file=False`` leaves out the pseudonym key, which a run writes."""
    source = Path(study.source) if getattr(study, "source", None) else None
    parts = {
        # where the stages run (compute:) changes no output: a run on Dask finds the last run's record
        "source": source_hash(), "settings": study.model_dump(mode="json", exclude={"compute"}),
        "study_file": sha256_file(source) if source is not None and source.is_file() else None,
        "inputs": input_files(study, with_key_file), "packages": package_versions(), "date": run_date(),
    }
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record_path(study: "Study") -> Path:
    return study.root / ".qualpipe-cache" / study.name / RECORD


def _outputs(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".tmp")}


def fresh_report(study: "Study") -> Path | None:
    """The report of the last run when nothing it depends on changed since, else None."""
    if os.environ.get("QUALPIPE_NO_CACHE") == "1":
        return None
    path = _record_path(study)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    report = study.output_dir / record.get("report", "index.html")
    if record.get("key") != run_key(study) or not report.is_file():
        return None
    if _outputs(study.output_dir) != record.get("outputs"):
        return None
    return report


def write_record(study: "Study", report: Path, before: str) -> None:
    """Record a finished run (its key and outputs) for :func:`fresh_report`; ``before`` is
    ``run_key(study, with_key_file=False)`` taken when the run started: an input edited while
    the run ran leaves no record."""
    if os.environ.get("QUALPIPE_NO_CACHE") == "1" or run_key(study, with_key_file=False) != before:
        return
    path = _record_path(study)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"key": run_key(study), "report": str(report.relative_to(study.output_dir)),
              "outputs": _outputs(study.output_dir)}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
