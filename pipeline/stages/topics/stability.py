"""Topic stability over seeds: :func:`stability`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import InputError, Problem
from pipeline.stages.topics.languages import add_language_columns
from pipeline.stages.topics.fitting import fit_model
from pipeline.stages.topics.model import _label, _prepare, _top_words
from pipeline.stages.topics.refits import Refits
from pipeline.stages.topics.units import make_units
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


def _same_units(prep: Any, segments: pd.DataFrame, settings: TopicsSettings) -> bool:
    """Whether ``prep`` holds the units of ``segments`` (ids and texts)."""
    units = make_units(segments, settings)
    return units["unit_id"].tolist() == prep.units["unit_id"].tolist() and \
        units["text"].tolist() == prep.units["text"].tolist()


def _reference(prep, settings: TopicsSettings, reference: Any) -> tuple[np.ndarray, dict[int, str]]:
    """The reference fit's topic of each fitted unit and its topics' labels: those of
    ``reference`` (a fit of the same units under ``settings``) or of a new fit."""
    if reference is None:
        ref_model, ref, _, _ = fit_model(prep, settings)
        kept = sorted(set(ref.tolist()) - {-1})
        table = add_language_columns(pd.DataFrame({"topic": kept, "label": [
            _label(_top_words(ref_model, t, settings.top_n_words), settings.label_words) for t in kept]}),
            prep.prepared, ref, prep.languages, settings, _label)
        return ref, dict(zip(table["topic"], table["label"]))
    rows = reference.segment_topics
    fitted = rows["fitted"].to_numpy(dtype=bool)
    units = rows["unit_id"].to_numpy()[fitted]  # ids are text (make_units, pipeline.schemas)
    own = prep.units["unit_id"].to_numpy()[prep.units["fitted"].to_numpy(dtype=bool)]
    same_settings = getattr(reference, "settings", settings) == settings
    if not same_settings or len(units) != len(own) or not (units == own).all():
        raise InputError(Problem(
            "stability(reference=...)", "the reference is not a fit of these segments under these settings "
            f"({len(units)} fitted units there, {len(own)} here; settings {'equal' if same_settings else 'differ'}).",
            "Pass the result of fit_topics() on the same segments and settings, or no reference."))
    labels = reference.topics.set_index("topic")["label"]
    return rows["topic"].to_numpy(dtype=int)[fitted], {int(t): str(labels[t]) for t in labels.index if t != -1}


def stability(segments: pd.DataFrame, settings: TopicsSettings | None = None,
              seeds: tuple[int, ...] = (1, 2, 3, 4), cache_dir: str | Path | None = None,
              reference: Any = None, processes: int = 1) -> StabilityResult:
    """Refit under each of ``seeds`` (reduction and clustering; embeddings are reused) and
    compare with the fit under ``settings.seed``.

    ``reference``: that fit when it is at hand (the :class:`TopicResult` of :func:`fit_topics` on the
    same segments and settings, or any object with its ``topics`` and ``segment_topics`` tables):
    it is not fitted again, its prepared units are reused, and so are the refits it started
    (``fit_topics(stability_seeds=seeds)``). ``processes`` > 1: the refits run in a forked
    process beside the reference fit (Linux). The result is the same either way.
    """
    from sklearn.metrics import adjusted_rand_score

    settings = settings or TopicsSettings()
    seeds = tuple(int(s) for s in seeds)
    prep = getattr(reference, "prepared", None)
    if prep is None or not _same_units(prep, segments, settings):
        prep = _prepare(segments, settings, cache_dir, None)
    refits = getattr(reference, "refits", None)
    if refits is None or refits.seeds != seeds:
        refits = Refits(prep, settings, seeds, processes if reference is None else 1)
    ref, labels = _reference(prep, settings, reference)
    ref_sets = {t: set(np.flatnonzero(ref == t)) for t in sorted(set(ref.tolist()) - {-1})}
    jaccards: dict[int, list[float]] = {t: [] for t in ref_sets}
    runs = []
    for seed, (other, stats) in zip(seeds, refits.runs()):
        other_sets = [set(np.flatnonzero(other == t)) for t in sorted(set(other.tolist()) - {-1})]
        for t, members in ref_sets.items():
            jaccards[t].append(max((len(members & o) / len(members | o) for o in other_sets),
                                   default=0.0))
        runs.append({"seed": seed, "n_topics": len(other_sets),
                     "outlier_share": stats["outlier_share"],
                     "ari": round(float(adjusted_rand_score(ref, other)), 6)})
    topic_rows = [{
        "topic": t,
        "label": labels[t],
        "size": len(ref_sets[t]),
        "mean_jaccard": round(float(np.mean(jaccards[t])), 6) if jaccards[t] else np.nan,
        "min_jaccard": round(float(np.min(jaccards[t])), 6) if jaccards[t] else np.nan,
    } for t in ref_sets]
    return StabilityResult(
        topics=pd.DataFrame(topic_rows, columns=["topic", "label", "size", "mean_jaccard", "min_jaccard"]),
        runs=pd.DataFrame(runs, columns=["seed", "n_topics", "outlier_share", "ari"]))
