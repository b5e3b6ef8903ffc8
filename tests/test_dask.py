"""Ingest and coding on Dask (``compute.scheduler: dask``): the same bytes as one process.

A fixture study mixes ten sample transcripts of every format (a focus group with a speakers file,
two tables of open answers, human codings of four documents that train the stacked coder) with the
privacy fixture (names and identifiers nobody listed, a name in a file name, an unpublished
attribute with names). It is ingested and coded once in this process and once on a 2-worker
``LocalCluster`` in partitions of 3 documents, each with its own pseudonym key: every table, the
provenance and the key must be byte-identical. A name found in one partition's document must be
masked in every other partition's, which is what fitting once on the whole corpus guarantees.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

import pipeline
from pipeline.api import compute
from pipeline.errors import ConfigError
from pipeline.settings import study_from_dict

pytest.importorskip("distributed")

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
PRIVACY = REPO / "tests" / "fixtures" / "privacy"
SAMPLE_DOCS = ["efv-mentee-01", "efv-mentee-02", "efv-mentee-03", "efv-mentor-01", "efv-mentor-02", "efv-fg-01",
               "efl-mentee-02", "efl-open-answers", "efl-fg-01", "lim-open-answers"]


def fixture_study(folder: Path) -> dict:
    """Transcripts, manifest, names, speakers and human codings of the fixture study in ``folder``;
    returns the study file's keys (without output, key folder and compute)."""
    (folder / "transcripts").mkdir(parents=True)
    sample = pd.read_csv(SAMPLE / "manifest.csv", dtype=str, keep_default_na=False)
    sample = sample[sample["doc_id"].isin(SAMPLE_DOCS)]
    privacy = pd.read_csv(PRIVACY / "manifest.csv", dtype=str, keep_default_na=False)
    for rows, source in ((sample, SAMPLE / "transcripts"), (privacy, PRIVACY / "transcripts")):
        for name in rows["file"]:
            shutil.copy(source / name, folder / "transcripts" / name)
    pd.concat([sample, privacy], ignore_index=True).fillna("").to_csv(folder / "manifest.csv", index=False)
    shutil.copy(SAMPLE / "names.txt", folder / "names.txt")
    shutil.copy(SAMPLE / "speakers.csv", folder / "speakers.csv")
    shutil.copy(SAMPLE / "codings" / "gold_w1.csv", folder / "codings.csv")
    return {"name": "fixture", "transcripts": "transcripts", "manifest": "manifest.csv",
            "codebook": str(REPO / "codebooks" / "mentoring_to_work.yaml"), "languages": ["en", "nl"],
            "attributes": {"model": ["dual", "centralised"]}, "ingest": {"speakers": "speakers.csv"},
            "pseudonymise": {"names_files": ["names.txt"]}, "human_codings": ["codings.csv"]}


def write_study(folder: Path, keys: dict, compute_block: dict | None = None, name: str = "study.yaml") -> Path:
    data = {**keys, "output": "out", "pseudonymise": {**keys["pseudonymise"], "key_dir": "private"}}
    if compute_block:
        data["compute"] = compute_block
    (folder / name).write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder / name


def outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def partition_log(monkeypatch) -> list[tuple[str, int, int]]:
    """Every map on Dask, (function, partitions, workers), and every cluster stopped, ("close",)."""
    log: list[tuple] = []
    original, close = compute.DaskPartitions.map, compute.DaskPartitions.close

    def recording(self, fn, parts, *shared):
        log.append((fn.__name__, len(parts), len(self.client.scheduler_info()["workers"])))
        return original(self, fn, parts, *shared)

    def closing(self):
        if self._client is not None:
            log.append(("close",))
        close(self)

    monkeypatch.setattr(compute.DaskPartitions, "map", recording)
    monkeypatch.setattr(compute.DaskPartitions, "close", closing)
    return log


