"""Running a stage's per-document work over partitions of documents: in this process (the default)
or on a compute backend (:mod:`pipeline.api.compute`: a Dask cluster).

A stage that can run per document takes a ``parallel`` argument, an object with two methods:

- ``split(items)``: the items (documents, or manifest rows) cut into partitions, in order;
- ``map(fn, parts, *shared)``: ``[fn(part, *shared) for part in parts]``, in order, wherever the
  backend runs it. ``fn`` must be a module-level function (it is sent to other processes by
  reference) and ``shared`` the objects every partition needs (a fitted pseudonymiser, a coder),
  sent once.

:data:`SERIAL` (the default) keeps every item in one partition and calls ``fn`` here, so a stage
given it does exactly what it did before partitions existed. The global steps of a stage (fitting
the pseudonymiser on the whole corpus, training the coder) stay in the calling process; only what
is computed per document is mapped, so the outputs do not depend on the partitions. This module
imports nothing of the package.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence


class Serial:
    """Everything in one partition, in this process."""

    def split(self, items: Sequence[Any]) -> list[list[Any]]:
        return [list(items)] if len(items) else []

    def map(self, fn: Callable[..., Any], parts: Sequence[Any], *shared: Any) -> list[Any]:
        return [fn(part, *shared) for part in parts]

    def map_items(self, fn: Callable[..., list], items: Sequence[Any], *shared: Any) -> list[Any]:
        """``fn`` maps a partition (a list) to one result per item: the results of every item, in
        order (``fn`` runs once per partition)."""
        parts = self.split(items)
        results = []
        for part, out in zip(parts, self.map(fn, parts, *shared)):
            if len(out) != len(part):
                raise RuntimeError(f"{getattr(fn, '__name__', fn)} returned {len(out)} results for "
                                   f"{len(part)} items")
            results.extend(out)
        return results


#: the default: no partitions, no other process
SERIAL = Serial()


def chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    """``items`` in consecutive partitions of ``size`` (the last one shorter)."""
    if size < 1:
        raise ValueError(f"a partition holds at least one item (got {size})")
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def split_frame(frame, column: str, parts: Sequence[Sequence[Any]]):  # noqa: ANN201
    """``frame``'s rows by the partition (``parts``: lists of values) their ``column`` value is in,
    in their order within each partition, and the positions that put the partitions' rows, joined
    in order, back in ``frame``'s order: ``pd.concat(frames).iloc[restore]`` is ``frame``."""
    import numpy as np

    number = {value: i for i, part in enumerate(parts) for value in part}
    key = np.array([number[value] for value in frame[column]], dtype=np.int64)
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[order], np.arange(len(parts) + 1))
    frames = [frame.iloc[order[a:b]] for a, b in zip(bounds[:-1], bounds[1:])]
    return frames, np.argsort(order, kind="stable")


def join_frames(frames: Sequence[Any], restore):  # noqa: ANN001, ANN201
    """The inverse of :func:`split_frame`: the frames joined, rows in the original order and labels.

    Columns held by Arrow (pandas' strings) come out of a join in one piece per frame; each is made
    one piece again, as a table built in one process has it: Parquet writes a long text column
    split at other places otherwise (the dictionary of its values overflows at another row), and
    the file's bytes would depend on the partitions."""
    import pandas as pd

    joined = pd.concat(list(frames)).iloc[restore]
    for column in joined.columns:
        values = joined[column].array
        chunked = values.__arrow_array__() if hasattr(values, "__arrow_array__") else None
        if getattr(chunked, "num_chunks", 1) > 1:
            joined[column] = pd.Series(pd.array(chunked.combine_chunks(), dtype=values.dtype), index=joined.index)
    return joined


__all__ = ["SERIAL", "Serial", "chunks", "join_frames", "split_frame"]
