"""Study-level API: each function runs one stage for a study, reading its inputs and writing its
outputs in the study's output folder. These are the functions the CLI and the notebooks call;
the stage modules (``pipeline.ingest``, ``pipeline.coding`` ...) stay free of file handling.

Stages are cached by content: a stage whose inputs, code and settings did not change is not
recomputed (see :mod:`pipeline.cache`).
"""
from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.config import Study, load_study
from pipeline.errors import Problem
from pipeline.io import sha256_file, update_provenance, write_table


def as_study(study: Study | str | Path) -> Study:
    return study if isinstance(study, Study) else load_study(study)


# Within one ``run`` (or ``report``) each stage is computed once and shared by the stages after
# it; across runs the disk cache (pipeline.cache) skips stages whose inputs did not change.
_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("qualpipe_memo", default=None)


@contextlib.contextmanager
def session():
    """Share stage results between the API calls made inside the ``with`` block."""
    token = _MEMO.set({}) if _MEMO.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _MEMO.reset(token)


def _memo(study: Study, key: tuple, compute):
    memo = _MEMO.get()
    if memo is None:
        return compute()
    key = (str(study.source), id(study)) + key
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def ingest(study: Study | str | Path, write: bool = True) -> "IngestResult":
    """Read, check and pseudonymise a study's transcripts (``qualpipe ingest``).

    Writes ``documents`` and ``segments`` (CSV and Parquet) to the output folder, pseudonymised.
    """
    study = as_study(study)
    return _memo(study, ("ingest", write), lambda: _ingest(study, write))


def code(study: Study | str | Path, write: bool = True) -> "CodeResult":
    """Code every respondent turn against the codebook (``qualpipe code``).

    Writes ``coded_segments`` (CSV, Parquet), ``codings.csv`` (long form) and ``code_status.csv``.
    Human codings always win; a re-run never overwrites them.
    """
    study = as_study(study)
    return _memo(study, ("code", write), lambda: _code(study, write))


def evaluate(study: Study | str | Path, write: bool = True) -> "EvaluationResult":
    """Precision, recall, F1 and kappa of the machine coder against human codes (``qualpipe evaluate``).

    With ``agreement.split`` (or ``test_docs``): train on the training documents, score the
    held-out ones, plus a coder trained on the ``first4`` documents only, and the rule coder
    alone. Otherwise k-fold cross-validation by document.
    """
    study = as_study(study)
    return _memo(study, ("evaluate", write), lambda: _evaluate(study, write))


def agreement(study: Study | str | Path, coders: list[str] | None = None, with_machine: bool = False,
              write: bool = True) -> pd.DataFrame:
    """Agreement between coders (``qualpipe agreement``): percent agreement, Cohen's kappa and
    Krippendorff's alpha per code, theme and overall, on the turns every compared coder coded.

    Default: every pair of human coders who coded a document in common (``agreement.coders``
    narrows it); ``with_machine`` adds the machine coder, compared on the human-coded documents.
    """
    study = as_study(study)
    key = ("agreement", tuple(coders or ()), with_machine, write)
    return _memo(study, key, lambda: _agreement(study, coders, with_machine, write))


def topics(study: Study | str | Path, write: bool = True, with_stability: bool = True) -> "TopicsOutput":
    """Fit the topic model on respondent turns and hold it against the codebook (``qualpipe topics``).

    Writes ``topics.csv``, ``segment_topics.csv``, ``topic_shares_by_attribute.csv``,
    ``topic_themes.csv``, ``topic_codes.csv``, ``topic_flags.csv``, ``topic_stability.csv``, the
    figures under ``figures/`` and the fitted model under ``topic_model/``. Embeddings are cached
    by content, so changing only clustering settings does not re-embed.
    """
    study = as_study(study)
    return _memo(study, ("topics", write, with_stability), lambda: _topics(study, write, with_stability))


