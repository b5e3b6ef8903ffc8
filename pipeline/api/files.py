"""File safety: atomic writes, no overwriting of files people edit, spreadsheet-injection escapes,
and the checks that keep a study's reads and writes inside the folders it names.

- :func:`atomic_path` / :func:`write_bytes` / :func:`write_text`: every output is written to a
  hidden temporary file in the same folder and renamed over the target (``os.replace``), so a
  killed run leaves either the old file or the new one, never half of one.
- :func:`refuse_overwrite`: a file a person may have edited (a codebook, human codings, an
  export) is replaced only with ``--force``.
- :func:`escape_cell` / :func:`unescape_cell`: a text field that begins with ``= + - @``, a tab
  or a carriage return is written with a leading ``'`` so that Excel, LibreOffice and Google
  Sheets show it as text instead of running it as a formula (CSV/formula injection). Plain
  numbers (``-0.25``) are left alone. Reading our own files back removes exactly that prefix.
- :func:`study_path_problems`: the output folder, the pseudonym key folder and the
  transcripts folder must not overlap; :func:`inside` tells whether a path stays in a folder.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pandas as pd

from pipeline.errors import Problem, QualpipeError, QualpipeWarning

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.config import Study

# -- atomic writes -------------------------------------------------------------------------------

_UMASK = os.umask(0)
os.umask(_UMASK)


def _stale_temporaries(path: Path) -> list[Path]:
    """Temporary files a killed earlier write of ``path`` left behind."""
    if not path.parent.is_dir():
        return []
    pattern = f".{path.name}.*.tmp"
    return sorted(p for p in path.parent.glob(pattern) if p.is_file())


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed to ``path``, on any
    error (or interruption) it is removed and ``path`` keeps its old content."""
    path = Path(path)
    if path.is_dir():
        raise QualpipeError(Problem(str(path), "a folder has the name of a file qualpipe writes.",
                                    "Move or rename the folder."))
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in _stale_temporaries(path):
        stale.unlink(missing_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes the file private; outputs get the usual mode
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (``\\n`` line ends kept as given)."""
    return write_bytes(path, text.encode(encoding))


# -- files people edit ---------------------------------------------------------------------------

def refuse_overwrite(path: str | Path, force: bool, what: str) -> None:
    """Raise unless ``path`` is new or ``force`` is set: ``what`` names what the file holds."""
    path = Path(path)
    if force or not path.exists():
        return
    if path.is_dir():
        raise QualpipeError(Problem(str(path), f"this is a folder, not a file for {what}.",
                                    "Give the path of a file."))
    raise QualpipeError(Problem(str(path), f"the file exists and may hold {what} someone edited; "
                                "qualpipe does not overwrite it.",
                                "Pass --force to replace it, or choose another path."))


def beside(path: Path) -> Path:
    """The first free name ``<stem>-2<suffix>``, ``<stem>-3<suffix>`` ... beside ``path``."""
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def merged_extra_columns(new: pd.DataFrame, path: Path, key: list[str], escaped: bool = True) -> pd.DataFrame:
    """``new`` with the columns an existing CSV at ``path`` has beyond ``new``'s own, joined
    on ``key``, in the file's column order (a person's notes column in a pseudonym key or a
    codings file is kept, not dropped)."""
    path = Path(path)
    if not path.exists():
        return new
    try:
        old = pd.read_csv(path, dtype=str, keep_default_na=False)
        old = unescape_frame(old) if escaped else old
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        warnings.warn(f"{path}: cannot read the file's own columns ({exc}); only qualpipe's columns "
                      "are written. The old file is kept as " + path.name + ".bak.", QualpipeWarning, stacklevel=2)
        shutil.copy2(path, path.with_name(path.name + ".bak"))
        return new
    extra = [c for c in old.columns if c not in new.columns]
    if not extra or not set(key) <= set(old.columns) or not set(key) <= set(new.columns):
        return new
    file_order = list(old.columns)
    old = old.drop_duplicates(key, keep="last")[[*key, *extra]]
    merged = new.astype({k: str for k in key}).merge(old, on=key, how="left")
    merged[extra] = merged[extra].fillna("")
    order = [c for c in file_order if c in merged.columns]
    order += [c for c in merged.columns if c not in order]
    out = merged[order]
    out.attrs = dict(new.attrs)
    return out


# -- spreadsheet injection -----------------------------------------------------------------------

_TRIGGERS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


def escape_cell(value: Any) -> Any:
    """``'`` + ``value`` when a spreadsheet would read ``value`` as a formula; else ``value``."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in _TRIGGERS and not _NUMBER.fullmatch(value):
        return "'" + value
    if value[0] == "'" and _ESCAPED.match(value):  # keeps the escape reversible
        return "'" + value
    return value


