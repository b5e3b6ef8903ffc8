"""The stability refits, run beside the main fit: :class:`Refits`.

:func:`~pipeline.stages.topics.stability` refits the model under other seeds (three by default:
on the sample 4.4 CPU s, as much as the main fit and the rest of the stage together). They
depend on the prepared units only, not on the main fit, so :func:`~pipeline.stages.topics.fit_topics`
can start them in other processes before its own fit: on Linux they are forked (sharing the
imported libraries and the embeddings; nothing is pickled on the way in) and send back each
refit's topic of every unit. The numbers are the same either way: each refit is the same
deterministic computation wherever it runs (tested).

Forking is only done where it is known to be safe (:func:`can_fork`): on Linux, for the
components whose code runs no OpenMP thread pool the parent may have started (UMAP on fewer than
4,096 units, PCA or none; HDBSCAN; not k-means, not a sentence-transformers model), and not once
numba's OpenMP threading layer runs in this process (numba then ends a forked child: "fork()
called from a process already using GNU OpenMP"). Otherwise, and whenever a forked process gives
no result in time, the refits run in this process.
"""
from __future__ import annotations

import multiprocessing
import sys
import time
import warnings
from typing import Any

import numpy as np

from pipeline.settings.topics import TopicsSettings
from pipeline.stages.topics.fitting import fit_model

#: one refit: (its topic per fitted unit, its statistics: outlier share, ...)
Run = tuple[np.ndarray, dict]
#: UMAP computes every distance (no parallel nearest-neighbour search) below this many units
UMAP_EXACT_BELOW = 4096


def refit(prep: Any, settings: TopicsSettings, seed: int) -> Run:
    """The fit of ``prep`` under ``settings`` with ``seed``: each unit's topic and the statistics."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, topics, _, stats = fit_model(prep, settings.model_copy(update={"seed": seed}))
    return np.asarray(topics, dtype=int), stats


def _numba_openmp_running() -> bool:
    module = sys.modules.get("numba.np.ufunc.parallel")
    if module is None or not getattr(module, "_is_initialized", False):
        return False
    import numba

    return numba.threading_layer() != "workqueue"


def can_fork(settings: TopicsSettings, n_units: int) -> bool:
    """Whether refits under ``settings`` of ``n_units`` units can run in forked processes here."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return False
    safe_reduction = settings.reduction in ("pca", "none") or (
        settings.reduction == "umap" and n_units < UMAP_EXACT_BELOW)
    return (safe_reduction and settings.clusterer() == "hdbscan"
            and not settings.embedding.startswith("sentence-transformers") and not _numba_openmp_running())


def _child(prep: Any, settings: TopicsSettings, seeds: tuple[int, ...], conn) -> None:  # pragma: no cover - child
    try:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="openmp"):  # a pool started by the parent is not here
            conn.send(("ok", [refit(prep, settings, seed) for seed in seeds]))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which refits itself
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class Refits:
    """The refits of ``prep`` under each of ``seeds``. With ``processes`` > 1 (and :func:`can_fork`)
    the fits - the main fit and the refits, in that order - are dealt out over ``processes``
    workers: fit *k* to worker *k* mod ``processes``, worker 0 being this process, which has the
    main fit; the other workers are forked at once. This process computes its share in
    :meth:`runs`, while the others run."""

    def __init__(self, prep: Any, settings: TopicsSettings, seeds: tuple[int, ...] | list[int], processes: int = 1):
        self.prep, self.settings, self.seeds = prep, settings, tuple(int(s) for s in seeds)
        self._own = list(range(len(self.seeds)))  # the refits this process computes
        self._children: list[tuple[Any, Any, list[int]]] = []  # (process, connection, refits)
        self._runs: list[Run] | None = None
        self.errors: list[str] = []  # why a forked process gave no result (its refits were computed here)
        workers = min(int(processes), len(self.seeds) + 1)
        if workers > 1 and can_fork(settings, len(prep.prepared)):
            share = {w: [i for i in range(len(self.seeds)) if (i + 1) % workers == w] for w in range(workers)}
            self._own = share[0]
            for w in range(1, workers):
                self._children.append(self._start(share[w]))
        self.forked = len(self._children)  # how many processes were forked for the refits

    def _start(self, indices: list[int]) -> tuple[Any, Any, list[int]]:
        context = multiprocessing.get_context("fork")
        conn, child_end = context.Pipe(duplex=False)
        for stream in (sys.stdout, sys.stderr):  # the child must not print what this process buffered
            stream.flush()
        seeds = tuple(self.seeds[i] for i in indices)
        process = context.Process(target=_child, args=(self.prep, self.settings, seeds, child_end),
                                  daemon=True, name="qualpipe-refits")
        process.start()
        child_end.close()
        return process, conn, indices

    def runs(self) -> list[Run]:
        """One :data:`Run` per seed, in the order of ``seeds`` (waits for the forked processes)."""
        if self._runs is None:
            started = time.perf_counter()
            done = {i: refit(self.prep, self.settings, self.seeds[i]) for i in self._own}
            # a forked process is given ten times this process's time per refit (at least 2 min)
            per_refit = (time.perf_counter() - started) / len(self._own) if self._own else 30.0
            for process, conn, indices in self._children:
                payload = self._collect(process, conn, 120.0 + 10 * per_refit * len(indices))
                if payload is None or len(payload) != len(indices):
                    payload = [refit(self.prep, self.settings, self.seeds[i]) for i in indices]
                done.update(zip(indices, payload))
            self._children = []
            self._runs = [done[i] for i in range(len(self.seeds))]
        return self._runs

    def _collect(self, process, conn, timeout: float) -> list[Run] | None:
        status, payload = "error", f"no result from the refit process within {timeout:.0f} s"
        try:
            if conn.poll(timeout):
                status, payload = conn.recv()
        except (EOFError, OSError) as exc:
            status, payload = "error", f"the refit process ended without a result ({type(exc).__name__})"
        finally:
            if process.is_alive() and status != "ok":
                process.terminate()
            process.join()
            conn.close()
        if status == "ok":
            return payload
        self.errors.append(str(payload))
        return None

    def cancel(self) -> None:
        """Stop the forked processes if their refits are not needed (stability was cached); a
        later :meth:`runs` computes them here."""
        for process, conn, indices in self._children:
            process.terminate()
            process.join()
            conn.close()
            self._own = sorted(self._own + indices)
        self._children = []

    def __getstate__(self) -> dict:
        """Pickled with its runs, never with a process."""
        return {**self.__dict__, "_runs": self.runs(), "_children": []}
