"""What a reader of a report in one language reads that came from the text tables of another:
the sentences of the English report (quotes, codebook labels, names, numbers and code labels left
aside) that appear word for word in the Dutch one. Used by ``test_report_language.py``."""
from __future__ import annotations

import re

import lxml.html

_SENTENCE_END = re.compile(r"(?<=[.:;!?])\s+")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _pieces(html: str) -> list[str]:
    """The text a reader reads, piece by piece (each element's own text and alt texts); quotes,
    segment ids, study-file and record keys, the framework matrix's quotes, provenance's file paths
    and values left out."""
    doc = lxml.html.fromstring(html)
    for node in doc.xpath("//blockquote|//span[@class='sid']|//td[@class='key']|//code|//style|//script"
                          "|//table[contains(@class, 'framework')]/tbody|//table[@class='prov']/tbody/tr/td"
                          "|//table[@class='prov']/tbody/tr[not(td[@class='key'])]/th"):  # file paths, values
        node.drop_tree()
    pieces = [" ".join(text.split()) for text in doc.itertext()]
    pieces += [" ".join(alt.split()) for alt in doc.xpath("//img/@alt")]
    return [p for p in pieces if p]


def _masked(pieces: list[str], data: list[str]) -> list[str]:
    """``pieces`` with each of the study's own strings replaced by a mark."""
    given = {str(d) for d in data if d and len(str(d)) > 1}
    strings = sorted(given | {d[:1].upper() + d[1:] for d in given}, key=len, reverse=True)
    out = []
    for piece in pieces:
        for s in strings:
            if s in piece:
                piece = piece.replace(s, "\u2063")
        out.append(piece)
    return out


def sentences(html: str, data: list[str] = ()) -> list[str]:
    """The sentences (and sentence parts) of ``html`` that hold at least three words besides the
    study's own strings (``data``: codebook labels and definitions, group names, quotes, topic
    labels ...; each replaced by a mark): what the report's text tables said."""
    out = []
    for piece in _masked(_pieces(html), data):
        out += [s for s in _SENTENCE_END.split(piece) if len(_WORD.findall(s)) >= 3]
    return list(dict.fromkeys(out))


def carried_over(english: str, other: str, data: list[str] = ()) -> list[str]:
    """The sentences of the ``english`` report found word for word in the ``other`` one."""
    text = " ".join(_masked(_pieces(other), data))
    return [s for s in sentences(english, data) if s in text]


def study_strings(codebook, segments=None, settings=None, topics=None, names=()) -> list[str]:  # noqa: ANN001
    """The strings of a study that a report of any language shows as they are (``names``: more of
    them, such as attribute names and coders)."""
    data = list(names)
    for code, _, _ in codebook.walk():
        data += [code.id, code.text("label", "en"), code.text("definition", "en")]
    if segments is not None:
        data += [str(t) for t in segments["text"]] + [str(d) for d in segments["doc_id"].unique()]
    if settings is not None:
        data += [settings.title or "", *settings.phrases.values()]
    if topics is not None:
        data += [str(x) for x in topics.get("label", [])]
        data += [w.split(":")[0].strip() for words in topics.get("top_words", []) for w in str(words).split(";")]
    return data
