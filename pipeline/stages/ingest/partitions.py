"""Pseudonymisation in partitions of documents (``compute.scheduler: dask``).

The pseudonymiser is fitted once, on the whole corpus (every name, speaker and identifier it must
know, and the key, :mod:`pipeline.stages.ingest.pseudonymise`); applying it is per document. So the
fitted object is sent to the workers and each partition of documents is transformed there; the
key is written once, by the calling process. A transformed document depends on nothing but the
fitted pseudonymiser and its own rows, so the tables are the same whatever the partitions.
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.parallel import Serial, join_frames, split_frame

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.stages.ingest.pseudonymise import Pseudonymiser


def pseudonymise_partitions(pseudo: "Pseudonymiser", documents: pd.DataFrame, segments: pd.DataFrame,
                            parallel: Serial) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``pseudo.transform(documents, segments)`` (``pseudo`` fitted on them) computed in the
    partitions of documents of ``parallel``; one partition (the default) is the plain call."""
    parts = parallel.split(documents["doc_id"].tolist())
    if len(parts) <= 1:
        return pseudo.transform(documents, segments)
    doc_frames, doc_order = split_frame(documents, "doc_id", parts)
    seg_frames, seg_order = split_frame(segments, "doc_id", parts)
    applier = copy.copy(pseudo)
    applier.key_path = None  # the workers write no key: it is written once, below
    done = parallel.map(_transform, list(zip(doc_frames, seg_frames)), applier)
    pseudo.write_key()
    return join_frames([d for d, _ in done], doc_order), join_frames([s for _, s in done], seg_order)


def _transform(part: tuple[pd.DataFrame, pd.DataFrame], pseudo: "Pseudonymiser") -> tuple[pd.DataFrame, pd.DataFrame]:
    """One partition's documents and segments, pseudonymised (on a worker)."""
    return pseudo.transform(*part)
