"""The input files of a study, read at the edge: fingerprints of the ingest inputs, human codings,
training data of other studies, and the evaluation split."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.api.files import inside, relative_to_study
from pipeline.api.io import sha256_file
from pipeline.errors import Problem
from pipeline.settings import Study


def input_fingerprint(study: Study) -> dict[str, str]:
    """sha256 of every input file of the ingest stage (manifest, transcripts, name lists, speakers)."""
    files = {"manifest": study.manifest_path}
    folder = study.transcripts_dir
    if folder.is_dir():
        # named by doc_id, never by file name: a file name may hold a person's name
        ids = _doc_ids(study)
        unlisted = 0
        for p in sorted(folder.iterdir()):
            if p.is_file():
                if p.name not in ids:
                    unlisted += 1
                files[f"transcripts/{ids.get(p.name) or f'unlisted-{unlisted}'}"] = p
    for i, path in enumerate(study.pseudonymise.names_files):
        files[f"names_files/{i}"] = study.resolve(path)
    from pipeline.stages.ingest.names import review_paths

    for name, path in review_paths(study).items():  # names accepted or rejected in a review
        if name != "candidates":
            files[f"private/{name}"] = path
    if study.ingest.speakers:
        files["speakers"] = study.resolve(study.ingest.speakers)
    files.update(outside_files(study))  # manifest files the study allows outside the folder
    return {name: sha256_file(path) for name, path in files.items() if Path(path).exists()}


def _doc_ids(study: Study) -> dict[str, str]:
    """file name -> doc_id from the manifest (empty when it cannot be read)."""
    from pipeline.errors import QualpipeError
    from pipeline.stages.ingest.corpus import read_manifest

    try:
        manifest = read_manifest(study.manifest_path)
    except QualpipeError:
        return {}
    if "file" not in manifest or "doc_id" not in manifest:
        return {}
    return {f: d for f, d in zip(manifest["file"], manifest["doc_id"]) if f and d}


def outside_files(study: Study) -> dict[str, Path]:
    """The manifest's files outside the transcripts folder (when ``ingest.allow_outside_files``),
    named relative to the study file, so that the fingerprint and provenance cover them too."""
    if not study.ingest.allow_outside_files or not study.manifest_path.exists():
        return {}
    from pipeline.errors import QualpipeError
    from pipeline.stages.ingest.corpus import read_manifest

    try:
        manifest = read_manifest(study.manifest_path)
    except QualpipeError:
        return {}
    folder, found = study.transcripts_dir, {}
    for name in manifest.get("file", []):
        path = folder / name
        if name and path.is_file() and not inside(path, folder):
            found[f"outside/{relative_to_study(study, path.resolve())}"] = path
    return found


def files_hash(study: Study, paths) -> dict[str, str]:
    """sha256 of each file, keyed by its path relative to the study file (never an absolute path
    of the researcher's machine)."""
    return {relative_to_study(study, p): sha256_file(study.resolve(p)) for p in paths if study.resolve(p).exists()}


def human_codings(study: Study, codebook, segments: pd.DataFrame) -> pd.DataFrame | None:
    """Every human codings file of the study, validated against codebook and segments, merged."""
    from pipeline.stages.coding.review import merge_human, read_human_codings

    merged = None
    for path in study.human_codings:
        frame = read_human_codings(study.resolve(path), codebook=codebook, segments=segments)
        merged = frame if merged is None else merge_human(merged, frame)
    return merged


def training_data(study: Study, codebook) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Human-coded segments of other studies named under ``training_data``, ids prefixed
    with ``<n>/`` so they never collide with this study's."""
    from pipeline.api.io import read_table
    from pipeline.stages.coding.review import read_human_codings

    segments, codings = [], []
    for i, source in enumerate(study.training_data):
        seg = read_table(study.resolve(source.segments))  # ids as text, as every reader gives them
        prefix = f"train{i}/"
        seg = seg.assign(segment_id=prefix + seg["segment_id"], doc_id=prefix + seg["doc_id"])
        for path in source.codings:
            cod = read_human_codings(study.resolve(path), codebook=codebook)
            codings.append(cod.assign(segment_id=prefix + cod["segment_id"]))
        segments.append(seg)
    if not segments:
        return None
    return pd.concat(segments, ignore_index=True), pd.concat(codings, ignore_index=True)


def read_split(study: Study) -> pd.DataFrame | None:
    if study.agreement.split is None:
        return None
    from pipeline.api.io import read_csv_with

    path = study.resolve(study.agreement.split)
    frame = read_csv_with(path, ("doc_id", "split"), "split file (split: train | heldout)")
    bad = frame[~frame["split"].isin(["train", "heldout"])]
    if len(bad):
        from pipeline.errors import InputError

        row = bad.index[0] + 2
        raise InputError(Problem(f"{path}:{row}[split]", f"{bad['split'].iloc[0]!r} is not a split.",
                                 "Use 'train' or 'heldout'."))
    return frame