def test_ingest_and_code_on_two_dask_workers_write_the_same_bytes(tmp_path, monkeypatch, partition_log):
    monkeypatch.setenv("QUALPIPE_NO_CACHE", "1")
    blocks = {"one": None, "dask": {"scheduler": "dask", "workers": 2, "partition_size": 3}}
    results = {}
    for label, block in blocks.items():  # the same study in two folders: one in this process, one on Dask
        study = pipeline.load_study(write_study(tmp_path / label, fixture_study(tmp_path / label), block))
        with pipeline.api.session():  # one cluster for both stages, stopped when coding is done
            results[label] = (pipeline.ingest(study), pipeline.code(study))
            assert partition_log[-1:] == ([("close",)] if block else [])
    # every per-document step ran on the cluster's two workers, in 5 partitions of the 14 documents
    assert partition_log == [("_read_rows", 5, 2), ("_transform", 5, 2), ("_predict_part", 5, 2), ("close",)]
    one, dask = outputs(tmp_path / "one" / "out"), outputs(tmp_path / "dask" / "out")
    assert {"documents.csv", "segments.parquet", "coded_segments.csv", "codings.csv", "code_status.csv",
            "provenance.json"} <= set(one)
    assert sorted(one) == sorted(dask)
    assert [name for name in one if one[name] != dask[name]] == []
    assert outputs(tmp_path / "one" / "private") == outputs(tmp_path / "dask" / "private")  # the key
    corpus_one, corpus_dask = results["one"][0], results["dask"][0]
    assert [str(w) for w in corpus_one.warnings] == [str(w) for w in corpus_dask.warnings]
    pd.testing.assert_frame_equal(corpus_one.segments, corpus_dask.segments)  # dtypes too
    pd.testing.assert_frame_equal(results["one"][1].coded_segments, results["dask"][1].coded_segments)
    # the coder really was trained (human codings of 4 documents) and the pseudonyms applied everywhere
    assert results["dask"][1].coder.startswith("stacked")
    text = (tmp_path / "dask" / "out" / "segments.csv").read_text(encoding="utf-8")
    assert "Jan Peeters" not in text and "jan.peeters@example.org" not in text and "Joris" not in text


def test_a_running_scheduler_is_used_and_workers_running_other_code_are_refused(tmp_path, monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setenv("QUALPIPE_NO_CACHE", "1")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        block = {"scheduler": "dask", "address": cluster.scheduler_address, "partition_size": 4}
        keys = fixture_study(tmp_path)
        remote, single = write_study(tmp_path, keys, block), write_study(tmp_path, keys, name="single.yaml")
        pd.testing.assert_frame_equal(pipeline.ingest(remote, write=False).documents,
                                      pipeline.ingest(single, write=False).documents)
        backend = compute.DaskPartitions(pipeline.load_study(remote).compute, "study.yaml", "/no/such/folder")
        with pytest.raises(ConfigError, match="cannot read the transcripts folder /no/such/folder"):
            backend.threads()  # connects, and checks the workers
        monkeypatch.setattr("pipeline.about.__version__", "0.0.0-other")
        with pytest.raises(ConfigError, match=r"run another version of qualpipe") as refused:
            pipeline.ingest(remote, write=False)
        assert "study.yaml[compute.address]" in str(refused.value)
        assert len(cluster.scheduler_info["workers"]) == 2  # a scheduler qualpipe did not start stays up


def test_tables_joined_from_partitions_write_the_same_parquet_bytes(tmp_path):
    """Rows split by document and joined back are the same table and the same Parquet file: a long
    text column joined from pieces is made one piece again (Parquet stops dictionary-encoding a
    column at a row that depends on its pieces)."""
    from pipeline.parallel import chunks, join_frames, split_frame

    frame = pd.DataFrame({"doc_id": [f"d{i // 10:04d}" for i in range(30000)],  # 10 turns a document, in order
                          "text": [f"turn {i}: " + "so we met every two weeks " * (1 + i % 5) for i in range(30000)],
                          "turn": range(30000)})
    frames, order = split_frame(frame, "doc_id", chunks(list(dict.fromkeys(frame["doc_id"])), 400))
    assert len(frames) == 8 and sum(len(f) for f in frames) == len(frame)
    joined = join_frames(frames, order)
    pd.testing.assert_frame_equal(joined, frame)
    frame.to_parquet(tmp_path / "one.parquet", index=False, engine="pyarrow", compression="zstd")
    joined.to_parquet(tmp_path / "joined.parquet", index=False, engine="pyarrow", compression="zstd")
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "joined.parquet").read_bytes()


