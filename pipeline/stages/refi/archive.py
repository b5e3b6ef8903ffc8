"""The files of a REFI-QDA project, read safely.

A ``.qdpx`` is a zip of ``project.qde`` and a ``sources`` folder. Sources are read from inside
the archive only: a ``plainTextPath`` of ``absolute://...`` or a ``relative://`` path is looked up
by its file name among the archive's entries, never on the disk (a crafted project could
otherwise read ``/etc/passwd`` into the documents). Members whose names leave the archive
(``../x``, ``/x``, ``C:/x``) are refused, and so are entries that would unpack to more than
:data:`MAX_ENTRY_BYTES` or that compress more than :data:`MAX_RATIO` times (zip bombs).
A bare ``.qde`` (not zipped) reads its sources from its own folder only.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from pipeline.errors import InputError, Problem
from pipeline.api.files import inside

#: the largest entry (project XML or one source text) read from an archive, in bytes
MAX_ENTRY_BYTES = 256 * 1024 * 1024
#: the most an entry larger than :data:`RATIO_FLOOR` may shrink when compressed (text: 3-20x)
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
_FIX_EXPORT = "Export the project again from the QDA program as a REFI-QDA project (.qdpx)."


def _leaves(name: str) -> bool:
    """Whether a zip member's name points outside the archive's folder."""
    posix = name.replace("\\", "/")
    return posix.startswith("/") or bool(re.match(r"^[A-Za-z]:", posix)) or ".." in PurePosixPath(posix).parts


class Archive:
    """The files of a .qdpx (or the folder of a bare .qde), looked up leniently but safely."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.names: list[str] = []
        self.by_name: dict[str, list[str]] = {}
        if path.suffix.lower() == ".qde" and not zipfile.is_zipfile(path):
            return
        if not zipfile.is_zipfile(path):
            raise InputError(Problem(str(path), "not a zip archive; a REFI-QDA project (.qdpx) is a zip holding "
                                     "project.qde and a sources folder.", _FIX_EXPORT))
        try:
            self.zip = zipfile.ZipFile(path)
            infos = [i for i in self.zip.infolist() if not i.is_dir() and "__MACOSX" not in i.filename]
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(Problem(str(path), f"the zip archive is damaged ({exc}).",
                                     "Export the project again, or copy it again if it was truncated.")) from None
        bad = [i.filename for i in infos if _leaves(i.filename)]
        if bad:
            raise InputError(Problem(f"{path}!{bad[0]}", f"the archive holds {len(bad)} entr{'y' if len(bad) == 1 else 'ies'} "
                                     "whose name leaves the archive's folder ('..', '/' or a drive letter); "
                                     "qualpipe refuses such archives.", _FIX_EXPORT))
        self.infos = {i.filename: i for i in infos}
        self.names = [i.filename for i in infos]
        for n in self.names:
            self.by_name.setdefault(n.rsplit("/", 1)[-1].lower(), []).append(n)

    def qde(self) -> tuple[str, bytes]:
        if self.zip is None:
            return self.path.name, self.path.read_bytes()
        found = sorted((n for n in self.names if n.lower().endswith(".qde")),
                       key=lambda n: (PurePosixPath(n).name.lower() != "project.qde", n.count("/"), n))
        if not found:
            raise InputError(Problem(str(self.path), "the archive holds no .qde file (the project XML).",
                                     "Export the project again as a REFI-QDA project; a .qdpx must contain "
                                     "project.qde."))
        return found[0], self.read(found[0])

    def _check_size(self, info: zipfile.ZipInfo) -> None:
        where = f"{self.path}!{info.filename}"
        if info.file_size > MAX_ENTRY_BYTES:
            raise InputError(Problem(where, f"the entry unpacks to {info.file_size / 2**20:.0f} MiB, more than the "
                                     f"{MAX_ENTRY_BYTES // 2**20} MiB qualpipe reads from a project.",
                                     "Split the project, or export its texts without embedded media."))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise InputError(Problem(where, f"the entry compresses {ratio:.0f} times (more than {MAX_RATIO}); "
                                     "this looks like a zip bomb, not a text.", _FIX_EXPORT))

    def read(self, name: str) -> bytes:
        where = f"{self.path}!{name}"
        try:
            if self.zip is None:
                return self.path.parent.joinpath(name).read_bytes()
            info = self.infos[name]
            self._check_size(info)
            with self.zip.open(info) as handle:  # the header's size may lie: never read past the cap
                data = handle.read(MAX_ENTRY_BYTES + 1)
        except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError) as exc:
            raise InputError(Problem(where, f"cannot read this entry ({exc}).",
                                     "Export the project again; the archive is damaged.")) from None
        if len(data) > MAX_ENTRY_BYTES:
            raise InputError(Problem(where, f"the entry unpacks to more than {MAX_ENTRY_BYTES // 2**20} MiB.",
                                     "Split the project, or export its texts without embedded media."))
        return data

    def find(self, reference: str, base_path: str) -> bytes | None:
        """The bytes of a source file named by a REFI path, from inside the archive only, or None.
        ``base_path`` (the exporting machine's folder of ``relative://`` paths) is never read."""
        ref = reference.strip()
        _, _, rest = ref.partition("://")
        rest = (rest or ref).replace("\\", "/")
        target = PurePosixPath(rest).name.lower()
        if self.zip is None:
            folder = self.path.parent
            for candidate in (folder / rest.lstrip("/"), folder / "sources" / target, folder / "Sources" / target):
                if candidate.is_file() and inside(candidate, folder):
                    return candidate.read_bytes()
            return None
        inner = rest.lower().lstrip("/")
        named = sorted(self.by_name.get(target, []),
                       key=lambda n: (n.lower() != inner, PurePosixPath(n).parent.name.lower() != "sources", n))
        return self.read(named[0]) if named else None
