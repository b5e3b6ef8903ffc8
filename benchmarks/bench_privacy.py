"""Recall of the pseudonymisation per kind of personal data, and false masks (benchmark; prints figures).

On the privacy fixture study (tests/fixtures/privacy: EN and NL transcripts, txt and vtt, a
manifest notes column and a file name planting personal data the tool is not told about;
truth.csv lists each item and its kind), ingest three ways into a temporary copy:

- ``default``: mode standard, no review (detected names are listed, not masked in the text);
- ``strict``: mode strict (detected names masked until reviewed);
- ``reviewed``: mode standard after a review that accepts the listed candidates that are names
  and rejects the others (``qualpipe pseudonymise review`` then ``--apply``).

An item counts as caught when neither it nor any distinctive token of it (for names: each part
of 4+ letters that is no common word) is left in the written tables (documents and segments).
False masks: planted ordinary words (sentence starts, ``An``, ``T-shirt``, places, tools) that
did not survive, and every word of the raw turns outside the planted items that is missing from
the pseudonymised turn.

With ``--sample`` it also measures, on the bundled sample study (whose names list is complete,
so no detected candidate there is an unlisted person; most are places and tools), how many candidates
a reviewer meets and how many words ``strict`` masks beyond the default mode: the held-out view
of false masks, since the fixture was written alongside the detectors.

Usage: python benchmarks/bench_privacy.py [--sample]
Goal (issue 17): 100% for pattern identifiers, >= 95% for names after review, false masks < 1%.
"""
from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FIXTURE = REPO / "tests" / "fixtures" / "privacy"
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def plant(folder: Path, **settings) -> Path:
    root = folder / "study"
    shutil.copytree(FIXTURE, root)
    data = yaml.safe_load((root / "study.yaml").read_text(encoding="utf-8"))
    data["codebook"] = str(REPO / "codebooks" / "mentoring_to_work.yaml")
    data["pseudonymise"].update(settings)
    (root / "study.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return root / "study.yaml"


def secrets(item: str, category: str) -> list[str]:
    from pipeline.stages.ingest.namefinder import PARTICLES, is_common_word

    out = [item]
    if category == "address":  # the street and number alone must not survive either
        out.append(item.split(",")[0])
    if category == "name":
        out += [t for t in re.split(r"[\s-]+", item)
                if len(t) >= 4 and t.lower() not in PARTICLES and not is_common_word(t)]
    return out


def review(study: Path, names: set[str]) -> tuple[int, int]:
    from pipeline.api.privacy import review_names

    result = review_names(study)
    listed = pd.read_csv(result.path, dtype=str, keep_default_na=False)
    listed["decision"] = ["accept" if c in names else "reject" for c in listed["candidate"]]
    listed.to_csv(result.path, index=False)
    review_names(study, apply=True)
    return int((listed["decision"] == "accept").sum()), len(listed)


def ingest(study: Path):
    import pipeline

    result = pipeline.ingest(pipeline.load_study(study), write=True)
    out = study.parent / "out"
    return result, (out / "documents.csv").read_text(encoding="utf-8") + (out / "segments.csv").read_text(
        encoding="utf-8")


def false_masks(raw: pd.DataFrame, masked: pd.DataFrame, planted: list[str]) -> tuple[int, int]:
    """Words of the raw turns outside planted items, and how many of them are missing after."""
    planted_words = {w for item in planted for w in WORD.findall(item)}
    total = missing = 0
    for before, after in zip(raw["text"], masked["text"]):
        words = Counter(w for w in WORD.findall(before) if w not in planted_words)
        kept = Counter(WORD.findall(after))
        total += sum(words.values())
        missing += sum(max(0, n - kept[w]) for w, n in words.items())
        if "--verbose" in sys.argv:
            print("  masked:", [w for w, n in words.items() if n > kept[w]]) if any(
                n > kept[w] for w, n in words.items()) else None
    return missing, total


def main() -> None:
    import pipeline
    from pipeline.stages.ingest.corpus import ingest as read_corpus

    truth = pd.read_csv(FIXTURE / "truth.csv", dtype=str, keep_default_na=False)
    planted = truth[truth["category"] != "ordinary"]
    ordinary = truth[truth["category"] == "ordinary"]
    names = set(planted.loc[planted["category"] == "name", "item"])
    rows, summary = [], []
    for setting in ("default", "strict", "reviewed"):
        with tempfile.TemporaryDirectory() as tmp:
            study = plant(Path(tmp), mode="strict" if setting == "strict" else "standard")
            note = ""
            if setting == "reviewed":
                accepted, listed = review(study, names)
                note = f"review list: {listed} candidates, {accepted} names accepted, {listed - accepted} rejected"
            result, written = ingest(study)
            raw = read_corpus(pipeline.load_study(study), pseudonymise=False).segments
            caught = [not any(s in written for s in secrets(r.item, r.category)) for r in planted.itertuples()]
            rows.append(planted.assign(setting=setting, caught=caught))
            text = "\n".join(result.segments["text"]) + "\n" + "\n".join(result.documents["notes"])
            lost = [r.item for r in ordinary.itertuples() if r.item not in text]
            missing, total = false_masks(raw, result.segments, planted["item"].tolist())
            summary.append((setting, lost, missing, total, note))
    table = pd.concat(rows)
    by_category = table.pivot_table(index="category", columns="setting", values="caught", aggfunc="mean")
    counts = table[table["setting"] == "default"].groupby("category").size().rename("items")
    print(f"Privacy fixture: {len(planted)} planted items of {planted['kind'].nunique()} kinds, "
          f"{len(ordinary)} ordinary words\n")
    print("Recall per category (share of planted items absent from every written table):")
    print((by_category[["default", "strict", "reviewed"]] * 100).round(1).join(counts).to_string())
    overall = table.groupby("setting")["caught"].mean() * 100
    print("\nOverall recall: " + ", ".join(f"{s} {overall[s]:.1f}%" for s in ("default", "strict", "reviewed")))
    missed = table[~table["caught"]]
    for setting in ("default", "strict", "reviewed"):
        kinds = missed.loc[missed["setting"] == setting, "kind"].tolist()
        print(f"missed ({setting}): {len(kinds)}" + (f": {', '.join(kinds)}" if kinds else ""))
    print("\nFalse masks:")
    for setting, lost, missing, total, note in summary:
        print(f"  {setting:9s} ordinary words lost {len(lost)}/{len(ordinary)}"
              f"{' (' + ', '.join(lost) + ')' if lost else ''}; other words of the turns masked "
              f"{missing}/{total} = {100 * missing / max(total, 1):.2f}%")
        if note:
            print(f"  {'':9s} {note}")


def sample_false_masks() -> None:
    """Candidates and extra words masked by ``strict`` on the sample study (key untouched)."""
    import os

    os.environ["QUALPIPE_NO_CACHE"] = "1"
    import pipeline
    from pipeline.settings import study_from_dict
    from pipeline.stages.ingest.corpus import ingest as read_corpus
    from pipeline.stages.ingest.pseudonymise import Pseudonymiser

    source = REPO / "study.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        texts = {}
        for mode in ("standard", "strict"):
            data["pseudonymise"].update(mode=mode, key_dir=str(Path(tmp) / "private"))
            study = study_from_dict(data, root=REPO, source=str(source))
            raw = read_corpus(study, pseudonymise=False)
            pseudo = Pseudonymiser.for_study(study)
            _, segments = pseudo.fit_transform(raw.documents, raw.segments)
            texts[mode] = segments["text"]
    missing, total = 0, 0
    for before, after in zip(texts["standard"], texts["strict"]):
        words, kept = Counter(WORD.findall(before)), Counter(WORD.findall(after))
        total += sum(words.values())
        missing += sum(max(0, n - kept[w]) for w, n in words.items())
    print(f"\nSample study ({len(texts['standard'])} turns): {len(pseudo.candidates_)} candidates to review "
          f"(its names list is complete: none is an unlisted person); strict masks {missing}/{total} words more than the "
          f"default = {100 * missing / max(total, 1):.2f}%")
    del pipeline


if __name__ == "__main__":
    main()
    if "--sample" in sys.argv:
        sample_false_masks()
