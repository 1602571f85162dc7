"""Benchmark of the factory status read model behind the public map. Prints figures; asserts nothing.

    .venv/bin/python bench/readmodel.py          # 2,000 factories x 20 findings
    .venv/bin/python bench/readmodel.py --big    # also 20,000 factories x 10 findings

For each size: seed (``seed_demo`` + ``status rebuild``), then through the Flask test client
- cold ``/map`` (this app's data set and rendered map dropped) and ``/map/markers.json`` (plain and gzip),
- warm ``/map``,
- one write (an engineer verifies a fix: service + commit, the read model's hook included), then the next
  ``/map`` request (the data set patched with the changed row) and the next factory page.
The same script runs against a tree without the read model (``factorysafe.factories.status`` missing): it then
prints the old figures (cold ``/map`` with inlined markers, and the next ``/map`` after a write, which rebuilt the
whole data set in every worker).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def timed(client, url: str, **kw):
    started = time.perf_counter()
    r = client.get(url, **kw)
    body = r.get_data()
    assert r.status_code == 200, (url, r.status_code)
    return time.perf_counter() - started, len(body)


def run(factories: int, findings: int, tmp: Path) -> None:
    from factorysafe import create_app
    from factorysafe.db import db, init_db, scratch_database
    from factorysafe.demo import seed_demo
    from factorysafe.state import state

    has_status = importlib.util.find_spec("factorysafe.factories.status") is not None
    print(f"== {factories} factories x {findings} findings ({'read model' if has_status else 'no read model'})")
    with scratch_database(tmp / f"rm-{factories}.sqlite", prefix="fs_bench") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(tmp / "inst")})
        with app.app_context():
            init_db()
            started = time.perf_counter()
            seed_demo(factories, findings, seed=1, with_photos=False)
            db.session.commit()
            seeded = time.perf_counter() - started
            line = f"  seeded in {seeded:.1f} s"
            if has_status:
                from factorysafe.factories import status

                started = time.perf_counter()
                n = status.rebuild(dt.date.today())
                db.session.commit()
                line += f"; status rebuild {n} factories x 3 audiences in {time.perf_counter() - started:.1f} s"
            print(line)
        client = app.test_client()
        timed(client, "/map")  # modules, templates, district polygons
        colds, markers = [], []
        for _ in range(3):
            state(app).map_data.clear()
            state(app).map_rendered.clear()
            colds.append(timed(client, "/map"))
            if has_status:
                from factorysafe.cache import cache

                with app.app_context():  # the markers payload is content-addressed: drop it by hand
                    cache.clear()
                markers.append(timed(client, "/map/markers.json"))
        t = statistics.median(c[0] for c in colds)
        zpage = timed(client, "/map", headers={"Accept-Encoding": "gzip"})[1]
        print(f"  /map cold: median {ms(t)}, {colds[0][1] / 1e6:.2f} MB ({zpage / 1e6:.2f} MB gzip)")
        if has_status:
            t = statistics.median(m[0] for m in markers)
            zt, zsize = timed(client, "/map/markers.json", headers={"Accept-Encoding": "gzip"})
            print(f"  /map/markers.json cold: median {ms(t)}, {markers[0][1] / 1e6:.2f} MB "
                  f"({zsize / 1e6:.2f} MB gzip, cached: {ms(zt)})")
            print(f"  cold page + markers: {ms(statistics.median(c[0] for c in colds) + t)}, "
                  f"{(zpage + zsize) / 1e6:.2f} MB over the wire with gzip")
        warm = statistics.median(timed(client, "/map")[0] for _ in range(5))
        print(f"  /map warm: median {ms(warm)}")
        print(f"  /map/markers.json warm: median "
              f"{ms(statistics.median(timed(client, '/map/markers.json')[0] for _ in range(5)))}"
              if has_status else "  (markers inlined in /map)")

        from factorysafe.actions import services
        from factorysafe.actions.models import ActionStatus, CorrectiveAction
        from factorysafe.auth.models import Role, User
        import sqlalchemy as sa

        writes, nexts, pages, next_markers = [], [], [], []
        for i in range(5):
            with app.app_context():
                engineer = db.session.scalars(sa.select(User).where(User.role == Role.ENGINEER).limit(1)).one()
                action = db.session.scalars(sa.select(CorrectiveAction).where(
                    CorrectiveAction.status == ActionStatus.PENDING_VERIFICATION).order_by(CorrectiveAction.id)
                    .offset(i * 37).limit(1)).one()
                fid = action.factory_id
                started = time.perf_counter()
                services.verify_fix(action, by=engineer, verified_on=dt.date.today(), today=dt.date.today(),
                                   version=action.version)
                db.session.commit()
                writes.append(time.perf_counter() - started)
            nexts.append(timed(client, "/map")[0])
            next_markers.append(timed(client, "/map/markers.json", headers={"Accept-Encoding": "gzip"})[0])
            pages.append(timed(client, f"/factories/{fid}")[0])
        print(f"  one write (verify a fix + commit{', read model refreshed for that factory' if has_status else ''}): "
              f"median {ms(statistics.median(writes))}")
        print(f"  next /map after the write: median {ms(statistics.median(nexts))}")
        print(f"  next /map/markers.json after the write: median {ms(statistics.median(next_markers))}")
        print(f"  next /factories/<id> of that factory: median {ms(statistics.median(pages))}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--big", action="store_true", help="also 20,000 factories")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fs-bench-rm-") as tmp:
        run(2000, 20, Path(tmp))
        if args.big:
            run(20000, 10, Path(tmp))


if __name__ == "__main__":
    main()
