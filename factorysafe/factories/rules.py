"""Pure rules of finding a factory by what a person types: the normalised search text and the forgiving match.

One definition, used by the SQL search (``factories.queries.search``: on PostgreSQL ``pg_trgm`` narrows the
candidates, then these functions decide), by the public map's in-memory filter (``maps.services.filter_factories``)
and so by the API's ``q``: all of them agree on which factories a query finds.

Text is normalised the same way on both sides (``normalise``): Unicode NFKC, case folded, Bangla digits as ASCII
digits, the Bangla hasanta (virama), nukta and joiners dropped (a conjunct typed either way matches, and
PostgreSQL's ``pg_trgm`` splits words at them), every other character that is not a letter, a vowel sign or a
digit (punctuation, symbols) a space, runs of spaces one space. So "Ha-Meem", "ha meem" and "HA MEEM" are one
text, "DIFE/১২৩" is "dife 123".

A normalised query matches a normalised text when it is a part of it, or when every word of the query is
close to some word of the text: the trigram similarity of the two words (``pg_trgm``'s definition: each word
padded with two spaces in front and one behind, cut into sets of three characters, shared / all) is at least
``WORD_SIMILARITY``. "cristal" and "crystal" share 5 of 11 trigrams (0.45): a match.
"""
from __future__ import annotations

import re
import unicodedata

#: The least trigram similarity of a query word and a word of the text for the word to count as found.
WORD_SIMILARITY = 0.4

_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
#: Bangla signs dropped (hasanta, nukta, sandhi mark) and the zero-width (non-)joiners.
_DROPPED = dict.fromkeys(map(ord, "\u09cd\u09bc\u09fe\u200c\u200d"), None)
_SPACES = re.compile(r"\s+")
#: Characters of the Bangla block that are not letters of a word (currency marks and numerators, isshar,
#: abbreviation sign, danda); PostgreSQL's pg_trgm does not count them as word characters either.
_BN_NON_WORD = set("\u09f2\u09f3\u09f4\u09f5\u09f6\u09f7\u09f8\u09f9\u09fa\u09fb\u09fd\u0964\u0965")


def _word_char(ch: str) -> bool:
    if ch in _BN_NON_WORD:
        return False
    if ch.isascii():
        return ch.isalnum()
    return unicodedata.category(ch)[0] in "LMN"


def normalise(text: str | None) -> str:
    """``text`` as the search compares it (see the module's docstring); "" for None."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = unicodedata.normalize("NFD", text).translate(_DROPPED).translate(_DIGITS)
    text = "".join(ch if _word_char(ch) else " " for ch in unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", text).strip()


def search_text(*parts: str | None) -> str:
    """The normalised text a factory is found by: its fields, each normalised, joined by spaces."""
    return " ".join(p for p in (normalise(x) for x in parts) if p)


def factory_search_text(name, name_bn, address, upazila, district, registration_no) -> str:
    """A factory's search text, from the fields a person may search it by (kept in ``Factory.search_text``)."""
    return search_text(name, name_bn, registration_no, upazila, district, address)


def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word: ``"  " + word + " "`` cut into overlapping sets of three characters."""
    padded = f"  {word} "
    return frozenset(padded[i:i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    """Trigram similarity of two words (pg_trgm ``similarity`` of single words): shared / all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb)


def score(query: str, text: str) -> float:
    """How well the normalised ``query`` finds the normalised ``text``: 0 no match; 2 the query is part of the
    text (3 when the text starts with it); else 1 + the mean of each query word's best similarity with a word
    of the text, when every query word reaches ``WORD_SIMILARITY``. An empty query finds everything (1)."""
    if not query:
        return 1.0
    if query in text:
        return 3.0 if text.startswith(query) else 2.0
    words = text.split(" ")
    total = 0.0
    for q in query.split(" "):
        best = max((similarity(q, w) for w in words), default=0.0)
        if best < WORD_SIMILARITY:
            return 0.0
        total += best
    return 1.0 + total / (query.count(" ") + 1)


def matches(query: str, text: str) -> bool:
    """Whether the normalised ``query`` finds the normalised ``text`` (``score`` above 0)."""
    return score(query, text) > 0
