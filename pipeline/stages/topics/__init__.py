"""Stage: topics. BERTopic on respondent turns (long turns split into sentence windows).

Offline by default: units are embedded with LSA (TF-IDF of content lemmas, truncated SVD,
normalised), passed to BERTopic with UMAP (seeded), HDBSCAN and a c-TF-IDF vectoriser that
counts lemmas without stop words or spoken fillers (English and Dutch by default). Every
component is named in :class:`TopicsSettings` and comes from a small registry
(:func:`register`).

- :func:`fit_topics` ``(segments, settings, cache_dir=None) -> TopicResult`` (tables
  ``topics``, ``segment_topics``, ``shares``, ``info``; ``save``/``load``/``transform``);
  columns are listed in :mod:`pipeline.stages.topics.model`.
- :func:`stability` refits under several seeds: per-topic best-match Jaccard, adjusted Rand.
- :func:`topic_code_table` crosses topics with the codings: which topics match a theme and
  which are emergent (rule in :mod:`pipeline.stages.topics.tables`).
- :func:`plot_topic_sizes`, :func:`plot_topic_shares` write PNG and SVG figures.
- :func:`make_units` gives the units (input segments columns: ``segment_id, doc_id,
  speaker_role, text`` and the ``share_attributes``).
"""
from __future__ import annotations

from pipeline.stages.topics.model import TopicResult, TopicsWarning, fit_topics
from pipeline.stages.topics.plots import plot_topic_shares, plot_topic_sizes
from pipeline.stages.topics.registry import register
from pipeline.settings.topics import DEFAULT_FILLERS, TopicsSettings
from pipeline.stages.topics.stability import StabilityResult, stability
from pipeline.stages.topics.tables import topic_code_table
from pipeline.stages.topics.text import TextPreparer
from pipeline.stages.topics.units import make_units

__all__ = ["DEFAULT_FILLERS", "StabilityResult", "TextPreparer", "TopicResult", "TopicsSettings",
           "TopicsWarning", "fit_topics", "make_units", "plot_topic_shares", "plot_topic_sizes",
           "register", "stability", "topic_code_table"]
