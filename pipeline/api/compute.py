"""Compute backends: where the per-document work of ingest and coding runs (``compute:`` in the study
file, ``qualpipe run --scheduler dask``).

- ``single`` (the default): everything in this process (:data:`pipeline.parallel.SERIAL`).
- ``dask``: the per-document work on a Dask cluster, in partitions of documents: reading the
  transcripts, applying the fitted pseudonymiser, and scoring turns with the fitted coder. A local
  cluster (``compute.workers`` processes of one thread) is started when a stage first needs it and
  stopped when the run (or the API call) ends; ``compute.address`` uses a running scheduler instead.

What stays in this process whatever the scheduler: the global steps, each fitted once on the whole
corpus (the pseudonymiser's names and key, the coder's training on the human-coded documents), the
assembly of the tables, writing the outputs, and every later stage (topics, comparison, report).
The partitions only decide where per-document work runs, so the outputs are the same bytes on one
process and on a cluster (``tests/test_dask.py``).

dask and distributed are imported only when a stage really runs on Dask: a run that finds every
stage cached never starts a cluster.
"""
from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from pipeline.api.session import release, resource
from pipeline.errors import ConfigError, Problem, QualpipeError
from pipeline.parallel import SERIAL, Serial, chunks

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.settings import Study
    from pipeline.settings.compute import ComputeSettings

#: partitions per worker thread when ``compute.partition_size`` is not set: enough to keep every
#: worker busy while a slow partition finishes, few enough that each one's overhead stays small
PARTITIONS_PER_THREAD = 4
#: seconds to wait for a running scheduler at ``compute.address``
CONNECT_TIMEOUT = 20


@contextlib.contextmanager
def partitions(study: "Study") -> Iterator[Serial]:
    """The backend of ``study.compute`` for the stage run inside the ``with`` block. Within a session
    (``qualpipe run``) one cluster serves every stage and is stopped when the session ends;
    outside one, the cluster lives for the block."""
    settings = study.compute
    if settings.scheduler == "single":
        yield SERIAL
        return
    where, folder, languages = str(study.source or "study"), str(study.transcripts_dir), tuple(study.languages)
    shared = resource(_key(study), lambda: DaskPartitions(settings, where, folder, languages), DaskPartitions.close)
    if shared is not None:
        yield shared
        return
    backend = DaskPartitions(settings, where, folder, languages)
    try:
        yield backend
    finally:
        backend.close()


def stop(study: "Study") -> None:
    """Stop the session's cluster of ``study`` once the last stage that uses it (coding) is done: its
    idle workers would otherwise hold memory, and the calling process would keep serving them, while
    the topics, comparison and report run."""
    if study.compute.scheduler != "single":
        release(_key(study))


def _key(study: "Study") -> tuple:
    return ("compute", study.compute.model_dump_json(), str(study.transcripts_dir), tuple(study.languages))


def with_scheduler(study: "Study", scheduler: str) -> "Study":
    """``study`` with ``compute`` set from ``qualpipe run --scheduler``: ``single``, ``dask`` (the
    study's own ``compute`` settings, on Dask) or the address of a running Dask scheduler."""
    from pipeline.settings.compute import ComputeSettings

    current = study.compute.model_dump()
    if scheduler == "single":
        values = {"scheduler": "single"}
    elif scheduler == "dask":
        values = {**current, "scheduler": "dask"}
    elif "://" in scheduler:
        values = {**current, "scheduler": "dask", "address": scheduler, "workers": None, "start_method": None}
    else:
        raise ConfigError(Problem("--scheduler", f"unknown scheduler {scheduler!r}.",
                                  "Use 'single', 'dask' (a local cluster, or compute.address of the study "
                                  "file) or a scheduler's address such as 'tcp://10.0.0.5:8786'."))
    return study.model_copy(update={"compute": ComputeSettings(**values)})


