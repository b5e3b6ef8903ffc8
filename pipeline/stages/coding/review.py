"""Stage: human codings and the review loop.

People code in two ways, and both end up as **human codings**, one row per decision:

``segment_id, code, coder, decision, note``

- ``decision`` blank: the coder applied ``code`` while coding the whole document. A document that
  appears with blank-decision rows is taken as *fully coded* by that coder: its respondent turns
  without a row carry no code (see :func:`coverage`).
- ``decision = "accept"``: a reviewer confirmed that ``code`` applies to this segment (from a
  review sheet). Only this segment+code is decided; the rest of the document is not.
- ``decision = "reject"``: a reviewer decided that ``code`` does **not** apply to this segment.
  Rejections are kept, so a re-run never suggests them again and never overwrites them.

Files in (:func:`read_human_codings`): a CSV in any encoding a Windows user produces (UTF-8 with or
without BOM, UTF-16, cp1252 ...; detected with charset-normalizer; ``,`` ``;`` or tab separated) or
an ``.xlsx`` workbook (the sheet named ``codings``, else the first sheet). Columns ``segment_id,
code, coder`` are required, ``decision`` and ``note`` optional. Errors name the file, the row as a
spreadsheet shows it (header = row 1), the column, and the fix.

The review loop: :func:`review_sheet` lists machine suggestions (``source`` rule/model) for
segment+code pairs no human decided yet, most uncertain first (active learning), with columns
``segment_id, doc_id, speaker, code, label, source, score, evidence, context_before, text,
decision, reviewer, note``. :func:`write_review_sheet` writes it as ``.xlsx`` and ``.csv``. The
reviewer fills ``decision`` with

- ``accept`` (also ``a``, ``yes``, ``y``, ``1``, ``ok``): the suggested code applies;
- ``reject`` (also ``r``, ``no``, ``n``, ``0``, ``x``): it does not;
- a comma list of code ids (``motives.network, barriers.language``): the suggested code is
  replaced by these codes (it is accepted if it is in the list and rejected if not);
- nothing: not reviewed yet (counted, reported, and offered again next time).

:func:`read_review_sheet` turns a filled sheet into human codings; :func:`merge_human` merges them
into earlier ones (nothing a person decided is lost; the later file wins a conflict and it is
reported). The coding stage (:func:`pipeline.stages.coding.code.code`) lays the human codings over
the machine codings for the final result.
"""
from __future__ import annotations

import difflib
import logging
import re
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from pipeline.codebook import NO_CODE
from pipeline.errors import InputError, Problem, where
from pipeline.schemas import as_ids
from pipeline.settings import ReviewSettings  # noqa: F401  (re-exported)
from pipeline.stages.coding.sheets import (_cell, filled_decisions, read_table,  # noqa: F401  (re-exported)
                                           write_review_sheet)

log = logging.getLogger(__name__)

HUMAN_COLUMNS = ["segment_id", "code", "coder", "decision", "note"]
SHEET_COLUMNS = ["segment_id", "doc_id", "speaker", "code", "label", "source", "score", "evidence",
                 "context_before", "text", "decision", "reviewer", "note"]
ACCEPT = {"accept", "accepted", "a", "yes", "y", "ok", "1", "true", "ja", "j", "✓", "✔"}
REJECT = {"reject", "rejected", "r", "no", "n", "0", "false", "nee", "x", "✗", "✘"}


def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _norm_decision(value: str) -> str:
    low = value.strip().lower()
    return "accept" if low in ACCEPT else "reject" if low in REJECT else value.strip()


