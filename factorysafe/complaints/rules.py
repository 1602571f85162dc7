"""Pure rules of complaints: receipt codes, factory short codes, categories and statuses, the public record.

Receipt codes are what a worker writes down or reads aloud to come back anonymously: 20 random decimal digits
(log2(10**20) = 66.4 bits of entropy) and one Damm check digit, shown as seven groups of three
("482 109 375 521 084 622 137"). Only the SHA-256 of the 21 digits is stored (``receipt_digest``). The Damm
check digit catches every single wrong digit and every swap of two neighbouring digits, so a typo is told apart
from an unknown code without asking the database.

Factory short codes (``/f/<code>``, the SMS keyword ``REPORT <code>``, the gate poster) are the factory's id
followed by its Damm check digit: short enough to type on a phone keypad, and a mistyped digit is refused
instead of reporting the wrong factory.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import math
import re
import secrets

RECEIPT_RANDOM_DIGITS = 20
RECEIPT_DIGITS = RECEIPT_RANDOM_DIGITS + 1
RECEIPT_GROUP = 3
#: Bits of entropy of a receipt code (the check digit adds none).
RECEIPT_BITS = RECEIPT_RANDOM_DIGITS * math.log2(10)

# Damm's quasigroup of order 10 (weakly totally anti-symmetric): H. M. Damm, 2004.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

_BANGLA_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
_NOT_DIGIT = re.compile(r"[\s\-./_,]+")


def damm_digit(digits: str) -> str:
    """The Damm check digit of a string of ASCII digits."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return str(interim)


def damm_valid(digits: str) -> bool:
    """Does a string of ASCII digits end with its correct Damm check digit?"""
    return len(digits) >= 2 and digits.isascii() and digits.isdigit() and damm_digit(digits) == "0"


def ascii_digits(text: str) -> str:
    """Bangla digits to ASCII, spaces, dashes and dots dropped: what a person typed, as plain digits (or not)."""
    return _NOT_DIGIT.sub("", (text or "").translate(_BANGLA_DIGITS))


# --- receipt codes -------------------------------------------------------------------------------
def new_receipt_code(randbelow=secrets.randbelow) -> str:
    """A fresh receipt code: 20 random digits and their Damm check digit (21 ASCII digits, no spaces)."""
    body = f"{randbelow(10 ** RECEIPT_RANDOM_DIGITS):0{RECEIPT_RANDOM_DIGITS}d}"
    return body + damm_digit(body)


def format_receipt(code: str) -> str:
    """Groups of three digits for reading aloud and writing down."""
    return " ".join(code[i:i + RECEIPT_GROUP] for i in range(0, len(code), RECEIPT_GROUP))


class ReceiptProblem(enum.StrEnum):
    EMPTY = "empty"
    LENGTH = "length"  # not 21 digits
    CHECK = "check"  # 21 digits whose check digit is wrong: a typo


def parse_receipt(text: str) -> tuple[str | None, ReceiptProblem | None]:
    """(the code's 21 digits, None), or (None, what is wrong) for what a person typed."""
    digits = ascii_digits(text)
    if not digits:
        return None, ReceiptProblem.EMPTY
    if len(digits) != RECEIPT_DIGITS or not digits.isdigit():
        return None, ReceiptProblem.LENGTH
    if not damm_valid(digits):
        return None, ReceiptProblem.CHECK
    return digits, None


def receipt_digest(code: str) -> str:
    """What is stored of a receipt code: the hex SHA-256 of its 21 digits (the code itself is never stored)."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def guesses_to_find_one(open_complaints: int) -> float:
    """Expected guesses to hit any one of ``open_complaints`` receipts by chance (a valid check digit is free)."""
    return 10 ** RECEIPT_RANDOM_DIGITS / max(open_complaints, 1)


# --- factory short codes -------------------------------------------------------------------------
def factory_code(factory_id: int) -> str:
    """The factory's short code: its id and the Damm check digit (factory 25 -> "250")."""
    body = str(int(factory_id))
    return body + damm_digit(body)


def parse_factory_code(text: str) -> int | None:
    """The factory id of a short code as typed (Bangla digits and spaces allowed), None when malformed."""
    digits = ascii_digits(text)
    if not digits.isdigit() or not 2 <= len(digits) <= 12 or not damm_valid(digits):
        return None
    return int(digits[:-1]) or None


# --- phone numbers (SMS) ---------------------------------------------------------------------------
def normalise_phone(number: str) -> str:
    """Digits of a phone number, Bangladesh numbers in one form (+8801XXXXXXXXX, 8801..., 01... -> 8801...)."""
    digits = re.sub(r"\D", "", (number or "").translate(_BANGLA_DIGITS))
    if digits.startswith("01") and len(digits) == 11:
        digits = "88" + digits
    return digits


def phone_digest(number: str, key: bytes) -> str:
    """A keyed hash of a phone number: links one sender's follow-ups without storing the number."""
    return hmac.new(key, normalise_phone(number).encode("ascii"), hashlib.sha256).hexdigest()


# --- categories and statuses ---------------------------------------------------------------------
class ComplaintCategory(enum.StrEnum):
    BLOCKED_EXIT = "blocked_exit"
    LOCKED_GATE = "locked_gate"
    FIRE_SMOKE = "fire_smoke"
    CRACKS = "cracks"
    WIRING = "wiring"
    BOILER = "boiler"
    NO_FIRE_DRILL = "no_fire_drill"
    RETALIATION = "retaliation"
    WAGES = "wages"
    HARASSMENT = "harassment"
    OTHER = "other"

    @property
    def label(self) -> str:
        from factorysafe.labels import label

        return label(self)


