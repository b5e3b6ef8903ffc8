"""What every ``qualpipe`` command shares: located messages for qualpipe's errors and warnings, and
one paragraph (no traceback) for anything unexpected, unless ``--debug``."""
from __future__ import annotations

import functools
import os
import warnings

import click
import typer

from pipeline.errors import Problem, QualpipeError, QualpipeWarning


def _echo_problems(problems: list[Problem]) -> None:
    for problem in problems:
        colour = typer.colors.RED if problem.severity == "error" else typer.colors.YELLOW
        typer.secho(f"{problem.severity}: {problem.where}", fg=colour, err=True)
        typer.echo(f"  {problem.message}", err=True)
        if problem.fix:
            typer.echo(f"  fix: {problem.fix}", err=True)


#: where users report a bug; printed with an unexpected error
REPORT_BUGS = "the qualpipe issue tracker (qualpipe's repository, 'Issues')"
#: set by ``qualpipe --debug`` (or QUALPIPE_DEBUG=1): unexpected errors show their traceback
DEBUG = {"on": os.environ.get("QUALPIPE_DEBUG") == "1"}


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    if issubclass(category, QualpipeWarning):
        typer.secho(f"warning: {message}", fg=typer.colors.YELLOW, err=True)
    else:
        _ORIGINAL_SHOWWARNING(message, category, filename, lineno, file, line)


_ORIGINAL_SHOWWARNING = warnings.showwarning


def _command_name(func) -> str:  # noqa: ANN001
    """``qualpipe codebook export`` for the function ``codebook_export`` (``review`` for the sheet)."""
    words = {"review_export": "review"}.get(func.__name__, func.__name__.replace("_", " "))
    return f"qualpipe {words}"


def _unexpected(exc: BaseException, command: str) -> None:
    """One paragraph instead of a traceback: the command, the error, what to do."""
    typer.secho(f"error: `{command}` stopped on an unexpected error: {type(exc).__name__}: {exc}",
                fg=typer.colors.RED, err=True)
    typer.echo("  This is a fault in qualpipe (or an input it does not check yet), not something you did "
               f"wrong. Please report it to {REPORT_BUGS} with the command you ran and the message above; "
               f"run `qualpipe --debug {command.partition(' ')[2]} ...` to see the full traceback. Files written "
               "before the error are complete (qualpipe writes each file in one step).", err=True)


def friendly(func):
    """Print qualpipe errors as located messages and exit 1; print any other error as one
    paragraph (exit 2) unless ``--debug``; print qualpipe warnings as ``warning:`` lines."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("always", QualpipeWarning)
            warnings.showwarning = _show_warning
            try:
                return func(*args, **kwargs)
            except QualpipeError as exc:
                _echo_problems(exc.problems)
                n = len(exc.problems)
                typer.secho(f"{n} error{'s' if n != 1 else ''}; nothing was written.", fg=typer.colors.RED,
                            err=True)
                raise typer.Exit(1) from None
            except (typer.Exit, typer.Abort, click.exceptions.ClickException):
                raise
            except KeyboardInterrupt:
                typer.secho("interrupted; files written so far are complete, a re-run finishes the rest.",
                            fg=typer.colors.RED, err=True)
                raise typer.Exit(130) from None
            except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
                if DEBUG["on"]:
                    raise
                _unexpected(exc, _command_name(func))
                raise typer.Exit(2) from None

    return wrapper