class DaskPartitions(Serial):
    """Partitions of documents mapped on a Dask cluster (local, or at ``settings.address``)."""

    def __init__(self, settings: "ComputeSettings", source: str = "study", folder: str | None = None,
                 languages: Sequence[str] = ()):
        self.settings = settings
        self.source = source
        self.folder = folder  # the transcripts folder, which the workers read
        self.languages = tuple(languages)
        self._cluster = None
        self._client = None
        self._warming: list | None = None

    # -- the cluster -----------------------------------------------------------------------------
    @property
    def client(self):  # noqa: ANN201
        """The Dask client, the cluster started (or connected to) on first use."""
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self):  # noqa: ANN202
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError(Problem(f"{self.source}[compute.scheduler]",
                                      "the scheduler is 'dask' but dask.distributed is not installed.",
                                      "Install it (pip install 'dask==2026.8.0' 'distributed==2026.8.0', as "
                                      "pinned in pyproject.toml) or set compute.scheduler: single.")) from None
        if self.settings.address is None:
            self._cluster = self._local_cluster(LocalCluster)
            return Client(self._cluster)
        try:
            client = Client(self.settings.address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(Problem(f"{self.source}[compute.address]",
                                      f"cannot reach the Dask scheduler at {self.settings.address!r} ({exc}).",
                                      "Start it (`dask scheduler`, then `dask worker ADDRESS` on each machine), "
                                      "correct the address, or leave 'address' out for a local cluster.")) from None
        try:
            _check_workers(client, self.settings.address, self.source, self.folder)
        except ConfigError:
            client.close()
            raise
        return client

    def _local_cluster(self, LocalCluster):  # noqa: ANN001, ANN202, N803
        """A cluster of ``workers`` processes of one thread on this machine. Forked workers start with
        what this process loaded first (the stages, scikit-learn, spaCy and its pipelines: it needs
        them anyway); spawned ones load it themselves (:func:`_warm_up`)."""
        import logging

        import dask

        method = self.method()
        if method == "fork":
            _warm_up(self.languages)
            self._warming = []  # nothing left to load in the workers
        with dask.config.set({"distributed.worker.multiprocessing-method": method}):
            return LocalCluster(n_workers=self.settings.workers or _cores(), threads_per_worker=1, processes=True,
                                dashboard_address=None, silence_logs=logging.ERROR)

    def method(self) -> str:
        """How local workers start: ``compute.start_method``, else fork on Linux and spawn elsewhere."""
        import sys

        return self.settings.start_method or ("fork" if sys.platform.startswith("linux") else "spawn")

    def close(self) -> None:
        """Stop the local cluster (a running scheduler at ``address`` is left running)."""
        client, cluster, self._client, self._cluster = self._client, self._cluster, None, None
        self._warming = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    # -- partitions -----------------------------------------------------------------------------
    def split(self, items: Sequence[Any]) -> list[list[Any]]:
        if not len(items):
            return []
        size = self.settings.partition_size
        if size is None:
            size = math.ceil(len(items) / (PARTITIONS_PER_THREAD * self.threads()))
        return chunks(items, size)

    def map(self, fn: Callable[..., Any], parts: Sequence[Any], *shared: Any) -> list[Any]:
        """``fn(part, *shared)`` for every part on the cluster, results in order. ``shared`` is sent to
        every worker once; the parts are spread over the workers."""
        if not parts:
            return []
        client = self.client
        # in a list: scatter() would send a dict's (or a list's) items one by one
        sent = [client.scatter([obj], broadcast=True, hash=False)[0] for obj in shared]
        inputs = client.scatter(list(parts), hash=False)
        futures = [client.submit(fn, part, *sent, pure=False) for part in inputs]
        try:
            results = client.gather(futures)
        except Exception as exc:
            if type(exc).__name__ != "KilledWorker":
                raise
            raise QualpipeError(Problem(f"{self.source}[compute]", f"a Dask worker died while running "
                                        f"{getattr(fn, '__name__', fn)} on a partition ({exc}); most often it ran "
                                        "out of memory.", "Give the workers more memory, set a smaller "
                                        "compute.partition_size, or run with compute.scheduler: single.")) from None
        finally:
            client.cancel(futures + inputs + sent)
        if self._warming is None:  # after the first partitions: while this process fits, not before
            self._warming = [client.submit(_warm_up, self.languages, pure=False, workers=[worker])
                             for worker in client.scheduler_info()["workers"]]
        return results


def _warm_up(languages: Sequence[str]) -> None:
    """Load on a worker what the partitions of ingest and coding need (the stages, scikit-learn, spaCy
    and its pipelines, about 5-15 s in a new process), while the calling process fits the
    pseudonymiser or trains the coder, instead of in the first partition after it."""
    import pipeline.stages.coding.code  # noqa: F401
    import pipeline.stages.ingest.pseudonymise  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    from pipeline.text.nlp import tokenize

    for language in languages:
        tokenize(["Warm up."], language)


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _worker_facts(folder: str | None = None) -> dict:
    """What :func:`_check_workers` compares: run on each worker."""
    import os

    from pipeline.about import __version__
    from pipeline.api.runrecord import source_hash

    return {"version": __version__, "source": source_hash(), "reads": folder is None or os.path.isdir(folder)}


def _check_workers(client, address: str, source: str, folder: str | None) -> None:  # noqa: ANN001
    """Refuse workers that run another qualpipe (their outputs could differ from this process's) or
    cannot read the transcripts folder (they read the transcripts)."""
    here = _worker_facts()
    facts = client.run(_worker_facts, folder)
    if not facts:
        raise ConfigError(Problem(f"{source}[compute.address]", f"the Dask scheduler at {address!r} has no workers.",
                                  "Start workers (`dask worker ADDRESS`) and run again."))
    blind = sorted(w for w, f in facts.items() if not f["reads"])
    if blind:
        raise ConfigError(Problem(
            f"{source}[compute.address]", f"{len(blind)} of the {len(facts)} Dask workers at {address!r} cannot "
            f"read the transcripts folder {folder} (first: {blind[0]}); the workers read the transcripts.",
            "Make the folder available at the same path on every worker machine (a shared file system), "
            "or run with compute.scheduler: single."))
    here = {k: v for k, v in here.items() if k != "reads"}
    other = sorted(w for w, f in facts.items() if {k: v for k, v in f.items() if k != "reads"} != here)
    if other:
        raise ConfigError(Problem(
            f"{source}[compute.address]",
            f"{len(other)} of the {len(facts)} Dask workers at {address!r} run another version of qualpipe "
            f"({other[0]}: {facts[other[0]]['version']}, source {facts[other[0]]['source'][:12]}; here "
            f"{here['version']}, source {here['source'][:12]}); their outputs could differ.",
            "Install the same qualpipe (the same commit) in every worker's environment."))


__all__ = ["DaskPartitions", "partitions", "stop", "with_scheduler"]