def unescape_cell(value: Any) -> Any:
    """Undo :func:`escape_cell`."""
    if isinstance(value, str) and _ESCAPED.match(value):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if frame[c].dtype == object or isinstance(frame[c].dtype, pd.StringDtype)]


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell escaped (the same object when nothing needs escaping)."""
    out = frame
    for col in _text_columns(frame):
        escaped = frame[col].map(escape_cell, na_action="ignore")
        changed = escaped.ne(frame[col]) & frame[col].notna()
        if changed.any():
            if out is frame:
                out = frame.copy()
            out[col] = escaped
    return out


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`escape_frame` (for CSV tables qualpipe wrote)."""
    for col in _text_columns(frame):
        values = frame[col]
        if values.map(lambda v: isinstance(v, str) and v[:1] == "'", na_action="ignore").fillna(False).any():
            frame[col] = values.map(unescape_cell, na_action="ignore")
    return frame


# -- where a study reads and writes --------------------------------------------------------------

def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (symlinks resolved) is ``folder`` or lies under it."""
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


def study_path_problems(study: "Study") -> list[Problem]:
    """The output folder must not be a file or lie in the transcripts folder; the pseudonym key
    folder must lie neither in the transcripts folder nor in the output folder."""
    problems = []
    out, transcripts, keys = study.output_dir, study.transcripts_dir, study.private_dir
    if out.exists() and not out.is_dir():
        problems.append(Problem(study.where("output"), f"the output folder {out} is an existing file.",
                                "Name a folder for 'output:' (default: reports/<name>/)."))
    if inside(out, transcripts):
        problems.append(Problem(study.where("output"), f"the output folder {out} is inside the transcripts "
                                f"folder {transcripts}; tables would be written among the transcripts.",
                                "Choose an output folder outside the transcripts folder, e.g. "
                                f"'reports/{study.name}'."))
    if inside(keys, transcripts):
        problems.append(Problem(study.where("pseudonymise.key_dir"), f"the pseudonym key folder {keys} is "
                                "inside the transcripts folder; the key would travel with shared data.",
                                "Choose a key_dir outside the transcripts folder, e.g. '.private'."))
    if inside(keys, out):
        problems.append(Problem(study.where("pseudonymise.key_dir"), f"the pseudonym key folder {keys} is "
                                "inside the output folder, which is shared.",
                                "Choose a key_dir outside the output folder, e.g. '.private'."))
    return problems


def relative_to_study(study: "Study", path: str | Path) -> str:
    """``path`` relative to the study file's folder, with ``/`` (``../`` where it lies outside),
    so provenance and the report never show the layout of the researcher's machine."""
    resolved = study.resolve(path)
    try:
        return os.path.relpath(resolved, study.root).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return Path(path).name


class ManifestFiles:
    """Checks each manifest ``file`` as ingest reads it: it must stay inside the transcripts folder
    (no ``../``, no absolute path, no symlink leading out) unless the study sets
    ``ingest.allow_outside_files: true``, and no file may be listed under two ids."""

    def __init__(self, study: "Study"):
        self.study = study
        self.folder = study.transcripts_dir
        self.allow = bool(getattr(study.ingest, "allow_outside_files", False))
        self.seen: dict[Path, tuple[int, str]] = {}
        self.manifest_path = study.manifest_path  # resolved once: a property that resolves on every call

    def problem(self, name: str, line: int, doc_id: str) -> Problem | None:
        """The problem with row ``line``'s file ``name``, or None when it may be read."""
        where_ = f"{self.manifest_path}:{line}[file]"
        path = self.folder / name
        if not self.allow and not inside(path, self.folder):
            if Path(name).is_absolute():
                how = "is an absolute path that leads"
            elif ".." in Path(name).parts:
                how = "climbs with '..'"
            else:
                how = "is (or passes through) a symbolic link that leads"
            return Problem(where_, f"file {name!r} {how} outside the transcripts folder {self.folder}; qualpipe "
                           "reads only files inside it.",
                           "Copy the file into the transcripts folder, or set 'ingest: {allow_outside_files: "
                           "true}' in the study file if reading it from there is intended.")
        resolved = path.resolve()
        if resolved in self.seen:
            first_line, first_id = self.seen[resolved]
            return Problem(where_, f"file {name!r} is listed twice: as {first_id!r} on line {first_line} and as "
                           f"{doc_id!r} on line {line}; it would be ingested twice.",
                           "Keep one of the two rows (or point one of them at the right file).")
        self.seen[resolved] = (line, doc_id)
        return None
