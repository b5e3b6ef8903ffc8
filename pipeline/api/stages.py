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

from pathlib import Path

import pandas as pd

from pipeline.api.cache import cached_stage, embedding_dir
from pipeline.api.compute import partitions
from pipeline.api.compute import stop as stop_cluster
from pipeline.api.keys import codebook_hash, coding_view, digest, stage_code_hash
from pipeline.api.inputs import files_hash, human_codings, input_fingerprint, training_data
from pipeline.api.io import sha256_file, update_provenance, write_table
from pipeline.api.results import CodeResult, IngestResult, TopicsOutput
from pipeline.api.session import as_study, memo
from pipeline.codebook import load_codebook
from pipeline.errors import Problem, QualpipeError
from pipeline.schemas import check
from pipeline.settings import Study
from pipeline.stages.compare.setup import declared_attributes

# The stages' own modules are imported inside the functions that run them, so that a warm run (or
# a command that needs one stage) does not import the heavy libraries of the others.


def ingest(study: Study | str | Path, write: bool = True, skip_invalid: bool = False) -> IngestResult:
    """Read, check and pseudonymise a study's transcripts (``qualpipe ingest``).

    Writes ``documents`` and ``segments`` (CSV and Parquet) to the output folder, pseudonymised.
    With ``skip_invalid`` documents with errors are left out (listed in the warnings as
    "left out: ...") instead of refusing the study.
    """
    return _ingest_t(as_study(study), write, skip_invalid)[0]


def code(study: Study | str | Path, write: bool = True) -> CodeResult:
    """Code every respondent turn against the codebook (``qualpipe code``).

    Writes ``coded_segments`` (CSV, Parquet), ``codings.csv`` (long form) and ``code_status.csv``.
    Human codings always win; a re-run never overwrites them.
    """
    return _code_t(as_study(study), write)[0]


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

def _ingest_t(study: Study, write: bool = True, skip_invalid: bool = False):
    return memo(study, ("ingest", write, skip_invalid), lambda: _ingest(study, write, skip_invalid))


def _code_t(study: Study, write: bool = True):
    return memo(study, ("code", write), lambda: _code(study, write))


def _topics_t(study: Study, write: bool = True, with_stability: bool = True):
    return memo(study, ("topics", write, with_stability), lambda: _topics(study, write, with_stability))


def _compare_t(study: Study, write: bool = True, with_topics: bool = True):
    return memo(study, ("compare", write, with_topics), lambda: _compare(study, write, with_topics))


def _view(study: Study):
    """The study's codebook as the coders, evaluation, agreement and comparison see it (without
    definitions: :func:`pipeline.api.keys.coding_view`), and its hash."""
    codebook = load_codebook(study.codebook_path)
    # with coding.embeddings the coder compares turns with the definitions, and with
    # coding.definitions_weight it learns from them: it is given them all ('auto' embeds only turns
    # in several languages, so a study of one language keeps its definitions out of the key)
    embeds = study.coding.embeddings not in (None, "auto") or (
        study.coding.embeddings == "auto" and len(study.languages) > 1)
    reads = (embeds and study.coding.zero_shot != "none") or study.coding.definitions_weight > 0
    view = codebook if reads else coding_view(codebook)
    return view, codebook_hash(view)


def _ingest_settings(study: Study) -> dict:
    settings = study.model_dump(mode="json", include={"name", "languages", "interviewer_labels", "attributes",
                                                      "ingest", "pseudonymise"})
    names = settings["pseudonymise"].get("names") or []
    if names:  # written to provenance.json: the names themselves stay out, a change still shows
        import hashlib

        hashed = hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:16]
        settings["pseudonymise"]["names"] = f"{len(names)} names (sha256 {hashed})"
    return settings


def _without_respondents(study: Study, corpus) -> list[Problem]:
    """A warning per document whose every turn is the interviewer's: nothing of it is coded or
    compared, which must not pass without a word."""
    docs = corpus.documents
    if docs.empty or "n_respondent_turns" not in docs:
        return []
    silent = docs[(docs["n_turns"] > 0) & (docs["n_respondent_turns"] == 0)]
    return [Problem(str(study.transcripts_dir / str(file)), f"document {doc!r} has no respondent turn: all its "
                    f"{n} turn(s) are the interviewer's, so nothing of it is coded or compared.",
                    "If a participant speaks in it, check their label is not one of interviewer_labels (or the "
                    "manifest's 'interviewer' column); if the label is missing, add 'Label:' before their words.",
                    severity="warning")
            for doc, file, n in zip(silent["doc_id"], silent["file"], silent["n_turns"])]


