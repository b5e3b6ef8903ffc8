"""Study-level API: each function runs one stage for a study, reading its inputs and writing its
outputs in the study's output folder. These are the functions the CLI and the notebooks call;
the stage modules (``pipeline.stages.ingest.corpus``, ``pipeline.stages.coding.code`` ...) stay free of file handling.

Stages are cached by content: a stage whose inputs, code and settings did not change is not
recomputed (see :mod:`pipeline.api.cache`).
"""
from __future__ import annotations

from pathlib import Path

import joblib
import pandas as pd

from pipeline.api.cache import cache_dir, cached_stage
from pipeline.api.inputs import files_hash, human_codings, input_fingerprint, read_split, training_data
from pipeline.api.io import sha256_file, update_provenance, write_table
from pipeline.api.results import CodeResult, EvaluationResult, IngestResult, TopicsOutput
from pipeline.api.session import as_study, memo
from pipeline.codebook import load_codebook
from pipeline.errors import ConfigError, Problem, QualpipeError
from pipeline.schemas import check
from pipeline.settings import Study
from pipeline.stages.quality.design import coder_pairs, holdout_runs

# The stages' own modules are imported inside the functions that run them, so that a warm run (or
# a command that needs one stage) does not import the heavy libraries of the others.


def ingest(study: Study | str | Path, write: bool = True, skip_invalid: bool = False) -> IngestResult:
    """Read, check and pseudonymise a study's transcripts (``qualpipe ingest``).

    Writes ``documents`` and ``segments`` (CSV and Parquet) to the output folder, pseudonymised.
    With ``skip_invalid`` documents with errors are left out (listed in the warnings as
    "left out: ...") instead of refusing the study.
    """
    study = as_study(study)
    return memo(study, ("ingest", write, skip_invalid), lambda: _ingest(study, write, skip_invalid))


def code(study: Study | str | Path, write: bool = True) -> CodeResult:
    """Code every respondent turn against the codebook (``qualpipe code``).

    Writes ``coded_segments`` (CSV, Parquet), ``codings.csv`` (long form) and ``code_status.csv``.
    Human codings always win; a re-run never overwrites them.
    """
    study = as_study(study)
    return memo(study, ("code", write), lambda: _code(study, write))


def evaluate(study: Study | str | Path, write: bool = True) -> EvaluationResult:
    """Precision, recall, F1 and kappa of the machine coder against human codes (``qualpipe evaluate``).

    With ``agreement.split`` (or ``test_docs``): train on the training documents, score the
    held-out ones, plus a coder trained on the ``first4`` documents only, and the rule coder
    alone. Otherwise k-fold cross-validation by document.
    """
    study = as_study(study)
    return memo(study, ("evaluate", write), lambda: _evaluate(study, write))


def agreement(study: Study | str | Path, coders: list[str] | None = None, with_machine: bool = False,
              write: bool = True) -> pd.DataFrame:
    """Agreement between coders (``qualpipe agreement``): percent agreement, Cohen's kappa and
    Krippendorff's alpha per code, theme and overall, on the turns every compared coder coded.

    Default: every pair of human coders who coded a document in common (``agreement.coders``
    narrows it); ``with_machine`` adds the machine coder, compared on the human-coded documents.
    """
    study = as_study(study)
    key = ("agreement", tuple(coders or ()), with_machine, write)
    return memo(study, key, lambda: _agreement(study, coders, with_machine, write))


def topics(study: Study | str | Path, write: bool = True, with_stability: bool = True) -> TopicsOutput:
    """Fit the topic model on respondent turns and hold it against the codebook (``qualpipe topics``).

    Writes ``topics.csv``, ``segment_topics.csv``, ``topic_shares_by_attribute.csv``,
    ``topic_themes.csv``, ``topic_codes.csv``, ``topic_flags.csv``, ``topic_stability.csv``, the
    figures under ``figures/`` and the fitted model under ``topic_model/``. Embeddings are cached
    by content, so changing only clustering settings does not re-embed.
    """
    study = as_study(study)
    return memo(study, ("topics", write, with_stability), lambda: _topics(study, write, with_stability))


