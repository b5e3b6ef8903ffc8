"""Stage: compare groups of cases (e.g. dual vs centralised pilots) on the coded material.

``compare(coded_segments, codings, codebook, settings, segment_topics=None) -> Comparison``

Only respondent turns (``speaker_role == "respondent"``) count. Groups are values of a segment
attribute (``settings.by``, e.g. ``model``); speaker-level attributes (the ``role`` of each
participant of a focus group) are used as the segments carry them. Each ``by`` attribute is
compared over all respondents (``stratum == "all"``) and within each value of each
``settings.within`` attribute (e.g. ``stratum == "role=mentee"``). Statistics are by document
(case): a document's respondent turns within a group form one cluster (see
:mod:`pipeline.stages.compare.stats`). In a table of independent text units (open answers to a
questionnaire: no interviewer, one turn per respondent) each unit is a case of its own, since
different people's answers are not one conversation; ``n_docs`` counts cases.

Tables (``Comparison.tables()``, written as ``<name>.csv`` by the caller):

``prevalence``
    ``attribute, stratum, group, level`` (theme | code), ``code, theme, label, n_docs,
    docs_mentioning, share_docs, n_respondents, respondents_mentioning, share_respondents,
    n_turns, turns_with, share_turns`` and intervals ``docs_low, docs_high, respondents_low,
    respondents_high, turns_low, turns_high``: the wider of the percentile cluster-bootstrap
    interval and the Wilson score interval of the share with n = the group's documents (the
    bootstrap alone collapses to 0-0% or 100-100% when every document agrees; see
    :mod:`pipeline.stages.compare.stats`). ``attribute == "(all)"`` is the
    whole corpus; ``within`` attributes also get their own rows (stratum ``all``).
``differences``
    per ``by`` attribute, stratum and item: ``groups, group_a, group_b, n_docs_a, n_docs_b``
    (documents), ``n_cases_a, n_cases_b`` (cases: documents, or each unit of a table of open
    answers), ``docs_mentioning_a, docs_mentioning_b, n_respondents_a, n_respondents_b,
    respondents_mentioning_a, respondents_mentioning_b, share_a, share_b`` (respondent shares),
    ``difference`` (share_a - share_b; for more than two groups the range max - min),
    ``diff_low, diff_high`` (the wider of the bootstrap interval and Newcombe's score interval from
    the two Wilson intervals), ``test, p_value, p_adjusted`` (Benjamini-Hochberg
    over the codes, and separately over the themes, of one attribute and stratum), ``significant,
    caution``. Two groups: Fisher's exact test on documents mentioning vs not, or a permutation
    test of the respondent-share difference permuting documents. More groups: a permutation
    chi-square test by documents (Fisher-Freeman-Halton is not in scipy).
``topic_shares``
    ``attribute, group, topic, n_units, n_group_units, share, n_docs`` (units of respondent turns).
``cooccurrence``
    ``code_a, code_b, n_turns, n_a, n_b, jaccard`` over respondent turns (pairs seen at least once).
``framework_matrix``
    long form: ``doc_id, theme, rank, segment_id, speaker, quote, quote_start, quote_end, anchored,
    codes, source, score`` and the case attributes (the quote is the sentence window of the turn
    that carries the theme, see :mod:`pipeline.text.quotes`); :func:`framework_wide` makes the cases x themes view.
``corpus``
    ``attribute, group, n_docs, n_turns, n_respondent_turns, n_respondents, n_words``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.stages.compare import stats as cs
from pipeline.codebook import Codebook
from pipeline.errors import InputError, Problem
from pipeline.schemas import as_ids, split_codes
from pipeline.stages.compare.tables import (_attr, _check, cooccurrence, corpus_summary,
                                     framework_matrix, framework_wide, topic_shares, trim_quote)
from pipeline.settings import CASE_ATTRIBUTES, CompareSettings  # noqa: F401  (re-exported)
from pipeline.stages.compare.contrasts import CASE_COUNTS, _differences  # noqa: F401  (re-exported)

ALL = "all"


@dataclass
class Comparison:
    """The compare stage's tables (see the module docstring)."""

    prevalence: pd.DataFrame
    differences: pd.DataFrame
    cooccurrence: pd.DataFrame
    framework_matrix: pd.DataFrame
    corpus: pd.DataFrame
    topic_shares: pd.DataFrame | None = None
    settings: CompareSettings = field(default_factory=CompareSettings)
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"prevalence": self.prevalence, "differences": self.differences,
               "cooccurrence": self.cooccurrence, "framework_matrix": self.framework_matrix,
               "corpus": self.corpus}
        if self.topic_shares is not None:
            out["topic_shares"] = self.topic_shares
        return out


