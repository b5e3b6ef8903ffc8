"""Stage: coding. Applies the codebook to every respondent turn; human codings always win.

``code(segments, codebook, settings, human_codings=None, training=None) -> CodingResult``

Input ``segments``: one row per speaker turn (``segment_id, doc_id, turn, speaker,
speaker_role, text, ...`` and the document attributes, among them ``language`` and ``role``).
Interviewer turns (``speaker_role == "interviewer"``) are context and are not coded unless
``code_interviewer_turns`` is set.

Input ``human_codings`` (as :mod:`pipeline.stages.coding.review` reads them): ``segment_id, code, coder``
and optional ``decision``. HUMAN CODINGS ALWAYS WIN:

- rows with a blank ``decision`` come from coding whole documents: such a document is fully
  coded by its coder(s), its final codes are the human ones (the union over coders), its
  respondent turns without a row carry no code, and every machine row for it is kept as a
  suggestion only (``final`` False);
- ``accept``/``reject`` rows (review sheets) decide one segment+code: an accepted code becomes
  a final human row, a rejected one is no code; the machine row for that pair is kept with
  ``final`` False, and the rest of the document stays machine-coded.

Which coder (``settings.coder``; each name is a factory in the registry ``coding.coders``, see
:func:`make_coder`):

- ``rule``: :class:`~pipeline.stages.coding.coders.RuleCoder`, the codebook's cues.
- ``model``: :class:`~pipeline.stages.coding.coders.LearnedCoder` trained on the human codings (or
  ``training``): the codable turns of fully coded documents plus every reviewed turn. Codes with
  too few examples, or whose model does not beat the rules in cross-validation, fall back to
  the rules.
- ``combined``: the model blended with the rule score (``rule_weight``) where it has
  enough training data and beats the rules, the rules elsewhere (:class:`~pipeline.stages.coding.coders.CombinedCoder`).
- ``stacked`` (default): per-code and per-theme models on the turn's words, cue scores, the
  preceding interviewer question and the turn's place in the interview, plus the codebook's
  examples as extra training rows, weighed by one meta-model with similarity to coded turns
  (:class:`~pipeline.stages.coding.coders.StackedCoder`); chosen by cross-validation by document on the
  sample study's training documents (see benchmarks/bench_agreement.py).
  ``model``, ``combined`` and ``stacked`` fall back to ``rule`` when there are no human codings.

Context: the coders receive the segments with a ``context`` column (the text of the preceding
interviewer turn of the same document) and a ``position`` column (0..1 within the document),
from :func:`pipeline.stages.coding.coders.add_context` applied before interviewer turns are set aside; the
output tables do not carry them. Callers that pass segments to a coder themselves should do
the same (``add_context(segments)`` on the full table, then filter).

Output :class:`CodingResult`:

- ``codings`` (long form): ``segment_id, doc_id, code, theme, source`` ("rule", "model",
  "human"), ``score`` (0-1), ``evidence`` (cue words with character offsets in the segment
  text, e.g. ``"network@34-41; meet people@80-91"``, and for the model its strongest terms),
  ``coder`` (``rule@0.1.0``, ``stacked@0.1.0``, ``combined@0.1.0``, or a person's id), ``codebook_version``,
  ``final`` (False for machine suggestions that a person's coding or review overrides).
- ``coded_segments``: the segments' columns plus ``coded_by`` (``human:<ids>``, the machine
  coder id, that id + ``+review:<ids>`` for a reviewed turn, or "" for turns not coded), ``codes`` (final code ids, sorted, ';'-joined),
  ``themes`` (their themes, same form) and ``score_<code_id>`` per leaf code (machine score;
  empty for turns not coded).
- ``code_status``: per code ``code, theme, n_positive, n_documents, mode`` ("rule", "model",
  "combined" or "stacked"), ``threshold, cv_precision, cv_recall, cv_f1`` (of the mode used, by-document
  cross-validation), ``rule_precision, rule_recall, rule_f1`` (the rules on the same segments),
  ``model_f1`` (NaN if not trained) and ``reason`` (why the rules decide); ``None`` for ``rule``.
- ``coder``: the coder id used; ``notes``: what the stage decided on its own (e.g. a fallback).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.codebook import NO_CODE, Codebook
from pipeline.stages.coding.coders._common import CODING_COLUMNS, check_segments, codebook_version
from pipeline.stages.coding.coders.semantic import auto_notes
from pipeline.errors import InputError, Note, Problem
from pipeline.schemas import as_ids, join_codes, split_codes
from pipeline.parallel import SERIAL, Serial, join_frames, split_frame
from pipeline.registry import registry
from pipeline.settings import CodingSettings  # noqa: F401  (re-exported)

__all__ = ["CodingResult", "CodingSettings", "code", "codebook_version", "make_coder"]


@dataclass
class CodingResult:
    codings: pd.DataFrame
    coded_segments: pd.DataFrame
    code_status: pd.DataFrame | None
    coder: str
    notes: list[str] = field(default_factory=list)


def make_coder(codebook: Codebook, settings: CodingSettings, kind: str | None = None):  # noqa: ANN201
    """The coder object ``settings`` describe (``kind`` overrides ``settings.coder``): the factory
    registered under that name in the registry ``coding.coders`` (:mod:`pipeline.registry`), called
    with ``(codebook, settings)``."""
    return registry("coding.coders").get(kind or settings.coder)(codebook, settings)


@registry("coding.coders").register("rule")
def _rule_coder(codebook: Codebook, settings: CodingSettings):  # noqa: ANN202
    from pipeline.stages.coding.coders.rule import RuleCoder

    return RuleCoder(codebook, window=settings.window, negation=settings.negation,
                     negation_exempt=settings.negation_exempt, negators=settings.negators,
                     fallback_languages=settings.fallback_languages,
                     threshold=settings.rule_threshold, thresholds=settings.thresholds,
                     mixed_roles=settings.mixed_roles)


def _regularisation(settings: CodingSettings) -> dict:
    """Unset: each coder's own default (the value cross-validation chose for it)."""
    return {} if settings.inverse_regularisation is None else {"C": settings.inverse_regularisation}