def compare(study: Study | str | Path, write: bool = True, with_topics: bool = True):
    """Compare groups (default: implementation model) on every theme and code (``qualpipe compare``).

    Writes ``prevalence.csv``, ``differences.csv``, ``cooccurrence.csv``, ``framework_matrix.csv``,
    ``corpus.csv`` and, with topics, ``topic_shares.csv``.
    """
    study = as_study(study)
    return _memo(study, ("compare", write, with_topics), lambda: _compare(study, write, with_topics))


@dataclass
class IngestResult:
    documents: pd.DataFrame
    segments: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)
    output: Path | None = None
    cached: bool = False


def validate_study(study: Study | str | Path) -> list[Problem]:
    """Every problem of the study: manifest, transcripts, codebook, human codings."""
    from pipeline.codebook import load_codebook
    from pipeline.errors import QualpipeError
    from pipeline.ingest import validate

    study = as_study(study)
    problems = validate(study)
    try:
        load_codebook(study.codebook_path)
    except QualpipeError as exc:
        problems += exc.problems
    for path in study.human_codings:
        if not study.resolve(path).exists():
            problems.append(Problem(study.where("human_codings"), f"{study.resolve(path)} does not exist.",
                                    "Correct the path or remove it from the list."))
    return problems


def input_fingerprint(study: Study) -> dict[str, str]:
    """sha256 of every input file of the ingest stage (manifest, transcripts, name lists, speakers)."""
    files = {"manifest": study.manifest_path}
    folder = study.transcripts_dir
    if folder.is_dir():
        files.update({f"transcripts/{p.name}": p for p in sorted(folder.iterdir()) if p.is_file()})
    for i, path in enumerate(study.pseudonymise.names_files):
        files[f"names_files/{i}"] = study.resolve(path)
    if study.ingest.speakers:
        files["speakers"] = study.resolve(study.ingest.speakers)
    return {name: sha256_file(path) for name, path in files.items() if Path(path).exists()}


def _ingest_settings(study: Study) -> dict:
    return study.model_dump(mode="json", include={"name", "languages", "interviewer_labels", "attributes",
                                                  "ingest", "pseudonymise"})


def _ingest(study: Study | str | Path, write: bool = True) -> IngestResult:
    from pipeline.cache import cached_stage
    from pipeline.ingest import ingest as read_corpus

    study = as_study(study)
    fingerprint = input_fingerprint(study)
    settings = _ingest_settings(study)
    corpus, hit = cached_stage(study, "ingest", lambda: read_corpus(study), fingerprint, settings,
                               key_file=Path(study.private_dir) / f"{study.name}.pseudonym_key.csv")
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

def _files_hash(study: Study, paths) -> dict[str, str]:
    return {str(p): sha256_file(study.resolve(p)) for p in paths if study.resolve(p).exists()}


def human_codings(study: Study, codebook, segments: pd.DataFrame) -> pd.DataFrame | None:
    """Every human codings file of the study, validated against codebook and segments, merged."""
    from pipeline.review import merge_human, read_human_codings

    merged = None
    for path in study.human_codings:
        frame = read_human_codings(study.resolve(path), codebook=codebook, segments=segments)
        merged = frame if merged is None else merge_human(merged, frame)
    return merged


def training_data(study: Study, codebook) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Human-coded segments of other studies named under ``training_data``, ids prefixed
    with ``<n>/`` so they never collide with this study's."""
    from pipeline.io import read_table
    from pipeline.review import read_human_codings

    segments, codings = [], []
    for i, source in enumerate(study.training_data):
        seg = read_table(study.resolve(source.segments))
        prefix = f"train{i}/"
        seg = seg.assign(segment_id=prefix + seg["segment_id"].astype(str), doc_id=prefix + seg["doc_id"].astype(str))
        for path in source.codings:
            cod = read_human_codings(study.resolve(path), codebook=codebook)
            codings.append(cod.assign(segment_id=prefix + cod["segment_id"].astype(str)))
        segments.append(seg)
    if not segments:
        return None
    return pd.concat(segments, ignore_index=True), pd.concat(codings, ignore_index=True)


