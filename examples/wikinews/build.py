"""Rebuild this example's tables from toscaData's Wikinews sets (CC BY 4.0 package of Wikinews
articles, which are CC BY 2.5; Koppers, Rieger, Boczek, von Nordheim, GitHub Docma-TU/toscaData).

    .venv/bin/pip install 'qualpipe[examples]'       # rdata, to read R's .rda files
    .venv/bin/python examples/wikinews/build.py PATH/TO/toscaData/data

reads economy.rda and politics.rda there and writes passages/, manifest.csv and sources.csv beside this
file. The choice is deterministic: the same .rda files give the same bytes.
"""
from __future__ import annotations

import datetime
import html
import re
import sys
import warnings
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
SECTIONS = {"economy": "Economy_and_business", "politics": "Politics_and_conflicts"}
YEARS = [2005, 2006, 2007, 2008]
PER_CELL = 7        # articles per section and year
PASSAGES = 5        # the first paragraphs of an article that pass the length rule
MIN_CHARS, MAX_CHARS = 120, 1200
PARAGRAPH = re.compile(r"(?<=[.!?\"'])\s{2,}(?=[A-Z\"'])")


def read_sets(folder: Path) -> pd.DataFrame:
    try:
        import rdata
    except ImportError:
        sys.exit("build.py reads R data files with the package rdata: .venv/bin/pip install 'rdata==1.1.0'")
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata: no constructor for R's classes Date and textmeta
        for section in SECTIONS:
            data = rdata.read_rda(str(folder / f"{section}.rda"))[section]
            for _, meta in data["meta"].iterrows():
                if meta["date"] != meta["date"]:  # no date
                    continue
                day = datetime.date(1970, 1, 1) + datetime.timedelta(days=int(meta["date"]))
                text = " ".join(str(part) for part in data["text"][meta["id"]])
                rows.append({"section": section, "source_id": str(meta["id"]), "date": day.isoformat(),
                             "year": day.year, "title": clean(str(meta["title"])), "text": text})
    frame = pd.DataFrame(rows)
    both = frame["source_id"].duplicated(keep=False)  # in both categories: neither section's alone
    return frame[~both]


def clean(text: str) -> str:
    """Wiki export leftovers out: the <text> tag, external links' addresses, '' italics, spaces
    that the removed internal links left before punctuation, empty brackets."""
    text = re.sub(r"</?(text|title)[^>]*>", " ", text)
    text = re.sub(r"\[https?://\S+\s+([^\]]+)\]", r"\1", text)
    text = re.sub(r"\[https?://\S+\]", " ", text)
    text = html.unescape(text).replace("'''", "").replace("''", "")
    text = re.sub(r"\(\s*[,;]?\s*\)", " ", text)
    text = re.sub(r"\s+([,.;:!?)]|'s\b)", r"\1", text)
    text = re.sub(r"\b([A-Z][a-z]+) (ns?)\b", r"\1\2", text)  # [[Croatia]]n -> "Croatia n"
    text = re.sub(r"([(])\s+", r"\1", text)
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    raw = re.sub(r"<text[^>]*>", " ", text)
    parts = [clean(p) for p in PARAGRAPH.split(raw)]
    return [p for p in parts if MIN_CHARS <= len(p) <= MAX_CHARS]


def choose(frame: pd.DataFrame) -> pd.DataFrame:
    """Per section and year, PER_CELL articles spread evenly over the year (by date, then id)."""
    frame = frame.assign(paragraphs=frame["text"].map(paragraphs))
    frame = frame[frame["paragraphs"].map(len) >= 3]
    chosen = []
    for _, cell in frame[frame["year"].isin(YEARS)].groupby(["section", "year"]):
        cell = cell.assign(number=cell["source_id"].str.removeprefix("ID").astype(int)).sort_values(["date", "number"])
        picks = sorted({round(i * (len(cell) - 1) / (PER_CELL - 1)) for i in range(PER_CELL)})
        chosen.append(cell.iloc[picks])
    return pd.concat(chosen)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    articles = choose(read_sets(Path(sys.argv[1])))
    folder = HERE / "passages"
    folder.mkdir(exist_ok=True)
    manifest, sources = [], []
    for _, article in articles.iterrows():
        doc = f"wn{article['source_id'].removeprefix('ID')}"
        units = pd.DataFrame({"id": [f"{doc}-{i}" for i in range(1, PASSAGES + 1)][:len(article["paragraphs"])],
                              "text": article["paragraphs"][:PASSAGES]})
        units.to_csv(folder / f"{doc}.csv", index=False, lineterminator="\n")
        manifest.append({"doc_id": doc, "file": f"{doc}.csv", "section": article["section"],
                         "year": article["year"]})
        sources.append({"doc_id": doc, "toscadata_id": article["source_id"], "date": article["date"],
                        "category": SECTIONS[article["section"]], "title": article["title"]})
    pd.DataFrame(manifest).to_csv(HERE / "manifest.csv", index=False, lineterminator="\n")
    pd.DataFrame(sources).to_csv(HERE / "sources.csv", index=False, lineterminator="\n")
    print(f"{len(manifest)} articles, {sum(1 for _ in folder.glob('*.csv'))} tables")


if __name__ == "__main__":
    main()