@registry("coding.coders").register("stacked")
def _stacked_coder(codebook: Codebook, settings: CodingSettings):  # noqa: ANN202
    from pipeline.stages.coding.coders.stacked import StackedCoder

    return StackedCoder(codebook, rule_coder=_rule_coder(codebook, settings), context=settings.context,
                        position=settings.position, examples_weight=settings.examples_weight,
                        cv_folds=settings.cv_folds, meta_C=settings.meta_regularisation,
                        max_ngram=settings.max_ngram, n_neighbours=settings.n_neighbours,
                        theme_models=settings.theme_models, thresholds=settings.thresholds,
                        min_threshold=settings.min_threshold, seed=settings.seed, adjacent=settings.adjacent,
                        balanced=settings.balanced, char_ngrams=settings.char_ngrams,
                        conversation=settings.conversation,
                        per_code=settings.per_code, per_code_min_positives=settings.per_code_min_positives,
                        embeddings=settings.embeddings, embedding_weight=settings.embedding_weight,
                        zero_shot=settings.zero_shot, definitions_weight=settings.definitions_weight,
                        embedding_neighbours=settings.embedding_neighbours, dependencies=settings.dependencies,
                        shared_vocabulary=settings.shared_vocabulary,
                        C_grid=tuple(settings.regularisation_grid) if settings.regularisation_grid else None,
                        **_regularisation(settings))


def _learned_coder(cls, codebook: Codebook, settings: CodingSettings, rule_weight: float):  # noqa: ANN001, ANN202
    return cls(codebook, rule_coder=_rule_coder(codebook, settings), min_positives=settings.min_positives,
               min_documents=settings.min_documents, cv_folds=settings.cv_folds,
               max_ngram=settings.max_ngram,
               thresholds=settings.thresholds, min_threshold=settings.min_threshold,
               must_beat_rule=settings.model_must_beat_rules, seed=settings.seed,
               **_regularisation(settings), rule_weight=rule_weight)


@registry("coding.coders").register("model")
def _model_coder(codebook: Codebook, settings: CodingSettings):  # noqa: ANN202
    from pipeline.stages.coding.coders.learned import LearnedCoder

    return _learned_coder(LearnedCoder, codebook, settings, 0.0)


@registry("coding.coders").register("combined")
def _combined_coder(codebook: Codebook, settings: CodingSettings):  # noqa: ANN202
    from pipeline.stages.coding.coders.combined import CombinedCoder

    return _learned_coder(CombinedCoder, codebook, settings, settings.rule_weight)


