"""Stage 1: files -> documents and segments.

``ingest(study)`` reads the manifest and every transcript and returns a :class:`Corpus` of two
tidy tables (pseudonymised by default, see :mod:`pipeline.stages.ingest.pseudonymise`):

documents
    ``doc_id, file, sha256, format, encoding, labelled, n_turns, n_respondent_turns, n_words,
    preamble, text`` plus every manifest column (``pilot, model, method, role, language`` ...).
    ``text`` is the document's normalised text: the preamble, then each turn as
    ``Speaker: text``, separated by blank lines.
segments (one row per speaker turn)
    ``segment_id`` (``{doc_id}:{turn}``), ``doc_id, turn`` (from 1, over all turns, interviewer
    turns included), ``speaker, speaker_role`` (``interviewer`` | ``respondent``), ``text``,
    ``start_char, end_char`` (``documents.text[start_char:end_char] == text``),
    ``start_time, end_time`` (seconds or NaN), ``source_line`` (line, paragraph, cue or row of
    the source where the turn starts), then the document's attributes; units of a table and
    speakers listed in ``ingest.speakers`` add their own attributes (overriding the document's).

``validate(study)`` lists every problem at once; ``ingest`` refuses a study with errors.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.api.files import ManifestFiles
from pipeline.errors import InputError, Problem, QualpipeError, Report
from pipeline.stages.ingest.assemble import (READING_COLUMNS, _is_interviewer, _options,  # noqa: F401  (re-exported)
                                             _speaker_attributes, build_tables, speaker_role)
from pipeline.stages.ingest.document import render_document  # noqa: F401  (re-exported)
from pipeline.stages.ingest.formats import READERS, Transcript, read_transcript
from pipeline.settings import IngestSettings  # noqa: F401  (re-exported)

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study

#: the manifest columns every study needs; ``language`` too where the study has more than one
#: language (with one, a missing ``language`` column is filled with it). Every other column is an
#: attribute of the document.
REQUIRED_COLUMNS = ("doc_id", "file")
DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class Corpus:
    """The result of ingestion: two tidy tables and the warnings met on the way."""

    documents: pd.DataFrame
    segments: pd.DataFrame
    warnings: list[Problem]


# -- manifest ----------------------------------------------------------------------------------

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


def _is_ignored(name: str, patterns: list[str]) -> bool:
    from fnmatch import fnmatch

    return any(fnmatch(name, p) for p in patterns)


# -- validation --------------------------------------------------------------------------------

def validate(study: "Study") -> list[Problem]:
    """Every problem of a study at once (errors and warnings), each with location and fix; names
    and identifiers in them masked as in the outputs (they are printed)."""
    problems, read = _read_all(study)
    return scrubbed(study, problems, read)


def scrubbed(study: "Study", problems: list[Problem], read: list) -> list[Problem]:
    """``problems`` with the names and identifiers of the transcripts ``read`` masked, by a
    pseudonymiser fitted on them (the key file is read, never written). Without readable
    transcripts, the names files and identifier patterns alone mask them."""
    if not problems or not study.pseudonymise.enabled:
        return problems
    from pipeline.stages.ingest.pseudonymise import Pseudonymiser

    pseudo = Pseudonymiser.for_study(study)
    try:
        if read:
            pseudo.fit(*build_tables(study, read))
        else:
            pseudo.fit(pd.DataFrame(columns=["doc_id", "file", "preamble"]),
                       pd.DataFrame(columns=["doc_id", "speaker", "text"]))
    except (QualpipeError, KeyError, ValueError):  # a problem the problems already name
        return problems
    return [pseudo.scrub(p) for p in problems]


def _read_all(study: "Study") -> tuple[list[Problem], list[tuple[dict, Transcript, str]]]:
    report = Report()
    folder = study.transcripts_dir
    if not folder.is_dir():
        report.error(study.where("transcripts"), f"the transcripts folder {folder} does not exist.",
                     "Check the 'transcripts:' path (relative to the study file).")
    try:
        manifest = read_manifest(study.manifest_path)
    except QualpipeError as exc:
        report.problems.extend(exc.problems)
        return report.problems, []
    _check_manifest(study, manifest, report)
    if report.errors and "file" not in manifest.columns:
        return report.problems, []
    listed = set()
    read: list[tuple[dict, Transcript, str]] = []  # manifest row, transcript, sha256 of the file
    known: dict[str, tuple[str, ...]] = {}
    if study.ingest.speakers is not None and study.resolve(study.ingest.speakers).exists():
        try:
            speakers = _speaker_attributes(study)
            known = {d: tuple(g["speaker"]) for d, g in speakers.groupby("doc_id")}
        except QualpipeError as exc:
            report.problems.extend(exc.problems)
    files = ManifestFiles(study)
    manifest_path = study.manifest_path  # resolved once, not per row
    for row in manifest.to_dict("records"):
        name = row.get("file", "")
        where_ = f"{manifest_path}:{row['_line']}[file]"
        if not name:
            continue
        listed.add(name)
        found = _read_listed(study, row, name, where_, folder, files, known, report)
        if found is not None:
            read.append((row, *found))
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name not in listed and not _is_ignored(path.name, study.ingest.ignore):
                report.error(str(path), "this transcript is not in the manifest.",
                             f"Add a row for it to {study.manifest_path.name}, move it out of the folder, "
                             "or list it under ingest.ignore.")
    if study.ingest.speakers is not None and not study.resolve(study.ingest.speakers).exists():
        report.error(study.where("ingest.speakers"), "the speakers file does not exist.", "Correct the path.")
    return report.problems, read


def _read_listed(study: "Study", row: dict, name: str, where_: str, folder, files: ManifestFiles,
                 known: dict[str, tuple[str, ...]], report: Report) -> tuple[Transcript, str] | None:
    """Read the transcript of one manifest row, or report why it cannot be read (then None)."""
    path = folder / name
    problem = files.problem(name, row["_line"], row.get("doc_id", ""))
    if problem is not None:  # outside the transcripts folder, or listed twice
        report.problems.append(problem)
        return None
    if not path.is_file():
        report.error(where_, f"file {name!r} is not in {folder}.",
                     "Correct the file name, or put the file in the transcripts folder.")
        return None
    if path.suffix.lower() not in READERS:
        report.error(where_, f"no reader for '{path.suffix}' files ({path.name}).",
                     f"Convert it to one of {sorted(READERS)}.")
        return None
    size_mb = path.stat().st_size / 2**20
    if size_mb > study.ingest.max_file_mb:
        report.error(str(path), f"the file is {size_mb:,.0f} MB, above the limit of "
                     f"{study.ingest.max_file_mb:,} MB for one transcript (a transcript of a day of talk is "
                     "about 1 MB; this may not be a transcript, or hold many).",
                     "Split it into one file per interview or group, or raise 'ingest.max_file_mb' in the "
                     "study file (reading takes about 1 s and 25 MB of memory per MB of text).")
        return None
    data = path.read_bytes()
    if not data.strip():
        report.error(str(path), "the file is empty.", "Replace it with the transcript, or drop its manifest row.")
        return None
    sha256 = hashlib.sha256(data).hexdigest()  # the bytes are not kept: at scale they were the corpus again
    del data
    try:
        transcript = read_transcript(path, _options(study, row, known.get(row.get("doc_id", ""), ())))
    except QualpipeError as exc:
        report.problems.extend(exc.problems)
        return None
    if not transcript.turns:
        report.error(str(path), "no recognisable turns.",
                     "Write turns as 'Label: text' lines, or check the file is the transcript.")
        return None
    report.problems.extend(transcript.warnings)
    _warn_no_interviewer(study, row, path, transcript, report)
    return transcript, sha256


def _warn_no_interviewer(study: "Study", row: dict, path, transcript: Transcript, report: Report) -> None:
    """Warn when a labelled transcript has no turn of a recognised interviewer label."""
    labels = _options(study, row).interviewer_labels
    if transcript.labelled and path.suffix.lower() not in {".csv", ".tsv", ".xlsx"} and not any(
            _is_interviewer(t.speaker, labels) for t in transcript.turns):
        first = {}
        for t in transcript.turns:  # speaker labels may be names: give where they are, not what
            first.setdefault(t.speaker, t.line)
        lines = ", ".join(str(n) for n in list(first.values())[:8])
        report.warn(f"{study.manifest_path}:{row['_line']}[interviewer]",
                    f"no interviewer turns recognised in document {row.get('doc_id', '')!r} ({len(first)} "
                    f"speaker label(s), first turns at line(s) {lines}); "
                    "all its turns count as respondent turns.",
                    "If one of them is the interviewer or moderator, put that label in the manifest's "
                    "'interviewer' column (or in interviewer_labels).")


def ingest(study: "Study", pseudonymise: bool = True, skip_invalid: bool = False) -> Corpus:
    """Read a study's transcripts into documents and segments.

    Refuses a study with errors (raising :class:`QualpipeError` listing all of them); returns
    pseudonymised tables unless ``pseudonymise=False`` (raw tables are for the researcher's
    own checks and are never written by qualpipe). With ``skip_invalid`` the documents with
    errors are left out instead, and each of their errors is returned as a warning starting
    "left out:"; errors about the whole study (manifest header, study file) still refuse it.
    """
    problems, read = _read_all(study)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if errors and skip_invalid:
        from pipeline.stages.ingest.skipping import split_skippable

        lines, files, blocking = split_skippable(study, errors)
        if blocking:
            raise QualpipeError(blocking)
        read = [r for r in read if r[0]["_line"] not in lines and r[0].get("file") not in files]
        warnings = [Problem(p.where, f"left out: {p.message}", p.fix, "warning") for p in errors] + warnings
    elif errors:  # printed: masked like the warnings
        raise QualpipeError(scrubbed(study, errors, read))
    if not read:
        raise QualpipeError(Problem(str(study.manifest_path), "no document could be read.",
                                    "Correct the errors listed, then ingest again."))
    documents, segments = build_tables(study, read)
    if pseudonymise:
        from pipeline.stages.ingest.pseudonymise import Pseudonymiser

        pseudo = Pseudonymiser.for_study(study)
        documents, segments = pseudo.fit_transform(documents, segments)
        # warnings are printed and cached: no raw names or identifiers in them
        warnings = [pseudo.scrub(w) for w in warnings] + pseudo.warnings_
    return Corpus(documents=documents, segments=segments, warnings=warnings)
