"""Rebuild this example's tables from the shared copy of FastingLLMPub (CC-BY 4.0, Kristen Syme).

    .venv/bin/python examples/fasting/build.py [/work/shared/external/fasting-llm/]
"""
import re
import sys
from pathlib import Path

import pandas as pd

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/external/fasting-llm/")
HERE = Path(__file__).parent
CODES = {"dei": "costs.discomfort", "se": "costs.social_economic", "sca": "costs.sacrifice", "mat": "costs.sex_mating",
         "asc": "cognitive.altered_state", "vk": "cognitive.visions_knowledge", "sw": "costs.withdrawal"}


def fix(text) -> str:
    text = str(text)
    try:  # the source holds UTF-8 read as Mac Roman ("√©" for "é")
        text = text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return " ".join(text.replace("\xa0", " ").split())


def main() -> None:
    data = pd.read_excel(SRC / "final data llms.xlsx")
    cultures = pd.read_excel(SRC / "cultures_cleaned.xlsx")[["ID", "CULTURE", "REGION", "SUBSISTENCE_TYPE"]]
    data = data.drop_duplicates("ID", keep=False).merge(cultures.drop_duplicates("ID"), on="ID")
    data["text"] = data["Excerpt.x"].map(fix)
    chosen = data.groupby("CULTURE").size().sort_values(ascending=False).index[:8]
    manifest, codings = [], []
    (HERE / "excerpts").mkdir(exist_ok=True)
    for culture in sorted(chosen):
        sub = data[data["CULTURE"] == culture].sort_values("ID").head(12)
        slug = re.sub(r"[^a-z0-9]+", "-", culture.lower()).strip("-")
        sub[["ID", "text"]].rename(columns={"ID": "id"}).to_csv(HERE / "excerpts" / f"{slug}.csv", index=False)
        manifest.append({"doc_id": slug, "file": f"{slug}.csv", "region": sub["REGION"].iloc[0],
                         "subsistence": sub["SUBSISTENCE_TYPE"].iloc[0]})
        for _, row in sub.iterrows():
            for var, code in CODES.items():
                for side, coder in (("x", "coder_1"), ("y", "coder_2")):
                    column = f"{var}.{side}"
                    if column == "sw.y" or column not in data.columns:  # sw.y is no coding (see README)
                        continue
                    if row[column] == 1:
                        codings.append({"segment_id": f"{slug}:{row['ID']}", "code": code, "coder": coder})
    pd.DataFrame(manifest).to_csv(HERE / "manifest.csv", index=False)
    pd.DataFrame(codings).to_csv(HERE / "codings.csv", index=False)


if __name__ == "__main__":
    main()