# -- preparing respondent turns ----------------------------------------------------------------
@dataclass
class _Turns:
    frame: pd.DataFrame      # respondent turns
    items: pd.DataFrame      # level, code, theme, label
    x: np.ndarray            # (turns, items) 0/1


def _items(codebook: Codebook) -> pd.DataFrame:
    language = codebook.languages[0] if codebook.languages else "en"
    rows = []
    for theme in codebook.themes:
        rows.append({"level": "theme", "code": theme.id, "theme": theme.id,
                     "label": theme.text("label", language)})
        for code, _, _ in theme.walk():
            if not code.codes and code.id != theme.id:
                rows.append({"level": "code", "code": code.id, "theme": theme.id,
                             "label": code.text("label", language)})
    return pd.DataFrame(rows)


def _respondent_turns(coded_segments: pd.DataFrame, codebook: Codebook, cases: str = "auto") -> _Turns:
    _check(coded_segments, ("segment_id", "doc_id", "speaker", "speaker_role", "codes"), "coded_segments")
    coded_segments = as_ids(coded_segments)  # the one cast of a table passed in; every id below is text
    frame = coded_segments[coded_segments["speaker_role"] == "respondent"].reset_index(drop=True)
    frame["doc_id"] = _cases(coded_segments, frame, cases)
    items = _items(codebook)
    index = {(lvl, c): i for i, (lvl, c) in enumerate(zip(items["level"], items["code"]))}
    known = set(codebook.code_ids)
    x = np.zeros((len(frame), len(items)), dtype=np.float64)
    for row, (sid, value) in enumerate(zip(frame["segment_id"], frame["codes"])):
        for code in split_codes(value):
            if code not in known:
                raise InputError(Problem(f"coded_segments[segment {sid}]", f"code '{code}' is not a leaf code of "
                                         f"codebook {codebook.name} {codebook.version}.",
                                         "Code with the same codebook, or rerun the coding stage."))
            theme = codebook.theme_of(code)
            x[row, index[("theme", theme)]] = 1.0
            if ("code", code) in index:
                x[row, index[("code", code)]] = 1.0
    frame["_resp"] = frame["doc_id"] + "\x1f" + frame["speaker"]
    return _Turns(frame, items, x)


def _cases(coded_segments: pd.DataFrame, respondent: pd.DataFrame, cases: str = "auto") -> pd.Series:
    """The case (cluster) of each respondent turn: its document, except in a table of independent
    text units (no interviewer turn, every respondent one turn: open answers to a questionnaire),
    where each unit is a case of its own, ``doc_id#speaker``. Turns of one conversation are
    resampled together; answers of different people to a questionnaire are not one cluster.
    ``cases="documents"`` (``compare.cases``) makes every document one case, tables included."""
    docs = coded_segments["doc_id"]  # ids are text (pipeline.schemas: as_ids where a table comes in)
    has_interviewer = set(docs[coded_segments["speaker_role"] == "interviewer"])
    doc = respondent["doc_id"]
    if cases == "documents":
        return doc
    per_speaker = respondent.groupby([doc, "speaker"]).size().groupby(level=0).max()
    units = {d for d, most in per_speaker.items() if most == 1 and d not in has_interviewer}
    return doc.where(~doc.isin(units), doc + "#" + respondent["speaker"])


