"""Topic stability over seeds: :func:`stability`."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.stages.topics.languages import add_language_columns
from pipeline.stages.topics.model import _fit_model, _label, _prepare, _top_words
from pipeline.settings.topics import TopicsSettings


@dataclass
class StabilityResult:
    """Topic stability over seeds. ``topics``: ``topic, label, size, mean_jaccard,
    min_jaccard`` (best-match Jaccard of the topic's member units with any topic of each other
    run). ``runs``: ``seed, n_topics, outlier_share, ari`` (adjusted Rand index of all fitted
    units' assignments, outliers included, against the reference fit)."""

    topics: pd.DataFrame
    runs: pd.DataFrame

    @property
    def mean_ari(self) -> float:
        return float(self.runs["ari"].mean())


def stability(segments: pd.DataFrame, settings: TopicsSettings | None = None,
              seeds: tuple[int, ...] = (1, 2, 3, 4), cache_dir: str | Path | None = None
              ) -> StabilityResult:
    """Refit under each of ``seeds`` (reduction and clustering; embeddings are reused) and
    compare with the fit under ``settings.seed``."""
    from sklearn.metrics import adjusted_rand_score

    settings = settings or TopicsSettings()
    prep = _prepare(segments, settings, cache_dir, None)
    ref_model, ref, _, _ = _fit_model(prep, settings)
    ref_sets = {t: set(np.flatnonzero(ref == t)) for t in sorted(set(ref.tolist()) - {-1})}
    jaccards: dict[int, list[float]] = {t: [] for t in ref_sets}
    runs = []
    for seed in seeds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, other, _, stats = _fit_model(prep, settings.model_copy(update={"seed": seed}))
        other_sets = [set(np.flatnonzero(other == t)) for t in sorted(set(other.tolist()) - {-1})]
        for t, members in ref_sets.items():
            jaccards[t].append(max((len(members & o) / len(members | o) for o in other_sets),
                                   default=0.0))
        runs.append({"seed": seed, "n_topics": len(other_sets),
                     "outlier_share": stats["outlier_share"],
                     "ari": round(float(adjusted_rand_score(ref, other)), 6)})
    labels = add_language_columns(pd.DataFrame({"topic": list(ref_sets), "label": [
        _label(_top_words(ref_model, t, settings.top_n_words), settings.label_words) for t in ref_sets]}),
        prep.prepared, ref, prep.languages, settings, _label)["label"].tolist()
    topic_rows = [{
        "topic": t,
        "label": labels[i],
        "size": len(ref_sets[t]),
        "mean_jaccard": round(float(np.mean(jaccards[t])), 6) if jaccards[t] else np.nan,
        "min_jaccard": round(float(np.min(jaccards[t])), 6) if jaccards[t] else np.nan,
    } for i, t in enumerate(ref_sets)]
    return StabilityResult(
        topics=pd.DataFrame(topic_rows, columns=["topic", "label", "size", "mean_jaccard", "min_jaccard"]),
        runs=pd.DataFrame(runs, columns=["seed", "n_topics", "outlier_share", "ari"]))