# -- human codings -----------------------------------------------------------------------------
def validate_human_codings(codings: pd.DataFrame, segments: pd.DataFrame | None, codebook,
                           source: str = "human codings") -> list[Problem]:
    """Every problem of a human-codings table. Rows are located by column ``_row`` (the
    spreadsheet row) when present, else by position (header = row 1)."""
    problems: list[Problem] = []
    missing = [c for c in ("segment_id", "code", "coder") if c not in codings.columns]
    if missing:
        return [Problem(source, f"missing column(s) {', '.join(missing)}; found "
                        f"{', '.join(map(str, codings.columns)) or 'none'}.",
                        "Add a header row with segment_id, code, coder (and optionally decision, note).")]
    rows = codings["_row"].tolist() if "_row" in codings.columns else list(range(2, len(codings) + 2))
    leaves = set(codebook.code_ids) if codebook is not None else None
    all_ids = {c.id for c, _, _ in codebook.walk()} if codebook is not None else set()
    known = set(segments["segment_id"]) if segments is not None else None
    roles = (dict(zip(segments["segment_id"], segments["speaker_role"]))
             if segments is not None and "speaker_role" in segments.columns else {})
    seen: dict[tuple, int] = {}
    decisions = codings["decision"] if "decision" in codings.columns else [""] * len(codings)
    for row, seg, code, coder, dec in zip(rows, codings["segment_id"], codings["code"],
                                          codings["coder"], decisions):
        seg, code, coder, dec = (_cell(v) for v in (seg, code, coder, dec))
        for col, val in (("segment_id", seg), ("code", code), ("coder", coder)):
            if not val:
                fix = (f"Fill in the code, write '{NO_CODE}' to record that no code applies to the unit, "
                       "or delete the row.") if col == "code" else f"Fill in the {col} or delete the row."
                problems.append(Problem(where(source, row, col), f"column '{col}' is empty.", fix))
        if dec and dec not in ("accept", "reject"):
            problems.append(Problem(where(source, row, "decision"), f"unknown decision '{dec}'.",
                                    "Use accept, reject, or leave it empty."))
        if code == NO_CODE:
            if dec:
                problems.append(Problem(where(source, row, "decision"),
                                        f"a '{NO_CODE}' row (coded, no code applies) cannot be {dec}ed.",
                                        "Leave the decision empty on '-' rows."))
        elif code and leaves is not None and code not in leaves:
            if code in all_ids:
                kids = [c.id for c in codebook.code(code).codes]
                problems.append(Problem(where(source, row, "code"),
                                        f"'{code}' is a theme or parent code, not a code to apply.",
                                        f"Use one of its codes: {', '.join(kids[:6])}."))
            else:
                problems.append(Problem(where(source, row, "code"),
                                        f"code '{code}' is not in the codebook.{_suggest(code, leaves)}",
                                        "Use a code id from the codebook (qualpipe codebook lists them)."))
        if seg and known is not None:
            if seg not in known:
                problems.append(Problem(where(source, row, "segment_id"),
                                        f"segment '{seg}' is not among the segments.{_suggest(seg, known)}",
                                        "Use ids as '<doc_id>:<turn>' from segments.csv."))
            elif roles.get(seg) == "interviewer":
                problems.append(Problem(where(source, row, "segment_id"),
                                        f"segment '{seg}' is an interviewer turn; it is not compared.",
                                        "Code the respondent's turn instead.", "warning"))
        key = (seg, code, coder)
        if all(key) and key in seen:
            problems.append(Problem(where(source, row), f"duplicate of row {seen[key]} "
                                    f"({coder} coded {seg} with {code} twice).", "Delete one of the rows."))
        seen.setdefault(key, row)
    return problems


