"""Study-level API: each function runs one stage for a study, reading its inputs and writing its
outputs in the study's output folder. These are the functions the CLI and the notebooks call;
the stage modules (``pipeline.ingest``, ``pipeline.coding`` ...) stay free of file handling.

Stages are cached by content: a stage whose inputs, code and settings did not change is not
recomputed (see :mod:`pipeline.cache`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.config import Study, load_study
from pipeline.errors import Problem
from pipeline.io import sha256_file, update_provenance, write_table


def as_study(study: Study | str | Path) -> Study:
    return study if isinstance(study, Study) else load_study(study)


@dataclass
class IngestResult:
    documents: pd.DataFrame
    segments: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)
    output: Path | None = None
    cached: bool = False


def validate_study(study: Study | str | Path) -> list[Problem]:
    """Every problem of the study: manifest, transcripts, codebook, human codings."""
    from pipeline.codebook import load_codebook
    from pipeline.errors import QualpipeError
    from pipeline.ingest import validate

    study = as_study(study)
    problems = validate(study)
    try:
        load_codebook(study.codebook_path)
    except QualpipeError as exc:
        problems += exc.problems
    for path in study.human_codings:
        if not study.resolve(path).exists():
            problems.append(Problem(study.where("human_codings"), f"{study.resolve(path)} does not exist.",
                                    "Correct the path or remove it from the list."))
    return problems


def input_fingerprint(study: Study) -> dict[str, str]:
    """sha256 of every input file of the ingest stage (manifest, transcripts, name lists, speakers)."""
    files = {"manifest": study.manifest_path}
    folder = study.transcripts_dir
    if folder.is_dir():
        files.update({f"transcripts/{p.name}": p for p in sorted(folder.iterdir()) if p.is_file()})
    for i, path in enumerate(study.pseudonymise.names_files):
        files[f"names_files/{i}"] = study.resolve(path)
    if study.ingest.speakers:
        files["speakers"] = study.resolve(study.ingest.speakers)
    return {name: sha256_file(path) for name, path in files.items() if Path(path).exists()}


def _ingest_settings(study: Study) -> dict:
    return study.model_dump(mode="json", include={"name", "languages", "interviewer_labels", "attributes",
                                                  "ingest", "pseudonymise"})


def ingest(study: Study | str | Path, write: bool = True) -> IngestResult:
    """Read, check and pseudonymise a study's transcripts (``qualpipe ingest``).

    Writes ``documents`` and ``segments`` (CSV and Parquet) to the output folder, pseudonymised.
    """
    from pipeline.cache import cached_stage
    from pipeline.ingest import ingest as read_corpus

    study = as_study(study)
    fingerprint = input_fingerprint(study)
    settings = _ingest_settings(study)
    corpus, hit = cached_stage(study, "ingest", lambda: read_corpus(study), fingerprint, settings,
                               key_file=Path(study.private_dir) / f"{study.name}.pseudonym_key.csv")
    result = IngestResult(corpus.documents, corpus.segments, corpus.warnings, study.output_dir, hit)
    if write:
        out = study.output_dir
        written = write_table(corpus.documents, out, "documents") + write_table(corpus.segments, out, "segments")
        update_provenance(out, "ingest", {
            "inputs": fingerprint, "settings": settings,
            "outputs": [p.name for p in written],
            "n_documents": len(corpus.documents), "n_segments": len(corpus.segments),
        })
    return result