@dataclass
class CodeResult:
    codings: pd.DataFrame
    coded_segments: pd.DataFrame
    code_status: pd.DataFrame | None
    coder: str
    notes: list[str]
    output: Path
    cached: bool = False


def _code(study: Study | str | Path, write: bool = True) -> CodeResult:
    import joblib

    from pipeline.cache import cached_stage
    from pipeline.codebook import load_codebook
    from pipeline.coding import code as run_coding
    from pipeline.coding import codebook_version

    study = as_study(study)
    corpus = ingest(study, write=write)
    codebook = load_codebook(study.codebook_path)
    segments = corpus.segments
    key = (joblib.hash(segments), sha256_file(study.codebook_path),
           _files_hash(study, study.human_codings),
           [(_files_hash(study, [s.segments]), _files_hash(study, s.codings)) for s in study.training_data],
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
                       **{f"human_codings/{k}": v for k, v in _files_hash(study, study.human_codings).items()}},
            "codebook": {"name": codebook.name, "version": codebook.version,
                         "content_version": codebook_version(codebook)},
            "coder": result.coder, "settings": study.coding.model_dump(mode="json"), "notes": result.notes,
            "outputs": [p.name for p in written],
        })
    return CodeResult(result.codings, result.coded_segments, result.code_status, result.coder, result.notes,
                      out, hit)


# -- evaluation and agreement ------------------------------------------------------------------

def _split(study: Study) -> pd.DataFrame | None:
    if study.agreement.split is None:
        return None
    from pipeline.io import read_csv_with

    path = study.resolve(study.agreement.split)
    frame = read_csv_with(path, ("doc_id", "split"), "split file (split: train | heldout)")
    bad = frame[~frame["split"].isin(["train", "heldout"])]
    if len(bad):
        from pipeline.errors import InputError

        row = bad.index[0] + 2
        raise InputError(Problem(f"{path}:{row}[split]", f"{bad['split'].iloc[0]!r} is not a split.",
                                 "Use 'train' or 'heldout'."))
    return frame


@dataclass
class EvaluationResult:
    scores: pd.DataFrame  # evaluate() rows plus a 'setting' column
    design: str
    #: one row per unit and setting: segment_id, doc_id, fold, gold_codes, predicted_codes, setting
    predictions: pd.DataFrame | None = None


