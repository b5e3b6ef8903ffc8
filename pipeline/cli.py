"""The ``qualpipe`` command line: a thin layer over the public API in :mod:`pipeline`.

Every command takes ``--study PATH`` (default ``./study.yaml``). Errors are printed with their
location and fix, and the command exits with status 1; nothing else is printed as a traceback.
"""
from __future__ import annotations

import functools
import sys
import time
from pathlib import Path
from typing import Optional

import typer

from pipeline.errors import Problem, QualpipeError

app = typer.Typer(help="qualpipe: a code-first pipeline for qualitative evaluation research.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
codebook_app = typer.Typer(help="Check and show codebooks; exchange them with QDA software.", no_args_is_help=True)
export_app = typer.Typer(help="Export the study to other tools.", no_args_is_help=True)
import_app = typer.Typer(help="Import projects from other tools.", no_args_is_help=True)
review_app = typer.Typer(help="Human review of machine codings.", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")

StudyOption = typer.Option(Path("study.yaml"), "--study", "-s", help="the study file", show_default=True)


def _echo_problems(problems: list[Problem]) -> None:
    for problem in problems:
        colour = typer.colors.RED if problem.severity == "error" else typer.colors.YELLOW
        typer.secho(f"{problem.severity}: {problem.where}", fg=colour, err=True)
        typer.echo(f"  {problem.message}", err=True)
        if problem.fix:
            typer.echo(f"  fix: {problem.fix}", err=True)


def friendly(func):
    """Print qualpipe errors as located messages and exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except QualpipeError as exc:
            _echo_problems(exc.problems)
            n = len(exc.problems)
            typer.secho(f"{n} error{'s' if n != 1 else ''}; nothing was written.", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from None

    return wrapper


def _load(study: Path):
    from pipeline.config import load_study

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
def ingest(study: Path = StudyOption) -> None:
    """Read and pseudonymise the transcripts; write documents and segments tables."""
    from pipeline.api import ingest as ingest_study

    started = time.perf_counter()
    result = ingest_study(_load(study))
    _echo_problems(result.warnings)
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


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
