"""The stages' notes in the report's language and words.

A stage says what it decided on its own (a fallback to the rule coder, a group alone in a
population) or why a part is missing (no topic model, no agreement figures) as an
:class:`pipeline.errors.Note`: an English sentence for the command line, with a ``key`` and the
facts (``fields``). The report words it with the sentence ``note_<key>`` of its text tables
(:mod:`pipeline.stages.report.texts_en`, :mod:`pipeline.stages.report.texts_nl`), so that no English
sentence reaches a Dutch report. A plain string (a note a caller wrote) is shown as it is.
"""
from __future__ import annotations

from pipeline.stages.report.summary import Phrases
from pipeline.stages.report.texts import Texts, capital
from pipeline.stages.report.texts_en import EN


def say(note, t: Texts, words: Phrases | None = None) -> str:  # noqa: ANN001
    """``note`` as a sentence of the report (``words``: the study's plain words for groups)."""
    key = f"note_{getattr(note, 'key', '')}"
    if key not in EN:
        return str(note)
    fields = dict(note.fields)
    if "coders" in fields:
        fields["coders"] = ", ".join(map(str, fields["coders"])) or t["nobody"]
    if "group" in fields:  # a group of an attribute, within a population (stratum) of the comparison
        words = words or Phrases(None, t)
        fields["in_group"] = t["in_phrase"].format(group=words.group(fields["attribute"], fields["group"]))
        fields["Stratum"] = capital(words.stratum(fields.pop("stratum")))
    return t[key].format(**fields)


def say_all(notes, t: Texts, words: Phrases | None = None) -> list[str]:  # noqa: ANN001
    return [say(note, t, words) for note in notes or []]


__all__ = ["say", "say_all"]