def _evaluate(study: Study | str | Path, write: bool = True) -> EvaluationResult:
    from pipeline.agreement import cross_validate, holdout_evaluate
    from pipeline.codebook import load_codebook
    from pipeline.coding import _codable, make_coder

    study = as_study(study)
    corpus = ingest(study, write=write)
    codebook = load_codebook(study.codebook_path)
    from pipeline.coders import add_context

    # the coders read the preceding interviewer question, so context is added before the
    # interviewer turns are set aside
    with_context = add_context(corpus.segments)
    segments = with_context[_codable(with_context, study.coding)].reset_index(drop=True)
    gold = human_codings(study, codebook, corpus.segments)
    if gold is None or gold.empty:
        from pipeline.errors import ConfigError

        raise ConfigError(Problem(study.where("human_codings"), "no human codings to evaluate against.",
                                  "Name files of human codings under 'human_codings:'."))
    if study.agreement.gold_coders:
        gold = gold[gold["coder"].isin(study.agreement.gold_coders)]
    import joblib

    from pipeline.cache import cached_stage

    split = _split(study)
    key = (joblib.hash((segments, gold)), sha256_file(study.codebook_path), study.coding.model_dump(mode="json"),
           study.agreement.model_dump(mode="json"), None if split is None else joblib.hash(split))

    def compute():
        kind = study.coding.coder
        frames, predictions = [], []
        if split is not None or study.agreement.test_docs:
            if split is not None:
                train = split.loc[split["split"] == "train", "doc_id"].tolist()
                test = split.loc[split["split"] == "heldout", "doc_id"].tolist()
            else:
                test = list(study.agreement.test_docs)
                train = list(study.agreement.train_docs) or sorted(
                    set(segments.loc[segments["segment_id"].isin(gold["segment_id"]), "doc_id"]) - set(test))
            design = f"held-out: trained on {len(train)} documents, scored on {len(test)}"
            runs = [(f"{kind}, {len(train)} training documents", kind, train)]
            if split is not None and "first4" in split:
                first = split.loc[split["first4"].str.lower().isin(["true", "1", "yes"]), "doc_id"].tolist()
                if first:
                    runs.append((f"{kind}, {len(first)} training documents", kind, first))
            if kind != "rule":
                runs.append(("rule (no training)", "rule", train))
            for label, coder_kind, docs in runs:
                scores = holdout_evaluate(lambda k=coder_kind: make_coder(codebook, study.coding, k), segments, gold,
                                          codebook, docs, test)
                frames.append(scores.assign(setting=label, n_train_docs=len(docs), n_test_docs=len(test)))
                predictions.append(scores.attrs["predictions"].assign(setting=label))
        else:
            design = f"{study.agreement.n_splits}-fold cross-validation by document"
            scores = cross_validate(lambda: make_coder(codebook, study.coding), segments, gold, codebook,
                                    n_splits=study.agreement.n_splits, seed=study.seed)
            frames.append(scores.assign(setting=f"{kind}, cross-validated"))
            predictions.append(scores.attrs["predictions"].assign(setting=f"{kind}, cross-validated"))

        return pd.concat(frames, ignore_index=True), design, pd.concat(predictions, ignore_index=True)

    (result, design, predictions), _ = cached_stage(study, "evaluate", compute, *key)
    if write:
        out = study.output_dir
        write_table(result, out, "evaluation", formats=("csv",))
        write_table(predictions, out, "evaluation_predictions", formats=("csv",))
        update_provenance(out, "evaluate", {"design": design, "coder": study.coding.coder,
                                            "settings": study.agreement.model_dump(mode="json")})
    return EvaluationResult(result, design, predictions)


def _agreement(study: Study | str | Path, coders: list[str] | None = None, with_machine: bool = False,
              write: bool = True) -> pd.DataFrame:
    """Agreement between coders (``qualpipe agreement``): percent agreement, Cohen's kappa and
    Krippendorff's alpha per code, theme and overall, on the turns every compared coder coded.

    Default coders: every human coder (``agreement.coders`` narrows it); ``with_machine`` adds
    the machine coder's codes, compared on the documents the humans coded.
    """
    from pipeline.agreement import agreement as compute_agreement
    from pipeline.codebook import load_codebook

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
        from pipeline.errors import ConfigError

        raise ConfigError(Problem(study.where("human_codings"), "no codings to compare.",
                                  "Name files of human codings under 'human_codings:'."))
    codings = pd.concat(frames, ignore_index=True)
    coders = coders or study.agreement.coders
    if coders:
        table = compute_agreement(codings, corpus.segments, codebook, coders=coders)
    else:  # every pair of coders that coded at least one document in common
        doc_of = dict(zip(corpus.segments["segment_id"], corpus.segments["doc_id"]))
        docs = {c: set(g["segment_id"].map(doc_of)) for c, g in codings.groupby("coder")}
        machine = set(codings.loc[codings["source"] != "human", "coder"])
        names = sorted(docs)
        pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
                 if (docs[a] & docs[b]) or a in machine or b in machine]
        tables = [compute_agreement(codings, corpus.segments, codebook, coders=list(p)) for p in pairs]
        table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if write:
        write_table(table, study.output_dir, "agreement", formats=("csv",))
    return table


# -- topics ------------------------------------------------------------------------------------

@dataclass
class TopicsOutput:
    topics: pd.DataFrame
    segment_topics: pd.DataFrame
    shares: pd.DataFrame
    info: dict
    theme_table: pd.DataFrame
    code_table: pd.DataFrame
    flags: pd.DataFrame
    stability: dict | None
    output: Path
    cached: bool = False


