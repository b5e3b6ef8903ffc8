"""Study-level API: each function runs one stage for a study, reading its inputs and writing its
outputs in the study's output folder. These are the functions the CLI and the notebooks call;
the stage modules (``pipeline.stages.ingest.corpus``, ``pipeline.stages.coding.code`` ...) stay free of file handling.

Stages are cached by content: a stage whose inputs, code and settings did not change is not
recomputed (see :mod:`pipeline.api.cache`). A stage's key is built from the *keys* of the stages it
reads (a chain: ingest -> code -> compare -> report), the source files it runs and the part of the
codebook it is given (:mod:`pipeline.api.keys`), never from hashing the tables themselves; so
editing one code's definition re-renders the report only.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.api.cache import cache_dir, cached_stage
from pipeline.api.keys import codebook_hash, coding_view, digest, stage_code_hash
from pipeline.api.inputs import files_hash, human_codings, input_fingerprint, read_split, training_data
from pipeline.api.io import sha256_file, update_provenance, write_table
from pipeline.api.results import CodeResult, EvaluationResult, IngestResult, TopicsOutput
from pipeline.api.session import as_study, memo, session
from pipeline.codebook import load_codebook
from pipeline.errors import ConfigError, Problem, QualpipeError
from pipeline.settings import Study
from pipeline.stages.quality.design import coder_pairs, holdout_runs

# The stages' own modules are imported inside the functions that run them, so that a warm run (or
# a command that needs one stage) does not import the heavy libraries of the others.


def ingest(study: Study | str | Path, write: bool = True) -> IngestResult:
    """Read, check and pseudonymise a study's transcripts (``qualpipe ingest``).

    Writes ``documents`` and ``segments`` (CSV and Parquet) to the output folder, pseudonymised.
    """
    return _ingest_t(as_study(study), write)[0]


def code(study: Study | str | Path, write: bool = True) -> CodeResult:
    """Code every respondent turn against the codebook (``qualpipe code``).

    Writes ``coded_segments`` (CSV, Parquet), ``codings.csv`` (long form) and ``code_status.csv``.
    Human codings always win; a re-run never overwrites them.
    """
    return _code_t(as_study(study), write)[0]


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


def topics(study: Study | str | Path, write: bool = True, with_stability: bool = True) -> TopicsOutput:
    """Fit the topic model on respondent turns and hold it against the codebook (``qualpipe topics``).

    Writes ``topics.csv``, ``segment_topics.csv``, ``topic_shares_by_attribute.csv``,
    ``topic_themes.csv``, ``topic_codes.csv``, ``topic_flags.csv``, ``topic_stability.csv``, the
    figures under ``figures/`` and the fitted model under ``topic_model/``. Embeddings are cached
    by content, so changing only clustering settings does not re-embed.
    """
    return _topics_t(as_study(study), write, with_stability)[0]


def compare(study: Study | str | Path, write: bool = True, with_topics: bool = True):
    """Compare groups (default: implementation model) on every theme and code (``qualpipe compare``).

    Writes ``prevalence.csv``, ``differences.csv``, ``cooccurrence.csv``, ``framework_matrix.csv``,
    ``corpus.csv`` and, with topics, ``topic_shares.csv``.
    """
    return _compare_t(as_study(study), write, with_topics)[0]


# Each ``_<stage>_t`` returns ``(result, key)``: the key stands for the result in the keys of the
# stages that read it. Within a session each is computed once.

def _ingest_t(study: Study, write: bool = True):
    return memo(study, ("ingest", write), lambda: _ingest(study, write))


def _code_t(study: Study, write: bool = True):
    return memo(study, ("code", write), lambda: _code(study, write))


def _evaluate_t(study: Study, write: bool = True):
    return memo(study, ("evaluate", write), lambda: _evaluate(study, write))


def _topics_t(study: Study, write: bool = True, with_stability: bool = True):
    return memo(study, ("topics", write, with_stability), lambda: _topics(study, write, with_stability))


def _compare_t(study: Study, write: bool = True, with_topics: bool = True):
    return memo(study, ("compare", write, with_topics), lambda: _compare(study, write, with_topics))


def _view(study: Study):
    """The study's codebook as the coders, evaluation, agreement and comparison see it (without
    definitions: :func:`pipeline.api.keys.coding_view`), and its hash."""
    view = coding_view(load_codebook(study.codebook_path))
    return view, codebook_hash(view)


def _ingest_settings(study: Study) -> dict:
    return study.model_dump(mode="json", include={"name", "languages", "interviewer_labels", "attributes",
                                                  "ingest", "pseudonymise"})


def _ingest(study: Study, write: bool = True) -> tuple[IngestResult, str]:
    from pipeline.api.cache import _file_hash
    from pipeline.stages.ingest.corpus import ingest as read_corpus

    fingerprint = input_fingerprint(study)
    settings = _ingest_settings(study)
    key_file = Path(study.private_dir) / f"{study.name}.pseudonym_key.csv"
    corpus, hit = cached_stage(study, "ingest", lambda: read_corpus(study), fingerprint, settings,
                               key_file=key_file)
    # the pseudonyms depend on the key file as it was; the result is valid for the file as it is now
    token = digest("ingest", stage_code_hash("ingest"), fingerprint, settings, _file_hash(key_file))
    result = IngestResult(corpus.documents, corpus.segments, corpus.warnings, study.output_dir, hit)
    if write:
        out = study.output_dir
        written = write_table(corpus.documents, out, "documents") + write_table(corpus.segments, out, "segments")
        update_provenance(out, "ingest", {
            "inputs": fingerprint, "settings": settings,
            "outputs": [p.name for p in written],
            "n_documents": len(corpus.documents), "n_segments": len(corpus.segments),
        })
    return result, token


# -- coding ------------------------------------------------------------------------------------

def _code(study: Study, write: bool = True) -> tuple[CodeResult, str]:
    from pipeline.stages.coding.code import code as run_coding
    from pipeline.stages.coding.code import codebook_version

    corpus, ingest_key = _ingest_t(study, write)
    codebook = load_codebook(study.codebook_path)
    view, view_hash = _view(study)
    segments = corpus.segments
    key = (ingest_key, view_hash, files_hash(study, study.human_codings),
           [(files_hash(study, [s.segments]), files_hash(study, s.codings)) for s in study.training_data],
           study.coding.model_dump(mode="json"))

    def compute():
        human = human_codings(study, view, segments)
        extra = training_data(study, view)
        training = None
        if extra is not None:
            own = human if human is not None else pd.DataFrame(columns=["segment_id", "code", "coder"])
            training = (pd.concat([segments, extra[0]], ignore_index=True),
                        pd.concat([own, extra[1]], ignore_index=True))
        return run_coding(segments, view, study.coding, human_codings=human, training=training)

    result, hit = cached_stage(study, "code", compute, *key)
    # the coders were given the view; the codings name the version of the codebook as it is
    result = _with_codebook_version(result, codebook_version(view), codebook_version(codebook))
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
    return (CodeResult(result.codings, result.coded_segments, result.code_status, result.coder, result.notes,
                       out, hit), digest("code", stage_code_hash("code"), key))


def _with_codebook_version(result, seen: str, actual: str):
    """``result`` with the codebook version the coders saw (``seen``) replaced by ``actual``."""
    import copy

    result = copy.copy(result)
    for name in ("codings", "coded_segments"):
        frame = getattr(result, name)
        if frame is not None and "codebook_version" in frame.columns and seen != actual:
            column = frame["codebook_version"]
            setattr(result, name, frame.assign(codebook_version=column.mask(column == seen, actual)))
    return result


# -- evaluation and agreement ------------------------------------------------------------------

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
    (result, design), _ = cached_stage(study, "evaluate", lambda: _run_evaluation(study, codebook, segments,
                                                                                  gold, split), *key)
    if write:
        out = study.output_dir
        write_table(result, out, "evaluation", formats=("csv",))
        update_provenance(out, "evaluate", {"design": design, "coder": study.coding.coder,
                                            "settings": study.agreement.model_dump(mode="json")})
    return EvaluationResult(result, design), digest("evaluate", stage_code_hash("evaluate"), key)


def _run_evaluation(study: Study, codebook, segments: pd.DataFrame, gold: pd.DataFrame,
                    split: pd.DataFrame | None) -> tuple[pd.DataFrame, str]:
    from pipeline.stages.coding.code import make_coder
    from pipeline.stages.quality.agreement import cross_validate, holdout_evaluate

    kind = study.coding.coder
    if split is None and not study.agreement.test_docs:
        design = f"{study.agreement.n_splits}-fold cross-validation by document"
        scores = cross_validate(lambda: make_coder(codebook, study.coding), segments, gold, codebook,
                                n_splits=study.agreement.n_splits, seed=study.seed)
        return scores.assign(setting=f"{kind}, cross-validated"), design
    coded_docs = set(segments.loc[segments["segment_id"].isin(gold["segment_id"]), "doc_id"])
    design, runs, test = holdout_runs(kind, split, study.agreement.test_docs, study.agreement.train_docs,
                                      coded_docs)
    frames = []
    for label, coder_kind, docs in runs:
        scores = holdout_evaluate(lambda k=coder_kind: make_coder(codebook, study.coding, k), segments, gold,
                                  codebook, docs, test)
        frames.append(scores.assign(setting=label, n_train_docs=len(docs), n_test_docs=len(test)))
    return pd.concat(frames, ignore_index=True), design


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
    table, _ = cached_stage(study, "agreement", lambda: _agreement_table(study, corpus, codebook, coded, coders),
                            *key)
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
    return table


# -- topics ------------------------------------------------------------------------------------

def _topics(study: Study, write: bool = True, with_stability: bool = True) -> tuple[TopicsOutput, str]:
    corpus, seg_key = _ingest_t(study, write)
    coded, _ = _code_t(study, write)
    codebook, _ = _view(study)
    settings = study.topics
    segments = corpus.segments
    embeddings = cache_dir(study) / "embeddings"
    out = study.output_dir

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
        if not hit or not (out / "figures" / "topic_sizes.png").exists():
            _topic_figures(fitted, out / "figures", settings)
        update_provenance(out, "topics", {"settings": settings.model_dump(mode="json"), "seed": settings.seed,
                                          "info": fitted["info"],
                                          "stability_mean_ari": None if stab is None else stab["mean_ari"]})
    # what compare reads of the topics (segment_topics) depends on the fit only
    token = digest("topics", stage_code_hash("topics"), seg_key, settings.model_dump(mode="json"))
    return TopicsOutput(fitted["topics"], fitted["segment_topics"], fitted["shares"], fitted["info"], themes,
                        codes_, flags, stab, out, hit), token


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

def _compare(study: Study, write: bool = True, with_topics: bool = True):
    from pipeline.stages.compare.differences import compare as run_compare

    coded, code_key = _code_t(study, write)
    codebook, view_hash = _view(study)
    seg_topics = topics_key = None
    if with_topics:
        try:
            fitted, topics_key = _topics_t(study, write)
            seg_topics = fitted.segment_topics
        except QualpipeError:  # too small a corpus for a topic model: compare without topics
            seg_topics = topics_key = None
    # compare reads the codings' codes, not their codebook_version column
    key = (code_key, topics_key, view_hash, study.compare.model_dump(mode="json"))
    comparison, hit = cached_stage(
        study, "compare", lambda: run_compare(coded.coded_segments, coded.codings, codebook, study.compare,
                                              segment_topics=seg_topics), *key)
    if write:
        out = study.output_dir
        for name, table in comparison.tables().items():
            write_table(table, out, name, formats=("csv",))
        update_provenance(out, "compare", {"settings": study.compare.model_dump(mode="json"),
                                           "seed": study.compare.seed, "tables": sorted(comparison.tables())})
    return comparison, digest("compare", stage_code_hash("compare"), key)


def report(study: Study | str | Path, out: Path | None = None) -> Path:
    """Render the self-contained HTML report (``qualpipe report``); returns its path."""
    study = as_study(study)
    with session():
        return _report(study, out)


def _report(study: Study, out: Path | None) -> Path:

    from pipeline.stages.report.render import render_report


    coded, code_key = _code_t(study)
    comparison, compare_key = _compare_t(study)
    notes = list(coded.notes)
    topics_key = None
    try:
        topic_out, topics_key = _topics_t(study)
    except QualpipeError as exc:
        notes.append(f"No topic model: {exc.problems[0].message}")
        topic_out = TopicsOutput(*(None,) * 8, output=study.output_dir)
    codebook = load_codebook(study.codebook_path)
    folder = study.output_dir
    agreement_table = evaluation_table = agreement_key = evaluation_key = None
    try:
        agreement_table, agreement_key = memo(study, ("agreement", (), False, True),
                                              lambda: _agreement(study, None, False, True))
    except QualpipeError as exc:  # e.g. a study without human codings
        notes.append(f"Agreement figures are not available: {exc.problems[0].message}")
    try:
        evaluation, evaluation_key = _evaluate_t(study)
        evaluation_table = evaluation.scores
    except QualpipeError as exc:
        notes.append(f"Evaluation figures are not available: {exc.problems[0].message}")
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    provenance["codebook"] = {"name": codebook.name, "version": codebook.version}
    provenance["study"] = study.name


    # the report reads the stages' results (their keys stand for them), the flags (codes and topics
    # by key), the provenance and notes as they are, and the whole codebook
    inputs = dict(code=code_key, compare=compare_key, topics=topics_key, agreement=agreement_key,
                  evaluation=evaluation_key, provenance=provenance, notes=notes)
    html, _ = cached_stage(
        study, "report",
        lambda: render_report(comparison, codebook, study.report, segments=coded.coded_segments,
                              topics=topic_out.topics, topic_flags=topic_out.flags, topic_info=topic_out.info,
                              stability=topic_out.stability, agreement=agreement_table,
                              evaluation=evaluation_table, provenance=provenance, coding_notes=notes),
        digest(inputs), sha256_file(study.codebook_path), study.report.model_dump(mode="json"))
    path = out or folder / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def run(study: Study | str | Path) -> Path:
    """Every stage, each recomputed only when its inputs, code or settings changed (``qualpipe run``).

    With nothing changed since the last run, not even the stages' caches are read
    (:mod:`pipeline.api.runrecord`)."""
    from pipeline.api.cache import EVENTS
    from pipeline.api.runrecord import fresh_report, run_key, write_record

    study = as_study(study)
    done = fresh_report(study)
    if done is not None:
        EVENTS["run"] = True
        return done
    key = run_key(study, with_key_file=False)
    with session():
        path = report(study)
    if path == study.output_dir / "index.html":
        write_record(study, path, key)
    return path