def compare(study: Study | str | Path, write: bool = True, with_topics: bool = True):
    """Compare groups (default: implementation model) on every theme and code (``qualpipe compare``).

    Writes ``prevalence.csv``, ``differences.csv``, ``cooccurrence.csv``, ``framework_matrix.csv``,
    ``corpus.csv`` and, with topics, ``topic_shares.csv``.
    """
    study = as_study(study)
    return memo(study, ("compare", write, with_topics), lambda: _compare(study, write, with_topics))


def _ingest_settings(study: Study) -> dict:
    settings = study.model_dump(mode="json", include={"name", "languages", "interviewer_labels", "attributes",
                                                      "ingest", "pseudonymise"})
    names = settings["pseudonymise"].get("names") or []
    if names:  # written to provenance.json: the names themselves stay out, a change still shows
        import hashlib

        digest = hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:16]
        settings["pseudonymise"]["names"] = f"{len(names)} names (sha256 {digest})"
    return settings


def _ingest(study: Study | str | Path, write: bool = True, skip_invalid: bool = False) -> IngestResult:
    from pipeline.stages.ingest.corpus import ingest as read_corpus

    study = as_study(study)
    fingerprint = input_fingerprint(study)
    settings = _ingest_settings(study)
    if skip_invalid:
        settings["skip_invalid"] = True
    corpus, hit = cached_stage(study, "ingest", lambda: read_corpus(study, skip_invalid=skip_invalid),
                               fingerprint, settings,
                               key_file=Path(study.private_dir) / f"{study.name}.pseudonym_key.csv")
    check(corpus.documents, "documents", "ingest: documents")
    check(corpus.segments, "segments", "ingest: segments")
    result = IngestResult(corpus.documents, corpus.segments, corpus.warnings, study.output_dir, hit)
    if write:
        out = study.output_dir
        written = write_table(corpus.documents, out, "documents") + write_table(corpus.segments, out, "segments")
        update_provenance(out, "ingest", {
            "inputs": fingerprint, "settings": settings,
            "outputs": [p.name for p in written],
            "n_documents": len(corpus.documents), "n_segments": len(corpus.segments),
        })
    return result


# -- coding ------------------------------------------------------------------------------------

def _code(study: Study | str | Path, write: bool = True) -> CodeResult:

    from pipeline.stages.coding.code import code as run_coding
    from pipeline.stages.coding.code import codebook_version

    study = as_study(study)
    corpus = ingest(study, write=write)
    codebook = load_codebook(study.codebook_path)
    segments = corpus.segments
    key = (joblib.hash(segments), sha256_file(study.codebook_path),
           files_hash(study, study.human_codings),
           [(files_hash(study, [s.segments]), files_hash(study, s.codings)) for s in study.training_data],
           study.coding.model_dump(mode="json"), study.agreement.gold_coders)
    gold_coders = list(study.agreement.gold_coders or []) or None

    def compute():
        human = human_codings(study, codebook, segments)
        extra = training_data(study, codebook)
        training = None
        if extra is not None:
            own = human if human is not None else pd.DataFrame(columns=["segment_id", "code", "coder"])
            if gold_coders:
                own = own[own["coder"].isin(gold_coders)]
            training = (pd.concat([segments, extra[0]], ignore_index=True),
                        pd.concat([own, extra[1]], ignore_index=True))
        return run_coding(segments, codebook, study.coding, human_codings=human, training=training,
                           gold_coders=gold_coders)

    result, hit = cached_stage(study, "code", compute, *key)
    out = study.output_dir
    if write:
        written = write_table(result.coded_segments, out, "coded_segments")
        written += write_table(result.codings, out, "codings", formats=("csv",))
        if result.code_status is not None:
            written += write_table(result.code_status, out, "code_status", formats=("csv",))
        update_provenance(out, "code", {
            "inputs": {"codebook": sha256_file(study.codebook_path),
                       **{f"human_codings/{k}": v for k, v in files_hash(study, study.human_codings).items()}},
            "codebook": {"name": codebook.name, "version": codebook.version,
                         "content_version": codebook_version(codebook)},
            "coder": result.coder, "settings": study.coding.model_dump(mode="json"), "notes": result.notes,
            "outputs": [p.name for p in written],
        })
    check(result.codings, "codings", "code: codings")
    check(result.coded_segments, "coded_segments", "code: coded_segments")
    return CodeResult(result.codings, result.coded_segments, result.code_status, result.coder, result.notes,
                      out, hit)