def _topics(study: Study | str | Path, write: bool = True, with_stability: bool = True) -> TopicsOutput:
    import joblib

    from pipeline.cache import cache_dir, cached_stage
    from pipeline.codebook import load_codebook

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
        from pipeline.topics import fit_topics

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
            from pipeline.topics import stability

            result = stability(segments, settings, seeds=seeds, cache_dir=embeddings)
            return {"mean_ari": result.mean_ari, "runs": result.runs, "topics": result.topics}

        stab, _ = cached_stage(study, "topic_stability", run_stability, seg_key, settings.model_dump(mode="json"))
    from pipeline.topics import topic_code_table

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
    return TopicsOutput(fitted["topics"], fitted["segment_topics"], fitted["shares"], fitted["info"], themes,
                        codes_, flags, stab, out, hit)


def _topic_figures(fitted: dict, folder: Path, settings) -> None:
    from types import SimpleNamespace

    from pipeline.topics import plot_topic_shares, plot_topic_sizes

    result = SimpleNamespace(**fitted)
    folder.mkdir(parents=True, exist_ok=True)
    plot_topic_sizes(result, folder / "topic_sizes")
    for attribute in settings.share_attributes:
        if (fitted["shares"]["attribute"] == attribute).any():
            plot_topic_shares(result, attribute, folder / f"topic_shares_by_{attribute}")


# -- comparison and report ---------------------------------------------------------------------

def _compare(study: Study | str | Path, write: bool = True, with_topics: bool = True):
    import joblib

    from pipeline.cache import cached_stage
    from pipeline.codebook import load_codebook
    from pipeline.compare import compare as run_compare

    study = as_study(study)
    coded = code(study, write=write)
    codebook = load_codebook(study.codebook_path)
    seg_topics = None
    if with_topics:
        from pipeline.errors import QualpipeError

        try:
            seg_topics = topics(study, write=write).segment_topics
        except QualpipeError:  # too small a corpus for a topic model: compare without topics
            seg_topics = None
    key = (joblib.hash((coded.coded_segments, coded.codings, seg_topics)), sha256_file(study.codebook_path),
           study.compare.model_dump(mode="json"))
    comparison, hit = cached_stage(
        study, "compare", lambda: run_compare(coded.coded_segments, coded.codings, codebook, study.compare,
                                              segment_topics=seg_topics), *key)
    if write:
        out = study.output_dir
        for name, table in comparison.tables().items():
            write_table(table, out, name, formats=("csv",))
        update_provenance(out, "compare", {"settings": study.compare.model_dump(mode="json"),
                                           "seed": study.compare.seed, "tables": sorted(comparison.tables())})
    return comparison


def report(study: Study | str | Path, out: Path | None = None) -> Path:
    """Render the self-contained HTML report (``qualpipe report``); returns its path."""
    study = as_study(study)
    with session():
        return _report(study, out)


def _report(study: Study, out: Path | None) -> Path:
    import json

    from pipeline.codebook import load_codebook
    from pipeline.report import render_report

    from pipeline.errors import QualpipeError

    coded = code(study)
    comparison = compare(study)
    notes = list(coded.notes)
    try:
        topic_out = topics(study)
    except QualpipeError as exc:
        notes.append(f"No topic model: {exc.problems[0].message}")
        topic_out = TopicsOutput(*(None,) * 8, output=study.output_dir)
    codebook = load_codebook(study.codebook_path)
    folder = study.output_dir
    agreement_table = evaluation_table = None
    try:
        agreement_table = agreement(study)
    except QualpipeError as exc:  # e.g. a study without human codings
        notes.append(f"Agreement figures are not available: {exc.problems[0].message}")
    try:
        evaluation_table = evaluate(study).scores
    except QualpipeError as exc:
        notes.append(f"Evaluation figures are not available: {exc.problems[0].message}")
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    provenance["codebook"] = {"name": codebook.name, "version": codebook.version}
    provenance["study"] = study.name
    import joblib

    from pipeline.cache import cached_stage

    inputs = dict(comparison=comparison.tables(), segments=coded.coded_segments, topics=topic_out.topics,
                  topic_flags=topic_out.flags, topic_info=topic_out.info, stability=topic_out.stability,
                  agreement=agreement_table, evaluation=evaluation_table, provenance=provenance, notes=notes)
    html, _ = cached_stage(
        study, "report",
        lambda: render_report(comparison, codebook, study.report, segments=coded.coded_segments,
                              topics=topic_out.topics, topic_flags=topic_out.flags, topic_info=topic_out.info,
                              stability=topic_out.stability, agreement=agreement_table,
                              evaluation=evaluation_table, provenance=provenance, coding_notes=notes),
        joblib.hash(inputs), sha256_file(study.codebook_path), study.report.model_dump(mode="json"))
    path = out or folder / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def run(study: Study | str | Path) -> Path:
    """Every stage, each recomputed only when its inputs, code or settings changed (``qualpipe run``)."""
    study = as_study(study)
    with session():
        return report(study)


