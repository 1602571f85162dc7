"""Accuracy of the hazard suggester on the labelled set: ``python -m factorysafe.hazards.evaluate``.

Prints the labelled set's size per language and split, then top-1 and top-3 accuracy on the
HELD-OUT part (never used as examples or for tuning), overall and per language. ``--tune``
also prints leave-one-out accuracy on the tuning part (what the weights were chosen on), and
``--errors`` lists held-out misses.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from factorysafe.hazards import registry as cat
from factorysafe.hazards.suggester import build, read_labelled


def accuracy(model_for, rows) -> dict:
    """{lang: (n, top1, top3)} plus "all"; ``model_for(row)`` gives the model to ask for that row."""
    stats: dict[str, list[int]] = {}
    misses = []
    for row in rows:
        got = [c for c, _ in model_for(row).suggest(row["text"], 3)]
        for key in (row["lang"], "all"):
            s = stats.setdefault(key, [0, 0, 0])
            s[0] += 1
            s[1] += bool(got[:1] == [row["code"]])
            s[2] += row["code"] in got
        if got[:1] != [row["code"]]:
            misses.append((row, got))
    return {"stats": {k: tuple(v) for k, v in stats.items()}, "misses": misses}


def heldout_accuracy(weights=None) -> dict:
    rows = read_labelled()
    model = build(cat.load(), [r for r in rows if r["split"] == "tune"], weights=weights)
    return accuracy(lambda row: model, [r for r in rows if r["split"] == "heldout"])


def tune_loo_accuracy(weights=None) -> dict:
    tune = [r for r in read_labelled() if r["split"] == "tune"]
    catalogue = cat.load()
    return accuracy(lambda row: build(catalogue, [r for r in tune if r is not row], weights=weights), tune)


def _print(title: str, result: dict) -> None:
    print(title)
    for key in ("en", "bn", "all"):
        if key in result["stats"]:
            n, t1, t3 = result["stats"][key]
            print(f"  {key:>3}: n={n:3d}  top-1 {100 * t1 / n:5.1f} %  top-3 {100 * t3 / n:5.1f} %")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tune", action="store_true", help="also leave-one-out accuracy on the tuning part")
    ap.add_argument("--errors", action="store_true", help="list held-out misses")
    args = ap.parse_args(argv)
    rows = read_labelled()
    counts = Counter((r["lang"], r["split"]) for r in rows)
    print(f"Labelled observations: {len(rows)} ({len({r['code'] for r in rows})} codes)")
    for lang in ("en", "bn"):
        print(f"  {lang}: {counts[(lang, 'tune')] + counts[(lang, 'heldout')]:3d} "
              f"(tune {counts[(lang, 'tune')]}, held-out {counts[(lang, 'heldout')]})")
    if args.tune:
        _print("Tuning part, leave-one-out:", tune_loo_accuracy())
    result = heldout_accuracy()
    _print("Held-out part:", result)
    if args.errors:
        for row, got in result["misses"]:
            print(f"  MISS {row['code']} [{row['lang']}] {row['text']!r} -> {got}")
    n, t1, t3 = result["stats"]["all"]
    return 0 if (t1 / n >= 0.85 and t3 / n >= 0.95) else 1


if __name__ == "__main__":
    sys.exit(main())