#: Categories that are occupational safety and health (OSH) complaints: the programme's own work.
SAFETY_CATEGORIES = frozenset({
    ComplaintCategory.BLOCKED_EXIT, ComplaintCategory.LOCKED_GATE, ComplaintCategory.FIRE_SMOKE,
    ComplaintCategory.CRACKS, ComplaintCategory.WIRING, ComplaintCategory.BOILER, ComplaintCategory.NO_FIRE_DRILL,
    ComplaintCategory.RETALIATION,
})
#: The engineering discipline a safety category belongs to (a finding made from the complaint starts there).
CATEGORY_DISCIPLINE = {
    ComplaintCategory.BLOCKED_EXIT: "fire", ComplaintCategory.LOCKED_GATE: "fire",
    ComplaintCategory.FIRE_SMOKE: "fire", ComplaintCategory.NO_FIRE_DRILL: "fire",
    ComplaintCategory.CRACKS: "structural", ComplaintCategory.WIRING: "electrical",
    ComplaintCategory.BOILER: "boiler",
}
#: Categories that may be an immediate danger: shown first to handlers.
URGENT_CATEGORIES = frozenset({ComplaintCategory.LOCKED_GATE, ComplaintCategory.BLOCKED_EXIT,
                               ComplaintCategory.FIRE_SMOKE, ComplaintCategory.CRACKS})


def is_safety(category: ComplaintCategory) -> bool:
    return ComplaintCategory(category) in SAFETY_CATEGORIES


class ComplaintStatus(enum.StrEnum):
    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    RESOLVED = "resolved"
    NON_SAFETY = "non_safety"  # referred elsewhere (to whom: ``referred_to``)
    NOT_PROCESSED = "not_processed"
    NOT_COVERED = "not_covered"  # factory not covered by the programme: referred to the labour inspectorate

    @property
    def label(self) -> str:
        from factorysafe.labels import label

        return label(self)


OPEN_STATUSES = frozenset({ComplaintStatus.RECEIVED, ComplaintStatus.UNDER_REVIEW})
CLOSED_STATUSES = frozenset(ComplaintStatus) - OPEN_STATUSES
#: Closing statuses that refer the worker elsewhere: the handler must say to whom.
REFERRAL_STATUSES = frozenset({ComplaintStatus.NON_SAFETY, ComplaintStatus.NOT_COVERED})

#: The moves a handler may make: from a status to the statuses it may go to.
TRANSITIONS: dict[ComplaintStatus, frozenset[ComplaintStatus]] = {
    ComplaintStatus.RECEIVED: frozenset(ComplaintStatus) - {ComplaintStatus.RECEIVED},
    ComplaintStatus.UNDER_REVIEW: frozenset(ComplaintStatus) - {ComplaintStatus.RECEIVED, ComplaintStatus.UNDER_REVIEW},
    # a closed complaint is reopened (under review) by the worker's dispute or by a handler
    ComplaintStatus.RESOLVED: frozenset({ComplaintStatus.UNDER_REVIEW}),
    ComplaintStatus.NON_SAFETY: frozenset({ComplaintStatus.UNDER_REVIEW}),
    ComplaintStatus.NOT_PROCESSED: frozenset({ComplaintStatus.UNDER_REVIEW}),
    ComplaintStatus.NOT_COVERED: frozenset({ComplaintStatus.UNDER_REVIEW}),
}


def may_move(current: ComplaintStatus, target: ComplaintStatus) -> bool:
    return ComplaintStatus(target) in TRANSITIONS[ComplaintStatus(current)]


class Verdict(enum.StrEnum):
    """The worker's answer to "is it fixed?" after a complaint is resolved."""

    CONFIRMED = "confirmed"
    DISPUTED = "disputed"

    @property
    def label(self) -> str:
        from factorysafe.labels import label

        return label(self)


def may_give_verdict(status: ComplaintStatus, verdict: Verdict | None) -> bool:
    """The worker may confirm or dispute a resolved complaint, once per resolution."""
    return ComplaintStatus(status) == ComplaintStatus.RESOLVED and verdict is None


def may_worker_write(status: ComplaintStatus) -> bool:
    """Workers may answer and add photos while the complaint is open (a closed one is reopened by a dispute)."""
    return ComplaintStatus(status) in OPEN_STATUSES


# --- the public record ---------------------------------------------------------------------------
def public_month(received_on: dt.date) -> str:
    """The register shows the month received, not the day: "2026-11"."""
    return f"{received_on.year:04d}-{received_on.month:02d}"


def month_span(text: str) -> tuple[dt.date, dt.date] | None:
    """("2026-11") -> (first day of the month, first day of the next); None for anything else."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    return dt.date(year, month, 1), dt.date(year + (month == 12), month % 12 + 1, 1)


def public_number(complaint_id: int, received_on: dt.date) -> str:
    """The register's number of a complaint: "C-2026-0042" (year received, then the complaint's id)."""
    return f"C-{received_on.year:04d}-{complaint_id:04d}"


def shows_factory(withhold_factory: bool, factory_id: int | None) -> bool:
    """May the public record name the factory? Only when the worker allowed it (and there is one)."""
    return factory_id is not None and not withhold_factory
