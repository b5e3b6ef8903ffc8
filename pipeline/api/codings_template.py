"""``qualpipe codings template``: an empty sheet of every segment, for coding by hand.

Columns ``segment_id, doc_id, speaker, text, code, coder`` (one row per turn, interviewer turns
included for context, in document order; ``code`` and ``coder`` empty). A coder fills ``code``
with a code id of the codebook and ``coder`` with their id (one row per code: copy the row for
a second code) and names the file under ``human_codings:`` in the study file.
"""
from __future__ import annotations

from pathlib import Path


from pipeline.api.session import as_study

COLUMNS = ["segment_id", "doc_id", "speaker", "text", "code", "coder"]


def codings_template(study, out: Path | None = None) -> tuple[Path, int]:
    """Write the template (CSV, UTF-8 with BOM so spreadsheet programs read accents); returns its
    path (default ``<output>/codings_template.csv``) and its number of rows."""
    from pipeline.api.stages import ingest

    study = as_study(study)
    segments = ingest(study).segments
    sheet = segments[["segment_id", "doc_id", "speaker", "text"]].copy()
    sheet["code"] = ""
    sheet["coder"] = ""
    path = Path(out) if out else study.output_dir / "codings_template.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    sheet[COLUMNS].to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8-sig")
    tmp.replace(path)
    return path, len(sheet)


__all__ = ["COLUMNS", "codings_template"]
