"""SYNTHETIC corpus generator for scale benchmarks only.

It strings together random sentences from a small bilingual bank: the result reads like nobody,
and it never feeds the sample study (whose transcripts are written by hand, see
data/sample/README.md). Use it to measure speed and memory at sizes the sample cannot reach.
"""
from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import yaml

SENTENCES = {
    "en": [
        "I joined because I wanted to build a network here.", "My mentor helped me with my CV.",
        "We met every two weeks in a cafe near the station.", "Honestly, he never opened any doors for me.",
        "The coordinator called us once to check how it was going.", "I would recommend it to my friends.",
        "She explained how job interviews work in Belgium.", "We were not in the same sector, so it was hard.",
        "I practised my Dutch with him, which helped a lot.", "There were no clear guidelines about what to do.",
        "Uh, you know, it took a while before we really started.", "Now I have an internship at a lab.",
    ],
    "nl": [
        "Ik wilde vooral mijn netwerk uitbreiden.", "Mijn mentor heeft mijn cv nagekeken.",
        "We zagen elkaar om de twee weken.", "Hij heeft eigenlijk nooit deuren geopend.",
        "De begeleider belde ons één keer op.", "Ik zou het zeker aanraden aan anderen.",
        "Ze legde uit hoe de arbeidsmarkt hier werkt.", "We zaten niet in dezelfde sector, hè.",
        "Ik heb veel Nederlands geoefend.", "Er waren geen duidelijke afspraken.",
    ],
}


def synthetic_study(folder: Path, n_segments: int, turns_per_doc: int = 40, seed: int = 0) -> Path:
    """Write a synthetic study of about ``n_segments`` turns to ``folder``; returns its study.yaml."""
    rng = random.Random(seed)
    transcripts = folder / "transcripts"
    transcripts.mkdir(parents=True, exist_ok=True)
    rows = []
    n_docs = max(1, n_segments // turns_per_doc)
    for d in range(n_docs):
        lang = "nl" if d % 4 == 0 else "en"
        lines = [f"Synthetic interview {d}", ""]
        for t in range(turns_per_doc):
            if t % 2 == 0:
                lines.append("Interviewer: " + rng.choice(["And then?", "How did that go?", "En dan?"]))
            else:
                lines.append("Respondent: " + " ".join(rng.choices(SENTENCES[lang], k=rng.randint(1, 6))))
        (transcripts / f"doc{d:05d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        rows.append({"doc_id": f"doc{d:05d}", "file": f"doc{d:05d}.txt", "pilot": f"p{d % 5}",
                     "model": "dual" if d % 2 else "centralised", "method": "interview",
                     "role": "mentee", "language": lang})
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    study = {"name": "synthetic", "transcripts": "transcripts", "manifest": "manifest.csv",
             "codebook": str(Path(__file__).resolve().parents[1] / "codebooks" / "mentoring_to_work.yaml")}
    (folder / "study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    return folder / "study.yaml"