def read_human_codings(path: str | Path, codebook=None, segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and validate a human-codings file (CSV or .xlsx) into ``segment_id, code, coder,
    decision, note``. Raises :class:`InputError` listing every error; warnings are logged and
    kept in ``df.attrs["problems"]``."""
    header, rows = read_table(path, sheets=("codings",))
    frame = pd.DataFrame([{**r, "_row": i} for i, r in rows], columns=[*dict.fromkeys(header), "_row"])
    frame = frame.loc[:, [c for c in frame.columns if c]]
    for col in ("decision", "note"):
        if col not in frame.columns:
            frame[col] = ""
    frame["decision"] = [_norm_decision(_cell(v)) for v in frame["decision"]]
    from pipeline.stages.coding.unit_ids import map_unit_ids

    frame = map_unit_ids(frame, segments)  # a table's own unit ids are accepted (R17, doc:R17)
    problems = validate_human_codings(frame, segments, codebook, str(path))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors)
    for p in problems:
        log.warning(str(p))
    out = as_ids(frame[HUMAN_COLUMNS]).reset_index(drop=True)  # every cell was read as text (sheets._cell)
    out.attrs["problems"] = problems
    return out


def coverage(human: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Which coder fully coded which document: ``coder, doc_id`` from rows with a blank decision
    (rows from review sheets decide one segment+code only). Machine coders (``source`` rule or
    model) cover every document of ``segments``."""
    human, segments = as_ids(human), as_ids(segments)  # tables passed in: ids as text
    doc_of = dict(zip(segments["segment_id"], segments["doc_id"]))
    decision = human["decision"].fillna("") if "decision" in human.columns else pd.Series("", index=human.index)
    full = human[decision.astype(str).str.strip() == ""]
    pairs = {(str(c), doc_of[s]) for s, c in zip(full["segment_id"], full["coder"]) if s in doc_of}
    if "source" in human.columns:
        machine = human.loc[human["source"].isin(["rule", "model"]), "coder"].unique()
        pairs |= {(str(c), d) for c in machine for d in segments["doc_id"].unique()}
    return pd.DataFrame(sorted(pairs), columns=["coder", "doc_id"])


def _polarity(decision: Any) -> str:
    return "reject" if _cell(decision) == "reject" else "present"


def merge_human(existing: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Merge newer human codings into earlier ones. Rows are keyed by ``segment_id, code, coder``.
    Nothing is lost: rows of ``existing`` stay unless the same coder decided the opposite in
    ``new`` (the later file wins; each such conflict is logged and listed as a warning in
    ``attrs["problems"]``). Agreeing rows keep the earlier row (so a document's coverage stays)."""
    merged: dict[tuple, dict] = {}
    problems: list[Problem] = []
    for frame in (existing, new):
        for rec in frame.to_dict("records"):
            rec = {c: _cell(rec.get(c)) for c in HUMAN_COLUMNS}
            key = (rec["segment_id"], rec["code"], rec["coder"])
            old = merged.get(key)
            if old is None:
                merged[key] = rec
            elif _polarity(old["decision"]) != _polarity(rec["decision"]):
                p = Problem(f"{rec['segment_id']}[{rec['code']}]",
                            f"{rec['coder']} changed the decision from {_polarity(old['decision'])} "
                            f"to {_polarity(rec['decision'])}; the later one is kept.",
                            "Check the sheet if this was not intended.", "warning")
                problems.append(p)
                log.warning(str(p))
                merged[key] = rec
    out = as_ids(pd.DataFrame(list(merged.values()), columns=HUMAN_COLUMNS))  # cells: text (_cell)
    out.attrs["problems"] = problems
    return out


# -- review sheets -----------------------------------------------------------------------------
def _uncertainty(scores: pd.Series, threshold: float, strategy: str) -> pd.Series:
    p = pd.to_numeric(scores, errors="coerce").astype(float).clip(0, 1)
    if strategy == "entropy":
        q = p.clip(1e-12, 1 - 1e-12)
        return (q * np.log2(q) + (1 - q) * np.log2(1 - q)).fillna(1.0)  # -entropy: small = unsure
    return (p - threshold).abs().fillna(np.inf)


def review_sheet(codings: pd.DataFrame, segments: pd.DataFrame, n: int | None = None, *,
                 human: pd.DataFrame | None = None, codebook=None, threshold: float = 0.5,
                 strategy: str = "margin", language: str | None = None) -> pd.DataFrame:
    """Machine suggestions for a reviewer, most uncertain first (score nearest ``threshold``, or
    highest entropy; ties by document, turn, code). Leaves out every segment+code a person decided
    (in ``human`` or as ``source == "human"`` rows of ``codings``) and every document a person coded
    fully. One row per segment+code; when several machine coders suggest it, the most uncertain
    score is shown and ``source`` lists them all."""
    codings, segments = as_ids(codings), as_ids(segments)  # tables passed in: ids as text
    human = None if human is None else as_ids(human)
    human_rows = [h for h in (human, codings[codings["source"] == "human"] if "source" in codings.columns
                              else None) if h is not None and len(h)]
    decided: set = set()
    done_docs: set = set()
    for h in human_rows:
        decided |= set(zip(h["segment_id"], h["code"]))
        done_docs |= set(coverage(h.drop(columns=["source"], errors="ignore"), segments)["doc_id"])
    machine = codings[codings["source"].isin(["rule", "model"])] if "source" in codings.columns else codings
    unknown = sorted(set(machine["segment_id"]) - set(segments["segment_id"]))
    if unknown:
        raise InputError(Problem("codings", f"{len(unknown)} segment id(s) are not among the segments, "
                                 f"e.g. {unknown[:3]}.", "Re-run coding after ingest."))
    segs = segments.sort_values(["doc_id", "turn"]).copy()
    segs["context_before"] = segs.groupby("doc_id")["text"].shift(1).fillna("")
    col = {c: dict(zip(segs["segment_id"], segs[c])) for c in ("doc_id", "turn", "speaker", "context_before", "text")}
    keep = np.array([(s, c) not in decided and col["doc_id"][s] not in done_docs
                     for s, c in zip(machine["segment_id"], machine["code"])], dtype=bool)
    cand = machine[keep].copy()
    cand["_u"] = _uncertainty(cand["score"] if "score" in cand.columns else pd.Series(np.nan, index=cand.index),
                              threshold, strategy)
    cand["doc_id"] = [col["doc_id"][s] for s in cand["segment_id"]]
    cand["_turn"] = [int(col["turn"][s]) for s in cand["segment_id"]]
    if "source" not in cand.columns:
        cand["source"] = "machine"
    cand = cand.sort_values(["_u", "doc_id", "_turn", "code", "source"], kind="stable")
    sources = cand.groupby(["segment_id", "code"])["source"].agg(lambda s: "+".join(sorted(set(map(str, s)))))
    cand = cand.drop_duplicates(["segment_id", "code"], keep="first")
    if n is not None:
        cand = cand.head(n)
    lang = language or (codebook.languages[0] if codebook is not None else "en")
    labels = {c.id: c.text("label", lang) for c, _, _ in codebook.walk()} if codebook is not None else {}
    out = pd.DataFrame({
        "segment_id": cand["segment_id"].values,
        "doc_id": cand["doc_id"].values,
        "speaker": [col["speaker"][s] for s in cand["segment_id"]],
        "code": cand["code"].values,
        "label": [labels.get(c, "") for c in cand["code"]],
        "source": [sources[(s, c)] for s, c in zip(cand["segment_id"], cand["code"])],
        "score": pd.to_numeric(cand["score"], errors="coerce").round(3).values if "score" in cand.columns else np.nan,
        "evidence": cand["evidence"].fillna("").astype(str).values if "evidence" in cand.columns else "",
        "context_before": [col["context_before"][s] for s in cand["segment_id"]],
        "text": [col["text"][s] for s in cand["segment_id"]],
    })
    out["decision"] = ""
    out["reviewer"] = ""
    out["note"] = ""
    return out[SHEET_COLUMNS].reset_index(drop=True)


def read_review_sheet(path: str | Path, codebook=None, reviewer: str | None = None,
                      segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a filled review sheet (.xlsx or .csv) into human codings (``decision`` accept/reject,
    ``coder`` = the row's reviewer, else ``reviewer``). Blank decisions are skipped; their count is
    logged and kept in ``attrs["n_blank"]``. Unknown decisions, unknown codes, a missing reviewer,
    contradictory rows, and (given ``segments``) unknown segment ids raise :class:`InputError`
    naming row and column."""
    header, rows = read_table(path, sheets=("review",))
    source = str(path)
    missing = [c for c in ("segment_id", "code", "decision") if c not in header]
    if missing:
        raise InputError(Problem(source, f"missing column(s) {', '.join(missing)}.",
                                 "Use the sheet written by 'qualpipe review' and keep its header row."))
    leaves = set(codebook.code_ids) if codebook is not None else None
    out, problems, n_blank = _sheet_decisions(rows, source, reviewer, leaves)
    result = pd.DataFrame(list(out.values()), columns=[*HUMAN_COLUMNS, "_row"])
    problems += validate_human_codings(result, segments, codebook, source)  # codebook may have changed
    if any(p.severity == "error" for p in problems):
        raise InputError([p for p in problems if p.severity == "error"])
    if n_blank:
        log.info("%s: %d suggestion(s) without a decision were skipped.", source, n_blank)
    result = as_ids(result[HUMAN_COLUMNS])  # every cell was read as text (sheets._cell)
    result.attrs["n_blank"] = n_blank
    result.attrs["problems"] = problems
    return result


def _sheet_decisions(rows: list[tuple[int, dict]], source: str, reviewer: str | None, leaves: set[str] | None
                     ) -> tuple[dict[tuple, dict], list[Problem], int]:
    """A review sheet's decisions by (segment, code, reviewer), the problems of its rows, and its blank rows."""
    problems: list[Problem] = []
    out: dict[tuple, dict] = {}
    origin: dict[tuple, int] = {}
    n_blank = 0

    def add(row: int, seg: str, code: str, who: str, decision: str, note: str) -> None:
        key = (seg, code, who)
        if key in out and out[key]["decision"] != decision:
            problems.append(Problem(where(source, row, "decision"),
                                    f"{code} on {seg} is accepted in one row and rejected in row "
                                    f"{origin[key]}.", "Make the two rows agree."))
        out[key] = {"segment_id": seg, "code": code, "coder": who, "decision": decision, "note": note,
                    "_row": row}
        origin.setdefault(key, row)

    for row, rec in rows:
        raw = rec.get("decision", "")
        seg, code = rec.get("segment_id", ""), rec.get("code", "")
        if not raw:
            n_blank += 1
            continue
        who = rec.get("reviewer", "") or (reviewer or "")
        if not who:
            problems.append(Problem(where(source, row, "reviewer"), "the reviewer is empty.",
                                    "Fill in your initials, or pass --reviewer."))
            continue
        if not seg or not code:
            problems.append(Problem(where(source, row, "segment_id" if not seg else "code"),
                                    "segment_id or code is empty.", "Do not edit these columns."))
            continue
        decision, note = _norm_decision(raw), rec.get("note", "")
        if decision in ("accept", "reject"):
            add(row, seg, code, who, decision, note)
            continue
        others = [c.strip() for c in re.split(r"[,;]", raw) if c.strip()]
        bad = [c for c in others if (leaves is not None and c not in leaves) or not re.fullmatch(r"[a-z0-9_.]+", c)]
        if bad:
            hint = _suggest(bad[0], leaves) if leaves else ""
            problems.append(Problem(where(source, row, "decision"),
                                    f"'{raw}' is not accept, reject or a list of code ids ({bad[0]!r}).{hint}",
                                    "Write accept, reject, or code ids from sheet 'codes' separated by commas."))
            continue
        add(row, seg, code, who, "accept" if code in others else "reject", note)
        for other in others:
            if other != code:
                add(row, seg, other, who, "accept", note)
    return out, problems, n_blank
