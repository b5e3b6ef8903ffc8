"""Checking a study, human review and exchange with QDA tools (``qualpipe validate``, ``review``,
``export refi``)."""
from __future__ import annotations

from pathlib import Path

from pipeline.api.inputs import human_codings
from pipeline.api.session import as_study, session
from pipeline.api.stages import code, ingest
from pipeline.codebook import load_codebook
from pipeline.errors import Problem, QualpipeError
from pipeline.settings import Study


def validate_study(study: Study | str | Path) -> list[Problem]:
    """Every problem of the study: manifest, transcripts, codebook, human codings."""
    from pipeline.stages.ingest.corpus import validate

    study = as_study(study)
    problems = validate(study)
    codebook = None
    try:
        codebook = load_codebook(study.codebook_path)
    except QualpipeError as exc:
        problems += exc.problems
    if codebook is not None:
        missing = [lang for lang in study.languages if lang not in codebook.languages]
        if missing:
            problems.append(Problem(
                f"{study.codebook_path}[languages]",
                f"the study's language(s) {missing} are not among the codebook's languages {codebook.languages}.",
                f"Add {missing} to the codebook's 'languages' (with labels and cues in them), or remove them "
                f"from the study's 'languages'."))
    absent = [p for p in study.human_codings if not study.resolve(p).exists()]
    for path in absent:
        problems.append(Problem(study.where("human_codings"), f"{study.resolve(path)} does not exist.",
                                "Correct the path or remove it from the list."))
    if codebook is not None:
        problems += _code_setting_problems(study, codebook)
    if not any(p.severity == "error" for p in problems):
        problems += _attribute_setting_problems(study)
    if codebook is not None and study.human_codings and not absent and not any(
            p.severity == "error" for p in problems):
        problems += _codings_problems(study, codebook)
    return problems


def _code_setting_problems(study: Study, codebook) -> list[Problem]:
    """Codes the study file names (report.recommendation_codes, report.contrary) that the codebook
    does not hold: they would be ignored without a word."""
    known = {code.id for code, _, _ in codebook.walk()}
    named = [("report.recommendation_codes", c) for c in study.report.recommendation_codes]
    for head, contrary in study.report.contrary.items():
        named += [("report.contrary", head)] + [(f"report.contrary.{head}", c) for c in contrary]
    return [Problem(study.where(key), f"code '{name}' is not in the codebook {codebook.name}.",
                    f"Use a code, parent or theme id of the codebook (e.g. '{sorted(known)[0]}'), or remove it.")
            for key, name in named if name not in known]


def _attribute_setting_problems(study: Study) -> list[Problem]:
    """Attributes the study file names for comparing and quoting that no document or unit carries:
    found at validate, not when the comparison stops."""
    keys = [(f"compare.{k}", getattr(study.compare, k)) for k in ("by", "within", "case_attributes")
            if k in study.compare.model_fields_set]
    if "spread_quotes_by" in study.report.model_fields_set:
        keys.append(("report.spread_quotes_by", study.report.spread_quotes_by))
    if not any(names for _, names in keys):
        return []
    try:
        columns = set(ingest(study, write=False).segments.columns)
    except QualpipeError as exc:
        return exc.problems
    from pipeline.schemas import SCHEMAS

    base = SCHEMAS["segments"]
    attributes = sorted(columns - set(base.columns) - set(base.optional))
    return [Problem(study.where(key), f"attribute '{name}' is not a column of the manifest (nor of a table "
                    "of units or the speakers file).", f"Use one of {attributes}, or remove it.")
            for key, names in keys for name in names if name not in columns]


def _codings_problems(study: Study, codebook) -> list[Problem]:
    """The problems of the human codings files, read against the codebook and the study's segments."""
    from pipeline.stages.coding.review import read_human_codings

    try:
        segments = ingest(study, write=False).segments
    except QualpipeError as exc:
        return exc.problems
    problems = []
    for path in study.human_codings:
        try:
            read_human_codings(study.resolve(path), codebook=codebook, segments=segments)
        except QualpipeError as exc:
            problems += exc.problems
    return problems


def review_sheet(study: Study | str | Path, n: int | None = None, force: bool = False) -> tuple[Path, Path, int]:
    """Write ``review/review_sheet.xlsx`` and ``.csv``: machine suggestions on documents no person
    coded yet, most uncertain first (``qualpipe review export``). A sheet there that holds
    decisions is kept and the new one written beside it, unless ``force``."""
    from pipeline.codebook import load_codebook
    from pipeline.stages.coding.review import review_sheet as make_sheet
    from pipeline.stages.coding.review import write_review_sheet

    study = as_study(study)
    with session():
        coded = code(study)
        corpus = ingest(study)
        codebook = load_codebook(study.codebook_path)
        human = human_codings(study, codebook, corpus.segments)
        settings = study.review
        sheet = make_sheet(coded.codings, corpus.segments, n=n or settings.n, human=human, codebook=codebook,
                           threshold=settings.threshold, strategy=settings.strategy, language=settings.language)
        xlsx, csv_ = write_review_sheet(sheet, study.output_dir / "review" / "review_sheet", codebook=codebook,
                                        language=settings.language, force=force)
    return xlsx, csv_, len(sheet)


def import_review(study: Study | str | Path, sheet: Path, reviewer: str | None = None,
                  into: Path | None = None) -> tuple[Path, int, int]:
    """Add the decisions of a filled review sheet to a human codings CSV (``qualpipe review import``).

    Earlier decisions are never overwritten (a later decision of the same reviewer on the same
    segment and code replaces theirs, and is reported). Returns ``(file, rows added, blank rows)``.
    """
    from pipeline.api.files import atomic_path, escape_frame, merged_extra_columns
    from pipeline.codebook import load_codebook
    from pipeline.stages.coding.review import merge_human, read_human_codings, read_review_sheet

    study = as_study(study)
    corpus = ingest(study)
    codebook = load_codebook(study.codebook_path)
    new = read_review_sheet(sheet, codebook=codebook, reviewer=reviewer, segments=corpus.segments)
    if into is None:
        base = study.resolve(study.human_codings[0]).parent if study.human_codings else study.root / "data"
        into = base / "reviews.csv"
    into = Path(into)
    existing = read_human_codings(into, codebook=codebook, segments=corpus.segments) if into.exists() else None
    merged = new if existing is None else merge_human(existing, new)
    added = len(merged) - (0 if existing is None else len(existing))
    merged = merged_extra_columns(merged, into, key=["segment_id", "code", "coder"])  # a person's own columns
    with atomic_path(into) as tmp:  # escaped: a note such as '=HYPERLINK(...)' stays text in a spreadsheet
        escape_frame(merged).to_csv(tmp, index=False, lineterminator="\n")
    return into, added, int(new.attrs.get("n_blank", 0))


def export_refi(study: Study | str | Path, out: Path, include_all: bool | None = None,
                language: str | None = None):
    """Export the coded study as a REFI-QDA ``.qdpx`` project (``qualpipe export refi``)."""
    from pipeline.codebook import load_codebook
    from pipeline.stages.refi import export_refi as write_project

    study = as_study(study)
    with session():
        corpus = ingest(study)
        coded = code(study)
    overrides = {k: v for k, v in {"include_all": include_all, "language": language}.items() if v is not None}
    return write_project(corpus.documents, corpus.segments, coded.codings, load_codebook(study.codebook_path),
                         out, study.name, study.refi, **overrides)