def code(segments: pd.DataFrame, codebook: Codebook, settings: CodingSettings | None = None,
         human_codings: pd.DataFrame | None = None,
         training: pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame] | None = None,
         gold_coders: list[str] | None = None, parallel: Serial = SERIAL) -> CodingResult:
    """Code ``segments`` against ``codebook`` (see the module docstring).

    ``gold_coders``: when given, only these coders' rows decide final codes and train the model;
    the other human rows are kept in ``codings`` with ``final`` False (e.g. a second coder who
    coded for an agreement check). A row with code ``-`` records a unit coded with no code.

    ``training``: codings to train the model on instead of ``human_codings`` (rows refer to
    ``segments``), or a ``(segments, codings)`` pair from another corpus coded with the same
    codebook. Human codings decide the final codes either way.

    ``parallel`` (:mod:`pipeline.parallel`): the coder, fitted here once, scores the turns in
    partitions of documents (on its workers); the tables do not depend on the partitions.
    """
    from pipeline.stages.coding.coders import add_context

    settings = settings or CodingSettings()
    segments = check_segments(segments, ("segment_id", "doc_id", "text")).reset_index(drop=True)  # ids: text
    with_context = add_context(segments)  # the coder sees the preceding question; outputs do not
    seg_ids = segments["segment_id"]
    codable = _codable(segments, settings)
    notes: list[str] = []

    human = _check_codings(human_codings, seg_ids, codebook, "human codings")
    human, other_human = _split_gold(human, gold_coders, notes)
    train_segments, train_codings = _training_codings(training, with_context, seg_ids, human, codebook)

    coder = _fitted_coder(codebook, settings, with_context, train_segments, train_codings, notes)
    notes += auto_notes(settings.embeddings, coder)
    to_code = with_context[codable]
    machine, proba = _predict(coder, to_code, parallel)
    proba = proba if len(to_code) else None
    status = getattr(coder, "code_status_", None)
    if status is not None and (status["mode"] == "rule").all():
        notes.append(Note("no code had enough human-coded examples for the model "
                          f"(min_positives={settings.min_positives}, min_documents="
                          f"{settings.min_documents}): every code was decided by the rules.", "rules_only",
                          {"min_positives": settings.min_positives, "min_documents": settings.min_documents}))

    codings = _all_codings(machine, human, other_human, segments, seg_ids, codebook)
    coded = _coded_segments(segments, codable, codings, proba, codebook, coder.coder_id, human)
    return CodingResult(codings, coded, status, coder.coder_id, notes)


def _predict(coder, to_code: pd.DataFrame, parallel: Serial) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: ANN001
    """``coder.predict_scored(to_code)``, computed in the partitions of documents of ``parallel``
    (a turn's scores depend on the fitted coder and its own document's turns only)."""
    parts = parallel.split(list(dict.fromkeys(to_code["doc_id"]))) if len(to_code) else []
    if len(parts) <= 1:
        return coder.predict_scored(to_code)
    frames, order = split_frame(to_code, "doc_id", parts)
    scored = parallel.map(_predict_part, frames, coder)
    return pd.concat([m for m, _ in scored], ignore_index=True), join_frames([p for _, p in scored], order)


def _predict_part(segments: pd.DataFrame, coder) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: ANN001
    """One partition's turns scored (on a worker)."""
    return coder.predict_scored(segments)


def _split_gold(human: pd.DataFrame | None, gold_coders: list[str] | None, notes: list[str]
                ) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The gold coders' human codings and the other coders' (None when there are none)."""
    other_human = None
    if human is not None and gold_coders:
        is_gold = human["coder"].isin(list(gold_coders))
        other_human, human = human[~is_gold].reset_index(drop=True), human[is_gold].reset_index(drop=True)
        if other_human.empty:
            other_human = None
        if human.empty:
            notes.append(Note(f"no human codings by the gold coders {list(gold_coders)}: the other coders' "
                              "rows are suggestions only.", "no_gold_codings", {"coders": list(gold_coders)}))
            human = None
    return human, other_human


def _training_codings(training, with_context: pd.DataFrame, seg_ids: pd.Series, human: pd.DataFrame | None,
                      codebook: Codebook) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The segments (with context) and the checked codings the model learns from."""
    from pipeline.stages.coding.coders import add_context

    if isinstance(training, tuple):
        train_segments, train_codings = training
        train_segments = check_segments(train_segments, ("segment_id", "doc_id", "text"), where="training segments")
        train_segments = add_context(train_segments.reset_index(drop=True))
        train_codings = _check_codings(train_codings, train_segments["segment_id"],
                                       codebook, "training codings")
    else:
        train_segments = with_context
        train_codings = human if training is None else _check_codings(training, seg_ids, codebook,
                                                                      "training codings")
    return train_segments, train_codings


