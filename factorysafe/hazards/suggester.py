"""Suggest hazard codes from an engineer's own words, in English or Bangla.

Method, and why
---------------
Two small models, both pure standard-library Python, whose scores are added:

1. **Weighted keywords and phrases** from the catalogue (``keywords`` of each entry, with an
   optional ``:weight``). Inspection reports use a small, stable vocabulary ("collapsible
   gate", "DCR", "core test", "কলাপসিবল গেট", "ফাটল"); an engineer can read and correct
   these weights in the catalogue, which matters more here than a few points of accuracy.
   English phrases match at a word start; Bangla phrases match at a word start too and may
   carry any suffix (তলার, দরজায়, ফাটলের), which handles Bangla inflection without a stemmer.
2. **Character n-gram TF-IDF similarity** (2- to 4-grams inside words, sublinear tf, idf over
   the codes): each code is represented by its catalogue texts (titles and descriptions in
   both languages) plus the *tuning* observations of the labelled set, and the query is
   compared with the code's centroid and with its nearest tuning observation. Character
   n-grams are robust to spelling variants, plurals, transliteration ("এলার্ম"/"অ্যালার্ম")
   and Bangla suffixes, and need no tokenizer or dictionary.

Why not scikit-learn: it is not installed and would add ~40 MB of wheels for a model that is
just a handful of dot products; the same TF-IDF fits in a hundred lines, builds in about a
quarter of a second (once per app) and answers a query in about a millisecond through an
inverted index of n-grams (``bench/hazard_suggest.py``).
Why not keywords alone: they miss observations worded without the expected term, which the
n-gram similarity to real examples catches; why not similarity alone: with only a few
examples per code it confuses hazards that share words ("exit", "stair", "door").

Accuracy is measured on the labelled set's held-out part (``split == "heldout"`` in
``labelled_observations.csv``), which is never used for tuning or as examples:
``python -m factorysafe.hazards.evaluate``.
"""
from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from factorysafe.hazards import registry as cat

LABELLED_PATH = Path(__file__).with_name("labelled_observations.csv")

# Weights of the three signals (tuned on the tuning split by leave-one-out, see evaluate.py).
KEYWORD_WEIGHT = 1.0
CENTROID_WEIGHT = 1.0
NEAREST_WEIGHT = 0.5
NGRAM_RANGE = (2, 4)

_BN_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
_NON_WORD = re.compile(r"[^0-9a-z\u0980-\u09ff°'/.]+")
_BN_LETTER = "\u0980-\u09ff"


def normalise(text: str) -> str:
    """NFC, lower case, Bangla digits as ASCII, punctuation and hyphens as spaces."""
    text = unicodedata.normalize("NFC", text or "").lower().translate(_BN_DIGITS)
    text = text.replace("-", " ").replace("।", " ")
    text = _NON_WORD.sub(" ", text)
    text = re.sub(r"(?<![0-9])[./]|[./](?![0-9a-z])", " ", text)  # keep 1.6, kn/m2; drop sentence dots
    return " " + " ".join(text.split()) + " "


def _keyword_pattern(phrase: str) -> re.Pattern:
    norm = normalise(phrase).strip()
    body = re.escape(norm).replace(r"\ ", r"\s+")
    left = rf"(?<![0-9a-z{_BN_LETTER}])"
    if norm.isascii() and len(norm) <= 4:
        right = r"s?(?![0-9a-z])"  # short English words must be whole words ("db", "ats", "core")
    else:
        right = ""
    return re.compile(left + body + right)


def _ngrams(text: str) -> Counter:
    grams: Counter = Counter()
    lo, hi = NGRAM_RANGE
    for word in text.split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            for i in range(len(w) - n + 1):
                grams[w[i:i + n]] += 1
    return grams