@dataclass
class _Clusters:
    doc_ids: list[str]
    n_turns: np.ndarray
    turns_with: np.ndarray
    n_resp: np.ndarray
    resp_with: np.ndarray
    doc_with: np.ndarray

    def counts(self) -> dict[str, np.ndarray]:
        documents = {d.split("#", 1)[0] for d in self.doc_ids}  # a unit of a table is a case, not a document
        return {"n_docs": len(self.doc_ids), "n_documents": len(documents), "docs_mentioning": self.doc_with.sum(0),
                "n_respondents": self.n_resp.sum(), "respondents_mentioning": self.resp_with.sum(0),
                "n_turns": self.n_turns.sum(), "turns_with": self.turns_with.sum(0)}


def _clusters(turns: _Turns, mask: np.ndarray) -> _Clusters:
    sub = turns.frame[mask]
    x = pd.DataFrame(turns.x[mask])
    docs = sub["doc_id"].to_numpy()
    by_doc = x.groupby(docs, sort=True)
    turns_with = by_doc.sum()
    n_turns = by_doc.size().to_numpy(dtype=float)
    resp_any = x.groupby(sub["_resp"].to_numpy(), sort=True).max()
    resp_doc = pd.Series(sub["_resp"].to_numpy()).groupby(sub["_resp"].to_numpy()).first().str.split("\x1f").str[0]
    resp_with = resp_any.groupby(resp_doc.reindex(resp_any.index).to_numpy(), sort=True).sum()
    n_resp = resp_doc.groupby(resp_doc.to_numpy(), sort=True).size().reindex(turns_with.index).to_numpy(float)
    resp_with = resp_with.reindex(turns_with.index).to_numpy()
    tw = turns_with.to_numpy()
    return _Clusters(list(turns_with.index), n_turns, tw, n_resp, resp_with, (tw > 0).astype(float))


# -- prevalence and bootstrap ---------------------------------------------------------------------
def _strata(turns: _Turns, settings: CompareSettings) -> list[tuple[str, str, np.ndarray]]:
    """(attribute, stratum, mask) for every comparison the settings ask for."""
    out = [("(all)", ALL, np.ones(len(turns.frame), bool))]
    for attribute in dict.fromkeys([*settings.by, *settings.within]):
        out.append((attribute, ALL, np.ones(len(turns.frame), bool)))
    for attribute in settings.by:
        for other in settings.within:
            if other == attribute:
                continue
            values = _attr(turns.frame, other)
            for value in sorted(values.unique()):
                out.append((attribute, f"{other}={value}", (values == value).to_numpy()))
    return out


def _groups(turns: _Turns, attribute: str, mask: np.ndarray) -> list[tuple[str, np.ndarray]]:
    if attribute == "(all)":
        return [(ALL, mask)]
    values = _attr(turns.frame, attribute)
    return [(v, mask & (values == v).to_numpy()) for v in sorted(values[mask].unique())]


def _rows(turns: _Turns, settings: CompareSettings, boot: dict | None) -> pd.DataFrame:
    rows = []
    for attribute, stratum, mask in _strata(turns, settings):
        for group, gmask in _groups(turns, attribute, mask):
            cl = _clusters(turns, gmask)
            c = cl.counts()
            frame = turns.items.copy()
            frame.insert(0, "group", group)
            frame.insert(0, "stratum", stratum)
            frame.insert(0, "attribute", attribute)
            frame["n_docs"] = c["n_docs"]
            frame["docs_mentioning"] = c["docs_mentioning"].astype(int)
            frame["share_docs"] = c["docs_mentioning"] / c["n_docs"]
            frame["n_respondents"] = int(c["n_respondents"])
            frame["respondents_mentioning"] = c["respondents_mentioning"].astype(int)
            frame["share_respondents"] = c["respondents_mentioning"] / c["n_respondents"]
            frame["n_turns"] = int(c["n_turns"])
            frame["turns_with"] = c["turns_with"].astype(int)
            frame["share_turns"] = c["turns_with"] / c["n_turns"]
            if boot is not None:
                samples = _boot_samples(cl, settings, attribute, stratum, group)
                boot[(attribute, stratum, group)] = (cl, samples)
                for name, values in samples.items():  # the wider of bootstrap and Wilson (n = documents)
                    low, high = cs.widen(*cs.percentile_interval(values, settings.ci),
                                         *cs.wilson_interval(frame[f"share_{name}"].to_numpy(float),
                                                             c["n_docs"], settings.ci))
                    frame[f"{name}_low"], frame[f"{name}_high"] = low, high
            rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def _boot_samples(cl: _Clusters, settings: CompareSettings, *key: str) -> dict[str, np.ndarray]:
    w = cs.bootstrap_weights(len(cl.doc_ids), settings.n_boot, cs.rng_for(settings.seed, "boot", *key))
    return {"docs": w @ cl.doc_with / len(cl.doc_ids),
            "respondents": cs.ratio(w @ cl.resp_with, w @ cl.n_resp),
            "turns": cs.ratio(w @ cl.turns_with, w @ cl.n_turns)}