def _fitted_coder(codebook: Codebook, settings: CodingSettings, with_context: pd.DataFrame,
                  train_segments: pd.DataFrame, train_codings: pd.DataFrame | None, notes: list[str]):
    """The coder of ``settings`` (the rule coder when there is nothing to learn from), fitted."""
    kind = settings.coder
    if kind != "rule" and (train_codings is None or not (train_codings["code"] != NO_CODE).any()):
        notes.append(Note(f"coder '{kind}' needs human codings to learn from and there are none: "
                          "the rule coder was used.", "coder_fallback", {"coder": kind}))
        kind = "rule"
    coder = make_coder(codebook, settings, kind)
    if kind == "rule":
        coder.fit(with_context)
    else:
        train_rows, train_codes = _training_set(train_segments, train_codings, settings)
        coder.fit(train_rows, train_codes[train_codes["code"] != NO_CODE].reset_index(drop=True))
    return coder


def _all_codings(machine: pd.DataFrame, human: pd.DataFrame | None, other_human: pd.DataFrame | None,
                 segments: pd.DataFrame, seg_ids: pd.Series, codebook: Codebook) -> pd.DataFrame:
    """Machine and human codings in one table, ``final`` marked, in segment order (human rows first)."""
    doc_of = dict(zip(seg_ids, segments["doc_id"]))
    human_docs, decided = _human_cover(human, doc_of)
    machine.insert(1, "doc_id", machine["segment_id"].map(doc_of).astype("string"))
    pairs = zip(machine["segment_id"], machine["code"])
    machine["final"] = (~machine["doc_id"].isin(human_docs).to_numpy(dtype=bool)
                        & np.array([p not in decided for p in pairs], dtype=bool))
    frames = [machine]
    if human is not None:
        frames.append(_human_rows(human[(human["decision"] != "reject") & (human["code"] != NO_CODE)],
                                  doc_of, codebook))
    if other_human is not None:
        rows = other_human[(other_human["decision"] != "reject") & (other_human["code"] != NO_CODE)]
        frames.append(_human_rows(rows, doc_of, codebook).assign(final=False))
    codings = pd.concat(frames, ignore_index=True)
    order = {s: i for i, s in enumerate(seg_ids)}
    codings = (codings.assign(_o=codings["segment_id"].map(order),
                              _h=(codings["source"] != "human").astype(int))
               .sort_values(["_o", "_h", "code", "coder"], kind="mergesort")
               .drop(columns=["_o", "_h"]).reset_index(drop=True))
    return codings


def _codable(segments: pd.DataFrame, settings: CodingSettings) -> pd.Series:
    if settings.code_interviewer_turns or "speaker_role" not in segments.columns:
        return pd.Series(True, index=segments.index)
    role = segments["speaker_role"].astype("object").fillna("").astype(str).str.lower()
    return role != "interviewer"


def _check_codings(codings: pd.DataFrame | None, seg_ids: pd.Series, codebook: Codebook,
                   where: str) -> pd.DataFrame | None:
    """Validated, de-duplicated codings with ``coder`` and a normalised ``decision`` column."""
    from pipeline.stages.coding.coders.learned import decisions

    if codings is None:
        return None
    for col in ("segment_id", "code"):
        if col not in codings.columns:
            raise InputError(Problem(where, f"missing column '{col}'.",
                                     "Human codings need the columns segment_id, code, coder."))
    codings = as_ids(codings.copy())  # the one cast of codings passed in: their ids are text below
    codings["decision"] = decisions(codings, where)
    codings["code"] = codings["code"].str.strip()
    codings["coder"] = (codings["coder"].astype("object").fillna("human")
                        if "coder" in codings.columns else "human")
    known, leaves = set(seg_ids), set(codebook.code_ids)
    for seg, code_id in zip(codings["segment_id"], codings["code"]):
        if seg not in known:
            raise InputError(Problem(f"{where}[{seg}]", f"segment id {seg!r} is not among the "
                                     "segments.", "Check the codings belong to these transcripts "
                                     "(ids are '{doc_id}:{turn}'); re-run ingest if they changed."))
        if code_id not in leaves and code_id != NO_CODE:
            raise InputError(Problem(f"{where}[{seg}]", f"code {code_id!r} is not a leaf code of "
                                     f"codebook '{codebook.name}'.", "Use the codebook's code ids "
                                     "(leaves, not themes), or '-' for a unit coded with no code."))
    return codings.drop_duplicates(["segment_id", "code", "coder"]).reset_index(drop=True)


