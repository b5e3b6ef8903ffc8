"""The study codebook codebooks/mentoring_to_work.yaml: valid, faithful to the study's codebook
specification, complete in English and Dutch, and its cues code its own examples.

The specification (shared/study/codebook-spec.md) is parsed when it can be found beside the
repository; otherwise the literal copy of its tables below is used.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from pipeline.codebook import load_codebook

REPO = Path(__file__).resolve().parents[1]
CODEBOOK = REPO / "codebooks" / "mentoring_to_work.yaml"
SPEC_CANDIDATES = [
    REPO.parent / "shared" / "study" / "codebook-spec.md",
    Path("/work/shared/study/codebook-spec.md"),
]
LANGUAGES = ("en", "nl")
TEXT_FIELDS = ("label", "definition", "when_to_use", "when_not_to_use")
LIST_FIELDS = ("examples", "counter_examples", "cues")

#: Literal copy of the specification's themes and code ids (in order).
SPEC_LITERAL: dict[str, list[str]] = {
    "motives": ["motives.network", "motives.labour_market_insight", "motives.find_job",
                "motives.language", "motives.confidence", "motives.give_back",
                "motives.intercultural", "motives.referral"],
    "process": ["process.contact_frequency", "process.meeting_mode", "process.activities",
                "process.agenda_setting", "process.matching", "process.guidelines",
                "process.follow_up", "process.stalled"],
    "benefits": ["benefits.culture_advice", "benefits.sector_advice",
                 "benefits.application_advice", "benefits.network_access",
                 "benefits.trust_helpline", "benefits.language", "benefits.confidence",
                 "benefits.training_orientation", "benefits.mentor_gain",
                 "benefits.employment_outcome"],
    "prerequisites": ["prerequisites.sector_match", "prerequisites.regular_contact",
                      "prerequisites.clear_guidelines", "prerequisites.commitment",
                      "prerequisites.trust", "prerequisites.org_support",
                      "prerequisites.practical_conditions", "prerequisites.language_level"],
    "evaluation": ["evaluation.positive", "evaluation.recommend",
                   "evaluation.network_disappointment", "evaluation.limited_value",
                   "evaluation.suggestion"],
}
#: Codes meant for particular roles only.
ROLE_CODES = {
    "motives.give_back": ["mentor"],
    "motives.intercultural": ["mentor"],
    "benefits.mentor_gain": ["mentor", "coordinator"],
}
_THEME_HEADING = re.compile(r"^##\s+([a-z][a-z0-9_]*)\s*:", re.M)
_ROW_ID = re.compile(r"^\|\s*([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\s*\|", re.M)
_CODE_REF = re.compile(r"\b([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\b")
_CUE_WORD = re.compile(r"^[a-z0-9à-öø-ÿ][a-z0-9à-öø-ÿ'’\-]*\*?$")


def parse_spec(text: str) -> dict[str, list[str]]:
    """Themes (from '## theme: ...' headings) and the code ids of the table under each."""
    spec: dict[str, list[str]] = {}
    headings = list(_THEME_HEADING.finditer(text))
    for k, match in enumerate(headings):
        end = headings[k + 1].start() if k + 1 < len(headings) else len(text)
        ids = _ROW_ID.findall(text[match.end():end])
        if ids:
            spec[match.group(1)] = ids
    return spec


def _spec() -> dict[str, list[str]]:
    for path in SPEC_CANDIDATES:
        if path.exists():
            return parse_spec(path.read_text(encoding="utf-8"))
    return SPEC_LITERAL


@pytest.fixture(scope="module")
def book():
    return load_codebook(CODEBOOK)


@pytest.fixture(scope="module")
def leaves(book):
    return [book.code(cid) for cid in book.code_ids]


def test_codebook_validates(book):
    assert book.name == "mentoring_to_work"
    assert book.version == "1.0.0"
    assert book.languages == ["en", "nl"]
    for lang in LANGUAGES:
        assert "MacQueen" in book.description[lang]
        assert "Vandermeerschen" in book.description[lang]


def test_spec_parser_reads_the_literal_tables():
    text = "\n".join(
        f"## {theme}: scope\n| id | scope |\n|---|---|\n" + "\n".join(f"| {c} | x |" for c in codes)
        for theme, codes in SPEC_LITERAL.items()
    )
    assert parse_spec(text) == SPEC_LITERAL
    assert parse_spec("## Case attributes (document variables)\n| pilot id | pilot |") == {}


def test_themes_and_codes_match_the_spec(book):
    spec = _spec()
    assert spec, "the codebook specification has no theme tables"
    assert book.theme_ids == list(spec), "themes must be exactly the spec's, in its order"
    for theme in book.themes:
        ids = [c.id for c, _, _ in theme.walk() if c is not theme]
        spec_ids = spec[theme.id]
        missing = [c for c in spec_ids if c not in ids]
        assert not missing, f"theme {theme.id}: spec codes missing from the codebook: {missing}"
        in_book_order = [c for c in ids if c in spec_ids]
        assert in_book_order == spec_ids, f"theme {theme.id}: spec codes out of order"
        for code_id in ids:
            assert code_id.startswith(theme.id + "."), f"{code_id} is not under theme {theme.id}"
    assert set(c for codes in spec.values() for c in codes) <= set(book.code_ids)


def test_themes_have_label_and_definition_in_both_languages(book):
    for theme in book.themes:
        for field in ("label", "definition"):
            for lang in LANGUAGES:
                assert getattr(theme, field).get(lang, "").strip(), f"{theme.id}.{field}.{lang} is empty"


def test_every_code_is_complete_in_both_languages(leaves):
    for code in leaves:
        for lang in LANGUAGES:
            for field in TEXT_FIELDS:
                assert getattr(code, field).get(lang, "").strip(), f"{code.id}.{field}.{lang} is empty"
            for field in LIST_FIELDS:
                items = getattr(code, field).get(lang, [])
                assert items and all(str(i).strip() for i in items), f"{code.id}.{field}.{lang} is empty"
            assert 2 <= len(code.examples[lang]) <= 3, f"{code.id}: give 2-3 examples in {lang}"
            assert 1 <= len(code.counter_examples[lang]) <= 2, f"{code.id}: give 1-2 counter-examples in {lang}"
            for item in code.counter_examples[lang]:
                assert re.search(r"\([^()]+\)\s*$", item), f"{code.id}: counter-example without (reason): {item!r}"


def test_when_not_to_use_points_to_existing_codes(book, leaves):
    known = set(book.code_ids) | set(book.theme_ids)
    for code in leaves:
        for lang in LANGUAGES:
            refs = set(_CODE_REF.findall(code.when_not_to_use[lang]))
            refs = {r for r in refs if r.split(".")[0] in book.theme_ids}
            assert refs, f"{code.id}.when_not_to_use.{lang} names no neighbouring code"
            assert refs <= known, f"{code.id}.when_not_to_use.{lang} names unknown codes {refs - known}"
            assert code.id not in refs, f"{code.id}.when_not_to_use.{lang} points to itself"


def test_role_specific_codes(book, leaves):
    for code_id, roles in ROLE_CODES.items():
        assert book.code(code_id).applies_to == roles, f"{code_id} must apply to {roles}"
    for code in leaves:
        if code.id not in ROLE_CODES:
            assert code.applies_to == [], f"{code.id} is limited to {code.applies_to}"


def test_cues_are_lemmas_in_the_cue_grammar(leaves):
    for code in leaves:
        for lang in LANGUAGES:
            cues = code.cues[lang]
            assert 8 <= len(cues) <= 25, f"{code.id}: {len(cues)} {lang} cues (give 8-25)"
            assert len(set(cues)) == len(cues), f"{code.id}: duplicate {lang} cues"
            for cue in cues + code.exclude_cues.get(lang, []):
                assert cue == cue.lower() and cue == cue.strip(), f"{code.id}: cue {cue!r} not lower case"
                for word in cue.split():
                    assert _CUE_WORD.match(word), f"{code.id}: cue {cue!r} has a bad word {word!r}"
                    if word.endswith("*"):  # a short stem would match nearly every token
                        assert len(word) >= 4, f"{code.id}: cue {cue!r}: prefix {word!r} is too short"


def _example_segments(leaves, kind):
    rows = []
    for code in leaves:
        for lang in LANGUAGES:
            for k, text in enumerate(getattr(code, kind)[lang]):
                if kind == "counter_examples":
                    text = re.sub(r"\([^()]+\)\s*$", "", text).strip()  # the reason is not speech
                rows.append({"segment_id": f"{code.id}|{lang}|{k}", "text": text, "language": lang,
                             "role": "mixed", "code": code.id})
    return pd.DataFrame(rows)


def test_rule_coder_finds_each_code_in_its_own_examples(book, leaves):
    rule = pytest.importorskip("pipeline.stages.coding.coders.rule")
    segments = _example_segments(leaves, "examples")
    proba = rule.RuleCoder(book).fit().predict_proba(segments.drop(columns="code"))
    missed = [sid for sid, code in zip(segments.segment_id, segments.code) if proba.at[sid, code] < 0.5]
    assert not missed, f"examples the cues do not code: {missed}"


def test_rule_coder_does_not_give_counter_examples_their_own_code(book, leaves):
    rule = pytest.importorskip("pipeline.stages.coding.coders.rule")
    segments = _example_segments(leaves, "counter_examples")
    proba = rule.RuleCoder(book).fit().predict_proba(segments.drop(columns="code"))
    wrong = [sid for sid, code in zip(segments.segment_id, segments.code) if proba.at[sid, code] >= 0.5]
    assert not wrong, f"counter-examples coded with the code they illustrate the limit of: {wrong}"
