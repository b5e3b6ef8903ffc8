"""Pattern detectors for personal identifiers in running text (no model, no download).

Each detector finds one kind of identifier and replaces it with a typed placeholder:

==================  ===================  =====================================================
placeholder         kind                 forms found
==================  ===================  =====================================================
``[EMAIL]``         e-mail address       ``a.b@example.org``, ``a.b [at] example [dot] org``
``[IBAN]``          bank account         any IBAN whose mod-97 check holds; a failing one only
                                         after a word such as ``IBAN``, ``rekening``, ``account``
``[NATIONAL_ID]``   national number      Belgian national register number (``85.07.30-033.61``,
                                         ``85073003361``: a plausible birth date, or the
                                         checksum for loose spacing); Dutch BSN after ``BSN``
``[ID]``            document number      Belgian eID card number ``592-1234567-89``; passport-
                                         like ids (``EH123456``, ``NW3K8P2L5``) and any id after
                                         ``passport``, ``paspoort``, ``id card``, ``rijbewijs`` ...
``[PHONE]``         phone number         Belgian (``09 234 56 71``, ``03/234.56.78``, ``0470 12
                                         34 56``), Dutch (``06-12345678``, ``020 123 4567``),
                                         international (``+32 470 12 34 56``, ``0032 9 ...``,
                                         ``+44 20 7946 0958``), US (``321-584-0624``, ``(212)
                                         555-0187``)
``[DATE_OF_BIRTH]`` date of birth        a date or year after ``born``, ``date of birth``,
                                         ``DOB``, ``geboren``, ``geboortedatum``, ``°``
``[ADDRESS]``       street address       ``Kerkstraat 12``, ``Frankrijklei 115 bus 3, 2000
                                         Antwerpen``, ``Prinsengracht 263-267, 1016 GV
                                         Amsterdam``, ``42 Oak Avenue``, ``10 Downing Street,
                                         London SW1A 2AA``
==================  ===================  =====================================================

Detectors run in the order of the table, so a placeholder is never matched again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "januari|februari|maart|mei|juni|juli|augustus|oktober|"
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
)

EMAIL = re.compile(
    r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"
    r"|\b[\w.+-]+\s?[\[(]\s?(?:at|apenstaartje)\s?[\])]\s?[\w-]+(?:\s?[\[(]\s?(?:dot|punt)\s?[\])]\s?[\w-]+)+",
    re.IGNORECASE)

_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
_IBAN_CONTEXT = re.compile(r"(?:iban|rekening\w*|account|bankrekening|bic)\W{0,3}(?:\w+\W{1,3}){0,2}$", re.I)

_NN_FORMATTED = re.compile(r"(?<![\d.])\d{2}[.]\d{2}[.]\d{2}[-\s.]\d{3}[.\s]\d{2}(?![\d])")
_NN_PLAIN = re.compile(r"(?<![\d.,/-])\d{11}(?![\d])")
_NN_LOOSE = re.compile(r"(?<![\d.])\d{6}[\s-]\d{3}[\s-]?\d{2}(?![\d])")
_BSN = re.compile(r"(?:\bBSN|burgerservicenummer|sofinummer)(?:\W{1,3}[^\W\d]+){0,6}\W{1,4}"
                  r"(\d{4}\.?\d{2}\.?\d{3}|\d{9})\b", re.IGNORECASE)

_EID = re.compile(r"(?<![\d-])\d{3}-\d{7}-\d{2}(?![\d-])")
_ID_CONTEXT = re.compile(
    r"(?:passport|paspoort|passeport|id[- ]card|identity card|identiteitskaart|id[- ]kaart|eid|"
    r"rijbewijs|driving licen[cs]e|driver'?s licen[cs]e|verblijfskaart|verblijfsvergunning|residence permit|"
    r"kaartnummer|document ?number|documentnummer|card number)(?:\s?(?:number|nummer|nr\.?|no\.?|is|was|:|#))*\s*"
    r"([A-Z0-9][A-Z0-9-]{5,14})\b", re.IGNORECASE)
#: passport-like ids: upper-case letters and digits, 8 or 9 long, at least 3 digits and 1 letter
_PASSPORT = re.compile(r"(?<![\w-])(?=[A-Z0-9]{8,9}(?![\w-]))(?=(?:[A-Z]*\d){3})(?=\d*[A-Z])[A-Z0-9]{8,9}(?![\w-])")

_SEP = r"[ ./-]?"
PHONE = re.compile(
    # international: +32 / 0032, optional (0), 6-11 more digits in groups
    r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}[ ./-]?(?:\(0\)[ ./-]?)?\d{1,4}(?:[ ./-]?\d{2,4}){1,4}(?![\w])"
    # national with a trunk 0: 0X, 0XX, 0XXX then groups of 2-4 digits (9-10 digits in all)
    r"|(?<![\w+./-])0\d{1,3}(?:[ ./-]|/ ?)?\d{2,4}(?:[ ./-]?\d{2,4}){1,3}(?![\w./-]?\d)"
    # US: (212) 555-0187, 321-584-0624, 321.584.0624
    r"|(?<![\w(-])\(\d{3}\)\s?\d{3}[-.\s]\d{4}(?![\w-])"
    r"|(?<![\w.-])[2-9]\d{2}[-.]\d{3}[-.]\d{4}(?![\w.-])"
)

_DATE = (
    r"(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}"
    r"|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th|e|ste|de)?\s(?:of\s)?(?:{MONTHS})\.?,?\s(?:19|20)\d{{2}}"
    rf"|(?:{MONTHS})\.?\s\d{{1,2}}(?:st|nd|rd|th)?,?\s(?:19|20)\d{{2}}"
    r"|(?:19|20)\d{2})"
)
_DOB = re.compile(
    r"(?P<cue>\b(?:born|date of birth|birth ?date|birthday|d\.?o\.?b\.?|geboren|geboortedatum|geb\.|"
    r"geboortejaar|year of birth|née?|°)(?:[\s:,]+(?:[^\W\d]+|\d{1,2}(?:st|nd|rd|th)\sof)){0,5}?[\s:,]*)"
    rf"(?P<date>{_DATE})(?![\d])", re.IGNORECASE)

_STREET_SUFFIX = (r"straat|str\.|laan|weg|plein|lei|dreef|steenweg|kaai|gracht|singel|dijk|baan|hof|pad|markt|"
                  r"vest|wal|kade|plantsoen|steeg|ring|boulevard|avenue|dam|park|veld|berg|heide|lindelaan|"
                  r"rue|chaussée")
_NL_STREET = (rf"(?:(?:Sint|Koning|Koningin|Prins|Grote|Kleine|Oude|Nieuwe|Lange|Korte|Burgemeester|Generaal|"
              rf"Onze-Lieve-Vrouw|Van|De|Den|Ter)[ -])?[A-Z][\w'’-]*?(?:{_STREET_SUFFIX})")
_HOUSE = r"\d{1,4}[a-zA-Z]?(?:\s?[-/]\s?\d{1,4}[a-zA-Z]?)?(?:,?\s?(?:bus|bte\.?|boîte|box|app\.?)\s?\d{1,4}[a-zA-Z]?)?"
_POSTCODE_CITY = r"(?:,?\s\d{4}(?:\s?[A-Z]{2})?\s[A-Z][\w'’-]+(?:[- ][A-Z][\w'’-]+)?)"
_EN_STREET = (r"(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Ln\.|Drive|Boulevard|Blvd\.|Close|Court|Way|Place|"
              r"Square|Terrace|Crescent|Row|Gardens|Grove|Parade|Mews)")
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
ADDRESS = re.compile(
    rf"\b{_NL_STREET}\s{_HOUSE}\b{_POSTCODE_CITY}?"
    rf"|\b\d{{1,5}}[A-Z]?,?\s(?:[A-Z][\w'’-]+\s){{1,3}}{_EN_STREET}(?![\w])"
    rf"(?:,?\s(?:Apt\.?|Flat|Suite)\s\w+)?(?:,\s[A-Z][a-z][\w'’-]*(?:\s[A-Z][a-z][\w'’-]*)?)?(?:,?\s(?:{_UK_POSTCODE}|[A-Z]{{2}}\s\d{{5}}))?"
)


@dataclass(frozen=True)
class Detector:
    kind: str
    placeholder: str
    apply: Callable[[str], str]
    #: a text this pattern does not find in is left alone without running ``apply``: each
    #: detector's every form holds a digit, an e-mail address an "@" or a bracket
    needs: re.Pattern = re.compile(r"\d")
    #: nor a text with fewer digits than the fewest any form of this kind holds (a phone number
    #: 7, a national number 9, a date 4)
    min_digits: int = 1


def _iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    digits = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def _sub_iban(text: str) -> str:
    def repl(m: re.Match) -> str:
        if _iban_valid(m.group(0)) or _IBAN_CONTEXT.search(text[max(0, m.start() - 40):m.start()]):
            return "[IBAN]"
        return m.group(0)
    return _IBAN.sub(repl, text)


def belgian_nn_valid(number: str) -> bool:
    """The Belgian national register number's check: 97 - (first 9 digits mod 97), with a leading
    '2' for people born from 2000 on."""
    digits = re.sub(r"\D", "", number)
    if len(digits) != 11:
        return False
    body, check = int(digits[:9]), int(digits[9:])
    return check in (97 - body % 97, 97 - int("2" + digits[:9]) % 97)


def _plausible_birth(digits: str) -> bool:
    month, day = int(digits[2:4]), int(digits[4:6])
    month = month % 20 if month > 12 else month  # bis numbers add 20 or 40 to the month
    return 0 <= month <= 12 and 0 <= day <= 31


def _sub_national_id(text: str) -> str:
    text = _NN_FORMATTED.sub("[NATIONAL_ID]", text)
    text = _NN_PLAIN.sub(lambda m: "[NATIONAL_ID]" if _plausible_birth(m.group(0)) or belgian_nn_valid(m.group(0))
                         else m.group(0), text)
    text = _NN_LOOSE.sub(lambda m: "[NATIONAL_ID]" if belgian_nn_valid(m.group(0)) else m.group(0), text)
    return _BSN.sub(lambda m: m.group(0).replace(m.group(1), "[NATIONAL_ID]"), text)


def _sub_ids(text: str) -> str:
    text = _EID.sub("[ID]", text)

    def contextual(m: re.Match) -> str:
        value = m.group(1)
        if not re.search(r"\d", value) or value.startswith("["):
            return m.group(0)
        return m.group(0)[: m.start(1) - m.start(0)] + "[ID]" + m.group(0)[m.end(1) - m.start(0):]
    text = _ID_CONTEXT.sub(contextual, text)
    return _PASSPORT.sub("[ID]", text)


_LEGACY_PHONE = re.compile(  # the earlier detector, kept so nothing it masked is let through now
    r"(?<![\w+])(?:\+|00)\d{2,3}[\s./-]?\(?0?\)?\d{1,3}(?:[\s./-]?\d{2,4}){2,4}(?!\w)"
    r"|(?<![\w+])0\d{2,3}(?:[\s./-]?\d{2,3}){3}(?!\w)"
)


def _sub_phone(text: str) -> str:
    text = _LEGACY_PHONE.sub("[PHONE]", text)
    def repl(m: re.Match) -> str:
        n = sum(c.isdigit() for c in m.group(0))
        international = m.group(0).startswith(("+", "00"))
        return "[PHONE]" if (9 <= n <= 15 if international else 9 <= n <= 11) or "(" in m.group(0)[:1] and n == 10 \
            else m.group(0)
    return PHONE.sub(repl, text)


def _sub_dob(text: str) -> str:
    return _DOB.sub(lambda m: m.group("cue") + "[DATE_OF_BIRTH]", text)


DETECTORS: tuple[Detector, ...] = (
    Detector("email", "[EMAIL]", lambda t: EMAIL.sub("[EMAIL]", t), re.compile(r"[@\[(]"), 0),
    Detector("iban", "[IBAN]", _sub_iban, min_digits=2),
    Detector("national_id", "[NATIONAL_ID]", _sub_national_id, min_digits=9),  # BSN 9, Belgian 11
    Detector("id", "[ID]", _sub_ids),
    Detector("phone", "[PHONE]", _sub_phone, min_digits=7),  # "+32 4 12 34" (the earlier detector)
    Detector("date_of_birth", "[DATE_OF_BIRTH]", _sub_dob, min_digits=4),  # "1985", "3/4/85"
    Detector("address", "[ADDRESS]", lambda t: ADDRESS.sub("[ADDRESS]", t)),
)

PLACEHOLDERS = tuple(d.placeholder for d in DETECTORS)
_ANY_NEED = re.compile(r"[\d@\[(]")
_DIGIT = re.compile(r"\d")


def mask_identifiers(text: str) -> str:
    """``text`` with every identifier found by :data:`DETECTORS` replaced by its placeholder."""
    if not isinstance(text, str) or not text or _ANY_NEED.search(text) is None:
        return text  # most turns: no digit, "@" or bracket, so no detector can find anything
    digits = len(_DIGIT.findall(text))  # masking only removes digits: the count stays an upper bound
    for detector in DETECTORS:
        if digits >= detector.min_digits and detector.needs.search(text) is not None:
            text = detector.apply(text)
    return text
