"""Speed of the hazard suggester: model build time and per-query latency.

    .venv/bin/python bench/hazard_suggest.py [--repeat N]

Queries are the labelled observations (English and Bangla), each asked N times (default 20).
Accuracy is printed by ``python -m factorysafe.hazards.evaluate``.
"""
from __future__ import annotations

import argparse
import statistics
import time

from factorysafe.hazards import registry
from factorysafe.hazards.suggester import build, read_labelled


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    t0 = time.perf_counter()
    cat = registry.load()
    t1 = time.perf_counter()
    model = build(cat)
    t2 = time.perf_counter()
    rows = read_labelled()
    print(f"catalogue load+validate: {1000 * (t1 - t0):.1f} ms ({len(cat.entries)} hazards)")
    print(f"model build: {1000 * (t2 - t1):.1f} ms ({len(model.examples)} tuning examples, {len(model.idf)} n-grams)")
    for lang in ("en", "bn"):
        texts = [r["text"] for r in rows if r["lang"] == lang]
        times = []
        for _ in range(args.repeat):
            for text in texts:
                s = time.perf_counter()
                model.suggest(text, 3)
                times.append((time.perf_counter() - s) * 1000)
        times.sort()
        print(f"suggest() {lang}: {len(times)} queries, mean {statistics.mean(times):.3f} ms, "
              f"p50 {times[len(times) // 2]:.3f} ms, p95 {times[int(len(times) * 0.95)]:.3f} ms, max {times[-1]:.3f} ms")


if __name__ == "__main__":
    main()
