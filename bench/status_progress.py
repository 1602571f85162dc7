"""Benchmark: CAP status and progress for every factory at 2,000 factories / ~150,000 findings.

    .venv/bin/python bench/status_progress.py                 # SQLite (temporary file)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/status_progress.py
                                                             # also PostgreSQL (a fresh database, dropped after)

Seeds ``seed_demo(2000, 75, seed=1)`` and times ``factory_summaries`` (SQL aggregation) for all
factories, plus the escalation proposals and the engineer's dashboard lists. Goal: <= 1 s per database.
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from factorysafe import create_app  # noqa: E402
from factorysafe.db import db, init_db, scratch_database  # noqa: E402

FACTORIES = int(os.environ.get("BENCH_FACTORIES", 2000))
PER_FACTORY = int(os.environ.get("BENCH_FINDINGS", 75))
TODAY = dt.date(2026, 11, 25)


def timed(fn, repeat=5):
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return result, min(times), statistics.median(times)


def run(label: str, url: str, instance: str) -> None:
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.actions.queries import escalation_proposals, factory_summaries, overdue_by_factory, verification_queue
    from factorysafe.demo import seed_demo
    from factorysafe.policy import PUBLIC_STATES

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance})
    with app.app_context():
        init_db()
        t = time.perf_counter()
        seed_demo(FACTORIES, PER_FACTORY, seed=1, today=TODAY, with_photos=False)
        db.session.commit()
        seeded = time.perf_counter() - t
        n_actions = db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id)))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        print(f"[{label}] seeded {FACTORIES} factories, {n_actions} findings/actions in {seeded:.1f} s")
        res, best, med = timed(lambda: factory_summaries(TODAY))
        statuses = {}
        for s in res.values():
            statuses[s["cap_status"].label] = statuses.get(s["cap_status"].label, 0) + 1
        print(f"[{label}] factory_summaries, all {len(res)} factories: best {best * 1000:.0f} ms, median {med * 1000:.0f} ms "
              f"{'OK (<= 1 s)' if med <= 1 else 'SLOWER THAN 1 s'}")
        print(f"[{label}]   statuses: {dict(sorted(statuses.items()))}")
        app.config["PROGRESS_PENDING_WEIGHT"] = 0.5
        _, best, med = timed(lambda: factory_summaries(TODAY, states=PUBLIC_STATES))
        app.config["PROGRESS_PENDING_WEIGHT"] = 0.0
        print(f"[{label}] factory_summaries published only, weight 0.5: best {best * 1000:.0f} ms, median {med * 1000:.0f} ms")
        props, best, med = timed(lambda: escalation_proposals(TODAY, 30))
        print(f"[{label}] escalation_proposals ({len(props)} proposed): best {best * 1000:.0f} ms, median {med * 1000:.0f} ms")
        _, best, med = timed(lambda: (verification_queue(limit=30), overdue_by_factory(TODAY, 15)))
        print(f"[{label}] engineer dashboard lists: best {best * 1000:.0f} ms, median {med * 1000:.0f} ms")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", "sqlite:///" + os.path.join(tmp, "bench.sqlite"), os.path.join(tmp, "instance"))
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql")):
        with tempfile.TemporaryDirectory() as tmp, scratch_database(os.path.join(tmp, "unused"), "fs_bench") as url:
            run("postgresql", url, tmp)
    else:
        print("(set DATABASE_URL=postgresql://... to also measure PostgreSQL)")


if __name__ == "__main__":
    main()