def prevalence(coded_segments: pd.DataFrame, codebook: Codebook, by: list[str] | None = None,
               settings: CompareSettings | None = None) -> pd.DataFrame:
    """Counts and shares per attribute, stratum, group and item (no intervals; see module docstring)."""
    settings = _with_by(settings, by)
    return _rows(_respondent_turns(coded_segments, codebook, settings.cases), settings, None)


def bootstrap_ci(coded_segments: pd.DataFrame, codebook: Codebook, by: list[str] | None = None,
                 settings: CompareSettings | None = None) -> pd.DataFrame:
    """:func:`prevalence` with percentile intervals from a cluster bootstrap: documents are
    resampled with replacement within each group, ``settings.n_boot`` times, seeded."""
    settings = _with_by(settings, by)
    return _rows(_respondent_turns(coded_segments, codebook, settings.cases), settings, {})


def _with_by(settings: CompareSettings | None, by: list[str] | None) -> CompareSettings:
    settings = settings or CompareSettings()
    return settings if by is None else settings.model_copy(update={"by": list(by)})


# -- differences between groups ------------------------------------------------------------------
def test_differences(coded_segments: pd.DataFrame, codebook: Codebook, settings: CompareSettings | None = None,
                     by: list[str] | None = None) -> pd.DataFrame:
    """Differences between the groups of each ``by`` attribute, per stratum and item, with tests
    and Benjamini-Hochberg adjusted p-values (columns in the module docstring)."""
    settings = _with_by(settings, by)
    turns = _respondent_turns(coded_segments, codebook, settings.cases)
    boot: dict = {}
    prev = _rows(turns, settings, boot)
    return _differences(turns, prev, boot, settings)[0]


def compare(coded_segments: pd.DataFrame, codings: pd.DataFrame | None, codebook: Codebook,
            settings: CompareSettings | None = None, segment_topics: pd.DataFrame | None = None
            ) -> Comparison:
    """Every table of the stage (see the module docstring)."""
    settings = settings or CompareSettings()
    coded_segments = as_ids(coded_segments)
    codings = None if codings is None else as_ids(codings)
    segment_topics = None if segment_topics is None else as_ids(segment_topics)
    turns = _respondent_turns(coded_segments, codebook, settings.cases)
    boot: dict = {}
    prev = _rows(turns, settings, boot)
    differences, notes = _differences(turns, prev, boot, settings)
    attributes = list(dict.fromkeys([*settings.by, *settings.within]))
    shares = None
    if segment_topics is not None and len(segment_topics):
        shares = topic_shares(segment_topics, coded_segments, attributes)
    return Comparison(
        prevalence=prev, differences=differences, cooccurrence=cooccurrence(coded_segments, codebook),
        framework_matrix=framework_matrix(coded_segments, codings, codebook, settings.quotes_per_cell,
                                          settings.quote_chars, settings.case_attributes),
        corpus=corpus_summary(coded_segments, attributes), topic_shares=shares, settings=settings,
        notes=notes)


__all__ = ["Comparison", "CompareSettings", "bootstrap_ci", "compare", "cooccurrence", "corpus_summary",
           "framework_matrix", "framework_wide", "prevalence", "test_differences", "topic_shares", "trim_quote"]