def test_compute_settings_are_checked_and_named(tmp_path):
    keys = fixture_study(tmp_path)
    bad = {"compute": {"address": "tcp://127.0.0.1:8786"}}
    with pytest.raises(ConfigError, match=r"\[compute.address\].*'scheduler' is 'single'"):
        study_from_dict({**keys, **bad}, root=tmp_path, source="s.yaml")
    both = {"compute": {"scheduler": "dask", "address": "tcp://127.0.0.1:8786", "workers": 2}}
    with pytest.raises(ConfigError, match=r"\[compute.workers\].*remove 'workers'"):
        study_from_dict({**keys, **both}, root=tmp_path, source="s.yaml")
    with pytest.raises(ConfigError, match=r"\[compute.sheduler\].*unknown key"):
        study_from_dict({**keys, "compute": {"sheduler": "dask"}}, root=tmp_path, source="s.yaml")
    study = study_from_dict(keys, root=tmp_path, source="s.yaml")
    assert study.compute.scheduler == "single"  # the default: one process
    on_dask = compute.with_scheduler(study, "tcp://10.0.0.5:8786")
    assert (on_dask.compute.scheduler, on_dask.compute.address) == ("dask", "tcp://10.0.0.5:8786")
    assert compute.with_scheduler(on_dask, "single").compute.address is None
    with pytest.raises(ConfigError, match="unknown scheduler 'threads'"):
        compute.with_scheduler(study, "threads")


def test_where_stages_run_is_not_part_of_the_run_key(tmp_path):
    """A warm ``qualpipe run --scheduler dask`` after a run in one process changes nothing: it finds
    the run's record (and so starts no cluster and imports no dask)."""
    from pipeline.api.runrecord import run_key

    study = study_from_dict(fixture_study(tmp_path), root=tmp_path, source="s.yaml")
    assert run_key(study) == run_key(compute.with_scheduler(study, "dask"))
    assert run_key(study) != run_key(study.model_copy(update={"seed": 7}))


@pytest.mark.slow
def test_cli_run_on_dask_writes_the_same_folder_and_a_warm_run_starts_no_cluster(tmp_path):
    """`qualpipe run --scheduler dask` (a local cluster of 2 workers, qualpipe's own) against `qualpipe
    run`: every file of the output folder, report included, the same bytes; the next run with
    `--scheduler dask` finds nothing changed without importing dask."""
    topics = {"reduction": "none", "clustering": "kmeans", "n_topics": 2, "min_words": 1, "stability_seeds": [],
              "embedding": "lsa"}
    for label in ("one", "dask"):
        keys = {**fixture_study(tmp_path / label), "topics": topics}
        path = write_study(tmp_path / label, keys, {"workers": 2, "partition_size": 3})
        extra = ["--scheduler", "dask"] if label == "dask" else []
        done = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", "--study", str(path), *extra],
                              capture_output=True, text=True, timeout=900, cwd=tmp_path / label)
        assert done.returncode == 0, done.stdout + done.stderr
    one, dask = outputs(tmp_path / "one" / "out"), outputs(tmp_path / "dask" / "out")
    assert "index.html" in one and sorted(one) == sorted(dask)
    assert [name for name in one if one[name] != dask[name]] == []
    probe = ("import sys, runpy; sys.argv = ['qualpipe', 'run', '--study', sys.argv[1], '--scheduler', 'dask']\n"
             "try:\n    runpy.run_module('pipeline.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('DASK', [m for m in ('dask', 'distributed') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "dask" / "study.yaml")], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path / "dask")
    assert "nothing changed" in done.stdout and "DASK []" in done.stdout, done.stdout + done.stderr
