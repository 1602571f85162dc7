"""Helpers for the Bangla tests: the text a reader sees on a page, and English words left in it."""
from __future__ import annotations

import re
from html.parser import HTMLParser

# Words that stay in Latin letters on purpose: product names, codes, units, formats, abbreviations.
ALLOWED = {
    "factorysafe", "cap", "dcr", "pdf", "csv", "json", "geojson", "api", "utc", "gps", "id", "mm", "mpa", "kn",
    "jpeg", "png", "webp", "heic", "mb", "javascript", "english", "openstreetmap", "leaflet", "noto", "email",
    "aci", "bnbc", "osm", "cc", "by", "odbl", "contributors",
}


class _Text(HTMLParser):
    """Collects visible text (not scripts, styles, or hidden template/code blocks) and attribute text a
    reader meets: placeholders, aria-labels, titles, alt texts, submit button values."""

    SKIP = {"script", "style", "code", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        a = dict(attrs)
        for name in ("placeholder", "aria-label", "title", "alt"):
            if a.get(name):
                self.parts.append(a[name])
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(a["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def english_words(html: str, names: tuple[str, ...] = ()) -> set[str]:
    """Latin-letter words of two or more letters left on a page, minus allowed ones and the given
    names (factory names, e-mail addresses, codes shown as data)."""
    text = visible_text(html)
    for n in names:
        text = text.replace(n, " ")
    text = re.sub(r"\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b", " ", text)  # codes: F-1, FIRE-EXIT-BLOCKED
    text = re.sub(r"\S+@\S+", " ", text)  # e-mail addresses
    words = {w for w in re.findall(r"[A-Za-z]{2,}", text)}
    return {w for w in words if w.lower() not in ALLOWED}


ASCII_DATE = re.compile(r"(?<![0-9-])[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9-])|\b[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}\b", re.ASCII)
BANGLA_DATE = re.compile(r"[০-৯]{4}-[০-৯]{2}-[০-৯]{2}")
_ENGLISH_PART = re.compile(r'<(\w+)\b[^>]*\blang="en"[^>]*>.*?</\1>', re.S)


def dates_in_bangla_page(html: str) -> tuple[list[str], list[str]]:
    """(dates in Bangla digits, dates in ASCII digits: ISO or mm/dd/yyyy) a reader of a Bangla page sees.
    Parts marked ``lang="en"`` (the bilingual evacuation notice's English half) are left out; values of
    date inputs, URLs and ``datetime=`` attributes are not visible text."""
    text = visible_text(_ENGLISH_PART.sub(" ", html))
    return BANGLA_DATE.findall(text), ASCII_DATE.findall(text)
