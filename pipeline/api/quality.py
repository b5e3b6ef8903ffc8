"""Evaluation and agreement for a study (``qualpipe evaluate``, ``qualpipe agreement``): the
machine coder scored against human codes, and agreement between coders. Keys as in
:mod:`pipeline.api.stages`: built from the keys of the stages they read."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.api.agreement_table import explain_empty
from pipeline.api.cache import cached_stage, embedding_dir
from pipeline.api.inputs import files_hash, human_codings, read_split
from pipeline.api.io import update_provenance, write_table
from pipeline.api.keys import digest, stage_code_hash
from pipeline.api.results import CodeResult, EvaluationResult, IngestResult
from pipeline.api.session import as_study, memo
from pipeline.api.stages import _code_t, _ingest_t, _view
from pipeline.errors import ConfigError, Problem
from pipeline.settings import Study
from pipeline.stages.quality.design import coder_pairs, holdout_runs


def evaluate(study: Study | str | Path, write: bool = True) -> EvaluationResult:
    """Precision, recall, F1 and kappa of the machine coder against human codes (``qualpipe evaluate``).

    With ``agreement.split`` (or ``test_docs``): train on the training documents, score the
    held-out ones, plus a coder trained on the ``first4`` documents only, and the rule coder
    alone. Otherwise k-fold cross-validation by document.
    """
    return _evaluate_t(as_study(study), write)[0]


def agreement(study: Study | str | Path, coders: list[str] | None = None, with_machine: bool = False,
              write: bool = True) -> pd.DataFrame:
    """Agreement between coders (``qualpipe agreement``): percent agreement, Cohen's kappa and
    Krippendorff's alpha per code, theme and overall, on the turns every compared coder coded.

    Default: every pair of human coders who coded a document in common (``agreement.coders``
    narrows it); ``with_machine`` adds the machine coder, compared on the human-coded documents.
    """
    study = as_study(study)
    key = ("agreement", tuple(coders or ()), with_machine, write)
    return memo(study, key, lambda: _agreement(study, coders, with_machine, write))[0]


def _evaluate_t(study: Study, write: bool = True):
    return memo(study, ("evaluate", write), lambda: _evaluate(study, write))


def _evaluate(study: Study, write: bool = True) -> tuple[EvaluationResult, str]:
    from pipeline.stages.coding.code import _codable
    from pipeline.stages.coding.coders import add_context

    corpus, ingest_key = _ingest_t(study, write)
    codebook, view_hash = _view(study)
    # the coders read the preceding interviewer question, so context is added before the
    # interviewer turns are set aside
    with_context = add_context(corpus.segments)
    segments = with_context[_codable(with_context, study.coding)].reset_index(drop=True)
    gold = human_codings(study, codebook, corpus.segments)
    if gold is None or gold.empty:
        raise ConfigError(Problem(study.where("human_codings"), "no human codings to evaluate against.",
                                  "Name files of human codings under 'human_codings:'."))
    if study.agreement.gold_coders:
        gold = gold[gold["coder"].isin(study.agreement.gold_coders)]
    split = read_split(study)
    key = (ingest_key, view_hash, files_hash(study, study.human_codings), study.coding.model_dump(mode="json"),
           study.agreement.model_dump(mode="json"),
           None if study.agreement.split is None else files_hash(study, [study.agreement.split]))
    from pipeline.text.embeddings import default_cache_dir

    with default_cache_dir(embedding_dir(study)):  # coding.embeddings: vectors shared with code, topics
        (result, design, predictions), _ = cached_stage(
            study, "evaluate", lambda: _run_evaluation(study, codebook, segments, gold, split), *key)
    if write:
        out = study.output_dir
        write_table(result, out, "evaluation", formats=("csv",))
        write_table(predictions, out, "evaluation_predictions", formats=("csv",))
        update_provenance(out, "evaluate", {"design": design, "coder": study.coding.coder,
                                            "settings": study.agreement.model_dump(mode="json")})
    return EvaluationResult(result, design, predictions), digest("evaluate", stage_code_hash("evaluate"), key)


def _run_evaluation(study: Study, codebook, segments: pd.DataFrame, gold: pd.DataFrame,
                    split: pd.DataFrame | None) -> tuple[pd.DataFrame, str, pd.DataFrame]:
    """Scores of every run, the design, and the per-unit predictions (``evaluation_predictions``)."""
    from pipeline.stages.coding.code import make_coder
    from pipeline.stages.quality.agreement import cross_validate, holdout_evaluate

    kind = study.coding.coder
    if split is None and not study.agreement.test_docs:
        design = f"{study.agreement.n_splits}-fold cross-validation by document"
        scores = cross_validate(lambda: make_coder(codebook, study.coding), segments, gold, codebook,
                                n_splits=study.agreement.n_splits, seed=study.seed)
        label = f"{kind}, cross-validated"
        predictions = scores.attrs.pop("predictions")  # a table in attrs breaks pandas' pivot and concat
        return scores.assign(setting=label), design, predictions.assign(setting=label)
    coded_docs = set(segments.loc[segments["segment_id"].isin(gold["segment_id"]), "doc_id"])
    design, runs, test = holdout_runs(kind, split, study.agreement.test_docs, study.agreement.train_docs,
                                      coded_docs)
    frames, predictions = [], []
    for label, coder_kind, docs in runs:
        scores = holdout_evaluate(lambda k=coder_kind: make_coder(codebook, study.coding, k), segments, gold,
                                  codebook, docs, test)
        predictions.append(scores.attrs.pop("predictions").assign(setting=label))
        frames.append(scores.assign(setting=label, n_train_docs=len(docs), n_test_docs=len(test)))
    return pd.concat(frames, ignore_index=True), design, pd.concat(predictions, ignore_index=True)


def _agreement(study: Study | str | Path, coders: list[str] | None = None, with_machine: bool = False,
              write: bool = True) -> pd.DataFrame:
    """Agreement between coders (``qualpipe agreement``): percent agreement, Cohen's kappa and
    Krippendorff's alpha per code, theme and overall, on the turns every compared coder coded.

    Default coders: every human coder (``agreement.coders`` narrows it); ``with_machine`` adds
    the machine coder's codes, compared on the documents the humans coded.
    """
    study = as_study(study)
    corpus, ingest_key = _ingest_t(study, write)
    codebook, view_hash = _view(study)
    coded, code_key = _code_t(study, write) if with_machine else (None, None)
    key = (ingest_key, view_hash, files_hash(study, study.human_codings), coders or study.agreement.coders,
           code_key)
    table, hit = cached_stage(study, "agreement", lambda: _agreement_table(study, corpus, codebook, coded, coders),
                              *key)
    if hit and not len(table) and table.attrs.get("note"):  # said again when served from the cache
        explain_empty(table, pd.DataFrame({"coder": []}), study.where("human_codings"), note=table.attrs["note"])
    if write:
        write_table(table, study.output_dir, "agreement", formats=("csv",))
    return table, digest("agreement", stage_code_hash("agreement"), key)


def _agreement_table(study: Study, corpus: IngestResult, codebook, coded: CodeResult | None,
                     coders: list[str] | None) -> pd.DataFrame:
    from pipeline.stages.quality.agreement import agreement as compute_agreement

    human = human_codings(study, codebook, corpus.segments)
    frames = [] if human is None else [human.assign(source="human")]
    if coded is not None:
        machine = coded.codings[coded.codings["source"] != "human"]
        frames.append(machine[["segment_id", "code", "coder", "source"]])
    if not frames:
        raise ConfigError(Problem(study.where("human_codings"), "no codings to compare.",
                                  "Name files of human codings under 'human_codings:'."))
    codings = pd.concat(frames, ignore_index=True)
    coders = coders or study.agreement.coders
    if coders:
        table = compute_agreement(codings, corpus.segments, codebook, coders=coders)
    else:  # every pair of coders that coded at least one document in common
        pairs = coder_pairs(codings, corpus.segments)
        tables = [compute_agreement(codings, corpus.segments, codebook, coders=list(p)) for p in pairs]
        table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return explain_empty(table, codings, study.where("human_codings"))  # one coder: header only, a warning