def _tfidf(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    vec = {g: (1.0 + math.log(c)) * idf.get(g, 0.0) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {g: v / norm for g, v in vec.items() if v}


def read_labelled(path: str | Path = LABELLED_PATH) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Model:
    codes: list[str]
    keywords: dict[str, list[tuple[re.Pattern, float]]]
    idf: dict[str, float]
    centroids: dict[str, dict[str, float]]
    examples: list[tuple[str, dict[str, float]]]
    weights: tuple[float, float, float]

    def __post_init__(self):
        # Inverted index n-gram -> [(slot, weight)]: slots 0..C-1 are the code centroids, then the
        # examples. A query touches only the postings of its own n-grams (sub-millisecond).
        self._slots = list(self.codes) + [code for code, _ in self.examples]
        postings: dict[str, list[tuple[int, float]]] = {}
        vectors = [self.centroids[c] for c in self.codes] + [v for _, v in self.examples]
        for slot, vec in enumerate(vectors):
            for g, w in vec.items():
                postings.setdefault(g, []).append((slot, w))
        self._postings = postings

    def scores(self, text: str) -> dict[str, float]:
        norm = normalise(text)
        if not norm.strip():
            return {}
        kw = {c: sum(w for p, w in pats if p.search(norm)) for c, pats in self.keywords.items()}
        q = _tfidf(_ngrams(norm), self.idf)
        acc = [0.0] * len(self._slots)
        postings = self._postings
        for g, qv in q.items():
            for slot, w in postings.get(g, ()):
                acc[slot] += qv * w
        n = len(self.codes)
        cen = dict(zip(self.codes, acc[:n]))
        near: dict[str, float] = dict.fromkeys(self.codes, 0.0)
        for code, sim in zip(self._slots[n:], acc[n:]):
            if sim > near[code]:
                near[code] = sim
        top_kw = max(kw.values()) or 1.0
        top_cen = max(cen.values()) or 1.0
        top_near = max(near.values()) or 1.0
        wk, wc, wn = self.weights
        total = wk + wc + wn
        return {c: (wk * kw[c] / top_kw + wc * cen[c] / top_cen + wn * near[c] / top_near) / total
                for c in self.codes}

    def suggest(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        scored = [(c, s) for c, s in self.scores(text).items() if s > 0]
        scored.sort(key=lambda cs: (-cs[1], cs[0]))
        return [(c, round(s, 4)) for c, s in scored[:max(k, 0)]]


def build(catalogue: cat.Catalogue, examples: list[dict] | None = None,
          weights: tuple[float, float, float] | None = None) -> Model:
    """Build the model from the catalogue and labelled examples (by default: the tuning split)."""
    if examples is None:
        examples = [r for r in read_labelled() if r["split"] == "tune"]
    codes = [h.code for h in catalogue.entries]
    keywords = {h.code: [(_keyword_pattern(p), w) for p, w in h.keywords] for h in catalogue.entries}
    docs: dict[str, Counter] = {}
    for h in catalogue.entries:
        text = " ".join([h.title_en, h.title_bn, h.description_en, h.description_bn] + [p for p, _ in h.keywords])
        docs[h.code] = _ngrams(normalise(text))
    example_counts = []
    for row in examples:
        if row["code"] in docs:
            counts = _ngrams(normalise(row["text"]))
            docs[row["code"]].update(counts)
            example_counts.append((row["code"], counts))
    df: Counter = Counter()
    for counts in docs.values():
        df.update(counts.keys())
    n = len(docs)
    idf = {g: math.log((1 + n) / (1 + d)) + 1.0 for g, d in df.items()}
    centroids = {c: _tfidf(counts, idf) for c, counts in docs.items()}
    vectors = [(c, _tfidf(counts, idf)) for c, counts in example_counts]
    return Model(codes, keywords, idf, centroids, vectors,
                 weights or (KEYWORD_WEIGHT, CENTROID_WEIGHT, NEAREST_WEIGHT))


def model() -> Model:
    """The model for the current app's catalogue, built on first use (about 0.25 s) and kept in the app's state."""
    from factorysafe.state import state

    app_state = state()
    current = cat.current()
    built = app_state.suggester
    if built is None or built[0] is not current:
        with app_state.suggester_lock:
            built = app_state.suggester
            if built is None or built[0] is not current:
                built = app_state.suggester = (current, build(current))
    return built[1]


def suggest(text: str, k: int = 3) -> list[tuple[str, float]]:
    """Up to ``k`` (code, score) pairs, best first; scores lie in 0..1. Empty text: no suggestions."""
    return model().suggest(text, k)
