"""Benchmark: the public pages on an emulated cheap phone on slow 3G (issue 14, point 5). Prints figures; asserts
nothing.

    .venv/bin/python bench/phone_throttled.py                 # this checkout's code, the demo data
    .venv/bin/python bench/phone_throttled.py --root /work/main   # another checkout (a baseline)
    .venv/bin/python bench/phone_throttled.py --lang bn --runs 3

Seeds ``flask seed-demo`` (the demo data: 36 factories, photos) into a temporary instance folder, starts
``flask run`` on a free port (no debugger, no reloader) and opens Debian's Chromium through Playwright with:

- a 390 x 844 viewport (phone, device scale 2, touch),
- CDP ``Network.emulateNetworkConditions``: slow 3G, 400 kbit/s down, 400 kbit/s up, 400 ms round trip,
- CDP ``Emulation.setCPUThrottlingRate`` 4 (a CPU four times slower),
- a cold cache (a new browser context per run, ``Network.setCacheDisabled`` off so a page's own repeats count).

For ``/map`` the time is until the map is usable: its markers are drawn (``data-ready`` on the map container and
at least one marker or cluster icon in the map pane). For a factory page it is until the ``load`` event. KB are
the bytes received on the wire (``Network.loadingFinished`` ``encodedDataLength``: headers and compressed
bodies). Goals: ``/map`` <= 2.5 s, a factory page <= 1.5 s, each <= 250 KB.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1000 / 8,
           "uploadThroughput": 400 * 1000 / 8}
GOALS = {"map": (2.5, 250), "factory": (1.5, 250)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "factorysafe", *args]


def environment(root: Path, instance: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PYTHONPATH=str(root), FACTORYSAFE_INSTANCE_PATH=instance, FLASK_DEBUG="0")
    return env


def start_server(root: Path, instance: str) -> tuple[subprocess.Popen, str]:
    env = environment(root, instance)
    for cmd in (["init-db"], ["seed-demo"]):
        subprocess.run(flask(*cmd), env=env, cwd=root, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(flask("run", "--port", str(port), "--no-reload", "--with-threads"),
                            env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not start")


def first_factory(url: str) -> str:
    import json

    with urllib.request.urlopen(url + "/api/v1/factories?per_page=1") as r:
        body = json.load(r)
    rows = body.get("items") or body.get("factories") or body.get("data") or []
    return f"/factories/{rows[0]['id']}"


def measure(browser, url: str, path: str, kind: str, lang: str) -> tuple[float, float]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    received = []
    cdp.on("Network.loadingFinished", lambda e: received.append(e["encodedDataLength"]))
    page.set_default_timeout(120_000)
    sep = "&" if "?" in path else "?"
    started = time.perf_counter()
    page.goto(url + path + f"{sep}lang={lang}", wait_until="load")
    if kind == "map":
        page.wait_for_function(
            "() => { const c = document.querySelector('.folium-map'); return c && c.getAttribute('data-ready') === '1'"
            " && c.querySelector('.leaflet-marker-pane .marker-cluster, .leaflet-overlay-pane path.fs-marker,"
            " .leaflet-marker-pane .fs-cluster'); }", polling=50)
    elapsed = time.perf_counter() - started
    page.wait_for_timeout(300)  # late answers (none expected) still count in the bytes
    context.close()
    return elapsed, sum(received) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose code runs the server")
    parser.add_argument("--runs", type=int, default=3, help="cold runs per page (the median is printed)")
    parser.add_argument("--lang", default="bn", choices=("bn", "en"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="fs-phone-bench-") as instance:
        proc, url = start_server(args.root.resolve(), instance)
        try:
            factory = first_factory(url)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-quic",
                                                   "--disable-dev-shm-usage"])
                measure(browser, url, "/map", "map", args.lang)  # warm the server's caches, not the browser's
                measure(browser, url, factory, "factory", args.lang)
                print(f"code: {args.root.resolve()}  lang={args.lang}  slow 3G (400 kbit/s, 400 ms RTT), CPU x4, "
                      f"390 px, cold browser cache; median of {args.runs}")
                for name, path, kind in (("/map", "/map", "map"), (f"factory page {factory}", factory, "factory")):
                    runs = [measure(browser, url, path, kind, args.lang) for _ in range(args.runs)]
                    secs = statistics.median(r[0] for r in runs)
                    kb = statistics.median(r[1] for r in runs)
                    goal_s, goal_kb = GOALS[kind]
                    verdict = "ok" if secs <= goal_s and kb <= goal_kb else "over goal"
                    print(f"{name:28s} {secs:5.2f} s (goal {goal_s} s)  {kb:6.0f} KB (goal {goal_kb} KB)  {verdict}")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
