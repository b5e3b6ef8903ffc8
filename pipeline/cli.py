"""The ``qualpipe`` command line: a thin layer over the public API in :mod:`pipeline`.

Every command takes ``--study PATH`` (default ``./study.yaml``). Errors are printed with their
location and fix, and the command exits with status 1; nothing else is printed as a traceback.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Optional

import typer

from pipeline.cli_support import DEBUG, _echo_problems, friendly  # noqa: F401

app = typer.Typer(help="qualpipe: a code-first pipeline for qualitative evaluation research.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
codebook_app = typer.Typer(help="Check and show codebooks; exchange them with QDA software.", no_args_is_help=True)
export_app = typer.Typer(help="Export the study to other tools.", no_args_is_help=True)
import_app = typer.Typer(help="Import projects from other tools.", no_args_is_help=True)
review_app = typer.Typer(help="Human review of machine codings: `qualpipe review` writes a review sheet, "
                              "`qualpipe review import SHEET` records the decisions.",
                         invoke_without_command=True)
codings_app = typer.Typer(help="Human codings: `qualpipe codings template` writes an empty sheet of every "
                                "segment to code by hand.", no_args_is_help=True)
pseudonymise_app = typer.Typer(help="Pseudonymisation: review the names the detector found.", no_args_is_help=True)
app.add_typer(pseudonymise_app, name="pseudonymise")
app.add_typer(codebook_app, name="codebook")
app.add_typer(codings_app, name="codings")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")

StudyOption = typer.Option(Path("study.yaml"), "--study", "-s", help="the study file", show_default=True)
ForceOption = typer.Option(False, "--force", help="replace existing files (which may hold a person's edits)")


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="show the full traceback of an unexpected error")) -> None:
    """qualpipe: a code-first pipeline for qualitative evaluation research."""
    DEBUG["on"] = DEBUG["on"] or debug


def _load(study: Path):
    from pipeline.settings import load_study

    return load_study(study)


@app.command()
@friendly
def validate(study: Path = StudyOption) -> None:
    """List every problem of a study at once: manifest, files, attributes, turns, codebook."""
    from pipeline.api import validate_study

    problems = validate_study(_load(study))
    _echo_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    if errors:
        typer.secho(f"{len(errors)} error(s), {warnings} warning(s).", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.secho(f"The study is valid ({warnings} warning(s)).", fg=typer.colors.GREEN)


@app.command()
@friendly
def ingest(study: Path = StudyOption,
           explain: Optional[Path] = typer.Option(None, "--explain", help="print the turns found in this one "
                                                   "file (speaker, role, line, first words); writes nothing"),
           skip_invalid: bool = typer.Option(False, "--skip-invalid", help="ingest the documents without errors "
                                             "and list those left out"),
           interviewer: Optional[str] = typer.Option(None, help="with --explain: interviewer label(s), ';' between")) -> None:
    """Read and pseudonymise the transcripts; write documents and segments tables."""
    from pipeline.api import ingest as ingest_study

    if explain is not None:
        from pipeline.stages.ingest.explain import explain as explain_file

        typer.echo("\n".join(explain_file(explain, _load(study) if study.exists() else None, interviewer)))
        return
    started = time.perf_counter()
    result = ingest_study(_load(study), skip_invalid=skip_invalid)
    _echo_problems(result.warnings)
    left = sorted({p.where for p in result.warnings if p.message.startswith("left out:")})
    if left:
        typer.secho(f"{len(left)} place(s) with errors left out: {', '.join(left)}", fg=typer.colors.YELLOW, err=True)
    typer.echo(f"{len(result.documents)} documents, {len(result.segments)} segments "
               f"in {time.perf_counter() - started:.1f} s -> {result.output}")


@codebook_app.command("validate")
@friendly
def codebook_validate(path: Optional[Path] = typer.Argument(None, help="codebook file (default: the study's)"),
                      study: Path = StudyOption) -> None:
    """Check a codebook file (YAML or REFI-QDA .qdc)."""
    from pipeline.codebook import load_codebook

    book = load_codebook(path or _load(study).codebook_path)
    n_codes = len(book.code_ids)
    typer.secho(f"{book.name} {book.version}: {len(book.themes)} themes, {n_codes} codes - valid.",
                fg=typer.colors.GREEN)


@codebook_app.command("show")
@friendly
def codebook_show(path: Optional[Path] = typer.Argument(None, help="codebook file (default: the study's)"),
                  study: Path = StudyOption,
                  language: Optional[str] = typer.Option(None, help="language of labels (en, nl, ...)"),
                  full: bool = typer.Option(False, help="print definitions too")) -> None:
    """Print the codebook as a tree."""
    from pipeline.codebook import load_codebook

    book = load_codebook(path or _load(study).codebook_path)
    language = language or book.languages[0]
    typer.echo(f"{book.name} (version {book.version})")
    for code, depth, _ in book.walk():
        typer.echo(f"{'  ' * (depth + 1)}{code.id}: {code.text('label', language)}")
        if full and code.text("definition", language):
            typer.echo(f"{'  ' * (depth + 2)}{code.text('definition', language)}")


@codebook_app.command("export")
@friendly
def codebook_export(out: Path = typer.Argument(..., help="the .qdc file to write"),
                    study: Path = StudyOption,
                    language: Optional[str] = typer.Option(None, help="language of names and descriptions"),
                    force: bool = ForceOption) -> None:
    """Write the study's codebook as a REFI-QDA .qdc file (NVivo, ATLAS.ti, MAXQDA, QualCoder)."""
    from pipeline.codebook import load_codebook
    from pipeline.stages.refi import write_qdc
    from pipeline.api.files import refuse_overwrite

    refuse_overwrite(out, force, "a codebook")
    summary = write_qdc(load_codebook(_load(study).codebook_path), out, language=language)
    typer.echo(summary.to_text())