# -- evaluation and agreement ------------------------------------------------------------------

def _evaluate(study: Study | str | Path, write: bool = True) -> EvaluationResult:
    from pipeline.stages.coding.code import _codable
    from pipeline.stages.coding.coders import add_context

    study = as_study(study)
    corpus = ingest(study, write=write)
    codebook = load_codebook(study.codebook_path)
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
    key = (joblib.hash((segments, gold)), sha256_file(study.codebook_path), study.coding.model_dump(mode="json"),
           study.agreement.model_dump(mode="json"), None if split is None else joblib.hash(split))
    (result, design, predictions), _ = cached_stage(
        study, "evaluate", lambda: _run_evaluation(study, codebook, segments, gold, split), *key)
    if write:
        out = study.output_dir
        write_table(result, out, "evaluation", formats=("csv",))
        write_table(predictions, out, "evaluation_predictions", formats=("csv",))
        update_provenance(out, "evaluate", {"design": design, "coder": study.coding.coder,
                                            "settings": study.agreement.model_dump(mode="json")})
    return EvaluationResult(result, design, predictions)


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
        return scores.assign(setting=label), design, scores.attrs["predictions"].assign(setting=label)
    coded_docs = set(segments.loc[segments["segment_id"].isin(gold["segment_id"]), "doc_id"])
    design, runs, test = holdout_runs(kind, split, study.agreement.test_docs, study.agreement.train_docs,
                                      coded_docs)
    frames, predictions = [], []
    for label, coder_kind, docs in runs:
        scores = holdout_evaluate(lambda k=coder_kind: make_coder(codebook, study.coding, k), segments, gold,
                                  codebook, docs, test)
        frames.append(scores.assign(setting=label, n_train_docs=len(docs), n_test_docs=len(test)))
        predictions.append(scores.attrs["predictions"].assign(setting=label))
    return pd.concat(frames, ignore_index=True), design, pd.concat(predictions, ignore_index=True)


def _agreement(study: Study | str | Path, coders: list[str] | None = None, with_machine: bool = False,
              write: bool = True) -> pd.DataFrame:
    """Agreement between coders (``qualpipe agreement``): percent agreement, Cohen's kappa and
    Krippendorff's alpha per code, theme and overall, on the turns every compared coder coded.

    Default coders: every human coder (``agreement.coders`` narrows it); ``with_machine`` adds
    the machine coder's codes, compared on the documents the humans coded.
    """
    from pipeline.stages.quality.agreement import agreement as compute_agreement

    study = as_study(study)
    corpus = ingest(study, write=write)
    codebook = load_codebook(study.codebook_path)
    human = human_codings(study, codebook, corpus.segments)
    frames = [] if human is None else [human.assign(source="human")]
    if with_machine:
        coded = code(study, write=write)
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
    if write:
        write_table(table, study.output_dir, "agreement", formats=("csv",))
    return table


# -- topics ------------------------------------------------------------------------------------

