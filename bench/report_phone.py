"""The worker's part of issue 13 on an emulated cheap phone: time and kilobytes of the /report flow. Prints figures;
asserts nothing.

    .venv/bin/python bench/report_phone.py [--photo-kb 300] [--factories 2000]

Headless Chromium (Debian's), a 390x844 phone in Bangla, the slow 3G of ``phone_throttled.py`` (400 kbit/s down
and up, 400 ms round trip; ``--devtools-preset`` takes Chrome DevTools' harsher "Slow 3G": 2,000 ms, 50 KB/s) and
4x CPU slowdown through the DevTools protocol, against a local server of the app
(CSRF on, gzip as in production) on a temporary SQLite database with ``--factories`` factories. The steps are
those of the browser test: find the factory by part of its name, open it, tap "locked gate", add a photo, send,
note the code, open "check my report", type the code, check. Bytes are what the phone received over the (emulated) wire
(``encodedDataLength``: headers and compressed bodies; the photo sent comes on top); time is from the action to the next page's ``load``.
The first visit has an empty cache; a second run of the whole flow shows the cost with a warm cache.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
from phone_throttled import SLOW_3G  # noqa: E402 - the benches' one slow 3G (this folder is on sys.path)

DEVTOOLS_SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
CPU_SLOWDOWN = 4


def serve(factories: int, folder: Path):
    from werkzeug.serving import make_server

    from factorysafe import create_app
    from factorysafe.db import db, init_db
    from factorysafe.factories.models import Factory

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}", "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder / "instance"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        init_db()
        db.session.add(Factory(name="Rahman Knitwear Ltd", district="Gazipur", upazila="Tongi", latitude=23.89,
                               longitude=90.40))
        for i in range(factories - 1):
            db.session.add(Factory(name=f"Garments {i:05d} Ltd", district=("Dhaka", "Gazipur", "Narayanganj")[i % 3],
                                   upazila="Savar", latitude=23.8, longitude=90.3))
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


class Wire:
    """Bytes on the emulated wire, from the DevTools protocol's loadingFinished events."""

    def __init__(self, cdp):
        self.bytes = 0
        self.requests = 0
        cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        self.bytes += event.get("encodedDataLength", 0)
        self.requests += 1

    def mark(self):
        return self.bytes, self.requests


def flow(page, base: str, wire: Wire, photo: Path) -> list[tuple[str, float, int, int]]:
    rows = []

    def step(name, action):
        b0, r0 = wire.mark()
        t0 = time.perf_counter()
        action()
        page.wait_for_load_state("load")
        rows.append((name, time.perf_counter() - t0, wire.bytes - b0, wire.requests - r0))

    step("open /report", lambda: page.goto(base + "/report"))
    page.fill("#q", "rahm")
    step("search 'rahm'", lambda: page.click(".find-form button[type=submit]"))
    step("choose the factory", lambda: page.click(".factory-choices a >> nth=0"))
    page.click("label.tile[for=cat-locked_gate]")
    page.set_input_files("#photo", str(photo))
    step("send (locked gate + photo)", lambda: page.click(".report-form button[type=submit]"))
    code = page.inner_text("#receipt-code")
    step("open 'check my report'", lambda: page.click("main a[href='/report/status']"))
    page.fill("#code", code)
    step("check the code", lambda: page.click(".status-form button[type=submit]"))
    status = page.inner_text("#complaint-status")
    assert status.strip() == "গৃহীত", status
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo-kb", type=int, default=300, help="size of the photo to send (a phone JPEG)")
    parser.add_argument("--factories", type=int, default=2000)
    parser.add_argument("--devtools-preset", action="store_true", help="Chrome DevTools' Slow 3G (2 s, 50 KB/s)")
    args = parser.parse_args()
    network = DEVTOOLS_SLOW_3G if args.devtools_preset else SLOW_3G
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from playwright.sync_api import sync_playwright

    from helpers_photos import FACTORY_LAT, FACTORY_LON, jpeg

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server, base = serve(args.factories, folder)
        side = 800
        data = jpeg(size=(side, side * 3 // 4), gps=(FACTORY_LAT, FACTORY_LON))
        while len(data) < args.photo_kb * 1024 and side < 6000:
            side = int(side * 1.25)
            data = jpeg(size=(side, side * 3 // 4), gps=(FACTORY_LAT, FACTORY_LON))
        photo = folder / "gate.jpg"
        photo.write_bytes(data)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
                context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                              is_mobile=True, has_touch=True, locale="bn-BD",
                                              extra_http_headers={"Accept-Language": "bn"})
                page = context.new_page()
                page.set_default_timeout(180_000)
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.emulateNetworkConditions", network)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
                wire = Wire(cdp)
                print(f"slow 3G ({network['latency']} ms RTT, {network['downloadThroughput'] / 1000:.0f} KB/s), "
                      f"{CPU_SLOWDOWN}x CPU, 390x844 Bangla; {args.factories} factories; photo {len(data) / 1024:.0f} KB")
                for run in ("first visit (empty cache)", "again (warm cache)"):
                    rows = flow(page, base, wire, photo)
                    print(f"\n{run}:")
                    for name, seconds, nbytes, requests in rows:
                        print(f"  {name:<28} {seconds:6.1f} s {nbytes / 1024:7.1f} KB {requests:3d} requests")
                    total_s = sum(r[1] for r in rows)
                    total_b = sum(r[2] for r in rows)
                    print(f"  {'total (' + str(len(rows)) + ' page loads)':<28} {total_s:6.1f} s {total_b / 1024:7.1f} KB "
                          f"received, plus the photo's {len(data) / 1024:.0f} KB sent")
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
