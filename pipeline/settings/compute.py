"""Where the per-document stages run: the ``compute:`` block of a study file.

::

    compute:
      scheduler: dask            # single (default): everything in this process
      address: tcp://10.0.0.5:8786   # an existing Dask scheduler; without it, a local cluster
      workers: 2                 # worker processes of the local cluster (default: one per core)
      partition_size: 50         # documents per partition (default: 4 partitions per worker thread)
      start_method: spawn        # how local workers start (default: fork on Linux, spawn elsewhere)

The outputs do not depend on any of these: the same study gives the same bytes on one process and
on a cluster. ``qualpipe run --scheduler dask`` sets ``scheduler`` for one run.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from pipeline.settings.base import StrictModel

SCHEDULERS = ("single", "dask")


class ComputeSettings(StrictModel):
    """Where ingest (reading, pseudonymising) and coding run: in this process, or over partitions of
    documents on a Dask cluster."""

    scheduler: Literal["single", "dask"] = Field(
        "single", description="single: every stage in this process; dask: the per-document work of ingest "
                              "and coding on a Dask cluster, in partitions of documents")
    address: str | None = Field(
        None, description="address of a running Dask scheduler (e.g. 'tcp://10.0.0.5:8786'); without it a "
                          "local cluster is started for the run and stopped after it")
    workers: int | None = Field(
        None, ge=1, le=512, description="worker processes of the local cluster (one thread each); default: "
                                        "one per core")
    partition_size: int | None = Field(
        None, ge=1, description="documents per partition; default: the documents spread over 4 partitions "
                                "per worker thread")
    start_method: Literal["fork", "spawn", "forkserver"] | None = Field(
        None, description="how the local cluster starts its workers: 'fork' copies this process, its imports "
                          "and word lists loaded (quick); 'spawn' starts fresh interpreters that import them "
                          "again (about 5-10 CPU s each); default: fork on Linux, spawn elsewhere")

    @field_validator("address")
    @classmethod
    def _address_needs_dask(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("scheduler") != "dask":
            raise ValueError("it names a Dask scheduler, but 'scheduler' is 'single': set 'scheduler: dask' "
                             "or remove 'address'")
        if value is not None and not value.strip():
            raise ValueError("it is empty: give the scheduler's address (e.g. 'tcp://10.0.0.5:8786') or remove it")
        return value

    @field_validator("workers", "start_method")
    @classmethod
    def _of_local_cluster(cls, value, info: ValidationInfo):  # noqa: ANN001, ANN206
        if value is not None and info.data.get("address") is not None:
            raise ValueError(f"'{info.field_name}' is about the local cluster; the running scheduler at 'address' "
                             f"has its own workers: remove '{info.field_name}'")
        return value


__all__ = ["SCHEDULERS", "ComputeSettings"]
