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


#: for ``names=True``: people, mentioned in passing and speaking (a Teams-style export labels turns
#: with the speakers' names), and identifiers a transcript may hold
FIRST = ("Amal Nadia Omar Karim Yusuf Fatima Priya Armel Lotte Pieter Sofie Koen Els Jan Hanne Bram Ines Tom "
         "Sara Daan Lina Hamza Mariam Tariq Olga Piotr Ana Mehmet Ayse Elif Marta Chen Wei Aisha Ibrahim Joke "
         "Wouter Griet Ruben Noor").split()
SURNAMES = ("Haddad|El Amrani|Peeters|Janssens|Maes|Van den Broeck|De Smet|Claes|Mertens|Willems|Dubois|"
            "Lambert|Goossens|Wouters|Vermeulen|Jacobs|Benali|Yilmaz|Kowalski|Nowak|Garcia Lopez|Tesfaye|"
            "Okafor|Mbeki|Nguyen|Rahimi|Hosseini|De Vries|Van Dijk|Bakker|O'Neil|Anne-Marie Dupont").split("|")
INTERVIEWERS = FIRST[8:20]  # the manifest names them: no respondent shares their first name
RESPONDENTS = FIRST[:8] + FIRST[20:]
#: surnames of speakers: every word capitalised (the figures of bench_scale --names were measured so)
LABEL_SURNAMES = [s for s in SURNAMES if all(w[0].isupper() for w in s.split())]
MENTIONS = {
    "en": ["My mentor {first} helped me a lot.", "I met {full} at the job fair.",
           "You can call me on 04{a} {b} {c} {d}.", "Send it to {mail}@example.org, please.",
           "My colleague {first} {last} was very kind."],
    "nl": ["Mijn mentor {first} hielp me veel.", "Ik heb {full} ontmoet op de jobbeurs.",
           "Je kan me bellen op 04{a} {b} {c} {d}.", "Mijn collega {first} {last} was heel vriendelijk."],
}


def _mention(rng: random.Random, lang: str, names: set[str]) -> str:
    first, last = rng.choice(FIRST), rng.choice(SURNAMES)
    full = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"
    names.add(full)
    digits = [f"{rng.randint(0, 99):02d}" for _ in range(4)]
    return rng.choice(MENTIONS[lang]).format(first=first, last=last, full=full, a=digits[0], b=digits[1],
                                             c=digits[2], d=digits[3], mail=f"{first}.{last}".lower().replace(" ", ""))


def synthetic_study(folder: Path, n_segments: int, turns_per_doc: int = 40, seed: int = 0,
                    names: bool = False) -> Path:
    """Write a synthetic study of about ``n_segments`` turns to ``folder``; returns its study.yaml.

    With ``names`` (the default corpus has no personal data at all) speakers are labelled with
    their names (``Lotte Claes:``, the interviewer named in the manifest), about one respondent
    turn in four mentions a person, a phone number or an e-mail address, and the study's names
    file lists every other name mentioned."""
    rng = random.Random(seed)
    transcripts = folder / "transcripts"
    transcripts.mkdir(parents=True, exist_ok=True)
    rows = []
    mentioned: set[str] = set()
    n_docs = max(1, n_segments // turns_per_doc)
    for d in range(n_docs):
        lang = "nl" if d % 4 == 0 else "en"
        interviewer, respondent = "Interviewer", "Respondent"
        if names:
            interviewer = f"{INTERVIEWERS[d % len(INTERVIEWERS)]} {LABEL_SURNAMES[d % 7]}"
            respondent = f"{rng.choice(RESPONDENTS)} {rng.choice(LABEL_SURNAMES)}"
        lines = [f"Synthetic interview {d}", ""]
        for t in range(turns_per_doc):
            if t % 2 == 0:
                lines.append(f"{interviewer}: " + rng.choice(["And then?", "How did that go?", "En dan?"]))
            else:
                said = rng.choices(SENTENCES[lang], k=rng.randint(1, 6))
                if names and rng.random() < 0.25:
                    said.insert(rng.randint(0, len(said)), _mention(rng, lang, mentioned))
                lines.append(f"{respondent}: " + " ".join(said))
        (transcripts / f"doc{d:05d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        row = {"doc_id": f"doc{d:05d}", "file": f"doc{d:05d}.txt", "pilot": f"p{d % 5}",
               "model": "dual" if d % 2 else "centralised", "method": "interview",
               "role": "mentee", "language": lang}
        if names:
            row["interviewer"] = interviewer.split()[0]
        rows.append(row)
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    study = {"name": "synthetic", "transcripts": "transcripts", "manifest": "manifest.csv",
             "codebook": str(Path(__file__).resolve().parents[1] / "codebooks" / "mentoring_to_work.yaml")}
    if names:
        listed = sorted(mentioned)[::2]
        (folder / "names.txt").write_text("".join(f"{n}\n" for n in listed), encoding="utf-8")
        study["pseudonymise"] = {"names_files": ["names.txt"]}
    (folder / "study.yaml").write_text(yaml.safe_dump(study), encoding="utf-8")
    return folder / "study.yaml"