def _ingest(study: Study, write: bool = True, skip_invalid: bool = False) -> tuple[IngestResult, str]:
    from pipeline.api.cache import _file_hash
    from pipeline.stages.ingest.corpus import ingest as read_corpus

    fingerprint = input_fingerprint(study)
    settings = _ingest_settings(study)
    if skip_invalid:
        settings["skip_invalid"] = True
    key_file = Path(study.private_dir) / f"{study.name}.pseudonym_key.csv"

    def compute():  # in partitions of documents with compute.scheduler: dask (the same tables)
        with partitions(study) as parallel:
            return read_corpus(study, skip_invalid=skip_invalid, parallel=parallel)

    corpus, hit = cached_stage(study, "ingest", compute, fingerprint, settings, key_file=key_file)
    check(corpus.documents, "documents", "ingest: documents")
    check(corpus.segments, "segments", "ingest: segments")
    # the pseudonyms depend on the key file as it was; the result is valid for the file as it is now
    token = digest("ingest", stage_code_hash("ingest"), fingerprint, settings, _file_hash(key_file))
    result = IngestResult(corpus.documents, corpus.segments, corpus.warnings + _without_respondents(study, corpus),
                          study.output_dir, hit)
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
           study.coding.model_dump(mode="json"), study.agreement.gold_coders)
    gold_coders = list(study.agreement.gold_coders or []) or None

    def compute():
        human = human_codings(study, view, segments)
        extra = training_data(study, view)
        training = None
        if extra is not None:
            own = human if human is not None else pd.DataFrame(columns=["segment_id", "code", "coder"])
            if gold_coders:
                own = own[own["coder"].isin(gold_coders)]
            training = (pd.concat([segments, extra[0]], ignore_index=True),
                        pd.concat([own, extra[1]], ignore_index=True))
        with partitions(study) as parallel:
            return run_coding(segments, view, study.coding, human_codings=human, training=training,
                              gold_coders=gold_coders, parallel=parallel)

    from pipeline.text.embeddings import default_cache_dir

    with default_cache_dir(embedding_dir(study)):  # coding.embeddings: the topics stage's vectors
        result, hit = cached_stage(study, "code", compute, *key)
    stop_cluster(study)  # the last stage that runs in partitions
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
    check(result.codings, "codings", "code: codings")
    check(result.coded_segments, "coded_segments", "code: coded_segments")
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


# -- topics ------------------------------------------------------------------------------------

def _topics(study: Study, write: bool = True, with_stability: bool = True) -> tuple[TopicsOutput, str]:
    corpus, seg_key = _ingest_t(study, write)
    coded, _ = _code_t(study, write)
    codebook, _ = _view(study)
    settings = study.topics
    segments = corpus.segments
    if "share_attributes" not in settings.model_fields_set:  # no study's attributes assumed
        settings = settings.model_copy(update={"share_attributes": declared_attributes(study, segments)})
    key = (seg_key, settings.model_dump(mode="json"))
    fitted, stab, hit = _fit_topics(study, segments, settings, key, write, with_stability)
    from pipeline.stages.topics import topic_code_table

    final = coded.codings[coded.codings["final"].astype(bool)] if "final" in coded.codings else coded.codings
    themes, codes_, flags = topic_code_table(fitted["segment_topics"], final, codebook)
    out = study.output_dir
    if write:
        for name, table in (("topics", fitted["topics"]), ("segment_topics", fitted["segment_topics"]),
                            ("topic_shares_by_attribute", fitted["shares"]), ("topic_themes", themes),
                            ("topic_codes", codes_), ("topic_flags", flags)):
            write_table(table, out, name, formats=("csv",))
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
    # what compare reads of the topics (segment_topics) depends on the fit only
    token = digest("topics", stage_code_hash("topics"), *key)
    return TopicsOutput(fitted["topics"], fitted["segment_topics"], fitted["shares"], fitted["info"], themes,
                        codes_, flags, stab, out, hit), token


