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
from pipeline.errors import QualpipeError
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
        notes.append(f"No topic model: {exc.problems[0].message}")
        topic_out = TopicsOutput(*(None,) * 8, output=study.output_dir)
    codebook = load_codebook(study.codebook_path)
    folder = study.output_dir
    agreement_table = evaluation_table = agreement_key = evaluation_key = None
    try:
        agreement_table, agreement_key = memo(study, ("agreement", (), False, True),
                                              lambda: _agreement(study, None, False, True))
        if not len(agreement_table):
            notes.append(f"Agreement figures are not available: {agreement_table.attrs.get('note', 'no two coders')}.")
    except QualpipeError as exc:  # e.g. a study without human codings
        notes.append(f"Agreement figures are not available: {exc.problems[0].message}")
    try:
        evaluation, evaluation_key = _evaluate_t(study)
        evaluation_table = evaluation.scores
    except QualpipeError as exc:
        notes.append(f"Evaluation figures are not available: {exc.problems[0].message}")
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
