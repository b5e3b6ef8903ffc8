"""The report and the whole run (``qualpipe report``, ``qualpipe run``): every stage the report
needs, each recomputed only when its inputs, code or settings changed."""
from __future__ import annotations

from pathlib import Path

import joblib

from pipeline.api.cache import cached_stage
from pipeline.api.files import write_text
from pipeline.api.io import read_provenance, sha256_file
from pipeline.api.results import TopicsOutput
from pipeline.api.session import as_study, session
from pipeline.api.stages import agreement, code, compare, evaluate, topics
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


    coded = code(study)
    comparison = compare(study)
    notes = list(coded.notes)
    try:
        topic_out = topics(study)
    except QualpipeError as exc:
        notes.append(f"No topic model: {exc.problems[0].message}")
        topic_out = TopicsOutput(*(None,) * 8, output=study.output_dir)
    codebook = load_codebook(study.codebook_path)
    folder = study.output_dir
    agreement_table = evaluation_table = None
    try:
        agreement_table = agreement(study)
        if not len(agreement_table):
            notes.append(f"Agreement figures are not available: {agreement_table.attrs.get('note', 'no two coders')}.")
    except QualpipeError as exc:  # e.g. a study without human codings
        notes.append(f"Agreement figures are not available: {exc.problems[0].message}")
    try:
        evaluation_table = evaluate(study).scores
    except QualpipeError as exc:
        notes.append(f"Evaluation figures are not available: {exc.problems[0].message}")
    provenance = read_provenance(folder / "provenance.json")  # a damaged file: a warning, not a traceback
    provenance["codebook"] = {"name": codebook.name, "version": codebook.version}
    provenance["study"] = study.name


    inputs = dict(comparison=comparison.tables(), segments=coded.coded_segments, topics=topic_out.topics,
                  topic_flags=topic_out.flags, topic_info=topic_out.info, stability=topic_out.stability,
                  agreement=agreement_table, evaluation=evaluation_table, provenance=provenance, notes=notes)
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
            joblib.hash(inputs), sha256_file(study.codebook_path), settings.model_dump(mode="json"), about)
        # index.html in report.language, index.<language>.html for each extra language; atomically
        target = path if language == study.report.language else path.with_name(f"{path.stem}.{language}{path.suffix}")
        write_text(target, html)
    return path


def run(study: Study | str | Path) -> Path:
    """Every stage, each recomputed only when its inputs, code or settings changed (``qualpipe run``)."""
    study = as_study(study)
    with session():
        return report(study)


