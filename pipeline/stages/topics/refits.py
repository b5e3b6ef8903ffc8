"""The stability refits, run beside the main fit: :class:`Refits`.

:func:`~pipeline.stages.topics.stability` refits the model under other seeds (three by default:
on the sample 4.4 CPU s, as much as the main fit and the rest of the stage together). They
depend on the prepared units only, not on the main fit, so :func:`~pipeline.stages.topics.fit_topics`
can start them in a second process before its own fit: on Linux the process is forked (it shares
the imported libraries, the compiled numba code and the embeddings, nothing is pickled on the way
in) and sends back each refit's topic of every unit. Elsewhere, with ``processes=1``, or when the
process fails, the refits run in this process when asked for. The numbers are the same either way:
each refit is the same deterministic computation wherever it runs (tested).
"""
from __future__ import annotations

import multiprocessing
import sys
import warnings
from typing import Any

import numpy as np

from pipeline.settings.topics import TopicsSettings
from pipeline.stages.topics.fitting import fit_model

#: one refit: (its topic per fitted unit, its statistics: outlier share, ...)
Run = tuple[np.ndarray, dict]


def refit(prep: Any, settings: TopicsSettings, seed: int) -> Run:
    """The fit of ``prep`` under ``settings`` with ``seed``: each unit's topic and the statistics."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, topics, _, stats = fit_model(prep, settings.model_copy(update={"seed": seed}))
    return np.asarray(topics, dtype=int), stats


def can_fork() -> bool:
    """Whether refits can run in a forked process here (Linux: fork is safe with these libraries)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _child(prep: Any, settings: TopicsSettings, seeds: tuple[int, ...], conn) -> None:  # pragma: no cover - child
    try:
        conn.send(("ok", [refit(prep, settings, seed) for seed in seeds]))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which refits itself
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class Refits:
    """The refits of ``prep`` under each of ``seeds``. With ``processes`` > 1 (and fork available)
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
        if workers > 1 and can_fork():
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
            done = {i: refit(self.prep, self.settings, self.seeds[i]) for i in self._own}
            for process, conn, indices in self._children:
                payload = self._collect(process, conn)
                if payload is None or len(payload) != len(indices):
                    payload = [refit(self.prep, self.settings, self.seeds[i]) for i in indices]
                done.update(zip(indices, payload))
            self._children = []
            self._runs = [done[i] for i in range(len(self.seeds))]
        return self._runs

    def _collect(self, process, conn) -> list[Run] | None:
        try:
            status, payload = conn.recv()
        except (EOFError, OSError) as exc:
            status, payload = "error", f"the refit process ended without a result ({type(exc).__name__})"
        finally:
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
