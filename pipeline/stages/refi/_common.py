"""Shared pieces of the REFI-QDA exchange: settings, GUIDs, XML and zip helpers."""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path


from pipeline.style import CODE_COLOURS
from pipeline.settings import RefiSettings  # noqa: F401  (re-exported)

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_URL = {
    PROJECT_NS: "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd",
    CODEBOOK_NS: "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd",
}

#: a document's Description lists its speakers and interviewers on lines "Speakers: a; b" and
#: "Interviewers: c" (read back on import; speaker labels never hold ';')
NAMES_SEPARATOR = "; "


def join_names(names) -> str:  # noqa: ANN001
    """The names of a Description line, ``"a; b"``."""
    return NAMES_SEPARATOR.join(names)


def split_names(line: str) -> list[str]:
    """The names of a Description line (:func:`join_names`), stripped."""
    return [s.strip() for s in line.split(NAMES_SEPARATOR.strip())]


#: Namespace of every qualpipe GUID (uuid5). Never change it: GUIDs would change with it.
QUALPIPE_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://qualpipe.invalid/refi-qda")
_NS_BYTES = QUALPIPE_NS.bytes

#: Okabe-Ito colours (distinguishable with colour-blindness), one per theme in codebook order.
PALETTE = CODE_COLOURS


def creation_time(created: _dt.datetime | str | None) -> _dt.datetime:
    """The fixed creation moment (UTC, whole seconds) of an export."""
    if isinstance(created, str):
        created = _dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    if created is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            created = _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
        else:
            today = _dt.datetime.now(_dt.timezone.utc).date()
            created = _dt.datetime(today.year, today.month, today.day, tzinfo=_dt.timezone.utc)
    if created.tzinfo is None:
        created = created.replace(tzinfo=_dt.timezone.utc)
    return created.astimezone(_dt.timezone.utc).replace(microsecond=0)


def xml_datetime(moment: _dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def guid(*parts: str) -> str:
    """A stable GUID: uuid5 over qualpipe's namespace and the parts joined by U+001F.

    Equal to ``str(uuid.uuid5(QUALPIPE_NS, name))``, computed directly (exports make tens of
    thousands of them)."""
    digest = bytearray(hashlib.sha1(_NS_BYTES + "\x1f".join(parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


@functools.lru_cache(maxsize=4096)
def code_guid(codebook_name: str, code_id: str) -> str:
    """The GUID of a code: the same in every .qdc and .qdpx made from that codebook."""
    return guid("codebook", codebook_name, code_id)


def norm_guid(value: str | None) -> str:
    """GUID comparison key: lower case, no braces."""
    return (value or "").strip().strip("{}").lower()


def snake(text: str, fallback: str = "code") -> str:
    """Lower snake case ASCII: 'Motief: netwerk (één)' -> 'motief_netwerk_een'."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return text or fallback


def local(element) -> str:  # noqa: ANN001
    """The local name of an element, whatever its namespace (readers are lenient)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(element, name: str) -> list:  # noqa: ANN001
    return [c for c in element if local(c) == name]


def child(element, name: str):  # noqa: ANN001
    for c in element:
        if local(c) == name:
            return c
    return None


def child_text(element, name: str) -> str:  # noqa: ANN001
    found = child(element, name)
    return (found.text or "") if found is not None else ""


def write_zip(path: Path, entries: dict[str, bytes], moment: _dt.datetime) -> None:
    """A zip with entries in sorted order and fixed timestamps, written atomically, so the same
    entries give the same bytes."""
    stamp = max(moment, _dt.datetime(1980, 1, 1, tzinfo=_dt.timezone.utc))
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    from pipeline.api.files import atomic_path

    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name], compresslevel=6)


# -- what an export could not carry ----------------------------------------------------------


@dataclass(frozen=True)
class Carried:
    """One kind of qualpipe information the REFI standard has no element for, and what became
    of it: ``where`` names the REFI element that now holds it, or says it was dropped."""

    what: str
    count: int
    where: str

    @property
    def dropped(self) -> bool:
        return self.where.startswith(("dropped", "not exported"))


@dataclass
class ExportSummary:
    """What an export wrote, and everything it could not write as such (``carried``)."""

    path: Path
    kind: str  # "project" (.qdpx) or "codebook" (.qdc)
    n_codes: int = 0
    n_documents: int = 0
    n_selections: int = 0
    n_codings: int = 0
    n_notes: int = 0
    users: list[str] = field(default_factory=list)
    carried: list[Carried] = field(default_factory=list)

    def add(self, what: str, count: int, where: str) -> None:
        if count:
            self.carried.append(Carried(what, int(count), where))

    @property
    def dropped(self) -> list[Carried]:
        return [c for c in self.carried if c.dropped]

    def to_text(self) -> str:
        if self.kind == "codebook":
            lines = [f"Wrote {self.path}: a REFI-QDA codebook of {self.n_codes} codes."]
        else:
            lines = [f"Wrote {self.path}: {self.n_documents} documents, {self.n_codes} codes, "
                     f"{self.n_selections} coded selections, {self.n_codings} codings, "
                     f"{self.n_notes} notes."]
            if self.users:
                lines.append("Users: " + "; ".join(self.users) + ".")
        kept = [c for c in self.carried if not c.dropped]
        if kept:
            lines.append("Kept in other REFI-QDA elements (the standard has no place of their own for them):")
            lines += [f"  - {c.what} ({c.count}): {c.where}" for c in kept]
        if self.dropped:
            lines.append("Dropped or not exported:")
            lines += [f"  - {c.what} ({c.count}): {c.where}" for c in self.dropped]
        else:
            lines.append("Nothing was dropped.")
        return "\n".join(lines)
