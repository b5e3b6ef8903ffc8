"""The review of detected names (``qualpipe pseudonymise review``).

``review_names`` lists every possible name that no names list holds, with a snippet of context,
in ``<key_dir>/<study>.name_candidates.csv`` beside the pseudonym key (never in an output
folder); decisions already entered are kept. ``review_names(apply=True)`` moves the rows marked
``accept`` into ``<key_dir>/<study>.names.txt`` (read as one more names file on every ingest) and
the rows marked ``reject`` into ``<key_dir>/<study>.not_names.txt`` (never treated as names again).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.api.session import as_study
from pipeline.settings import Study


@dataclass
class NameReview:
    path: Path
    listed: int = 0
    accepted: int = 0
    rejected: int = 0
    open: int = 0


def review_names(study: Study | str | Path, apply: bool = False) -> NameReview:
    """Write (or, with ``apply``, settle) the study's list of detected names to review."""
    from pipeline.stages.ingest.corpus import ingest as read_corpus
    from pipeline.stages.ingest.detectors import mask_identifiers
    from pipeline.stages.ingest.names import apply_decisions, review_paths, write_candidates
    from pipeline.stages.ingest.pseudonymise import Pseudonymiser

    study = as_study(study)
    path = review_paths(study)["candidates"]
    if apply:
        accepted, rejected, left = apply_decisions(study)
        return NameReview(path, listed=left, accepted=accepted, rejected=rejected, open=left)
    raw = read_corpus(study, pseudonymise=False)
    pseudo = Pseudonymiser.for_study(study)
    pseudo.fit(raw.documents, raw.segments)  # learns, writes nothing: the key is written on ingest
    found = {name: {**info, "context": mask_identifiers(info["context"])}
             for name, info in pseudo.candidates_.items()}
    rows = write_candidates(path, found)
    return NameReview(path, listed=len(rows), open=sum(1 for r in rows if not r.get("decision")))
