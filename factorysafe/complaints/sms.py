"""Pure rules of SMS intake: what an inbound text asks for, in which language to answer, how long an answer may be.

Messages workers send (case does not matter, Bangla digits are read as digits):

* ``REPORT <factory code> <what is wrong>`` (Bangla: ``অভিযোগ`` or ``রিপোর্ট``): a complaint about that factory;
* ``STATUS <receipt code>`` (Bangla: ``অবস্থা`` or ``স্ট্যাটাস``): the complaint's status;
* anything else: free text, a complaint with no factory yet, which a handler matches (triage).

The answer goes back in the language of the keyword (a free text in Bangla script: Bangla).

Length rule of the answers (3GPP TS 23.038 / 23.040): a text that fits the GSM 7-bit alphabet takes 160
characters in one SMS, 153 per part of a concatenated one (the extension characters ``^{}\\[~]|€`` and the form
feed count twice); any other text, Bangla among them, is sent as UCS-2: 70 characters in one SMS, 67 per part
of a concatenated one. Answers are kept within :data:`MAX_SEGMENTS` parts (:func:`clip`).
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from factorysafe.complaints import rules
from factorysafe.complaints.rules import ComplaintCategory

MAX_SEGMENTS = 3

# The GSM 03.38 default alphabet and its extension table (an extension character costs two septets).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(text: str) -> bool:
    """Can ``text`` be sent in the GSM 7-bit alphabet?"""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _units(text: str) -> tuple[int, int, int]:
    """(length in the text's encoding units, units in one SMS, units per part of a concatenated SMS)."""
    if is_gsm7(text):
        return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text), GSM7_SINGLE, GSM7_PART
    # UCS-2 counts 16-bit units: a character outside the Basic Multilingual Plane (an emoji) takes two
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text), UCS2_SINGLE, UCS2_PART


def segments(text: str) -> int:
    """How many SMS parts ``text`` is sent as."""
    n, single, part = _units(text)
    if n <= single:
        return 1
    return -(-n // part)


def clip(text: str, max_segments: int = MAX_SEGMENTS) -> str:
    """``text`` cut (with "...") so that it is sent in at most ``max_segments`` parts."""
    text = text.strip()
    if segments(text) <= max_segments:
        return text
    cut = len(text)
    while cut > 0 and segments(text[:cut].rstrip() + "...") > max_segments:
        cut -= 1
    return text[:cut].rstrip() + "..."


# --- what a message asks for ---------------------------------------------------------------------------------
class Kind(enum.StrEnum):
    REPORT = "report"
    STATUS = "status"
    FREE = "free"  # no keyword: a complaint without a factory
    EMPTY = "empty"


REPORT_KEYWORDS = {"report": "en", "অভিযোগ": "bn", "রিপোর্ট": "bn"}
STATUS_KEYWORDS = {"status": "en", "অবস্থা": "bn", "স্ট্যাটাস": "bn"}
#: The keyword printed on the gate poster and in the SMS answers, per language.
POSTER_KEYWORD = {"en": "REPORT", "bn": "অভিযোগ"}
STATUS_KEYWORD = {"en": "STATUS", "bn": "অবস্থা"}

_BENGALI = re.compile(r"[\u0980-\u09FF]")
_FIRST_WORD = re.compile(r"\s*(\S+)\s*(.*)", re.DOTALL)


def script_lang(text: str) -> str:
    """"bn" when the text is written in Bangla script, else "en"."""
    return "bn" if _BENGALI.search(text or "") else "en"


@dataclass(frozen=True)
class Inbound:
    kind: Kind
    lang: str
    code: str = ""  # the factory code (REPORT) or the receipt code (STATUS) as typed
    body: str = ""  # what is wrong (REPORT, free text)

    @property
    def factory_id(self) -> int | None:
        """The factory of a REPORT's code, None when the code is malformed (a typo) or missing."""
        return rules.parse_factory_code(self.code) if self.kind == Kind.REPORT and self.code else None


def parse(text: str) -> Inbound:
    """What an inbound SMS asks for."""
    text = (text or "").strip()
    if not text:
        return Inbound(Kind.EMPTY, "en")
    match = _FIRST_WORD.match(text)
    word, rest = match.group(1).rstrip(":.,").casefold(), match.group(2).strip()
    if word in REPORT_KEYWORDS:
        lang = REPORT_KEYWORDS[word]
        # the factory code is the word after the keyword (digits, Bangla digits too, perhaps with a dash)
        code_match = _FIRST_WORD.match(rest)
        if code_match is None or not rules.ascii_digits(code_match.group(1)).isdigit():
            return Inbound(Kind.REPORT, lang, "", rest)
        return Inbound(Kind.REPORT, lang, code_match.group(1), code_match.group(2).strip())
    if word in STATUS_KEYWORDS:
        return Inbound(Kind.STATUS, STATUS_KEYWORDS[word], rest)
    return Inbound(Kind.FREE, script_lang(text), "", text)


# Words that point to a category, in English and Bangla: a first guess for the handler, who triages every SMS.
CATEGORY_WORDS: dict[ComplaintCategory, tuple[str, ...]] = {
    ComplaintCategory.RETALIATION: ("fired", "threat", "punish", "হুমকি", "ছাঁটাই", "শাস্তি"),
    ComplaintCategory.NO_FIRE_DRILL: ("drill", "মহড়া"),
    ComplaintCategory.LOCKED_GATE: ("locked", "gate", "তালা", "গেট"),
    ComplaintCategory.BLOCKED_EXIT: ("exit", "blocked", "stair", "বের হওয়ার", "সিঁড়ি"),
    ComplaintCategory.FIRE_SMOKE: ("fire", "smoke", "আগুন", "ধোঁয়া"),
    ComplaintCategory.CRACKS: ("crack", "ফাটল"),
    ComplaintCategory.WIRING: ("wire", "wiring", "spark", "electric", "বিদ্যুৎ", "স্পার্ক"),
    ComplaintCategory.BOILER: ("boiler", "বয়লার"),
    ComplaintCategory.WAGES: ("wage", "salary", "pay", "বেতন", "মজুরি"),
    ComplaintCategory.HARASSMENT: ("harass", "abuse", "হয়রানি", "নির্যাতন"),
}


def guess_category(text: str) -> ComplaintCategory:
    """The first category (in the order of :data:`CATEGORY_WORDS`) one of whose words the text contains;
    "other" when none: the handler corrects it at triage."""
    folded = (text or "").casefold()
    for category, words in CATEGORY_WORDS.items():
        if any(w in folded for w in words):
            return category
    return ComplaintCategory.OTHER