def _training_set(segments: pd.DataFrame, codings: pd.DataFrame,
                  settings: CodingSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The codable turns of fully coded documents, plus every turn that carries a coding."""
    ids = segments["segment_id"]
    full = codings.loc[codings["decision"] == "", "segment_id"]
    docs = set(segments.loc[ids.isin(set(full)), "doc_id"])
    keep = ((segments["doc_id"].isin(docs) & _codable(segments, settings))
            | ids.isin(set(codings["segment_id"])))
    return segments[keep].reset_index(drop=True), codings


def _human_cover(human: pd.DataFrame | None, doc_of: dict[str, str]) -> tuple[set[str], set[tuple[str, str]]]:
    """Documents coded whole by a person (rows with a blank decision) and the segment+code pairs
    a reviewer decided (accept or reject)."""
    if human is None:
        return set(), set()
    blank = human["decision"] == ""
    docs = {doc_of[s] for s in human.loc[blank, "segment_id"]}
    decided = set(zip(human.loc[~blank, "segment_id"], human.loc[~blank, "code"]))
    return docs, decided


def _human_rows(human: pd.DataFrame, doc_of: dict[str, str], codebook: Codebook) -> pd.DataFrame:
    version = codebook_version(codebook)
    note = next((c for c in ("evidence", "note") if c in human.columns), None)
    evidence = human[note] if note else pd.Series("", index=human.index)
    out = pd.DataFrame({
        "segment_id": human["segment_id"].astype("string"),
        "doc_id": human["segment_id"].map(doc_of).astype("string"),
        "code": human["code"].astype("string"),
        "theme": human["code"].map(codebook.theme_of).astype("string"),
        "source": pd.array(["human"] * len(human), dtype="string"),
        "score": 1.0,
        "evidence": evidence.astype("object").fillna("").astype("string"),
        "coder": human["coder"].astype("string"),
        "codebook_version": pd.array([version] * len(human), dtype="string"),
        "final": True,
    })
    return out[["segment_id", "doc_id", *CODING_COLUMNS[1:], "final"]]


def _coded_segments(segments: pd.DataFrame, codable: pd.Series, codings: pd.DataFrame,
                    proba: pd.DataFrame | None, codebook: Codebook, coder_id: str,
                    human: pd.DataFrame | None) -> pd.DataFrame:
    out = segments.copy()
    seg_ids = out["segment_id"]
    final = codings[codings["final"]]
    codes = final.groupby("segment_id")["code"].agg(join_codes)
    out["codes"] = seg_ids.map(codes).fillna("").astype("string")
    out["themes"] = split_codes(out["codes"]).map(
        lambda c: join_codes(codebook.theme_of(x) for x in c)).astype("string")
    by = pd.Series(np.where(codable, coder_id, ""), index=out.index, dtype="object")
    if human is not None:
        doc_of = dict(zip(seg_ids, out["doc_id"]))
        full = human[human["decision"] == ""]
        who = full.assign(doc=full["segment_id"].map(doc_of)).groupby("doc")["coder"].agg(
            lambda c: "human:" + ",".join(sorted(set(c))))
        reviewed = human[human["decision"] != ""].groupby("segment_id")["coder"].agg(
            lambda c: "+review:" + ",".join(sorted(set(c))))
        extra = seg_ids.map(reviewed).astype("object").fillna("")
        by = by.where(~seg_ids.isin(reviewed.index), by + extra)
        in_human = out["doc_id"].map(who)
        by = in_human.where(in_human.notna() & (codable | seg_ids.isin(set(full["segment_id"]))), by)
    out["coded_by"] = by.astype("string")
    for code_id in codebook.code_ids:
        col = np.full(len(out), np.nan)
        if proba is not None:
            col[np.nonzero(codable.to_numpy())[0]] = proba[code_id].to_numpy()
        out[f"score_{code_id}"] = np.round(col, 6)
    return out
