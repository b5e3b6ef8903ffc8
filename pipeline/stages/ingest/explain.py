"""``qualpipe ingest --explain FILE``: the turns one transcript gives, so a researcher sees at once
whether the speaker labels were understood."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import QualpipeError

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study


def _manifest_row(study: "Study", path: Path) -> dict | None:
    from pipeline.stages.ingest.corpus import read_manifest

    try:
        manifest = read_manifest(study.manifest_path)
    except QualpipeError:
        return None
    for row in manifest.to_dict("records"):
        if row.get("file") and (study.transcripts_dir / row["file"]).resolve() == path.resolve():
            return row
    return None


def explain(path: Path, study: "Study | None" = None, interviewer: str | None = None) -> list[str]:
    """Lines describing the turns of one file: number, speaker, role, source line, first words."""
    from pipeline.settings import DEFAULT_INTERVIEWER_LABELS
    from pipeline.stages.ingest.corpus import _options, speaker_role
    from pipeline.stages.ingest.formats import ReaderOptions, read_transcript

    row = _manifest_row(study, path) if study is not None else None
    options = _options(study, row) if study is not None else ReaderOptions(interviewer_labels=DEFAULT_INTERVIEWER_LABELS)
    if interviewer:
        from pipeline.stages.ingest.formats.base import label_key

        options.interviewer_labels |= {label_key(x) for x in interviewer.split(";") if x.strip()}
    transcript = read_transcript(path, options)
    out = [f"{path}: {len(transcript.turns)} turns, encoding {transcript.encoding or '-'}, "
           f"{'labelled' if transcript.labelled else 'NO speaker labels (paragraphs of one speaker)'}"
           + ("" if row is None else f", manifest line {row['_line']} (doc_id {row.get('doc_id', '')})")]
    if transcript.preamble:
        out.append(f"  preamble: {_words(transcript.preamble)}")
    out.append(f"  {'turn':>4}  {'line':>5}  {'role':11} {'speaker':24} first words")
    for number, turn in enumerate(transcript.turns, start=1):
        role = speaker_role(turn.speaker, options.interviewer_labels)
        out.append(f"  {number:>4}  {turn.line:>5}  {role:11} {turn.speaker[:24]:24} {_words(turn.text)}")
    speakers = sorted({t.speaker for t in transcript.turns})
    out.append(f"  speakers: {' | '.join(speakers[:20])}{' ...' if len(speakers) > 20 else ''}")
    out += [f"  {p.severity}: {p.where}: {p.message}" for p in transcript.warnings]
    return out


def _words(text: str, n: int = 8) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")