def _topics(study: Study | str | Path, write: bool = True, with_stability: bool = True) -> TopicsOutput:


    study = as_study(study)
    corpus = ingest(study, write=write)
    coded = code(study, write=write)
    codebook = load_codebook(study.codebook_path)
    settings = study.topics
    segments = corpus.segments
    embeddings = cache_dir(study) / "embeddings"
    out = study.output_dir
    seg_key = joblib.hash(segments)

    def fit():
        from pipeline.stages.topics import fit_topics

        result = fit_topics(segments, settings, cache_dir=embeddings)
        if write:
            result.save(out / "topic_model")
        # whether the embeddings came from the cache is run-time state, not provenance: keeping it
        # out of the outputs keeps them byte-identical whatever the cache held
        info = {k: v for k, v in result.info.items() if k != "embedding_from_cache"}
        return {"topics": result.topics, "segment_topics": result.segment_topics, "shares": result.shares,
                "info": info}

    fitted, hit = cached_stage(study, "topics", fit, seg_key, settings.model_dump(mode="json"))
    stab = None
    seeds = tuple(getattr(settings, "stability_seeds", (1, 2, 3)))
    if with_stability and seeds:
        def run_stability():
            from pipeline.stages.topics import stability

            result = stability(segments, settings, seeds=seeds, cache_dir=embeddings)
            return {"mean_ari": result.mean_ari, "runs": result.runs, "topics": result.topics}

        stab, _ = cached_stage(study, "topic_stability", run_stability, seg_key, settings.model_dump(mode="json"))
    from pipeline.stages.topics import topic_code_table

    final = coded.codings[coded.codings["final"].astype(bool)] if "final" in coded.codings else coded.codings
    themes, codes_, flags = topic_code_table(fitted["segment_topics"], final, codebook)
    if write:
        write_table(fitted["topics"], out, "topics", formats=("csv",))
        write_table(fitted["segment_topics"], out, "segment_topics", formats=("csv",))
        write_table(fitted["shares"], out, "topic_shares_by_attribute", formats=("csv",))
        write_table(themes, out, "topic_themes", formats=("csv",))
        write_table(codes_, out, "topic_codes", formats=("csv",))
        write_table(flags, out, "topic_flags", formats=("csv",))
        if stab is not None:
            write_table(stab["runs"], out, "topic_stability", formats=("csv",))
            write_table(stab["topics"], out, "topic_stability_by_topic", formats=("csv",))
        if not hit or not all(p.exists() for p in _figure_files(fitted, out / "figures", settings)):
            _topic_figures(fitted, out / "figures", settings)
        update_provenance(out, "topics", {"settings": settings.model_dump(mode="json"), "seed": settings.seed,
                                          "info": fitted["info"],
                                          "stability_mean_ari": None if stab is None else stab["mean_ari"]})
    check(fitted["topics"], "topics", "topics: topics")
    check(fitted["segment_topics"], "segment_topics", "topics: segment_topics")
    return TopicsOutput(fitted["topics"], fitted["segment_topics"], fitted["shares"], fitted["info"], themes,
                        codes_, flags, stab, out, hit)


def _figure_files(fitted: dict, folder: Path, settings) -> list[Path]:
    """Every figure file ``_topic_figures`` writes (a run killed between two figures redraws them)."""
    stems = ["topic_sizes"] + [f"topic_shares_by_{a}" for a in settings.share_attributes
                               if (fitted["shares"]["attribute"] == a).any()]
    return [folder / f"{stem}.{ext}" for stem in stems for ext in ("png", "svg")]


def _topic_figures(fitted: dict, folder: Path, settings) -> None:
    from types import SimpleNamespace

    from pipeline.stages.topics import plot_topic_shares, plot_topic_sizes

    result = SimpleNamespace(**fitted)
    folder.mkdir(parents=True, exist_ok=True)
    plot_topic_sizes(result, folder / "topic_sizes")
    for attribute in settings.share_attributes:
        if (fitted["shares"]["attribute"] == attribute).any():
            plot_topic_shares(result, attribute, folder / f"topic_shares_by_{attribute}")


# -- comparison and report ---------------------------------------------------------------------

def _compare(study: Study | str | Path, write: bool = True, with_topics: bool = True):

    from pipeline.stages.compare.differences import compare as run_compare

    study = as_study(study)
    coded = code(study, write=write)
    codebook = load_codebook(study.codebook_path)
    seg_topics = None
    if with_topics:

        try:
            seg_topics = topics(study, write=write).segment_topics
        except QualpipeError:  # too small a corpus for a topic model: compare without topics
            seg_topics = None
    key = (joblib.hash((coded.coded_segments, coded.codings, seg_topics)), sha256_file(study.codebook_path),
           study.compare.model_dump(mode="json"))
    comparison, hit = cached_stage(
        study, "compare", lambda: run_compare(coded.coded_segments, coded.codings, codebook, study.compare,
                                              segment_topics=seg_topics), *key)
    for name in ("prevalence", "differences"):
        if name in comparison.tables():
            check(comparison.tables()[name], name, f"compare: {name}")
    if write:
        out = study.output_dir
        for name, table in comparison.tables().items():
            write_table(table, out, name, formats=("csv",))
        update_provenance(out, "compare", {"settings": study.compare.model_dump(mode="json"),
                                           "seed": study.compare.seed, "tables": sorted(comparison.tables())})
    return comparison
