"""Benchmark of the public map, factory pages and open data (issue 6). Prints figures; asserts nothing.

    .venv/bin/python bench/map_public.py            # 2,000 factories x 75 findings, and 20,000 x 10
    .venv/bin/python bench/map_public.py --quick    # 2,000 only, no 20,000 run

Each size is seeded with ``seed_demo(n, m, seed=1, with_photos=False)`` into a temporary SQLite file, or, when
``DATABASE_URL`` names PostgreSQL, into a fresh database on that server that the run creates, ANALYZEs after seeding and drops:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/map_public.py --quick

Server times are measured through the Flask test client (no network); "cold" is the first request after
a change (no cached data set, no rendered map: it builds the public data set and renders the folium map),
measured --cold-runs times with both caches dropped before each; "warm" the median of later requests.
Browser times use Debian's headless Chromium against a local server.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def timed(client, url: str):
    started = time.perf_counter()
    r = client.get(url)
    body = r.get_data()
    elapsed = time.perf_counter() - started
    assert r.status_code == 200, (url, r.status_code)
    return elapsed, len(body)


def median_of(client, url: str, n: int = 7) -> float:
    return statistics.median(timed(client, url)[0] for _ in range(n))


def database(path: Path):
    """A SQLite file at ``path``, or a fresh PostgreSQL database when DATABASE_URL names one (dropped after)."""
    from factorysafe.db import scratch_database

    return scratch_database(path, prefix="fs_bench")


def seed(db_url: str, instance: Path, factories: int, findings: int):
    from factorysafe import create_app
    from factorysafe.db import db, init_db
    from factorysafe.demo import seed_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(instance)})
    with app.app_context():
        init_db()
        started = time.perf_counter()
        report = seed_demo(factories, findings, seed=1, with_photos=False)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # planner statistics, as autovacuum keeps them on a live server
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        print(f"  seeded {report.factories} factories, {report.findings} findings in {time.perf_counter() - started:.1f} s "
              f"({db.engine.dialect.name})")
    return app


def drop_caches(app) -> None:
    """As right after a change: no usable public data set and no rendered map."""
    from factorysafe.state import state

    state(app).map_data.clear()
    state(app).map_rendered.clear()


def server_figures(app, label: str, cold_runs: int = 5):
    from factorysafe.maps import services
    from factorysafe.state import state
    from factorysafe.web import today

    client = app.test_client()
    first, _ = timed(client, "/map")
    print(f"  /map first request after start (also loads modules, templates, district polygons): {ms(first)}")
    colds, builds = [], []
    for _ in range(cold_runs):
        drop_caches(app)
        cold, size = timed(client, "/map")
        colds.append(cold)
        builds.append(state(app).map_data["data"].build_seconds)
    print(f"  /map COLD (no cached data set or map: builds the data set + renders the folium map): "
          f"median {ms(statistics.median(colds))}, max {ms(max(colds))} over {cold_runs} runs, {size / 1e6:.2f} MB; "
          f"of which data set build median {ms(statistics.median(builds))}")
    warm = median_of(client, "/map")
    print(f"  /map WARM: {ms(warm)} (median of 7), {size / 1e6:.2f} MB")
    bn_cold, bn_size = timed(client, "/map?lang=bn")
    print(f"  /map?lang=bn first render: {ms(bn_cold)}, {bn_size / 1e6:.2f} MB; warm {ms(median_of(client, '/map?lang=bn'))}")
    flt = "/map?lang=en&district=Gazipur&status=behind_schedule"
    print(f"  /map with filters as query parameters (server-side re-render, no-JS path): {ms(median_of(client, flt))}")
    with app.app_context():
        data = services.public_data(today())
        print(f"  public data set build: {ms(data.build_seconds)} for {len(data.factories)} public factories")
        ids = [r["id"] for r in data.factories]
    rng = random.Random(1)
    sample = rng.sample(ids, min(30, len(ids)))
    times = [timed(client, f"/factories/{fid}")[0] for fid in sample]
    print(f"  /factories/<id>: median {ms(statistics.median(times))}, max {ms(max(times))} over {len(sample)} factories")
    cold = []
    for fid in sample[:10]:
        drop_caches(app)  # as right after a publication: no usable cache
        cold.append(timed(client, f"/factories/{fid}")[0])
    print(f"  /factories/<id> with no usable cache (computed alone): median {ms(statistics.median(cold))}, "
          f"max {ms(max(cold))} over {len(cold)} factories")
    client.get("/map")
    for url in ("/api/v1/factories?per_page=500", f"/api/v1/factories/{sample[0]}",
                "/api/v1/findings?per_page=500", "/api/v1/findings?factory_id=%d" % sample[0],
                "/exports/factories.csv", "/exports/factories.geojson", "/exports/findings.csv"):
        t, n = timed(client, url)
        print(f"  {url}: {ms(t)}, {n / 1e6:.2f} MB")
    return client


def browser_figures(app, label: str):
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            for run in ("cold server", "warm server", "warm server again"):
                if run == "cold server":  # what the first visitor after a change waits for
                    drop_caches(app)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                started = time.perf_counter()
                page.goto(url + "/map", wait_until="commit")
                page.wait_for_selector(".folium-map[data-ready='1'] .marker-cluster", timeout=120_000)
                first = time.perf_counter() - started
                page.wait_for_selector(".folium-map[data-loaded='1']", timeout=120_000)
                loaded = time.perf_counter() - started
                print(f"  Chromium, {run}: first clusters visible {first:.2f} s after navigation, "
                      f"all {page.evaluate('document.querySelector(`.folium-map`).dataset.shown')} markers "
                      f"clustered {loaded:.2f} s")
                if run == "warm server again":
                    before = page.evaluate("document.querySelector('.folium-map').dataset.shown")
                    started = time.perf_counter()
                    page.select_option("#f-status", "behind_schedule")
                    page.wait_for_function(
                        f"document.querySelector('.folium-map').dataset.shown !== '{before}' && "
                        "document.querySelector('.folium-map').dataset.loaded === '1'", timeout=60_000)
                    after = page.evaluate("document.querySelector('.folium-map').dataset.shown")
                    print(f"  Chromium, client-side filter status=behind_schedule ({before} -> {after} factories): "
                          f"{ms(time.perf_counter() - started)}")
                page.close()
            browser.close()
    finally:
        server.shutdown()


def cluster_comparison(sizes=(2000, 20000)):
    """folium MarkerCluster (one Python object per marker) vs FastMarkerCluster (one JS array), render only."""
    import folium
    from folium.plugins import FastMarkerCluster, MarkerCluster

    rng = random.Random(1)
    for n in sizes:
        pts = [[23.8 + rng.uniform(-.3, .3), 90.4 + rng.uniform(-.3, .3), i, f"Factory {i}"] for i in range(n)]
        m = folium.Map(tiles=None)
        started = time.perf_counter()
        cluster = MarkerCluster().add_to(m)
        for lat, lon, i, name in pts:
            folium.CircleMarker([lat, lon], radius=7, popup=folium.Popup(name), color="#c62828").add_to(cluster)
        html = m.get_root().render()
        slow = time.perf_counter() - started
        m = folium.Map(tiles=None)
        started = time.perf_counter()
        FastMarkerCluster(pts, callback="function (row) { return L.circleMarker([row[0], row[1]]); }").add_to(m)
        html_fast = m.get_root().render()
        fast = time.perf_counter() - started
        print(f"  {n} points: MarkerCluster {ms(slow)}, {len(html) / 1e6:.2f} MB; "
              f"FastMarkerCluster {ms(fast)}, {len(html_fast) / 1e6:.2f} MB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only the 2,000-factory run")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--cold-runs", type=int, default=5, help="cold /map requests per size (caches dropped)")
    args = parser.parse_args()
    print("== folium clustering, Python render time and HTML size")
    cluster_comparison((2000,) if args.quick else (2000, 20000))
    sizes = [(2000, 75)] if args.quick else [(2000, 75), (20000, 10)]
    with tempfile.TemporaryDirectory(prefix="fs-bench-map-") as tmp:
        for factories, findings in sizes:
            label = f"{factories} factories x {findings} findings"
            print(f"== {label}")
            with database(Path(tmp) / f"bench-{factories}.sqlite") as db_url:
                app = seed(db_url, Path(tmp) / "instance", factories, findings)
                server_figures(app, label, args.cold_runs)
                if not args.no_browser:
                    browser_figures(app, label)
                with app.app_context():
                    from factorysafe.db import db

                    db.session.remove()
                    db.engine.dispose()


if __name__ == "__main__":
    main()