@codebook_app.command("import")
@friendly
def codebook_import(source: Path = typer.Argument(..., help="a REFI-QDA .qdc file"),
                    out: Path = typer.Option(..., "--out", help="the YAML codebook to write"),
                    language: str = typer.Option("en", help="language the names and descriptions are in"),
                    force: bool = ForceOption) -> None:
    """Turn a REFI-QDA .qdc codebook into a qualpipe YAML codebook."""
    from pipeline.stages.refi import read_qdc, write_codebook_yaml
    from pipeline.api.files import refuse_overwrite

    refuse_overwrite(out, force, "a codebook")
    book = read_qdc(source, language=language)
    write_codebook_yaml(book, out)
    typer.echo(f"{len(book.code_ids)} codes -> {out}")


@app.command()
@friendly
def code(study: Path = StudyOption) -> None:
    """Code every respondent turn against the codebook; write coded_segments and codings."""
    from pipeline.api import code as run_code

    started = time.perf_counter()
    result = run_code(_load(study))
    n_coded = (result.coded_segments["codes"].fillna("") != "").sum()
    for note in result.notes:
        typer.secho(f"note: {note}", fg=typer.colors.YELLOW)
    typer.echo(f"{result.coder}: {n_coded} of {len(result.coded_segments)} turns carry a code "
               f"({time.perf_counter() - started:.1f} s{', cached' if result.cached else ''}) -> {result.output}")


@review_app.callback()
@friendly
def review_export(ctx: typer.Context, study: Path = StudyOption,
                  n: Optional[int] = typer.Option(None, help="suggestions in the sheet (default: review.n)"),
                  force: bool = typer.Option(False, "--force", help="replace a review sheet that holds decisions "
                                                                   "(default: keep it, write the new one beside it)")
                  ) -> None:
    """Write a review sheet (xlsx and csv) of machine suggestions, most uncertain first."""
    if ctx.invoked_subcommand is not None:
        return
    from pipeline.api import review_sheet

    xlsx, csv_, count = review_sheet(_load(study), n=n, force=force)
    typer.echo(f"{count} suggestions -> {xlsx} and {csv_}")
    typer.echo("Fill the 'decision' column (accept / reject / other code ids) and the reviewer, then run "
               "`qualpipe review import SHEET`.")