def _fit_topics(study: Study, segments: pd.DataFrame, settings, key: tuple, write: bool, with_stability: bool):
    """``(fitted, stability, fit_was_cached)``: the fit's tables and the stability report, each from
    its cache entry or computed. A computed fit starts the stability refits first, in a second
    process beside itself when the machine has a core for it (the numbers are the same)."""
    from pipeline.text.embeddings import auto_threads

    embeddings = embedding_dir(study)
    seeds = tuple(settings.stability_seeds) if with_stability else ()
    computed = {}  # the fit of this call, when it was computed: stability reuses it and its refits

    def fit():
        from pipeline.stages.topics import fit_topics

        result = computed["fit"] = fit_topics(segments, settings, cache_dir=embeddings, stability_seeds=seeds,
                                              processes=settings.threads or auto_threads())
        if write:
            result.save(study.output_dir / "topic_model")
        # whether the embeddings came from the cache is run-time state, not provenance: keeping it
        # out of the outputs keeps them byte-identical whatever the cache held
        info = {k: v for k, v in result.info.items() if k != "embedding_from_cache"}
        return {"topics": result.topics, "segment_topics": result.segment_topics, "shares": result.shares,
                "info": info}

    def run_stability():
        from types import SimpleNamespace

        from pipeline.stages.topics import stability

        reference = computed.get("fit") or SimpleNamespace(topics=fitted["topics"],
                                                           segment_topics=fitted["segment_topics"])
        result = stability(segments, settings, seeds=seeds, cache_dir=embeddings, reference=reference)
        return {"mean_ari": result.mean_ari, "runs": result.runs, "topics": result.topics}

    fitted, hit = cached_stage(study, "topics", fit, *key)
    stab = cached_stage(study, "topic_stability", run_stability, *key)[0] if seeds else None
    if computed.get("fit") is not None and computed["fit"].refits is not None:
        computed["fit"].refits.cancel()  # refits started for a stability report the cache held
    return fitted, stab, hit


def _figure_files(fitted: dict, folder: Path, settings, formats=None) -> list[Path]:
    """Every figure file ``_topic_figures`` writes (a run killed between two figures redraws them)."""
    stems = ["topic_sizes"] + [f"topic_shares_by_{a}" for a in settings.share_attributes
                               if (fitted["shares"]["attribute"] == a).any()]
    return [folder / f"{stem}.{ext}" for stem in stems for ext in (settings.figures if formats is None else formats)]


def _topic_figures(fitted: dict, folder: Path, settings) -> None:
    """The figures in ``settings.figures`` (SVG written directly; PNG drawn with matplotlib); a
    figure of the other format left by an earlier run is removed, so none is stale."""
    from pipeline.api.files import write_text
    from pipeline.stages.topics.svg import svg_topic_shares, svg_topic_sizes

    for stale in _figure_files(fitted, folder, settings, [f for f in ("svg", "png") if f not in settings.figures]):
        stale.unlink(missing_ok=True)
    if not settings.figures:
        return
    folder.mkdir(parents=True, exist_ok=True)
    attributes = [a for a in settings.share_attributes if (fitted["shares"]["attribute"] == a).any()]
    if "svg" in settings.figures:
        write_text(folder / "topic_sizes.svg", svg_topic_sizes(fitted["topics"], fitted["info"].get("n_fitted")))
        for attribute in attributes:
            write_text(folder / f"topic_shares_by_{attribute}.svg",
                       svg_topic_shares(fitted["topics"], fitted["shares"], attribute))
    if "png" in settings.figures:
        from types import SimpleNamespace

        from pipeline.stages.topics import plot_topic_shares, plot_topic_sizes

        result = SimpleNamespace(**fitted)
        plot_topic_sizes(result, folder / "topic_sizes", formats=("png",))
        for attribute in attributes:
            plot_topic_shares(result, attribute, folder / f"topic_shares_by_{attribute}", formats=("png",))


# -- comparison and report ---------------------------------------------------------------------

def _compare(study: Study, write: bool = True, with_topics: bool = True):
    from pipeline.stages.compare.differences import compare as run_compare
    from pipeline.stages.compare.setup import settings_for

    coded, code_key = _code_t(study, write)
    codebook, view_hash = _view(study)
    seg_topics = topics_key = None
    if with_topics:
        try:
            fitted, topics_key = _topics_t(study, write)
            seg_topics = fitted.segment_topics
        except QualpipeError:  # too small a corpus for a topic model: compare without topics
            seg_topics = topics_key = None
    settings = settings_for(study, coded.coded_segments)
    # compare reads the codings' codes, not their codebook_version column
    key = (code_key, topics_key, view_hash, settings.model_dump(mode="json"))
    comparison, hit = cached_stage(
        study, "compare", lambda: run_compare(coded.coded_segments, coded.codings, codebook, settings,
                                              segment_topics=seg_topics), *key)
    for name in ("prevalence", "differences"):
        if name in comparison.tables():
            check(comparison.tables()[name], name, f"compare: {name}")
    if write:
        out = study.output_dir
        for name, table in comparison.tables().items():
            write_table(table, out, name, formats=("csv",))
        update_provenance(out, "compare", {"settings": settings.model_dump(mode="json"),
                                           "seed": study.compare.seed, "tables": sorted(comparison.tables())})
    return comparison, digest("compare", stage_code_hash("compare"), key)
