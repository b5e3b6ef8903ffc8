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
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.api.files import ManifestFiles
from pipeline.errors import InputError, Problem, QualpipeError, Report  # noqa: F401  (InputError re-exported)
from pipeline.parallel import SERIAL, Serial
from pipeline.stages.ingest.assemble import (READING_COLUMNS, _is_interviewer, _options,  # noqa: F401  (re-exported)
                                             _speaker_attributes, build_tables, speaker_role)
from pipeline.stages.ingest.document import render_document  # noqa: F401  (re-exported)
from pipeline.stages.ingest.formats import READERS, Transcript, read_transcript
from pipeline.stages.ingest.manifest import _check_manifest, read_manifest
from pipeline.stages.ingest.manifest import DOC_ID, REQUIRED_COLUMNS, required_columns  # noqa: F401  (re-exported)
from pipeline.settings import IngestSettings  # noqa: F401  (re-exported)

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study



@dataclass
class Corpus:
    """The result of ingestion: two tidy tables and the warnings met on the way."""

    documents: pd.DataFrame
    segments: pd.DataFrame
    warnings: list[Problem]




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


def _read_all(study: "Study", parallel: Serial = SERIAL) -> tuple[list[Problem], list[tuple[dict, Transcript, str]]]:
    """Every problem of the study's manifest and transcripts, and the transcripts read (with the
    sha256 of each file), in manifest order; ``parallel`` reads the transcripts (in partitions of
    manifest rows, on its workers)."""
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
    rows = []  # (row, problem with its file: outside the transcripts folder, or listed twice)
    for row in manifest.to_dict("records"):
        name = row.get("file", "")
        if name:
            listed.add(name)
            rows.append((row, files.problem(name, row["_line"], row.get("doc_id", ""))))
    results = iter(parallel.map_items(_read_rows, [r for r, problem in rows if problem is None], study, known))
    for row, problem in rows:
        problems, found = ([problem], None) if problem is not None else next(results)
        report.problems.extend(problems)
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


def _read_rows(rows: list[dict], study: "Study", known: dict[str, tuple[str, ...]]) -> list[tuple[list, object]]:
    """:func:`_read_listed` for each manifest row of a partition: ``(problems, found)`` per row."""
    reports = [Report() for _ in rows]
    return [(report.problems, _read_listed(study, row, known, report)) for row, report in zip(rows, reports)]


def _read_listed(study: "Study", row: dict, known: dict[str, tuple[str, ...]],
                 report: Report) -> tuple[Transcript, str] | None:
    """Read the transcript of one manifest row (whose file passed :class:`ManifestFiles`), or report
    why it cannot be read (then None)."""
    name, folder = row["file"], study.transcripts_dir
    where_ = f"{study.manifest_path}:{row['_line']}[file]"
    path = folder / name
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


def ingest(study: "Study", pseudonymise: bool = True, skip_invalid: bool = False,
           parallel: Serial = SERIAL) -> Corpus:
    """Read a study's transcripts into documents and segments.

    Refuses a study with errors (raising :class:`QualpipeError` listing all of them); returns
    pseudonymised tables unless ``pseudonymise=False`` (raw tables are for the researcher's
    own checks and are never written by qualpipe). With ``skip_invalid`` the documents with
    errors are left out instead, and each of their errors is returned as a warning starting
    "left out:"; errors about the whole study (manifest header, study file) still refuse it.
    ``parallel`` (:mod:`pipeline.parallel`) reads and pseudonymises in partitions of documents
    (:mod:`pipeline.stages.ingest.partitions`); the tables do not depend on the partitions.
    """
    problems, read = _read_all(study, parallel)
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
    warnings += _warn_glued(study, documents, segments)
    if pseudonymise:
        from pipeline.stages.ingest.partitions import pseudonymise_partitions
        from pipeline.stages.ingest.pseudonymise import Pseudonymiser

        pseudo = Pseudonymiser.for_study(study).fit(documents, segments)
        documents, segments = pseudonymise_partitions(pseudo, documents, segments, parallel)
        # warnings are printed and cached: no raw names or identifiers in them
        warnings = [pseudo.scrub(w) for w in warnings] + pseudo.warnings_
    return Corpus(documents=documents, segments=segments, warnings=warnings)


def _warn_glued(study: "Study", documents: pd.DataFrame, segments: pd.DataFrame) -> list[Problem]:
    """One warning when an export glued many words together ("thefasting"): at least 20 such words
    and one per 20 turns of a language with a word table (:mod:`pipeline.text.glued`)."""
    from pipeline.text import glued

    if segments.empty or "language" not in segments.columns:
        return []
    own = segments[segments["language"].map(glued.has_table).astype(bool)]
    per_doc = {doc: glued.glued_words(part["text"]) for doc, part in own.groupby("doc_id", sort=True)}
    counts: Counter = Counter()
    for doc_counts in per_doc.values():
        counts.update(doc_counts)
    total = sum(counts.values())
    if total < 20 or total < 0.05 * len(own):
        return []
    worst = sorted(per_doc, key=lambda d: (-sum(per_doc[d].values()), d))[:3]
    files = dict(zip(documents["doc_id"], documents["file"])) if "file" in documents.columns else {}
    examples = ", ".join(f"'{w}' ({glued.shown(w)})" for w, _ in counts.most_common(4))
    return [Problem(str(study.transcripts_dir / str(files.get(worst[0], worst[0]))),
                    f"{total:,} words in {sum(1 for c in per_doc.values() if c)} document(s) look glued together "
                    f"by the export, e.g. {examples}; most in {', '.join(worst)}. The coders read them as "
                    "separate words; quotes and the texts keep them as written.",
                    "Export the transcripts again with spaces kept (eHRAF, PDF and Word exports drop them "
                    "around highlighted or italic words), or leave them: coding is not affected.",
                    severity="warning")]