@review_app.command("import")
@friendly
def review_import(sheet: Path = typer.Argument(..., help="the filled review sheet (.xlsx or .csv)"),
                  study: Path = StudyOption,
                  reviewer: Optional[str] = typer.Option(None, help="coder id for rows without a reviewer"),
                  into: Optional[Path] = typer.Option(None, help="human codings CSV to add the decisions to "
                                                              "(default: reviews.csv beside the study's first "
                                                              "human codings file)")) -> None:
    """Record the decisions of a filled review sheet as human codings (never overwriting earlier ones)."""
    from pipeline.api import import_review

    path, added, blank = import_review(_load(study), sheet, reviewer=reviewer, into=into)
    typer.echo(f"{added} decisions recorded in {path} ({blank} rows left blank).")


app.add_typer(review_app, name="review")


@pseudonymise_app.command("review")
@friendly
def pseudonymise_review(study: Path = StudyOption, apply: bool = typer.Option(
        False, "--apply", help="move rows marked accept/reject into the private names / not-names files")) -> None:
    """List possible names no names list holds (with context) beside the pseudonym key, for review."""
    from pipeline.api.privacy import review_names
    typer.echo(review_names(_load(study), apply=apply).message(apply))


@app.command()
@friendly
def agreement(study: Path = StudyOption,
              coders: Optional[str] = typer.Option(None, help="comma-separated coder ids (default: every pair "
                                                            "of coders with documents in common)"),
              with_machine: bool = typer.Option(False, help="also compare the machine coder with the humans")) -> None:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha per code, theme and overall."""
    from pipeline.api import agreement as run_agreement

    table = run_agreement(_load(study), coders=coders.split(",") if coders else None, with_machine=with_machine)
    if table.empty:
        typer.echo("No two coders coded a document in common.")
        return
    view = table[table["level"].isin(["theme", "overall"])]
    cols = [c for c in ("level", "code", "theme", "coders", "n_units", "percent_agreement", "cohen_kappa",
                        "krippendorff_alpha") if c in view.columns]
    typer.echo(view[cols].to_string(index=False, float_format=lambda x: f"{x:.2f}"))


@app.command()
@friendly
def evaluate(study: Path = StudyOption) -> None:
    """Precision, recall, F1 and kappa of the machine coder against the human codes."""
    from pipeline.api import evaluate as run_evaluate

    result = run_evaluate(_load(study))
    typer.echo(result.design)
    table = result.scores
    rows = table[table["code"].isin(["(theme micro)", "(theme macro)", "(micro)", "(macro)"])] \
        if "code" in table else table
    cols = [c for c in ("setting", "level", "code", "precision", "recall", "f1", "kappa", "support") if c in rows]
    typer.echo(rows[cols].to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    if "level" in table:
        per_code = table[table["level"] == "code"]
        cols = [c for c in ("setting", "code", "support", "n_predicted", "precision", "recall", "f1", "kappa")
                if c in per_code]
        typer.echo("\nper code:")
        typer.echo(per_code[cols].to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    if result.predictions is not None:
        typer.echo(f"\nper-unit predictions and folds: evaluation_predictions.csv "
                   f"({len(result.predictions)} rows)")


@app.command()
@friendly
def topics(study: Path = StudyOption,
           stability: bool = typer.Option(True, help="refit under several seeds to measure stability")) -> None:
    """Fit the topic model (BERTopic, offline) and hold its topics against the codebook."""
    from pipeline.api import topics as run_topics

    started = time.perf_counter()
    result = run_topics(_load(study), with_stability=stability)
    flags = result.flags.set_index("topic")["status"].to_dict() if "status" in result.flags else {}
    for row in result.topics.itertuples():
        typer.echo(f"{row.topic:>3}  {row.size:>4}  {flags.get(row.topic, ''):<14} {row.label}")
    if result.stability is not None:
        typer.echo(f"stability: mean adjusted Rand index over seeds {result.stability['mean_ari']:.2f}")
    typer.echo(f"{time.perf_counter() - started:.1f} s -> {result.output}")


@app.command()
@friendly
def compare(study: Path = StudyOption) -> None:
    """Compare groups (default: dual vs centralised) on every theme and code; write tidy tables."""
    from pipeline.api import compare as run_compare

    comparison = run_compare(_load(study))
    for name, table in comparison.tables().items():
        typer.echo(f"{name}.csv: {len(table)} rows")


@codings_app.command("template")
@friendly
def codings_template(study: Path = StudyOption,
                     out: Optional[Path] = typer.Option(None, "--out", help="the CSV to write (default: "
                                                        "codings_template.csv in the output folder)")) -> None:
    """Write an empty sheet of every segment (segment_id, doc_id, speaker, text, code, coder)."""
    from pipeline.api.codings_template import codings_template as write_template

    path, n = write_template(_load(study), out)
    typer.echo(f"{n} segments -> {path}")
    typer.echo("Fill 'code' (a code id; one row per code) and 'coder', then list the file under "
               "'human_codings:' in the study file.")


@app.command()
@friendly
def report(study: Path = StudyOption,
           pdf: bool = typer.Option(False, "--pdf", help="also print each report to PDF beside it "
                                                          "(needs Chromium)")) -> None:
    """Render the self-contained HTML report (index.html in the output folder; index.<lang>.html
    for each of report.extra_languages)."""
    from pipeline.api import report as run_report

    loaded = _load(study)
    path = run_report(loaded)
    typer.echo(f"report -> {path}")
    if pdf:
        from pipeline.stages.report.pdf import html_to_pdf

        for language in loaded.report.extra_languages:
            other = path.with_name(f"{path.stem}.{language}{path.suffix}")
            if other.exists():
                typer.echo(f"pdf -> {html_to_pdf(other)}")
        typer.echo(f"pdf -> {html_to_pdf(path)}")


@app.command()
@friendly
def run(study: Path = StudyOption,
        scheduler: Optional[str] = typer.Option(
            None, "--scheduler", help="where ingest and coding run: 'single' (this process), 'dask' (a local Dask "
                                      "cluster, or the study's compute.address) or a Dask scheduler's address "
                                      "(tcp://host:8786); default: the study's compute.scheduler")) -> None:
    """Run every stage; stages whose inputs, code and settings did not change are not recomputed."""
    from pipeline.api.runrecord import fresh_report

    started = time.perf_counter()
    loaded = _load(study)
    if scheduler is not None:  # the same outputs wherever they are computed
        from pipeline.api.compute import with_scheduler

        loaded = with_scheduler(loaded, scheduler)
    path = fresh_report(loaded)  # nothing changed: done without importing pandas or a stage
    if path is not None:
        typer.echo(f"nothing changed; done in {time.perf_counter() - started:.1f} s: {path}")
        return
    from pipeline.api import run as run_all

    path = run_all(loaded)
    typer.echo(f"done in {time.perf_counter() - started:.1f} s: {path}")


@export_app.command("refi")
@friendly
def export_refi(out: Path = typer.Option(..., "--out", help="the .qdpx file to write"),
                study: Path = StudyOption,
                include_all: bool = typer.Option(False, help="also export machine suggestions overridden by people"),
                language: Optional[str] = typer.Option(None, help="language of code names"),
                force: bool = ForceOption) -> None:
    """Export the coded study as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder."""
    from pipeline.api import export_refi as run_export
    from pipeline.api.files import refuse_overwrite

    refuse_overwrite(out, force, "an exported project")
    summary = run_export(_load(study), out, include_all=include_all, language=language)
    typer.echo(summary.to_text())


@import_app.command("refi")
@friendly
def import_refi(source: Path = typer.Argument(..., help="a .qdpx (or .qde) project from a QDA tool"),
                into: Path = typer.Option(Path("data/imported"), help="folder for the imported tables"),
                study: Optional[Path] = typer.Option(None, "--study", "-s",
                                                     help="a study whose interviewer labels to use"),
                force: bool = ForceOption) -> None:
    """Import a REFI-QDA project: documents, segments, codebook and human codings."""
    from pipeline.stages.refi import import_refi as run_import
    from pipeline.stages.refi import write_import

    labels = _load(study).interviewer_labels if study else None
    result = run_import(source, interviewer_labels=labels)
    _echo_problems(result.problems)
    written = write_import(result, into, force=force)
    typer.echo(f"{len(result.documents)} documents, {len(result.segments)} segments, "
               f"{len(result.human_codings)} codings -> {into} ({len(written)} files)")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