# -- human review and exchange -----------------------------------------------------------------

def review_sheet(study: Study | str | Path, n: int | None = None) -> tuple[Path, Path, int]:
    """Write ``review/review_sheet.xlsx`` and ``.csv``: machine suggestions on documents no person
    coded yet, most uncertain first (``qualpipe review export``)."""
    from pipeline.codebook import load_codebook
    from pipeline.review import review_sheet as make_sheet
    from pipeline.review import write_review_sheet

    study = as_study(study)
    with session():
        coded = code(study)
        corpus = ingest(study)
        codebook = load_codebook(study.codebook_path)
        human = human_codings(study, codebook, corpus.segments)
        settings = study.review
        sheet = make_sheet(coded.codings, corpus.segments, n=n or settings.n, human=human, codebook=codebook,
                           threshold=settings.threshold, strategy=settings.strategy, language=settings.language)
        xlsx, csv_ = write_review_sheet(sheet, study.output_dir / "review" / "review_sheet", codebook=codebook,
                                        language=settings.language)
    return xlsx, csv_, len(sheet)


def import_review(study: Study | str | Path, sheet: Path, reviewer: str | None = None,
                  into: Path | None = None) -> tuple[Path, int, int]:
    """Add the decisions of a filled review sheet to a human codings CSV (``qualpipe review import``).

    Earlier decisions are never overwritten (a later decision of the same reviewer on the same
    segment and code replaces theirs, and is reported). Returns ``(file, rows added, blank rows)``.
    """
    import os

    from pipeline.codebook import load_codebook
    from pipeline.review import merge_human, read_human_codings, read_review_sheet

    study = as_study(study)
    corpus = ingest(study)
    codebook = load_codebook(study.codebook_path)
    new = read_review_sheet(sheet, codebook=codebook, reviewer=reviewer, segments=corpus.segments)
    if into is None:
        base = study.resolve(study.human_codings[0]).parent if study.human_codings else study.root / "data"
        into = base / "reviews.csv"
    into = Path(into)
    existing = read_human_codings(into, codebook=codebook, segments=corpus.segments) if into.exists() else None
    merged = new if existing is None else merge_human(existing, new)
    added = len(merged) - (0 if existing is None else len(existing))
    into.parent.mkdir(parents=True, exist_ok=True)
    tmp = into.with_suffix(".tmp")
    merged.to_csv(tmp, index=False, lineterminator="\n")
    os.replace(tmp, into)
    return into, added, int(new.attrs.get("n_blank", 0))


def export_refi(study: Study | str | Path, out: Path, include_all: bool | None = None,
                language: str | None = None):
    """Export the coded study as a REFI-QDA ``.qdpx`` project (``qualpipe export refi``)."""
    from pipeline.codebook import load_codebook
    from pipeline.refi import export_refi as write_project

    study = as_study(study)
    with session():
        corpus = ingest(study)
        coded = code(study)
    overrides = {k: v for k, v in {"include_all": include_all, "language": language}.items() if v is not None}
    return write_project(corpus.documents, corpus.segments, coded.codings, load_codebook(study.codebook_path),
                         out, study.name, study.refi, **overrides)
