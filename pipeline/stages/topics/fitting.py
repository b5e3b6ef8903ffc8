"""One BERTopic fit of prepared units: :func:`fit_model` (the main fit and each stability refit)."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from pipeline.settings.topics import TopicsSettings
from pipeline.stages.topics import registry
from pipeline.stages.topics.text import PreparedAnalyzer


def load_libraries(settings: TopicsSettings) -> None:
    """Import what a fit under ``settings`` uses (BERTopic, which imports HDBSCAN, and UMAP),
    without fitting anything."""
    from pipeline.stages.topics._bertopic import import_bertopic

    import_bertopic()
    if settings.reduction == "umap":
        from pipeline.stages.topics.umap_speed import install

        install()


def fit_model(prep: Any, settings: TopicsSettings) -> tuple[Any, np.ndarray, np.ndarray, dict]:
    """Fit BERTopic on ``prep`` (the prepared units of :func:`pipeline.stages.topics.model._prepare`:
    ``prepared`` texts, ``embeddings``, ``embedder``); returns ``(model, topics, probabilities,
    stats)``."""
    from pipeline.stages.topics._bertopic import import_bertopic

    BERTopic = import_bertopic().BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    n, dims = prep.embeddings.shape
    clusterer = settings.clusterer()
    reduction = registry.get("reduction", settings.reduction)[0](settings, n, dims)
    cluster = registry.get("clustering", clusterer)[0](settings, n, dims)
    representation = registry.get("representation", settings.representation)[0](settings)
    vectorizer = CountVectorizer(analyzer=PreparedAnalyzer(settings.ngram_range))
    model = BERTopic(
        embedding_model=prep.embedder.for_bertopic(), umap_model=reduction, hdbscan_model=cluster,
        vectorizer_model=vectorizer, ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=representation, top_n_words=settings.top_n_words,
        nr_topics=settings.n_topics if clusterer == "hdbscan" and settings.n_topics else None,
        calculate_probabilities=False, verbose=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        topics, probs = model.fit_transform(prep.prepared, embeddings=prep.embeddings)
    topics = np.asarray(topics, dtype=int)
    probs = np.full(n, np.nan) if probs is None or np.ndim(probs) != 1 else np.asarray(probs, float)
    raw_outliers = float(np.mean(topics == -1))
    reassigned = 0
    if settings.reduce_outliers != "off" and clusterer == "hdbscan" and (topics == -1).any() \
            and (topics >= 0).any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            new = np.asarray(model.reduce_outliers(
                prep.prepared, topics.tolist(), strategy=settings.reduce_outliers,
                threshold=settings.outlier_threshold, embeddings=prep.embeddings), dtype=int)
            model.update_topics(prep.prepared, topics=new.tolist(), top_n_words=settings.top_n_words,
                                vectorizer_model=vectorizer, representation_model=representation)
        changed = new != topics
        probs[changed] = np.nan
        reassigned = int(changed.sum())
        topics = new
    stats = {"clustering": clusterer, "outlier_share_raw": round(raw_outliers, 6),
             "outliers_reassigned": reassigned,
             "outlier_share": round(float(np.mean(topics == -1)), 6)}
    if clusterer == "hdbscan":
        stats["min_cluster_size"] = int(cluster.min_cluster_size)
        stats["min_samples"] = int(cluster.min_samples)
    return model, topics, probs, stats
