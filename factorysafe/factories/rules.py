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

import functools
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


@functools.lru_cache(maxsize=1 << 17)
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
    return scorer(query)(text)


def scorer(query: str):
    """``score`` for one normalised ``query``, to call on many texts: each text word's similarity with each query
    word is computed once and remembered (the words of a list of factories repeat: "ltd", "garments", places),
    and a word too short to reach the bar is never cut into trigrams."""
    if not query:
        return lambda text: 1.0
    words = [(w, trigrams(w)) for w in query.split(" ")]
    memo: list[dict[str, float]] = [{} for _ in words]

    def best(i: int, text_words: list[str]) -> float:
        q, tq = words[i]
        seen, top = memo[i], 0.0
        for w in text_words:
            s = seen.get(w)
            if s is None:
                # a word has at most len + 1 trigrams, |shared| <= that and |all| >= |query's|: too short a
                # word is below the bar on its length alone
                if len(w) + 1 < WORD_SIMILARITY * len(tq):
                    s = 0.0
                else:
                    tw = trigrams(w)
                    s = len(tq & tw) / len(tq | tw)
                seen[w] = s
            if s > top:
                top = s
        return top

    def score_text(text: str) -> float:
        if query in text:
            return 3.0 if text.startswith(query) else 2.0
        text_words = text.split(" ")
        total = 0.0
        for i in range(len(words)):
            b = best(i, text_words)
            if b < WORD_SIMILARITY:
                return 0.0
            total += b
        return 1.0 + total / len(words)

    return score_text


def finds(query: str, texts: list[str]) -> list[bool]:
    """``matches(query, text)`` for each of many texts, quickly: each distinct word of the texts is compared with
    the query's words once, then a text is found when it holds the query or, for every query word, one of the
    words close to it (a set test)."""
    if not query:
        return [True] * len(texts)
    splits = [t.split(" ") for t in texts]
    vocabulary = set().union(*splits)
    close = []
    for q in query.split(" "):
        tq = trigrams(q)
        bar = WORD_SIMILARITY * len(tq)
        close.append({w for w in vocabulary if len(w) + 1 >= bar
                      and len(tq & (tw := trigrams(w))) / len(tq | tw) >= WORD_SIMILARITY})
    return [query in t or all(not c.isdisjoint(words) for c in close) for t, words in zip(texts, splits)]


def matches(query: str, text: str) -> bool:
    """Whether the normalised ``query`` finds the normalised ``text`` (``score`` above 0)."""
    return score(query, text) > 0
