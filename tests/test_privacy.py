"""Privacy: plant personal data the tool is not told about, ingest, scan every byte written.

The fixture study (tests/fixtures/privacy, truth.csv) plants names of several origins with
particles, double surnames and titles, e-mails, phone numbers, national numbers, IBANs, ids,
dates of birth and addresses in EN and NL transcripts (txt and vtt), a manifest notes column and a
file name. Every test ingests into a temporary copy and scans the output folder, the cache and the
console; only the private folder (the key and the review list) may hold originals.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import joblib
import pytest
import pandas as pd
import yaml

from pipeline.stages.ingest.namefinder import PARTICLES, is_common_word

FIXTURE = Path(__file__).parent / "fixtures" / "privacy"
REPO = Path(__file__).resolve().parents[1]
INPUTS = {"transcripts", "manifest.csv", "truth.csv", "study.yaml", "README.md", "private"}


def truth() -> pd.DataFrame:
    return pd.read_csv(FIXTURE / "truth.csv", dtype=str, keep_default_na=False)


def plant(tmp_path: Path, **pseudonymise) -> Path:
    """A copy of the fixture study; returns its study file."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    data = yaml.safe_load((root / "study.yaml").read_text(encoding="utf-8"))
    data["codebook"] = str(REPO / "codebooks" / "mentoring_to_work.yaml")
    data["pseudonymise"].update(pseudonymise)
    (root / "study.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return root / "study.yaml"


def secrets(categories: set[str] | None = None) -> list[str]:
    """Every planted string, and each distinctive token of a planted name (``Broeck``, ``Khatib``)."""
    out = []
    for row in truth().itertuples():
        if row.category == "ordinary" or (categories and row.category not in categories):
            continue
        out.append(row.item)
        if row.category == "address":  # the street and number alone must not survive either
            out.append(row.item.split(",")[0])
        if row.category == "name":
            out.append(row.item.replace(" ", "_"))
            out += [t for t in re.split(r"[\s-]+", row.item)
                    if len(t) >= 4 and t.lower() not in PARTICLES and not is_common_word(t)]
    return sorted(set(out))


def written(root: Path, console: str = "") -> dict[str, str]:
    """Text of every file written under the study folder (parquet and cache entries decoded too)."""
    found = {"console": console}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or rel.parts[0] in INPUTS:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".parquet":
            text += pd.read_parquet(path).to_csv()
        elif path.suffix == ".joblib":
            text += _entry_text(joblib.load(path))
        found[str(rel)] = text
    return found


def _entry_text(entry) -> str:
    result = entry["result"] if isinstance(entry, dict) and "result" in entry else entry
    parts = [repr(result)]
    for name in ("documents", "segments"):
        frame = getattr(result, name, None)
        if isinstance(frame, pd.DataFrame):
            parts.append(frame.to_csv())
    parts += [f"{w.where} {w.message} {w.fix}" for w in getattr(result, "warnings", [])]
    return "\n".join(parts)


def leaks(files: dict[str, str], items: list[str]) -> list[str]:
    return [f"{item!r} in {name}" for name, text in files.items() for item in items if item in text]


def cli(*args: str) -> str:
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_strict_mode_no_planted_item_in_outputs_cache_or_console(tmp_path):
    study = plant(tmp_path, mode="strict")
    console = cli("ingest", "--study", str(study))
    files = written(study.parent, console)
    assert any(name.endswith(".joblib") for name in files), "the ingest cache entry was scanned too"
    assert leaks(files, secrets()) == []


def test_review_then_ingest_masks_every_name_in_default_mode(tmp_path):
    study = plant(tmp_path)
    console = cli("pseudonymise", "review", "--study", str(study))
    review = study.parent / "private" / "privacy_fixture.name_candidates.csv"
    assert review.exists() and "possible names" in console
    listed = pd.read_csv(review, dtype=str, keep_default_na=False)
    names = set(truth().query("category == 'name'")["item"])
    listed["decision"] = ["accept" if c in names else "reject" for c in listed["candidate"]]
    listed.to_csv(review, index=False)
    console += cli("pseudonymise", "review", "--apply", "--study", str(study))
    console += cli("ingest", "--study", str(study))
    assert (study.parent / "private" / "privacy_fixture.names.txt").exists()
    files = written(study.parent, console)
    assert leaks(files, secrets()) == []
    assert not any(p.name.endswith(".name_candidates.csv") for p in (study.parent / "out").rglob("*"))


def test_default_mode_masks_identifiers_attributes_file_names_and_warns(tmp_path):
    study = plant(tmp_path)
    console = cli("ingest", "--study", str(study))
    files = written(study.parent, console)
    identifiers = {"email", "phone", "national_id", "iban", "id", "date_of_birth", "address"}
    assert leaks(files, secrets(identifiers)) == []
    attribute_and_file = ["Jan Peeters", "Goedele Wouters", "Joris", "Verhaegen", "Nadia El Amrani", "Fatima"]
    assert leaks(files, attribute_and_file) == []
    assert re.search(r"\d+ possible names found", console)
    assert "no NER pipeline is installed" in console


def test_ordinary_words_are_not_masked(tmp_path):
    import pipeline

    study = plant(tmp_path, mode="strict")
    result = pipeline.ingest(pipeline.load_study(study), write=False)
    text = "\n".join(result.segments["text"]) + "\n" + "\n".join(result.documents["notes"])
    kept = [row.item for row in truth().query("category == 'ordinary'").itertuples() if row.item not in text]
    assert kept == []


def test_units_speakers_and_labels(tmp_path):
    import pipeline

    result = pipeline.ingest(pipeline.load_study(plant(tmp_path)), write=False)
    seg = result.segments.set_index("segment_id")
    speaker = seg.loc["nl-01:2", "speaker"]
    mother = re.search(r"moeder (\S+)", seg.loc["nl-01:2", "text"]).group(1)
    assert speaker.startswith("Mentee-") and mother.startswith("Person-") and mother != speaker
    # a speaker labelled T keeps its T-shirt; role words and one-letter labels are kept as labels
    assert "T-shirt" in seg.loc["nl-02:2", "text"] and seg.loc["nl-02:2", "speaker"] == "T"
    assert set(result.segments.query("doc_id == 'en-02'")["speaker"]) == {"Interviewer", "Respondent"}
    assert result.documents.set_index("doc_id").loc["en-02", "file"].startswith("interview_Person-")


def test_names_listed_in_the_study_file_stay_out_of_provenance_and_cache(tmp_path):
    study = plant(tmp_path, names=["Goedele Wouters", "Pieter van der Berg"])
    console = cli("ingest", "--study", str(study))
    files = written(study.parent, console)
    provenance = files[str(Path("out") / "provenance.json")]
    assert "2 names (sha256 " in provenance
    assert leaks(files, ["Goedele", "Wouters", "Pieter van der Berg"]) == []


def test_key_folder_inside_the_transcripts_folder_is_refused(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    study = plant(tmp_path, key_dir="transcripts/keys")
    result = CliRunner().invoke(app, ["ingest", "--study", str(study)])
    assert result.exit_code == 1 and "inside the transcripts folder" in result.output
    assert not (study.parent / "transcripts" / "keys").exists()


def test_review_keeps_decisions_on_a_rerun_and_names_a_bad_decision(tmp_path):
    from pipeline.api.privacy import review_names
    from pipeline.errors import InputError

    study = plant(tmp_path)
    first = review_names(study)
    listed = pd.read_csv(first.path, dtype=str, keep_default_na=False)
    listed.loc[0, "decision"] = "accept"
    listed.loc[1, "decision"] = "maybe"
    listed.to_csv(first.path, index=False)
    again = pd.read_csv(review_names(study).path, dtype=str, keep_default_na=False).set_index("candidate")
    assert again.loc[listed.loc[0, "candidate"], "decision"] == "accept"
    with pytest.raises(InputError) as caught:
        review_names(study, apply=True)
    problem = caught.value.problems[0]
    assert problem.where == str(first.path) and "line 3" in problem.message and "accept" in problem.fix


def test_validate_and_a_refused_ingest_print_no_planted_item(tmp_path, monkeypatch):
    """A reader's warning or error may quote the transcript; validate and ingest print it masked."""
    from pipeline.errors import Problem, QualpipeError
    from pipeline.stages.ingest import corpus

    study = plant(tmp_path, mode="strict")
    planted = "Sofie Van den Broeck: you can call me on +32 475 12 34 56 or mail sofie.vdb@example.be"
    read_all = corpus._read_all

    def with_problems(s, *args):
        problems, read = read_all(s, *args)
        where = f"{s.transcripts_dir / 'en-interview-01.txt'}:3"
        return problems + [Problem(where, f"'{planted}' looks odd.", "Check it.", "warning"),
                           Problem(where, f"cannot read '{planted}'.", "Fix it.", "error")], read

    monkeypatch.setattr(corpus, "_read_all", with_problems)
    from pipeline.settings import load_study

    loaded = load_study(study)
    printed = [f"{p.where} {p.message} {p.fix}" for p in corpus.validate(loaded)]
    assert any("looks odd" in line for line in printed)
    with pytest.raises(QualpipeError) as refused:
        corpus.ingest(loaded)
    printed += [f"{p.where} {p.message} {p.fix}" for p in refused.value.problems]
    found = leaks({"console": "\n".join(printed)}, secrets() + ["475 12 34 56", "sofie.vdb@example.be", "Broeck"])
    assert found == []
