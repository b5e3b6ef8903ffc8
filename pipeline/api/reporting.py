"""The report and the whole run (``qualpipe report``, ``qualpipe run``): every stage the report
needs, each recomputed only when its inputs, code or settings changed; a run with nothing changed
is answered from the whole-run record (:mod:`pipeline.api.runrecord`) without reading a stage."""
from __future__ import annotations

from pathlib import Path

from pipeline.api.cache import cached_stage
from pipeline.api.files import write_text
from pipeline.api.io import read_provenance, sha256_file
from pipeline.api.keys import digest
from pipeline.api.results import TopicsOutput
from pipeline.api.session import as_study, memo, session
from pipeline.api.quality import _agreement, _evaluate_t
from pipeline.api.stages import _code_t, _compare_t, _topics_t
from pipeline.codebook import load_codebook
from pipeline.errors import Note, QualpipeError
from pipeline.settings import Study


def report(study: Study | str | Path, out: Path | None = None) -> Path:
    """Render the self-contained HTML report (``qualpipe report``); returns its path."""
    study = as_study(study)
    with session():
        return _report(study, out)


def _report(study: Study, out: Path | None) -> Path:
    from pipeline.stages.report.render import render_report

    coded, code_key = _code_t(study)
    comparison, compare_key = _compare_t(study)
    notes = list(coded.notes)
    topics_key = None
    try:
        topic_out, topics_key = _topics_t(study)
    except QualpipeError as exc:
        notes.append(_unavailable(study, "topics", exc))
        topic_out = TopicsOutput(*(None,) * 8, output=study.output_dir)
    codebook = load_codebook(study.codebook_path)
    folder = study.output_dir
    agreement_table = evaluation_table = agreement_key = evaluation_key = None
    try:
        agreement_table, agreement_key = memo(study, ("agreement", (), False, True),
                                              lambda: _agreement(study, None, False, True))
        if not len(agreement_table):
            notes.append(_no_common_document(agreement_table, coded.codings))
    except QualpipeError as exc:  # e.g. a study without human codings
        notes.append(_unavailable(study, "agreement", exc))
    try:
        evaluation, evaluation_key = _evaluate_t(study)
        evaluation_table = evaluation.scores
    except QualpipeError as exc:
        notes.append(_unavailable(study, "evaluation", exc))
    provenance = read_provenance(folder / "provenance.json")  # a damaged file: a warning, not a traceback
    provenance["codebook"] = {"name": codebook.name, "version": codebook.version}
    provenance["study"] = study.name

    # the report reads the stages' results (their keys stand for them), the provenance and notes as
    # they are, and the whole codebook (definitions included)
    inputs = dict(code=code_key, compare=compare_key, topics=topics_key, agreement=agreement_key,
                  evaluation=evaluation_key, provenance=provenance, notes=notes)
    about = {"name": study.name, "description": study.description, "root": str(study.root)}
    path = out or folder / "index.html"
    for language in dict.fromkeys([study.report.language, *study.report.extra_languages]):
        settings = study.report.for_language(language)
        html, _ = cached_stage(
            study, "report",
            lambda settings=settings: render_report(
                comparison, codebook, settings, segments=coded.coded_segments, topics=topic_out.topics,
                topic_flags=topic_out.flags, topic_info=topic_out.info, stability=topic_out.stability,
                agreement=agreement_table, evaluation=evaluation_table, provenance=provenance,
                coding_notes=notes, study=about),
            digest(inputs), sha256_file(study.codebook_path), settings.model_dump(mode="json"), about)
        # index.html in report.language, index.<language>.html for each extra language; atomically
        target = path if language == study.report.language else path.with_name(f"{path.stem}.{language}{path.suffix}")
        write_text(target, html)
    return path


#: what is missing from the report when a stage stops with an error, as the English note says it
_MISSING = {"topics": "No topic model", "agreement": "Agreement figures are not available",
            "evaluation": "Evaluation figures are not available"}


def _unavailable(study: Study, what: str, exc: QualpipeError) -> Note:
    """A stage the report reads stopped with an error: a note with the facts the report words
    (``no_<what>_no_human_codings`` when the study names none, else ``no_<what>_error`` with where
    it stopped, relative to the study, and the English message)."""
    problem = exc.problems[0]
    text = f"{_MISSING[what]}: {problem.message}"
    if what != "topics" and not study.human_codings:
        return Note(text, f"no_{what}_no_human_codings")
    root = f"{study.root}/"
    where = problem.where[len(root):] if problem.where.startswith(root) else problem.where
    return Note(text, f"no_{what}_error", {"where": where, "message": problem.message})


def _no_common_document(table, codings) -> Note:  # noqa: ANN001
    """The note of an agreement table with nothing to compare, with the coders found (those of the
    human codings when the table does not name them)."""
    coders = list(table.attrs.get("coders") or
                  sorted(codings.loc[codings["source"] == "human", "coder"].unique()))
    return Note(f"Agreement figures are not available: {table.attrs.get('note', 'no two coders')}.",
                "agreement_no_common_document", {"coders": coders})


def run(study: Study | str | Path) -> Path:
    """Every stage, each recomputed only when its inputs, code or settings changed (``qualpipe run``).

    With nothing changed since the last run, not even the stages' caches are read
    (:mod:`pipeline.api.runrecord`)."""
    from pipeline.api.cache import EVENTS
    from pipeline.api.runrecord import fresh_report, run_key, write_record

    study = as_study(study)
    done = fresh_report(study)
    if done is not None:
        EVENTS["run"] = True
        return done
    key = run_key(study, with_key_file=False)
    with session():
        path = report(study)
        _tell_ingest_warnings(study)
    if path == study.output_dir / "index.html":
        write_record(study, path, key)
    return path


def _tell_ingest_warnings(study: Study) -> None:
    """A run says what reading the transcripts found (a table row without text, control characters
    removed, names waiting for review), as ``qualpipe ingest`` does: a run must not swallow it."""
    import warnings

    from pipeline.api.stages import _ingest_t
    from pipeline.errors import QualpipeWarning

    for problem in _ingest_t(study)[0].warnings:
        warnings.warn(str(problem), QualpipeWarning, stacklevel=3)
