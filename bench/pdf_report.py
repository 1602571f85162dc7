"""Benchmark: a ~20-page inspection report with 40 photos of 12 megapixels.

Builds a temporary SQLite app, ingests 40 noisy 4000x3000 JPEGs through ``ingest_photo`` (as
uploads do; not timed), then times the first request of the report (renders it: photos
downscaled for print, WeasyPrint layout and PDF), a second render with the print images
already made, and a cached request. Prints pages, PDF size and the times.

Goals (issue 7): render <= 6 s, PDF <= 8 MB.

    .venv/bin/python bench/pdf_report.py [--photos 40] [--findings 40]
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factorysafe import create_app  # noqa: E402
from factorysafe.db import db, init_db  # noqa: E402

OBSERVATIONS = [
    "Collapsible gate on the {area} exit route was found padlocked during working hours; about {n} workers "
    "were on the floor. The key was held by the security guard on the ground floor.",
    "Cartons of finished goods stacked up to the ceiling block the aisle leading to the {area} exit. "
    "The remaining clear width is about {w} cm, far below the width required for the occupant load.",
    "Distribution board on the {floor} has no earthing conductor; cables enter the board without glands and "
    "several circuit breakers are bypassed with copper wire. Thermal scan showed hot spots above 70 °C.",
    "Column {col} at {area} shows diagonal cracks; core test results give a concrete strength of {mpa} MPa and "
    "the demand to capacity ratio computed from the drawings is {dcr}.",
]
RECOMMENDATIONS = [
    "Remove the lock, keep the gate open during all working hours and replace it with a rated fire door "
    "opening in the direction of egress. Train the security staff.",
    "Clear the aisle at once and keep a marked exit path of at least 1.2 m free at all times; move storage "
    "to a dedicated room with fire separation.",
    "Engage a licensed electrical contractor to install earthing, cable glands and correctly rated breakers; "
    "submit the test report with photos of the completed work.",
    "Reduce the load on the floor immediately, submit a detailed engineering assessment and a retrofit design "
    "for column strengthening; do not resume use of the area before verification.",
]


def camera_jpeg(seed: int, size=(4000, 3000)) -> bytes:
    """A photo-like 12 MP JPEG of ~4 MB: scene shapes, mid-scale texture that survives downscaling
    (as real scenes have) and fine sensor noise."""
    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", (w // 4, h // 4), (rng.randrange(90, 160),) * 3)
    draw = ImageDraw.Draw(img)
    for _ in range(120):
        x, y = rng.randrange(w // 4), rng.randrange(h // 4)
        draw.rectangle([x, y, x + rng.randrange(5, 200), y + rng.randrange(5, 150)],
                       fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    texture = Image.effect_noise((w // 4, h // 4), 30).convert("RGB")
    img = Image.blend(img, texture, 0.35).resize(size, Image.Resampling.BICUBIC)
    img = Image.blend(img, Image.effect_noise(size, 48).convert("RGB"), 0.1)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = f"2025:03:04 {9 + seed % 8:02d}:{seed % 60:02d}:00"
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def build(app, photos: int, findings: int) -> int:
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.actions.rules import deadline_for
    from factorysafe.auth.models import User
    from factorysafe.factories.services import create_factory
    from factorysafe.inspections.models import Discipline, Finding, Inspection
    from factorysafe.uploads import ingest_photo

    rng = random.Random(7)
    with app.app_context():
        init_db()
        factory = create_factory({"name": "Sonar Bangla Knit Composite Ltd", "address": "Plot 21-24, Konabari",
                                  "district": "Gazipur", "division": "Dhaka", "upazila": "Konabari", "storeys": 7,
                                  "workers": 3400})
        team = [User(email=f"eng{k}@bench.test", name=name, role="engineer", password_hash="x")
                for k, name in enumerate(["Engr. Shahidul Islam", "Engr. Farzana Akter", "Engr. Tanvir Hasan"])]
        db.session.add_all(team)
        insp = Inspection(factory_id=factory.id, type="initial", inspected_on=dt.date(2025, 3, 4), state="published",
                          engineers=team, summary="Initial inspection of fire, electrical and structural safety.")
        db.session.add(insp)
        db.session.flush()
        made = []
        disciplines = [Discipline.FIRE, Discipline.FIRE, Discipline.ELECTRICAL, Discipline.STRUCTURAL]
        for n in range(findings):
            d = disciplines[n % 4]
            sev = rng.choice(["priority_1", "high", "medium", "low"])
            fields = {"area": rng.choice(["north stair", "cutting section", "finishing", "store"]), "n": rng.randrange(80, 600),
                      "w": rng.randrange(40, 90), "floor": ["Ground floor", "1st floor", "2nd floor", "3rd floor", "4th floor", "5th floor", "6th floor"][n % 7], "col": f"C{n}", "mpa": rng.randrange(9, 16),
                      "dcr": round(rng.uniform(1.1, 2.6), 2)}
            f = Finding(inspection_id=insp.id, factory_id=factory.id, discipline=d,
                        item_number=f"{d.prefix}-{sum(1 for x in made if x.discipline == d) + 1}",
                        hazard_code=["FIRE-EXIT-LOCKED", "FIRE-STORAGE-AISLE", "ELEC-NO-EARTHING", "STRUCT-WEAK-COLUMN"][n % 4],
                        floor=fields["floor"], area=fields["area"], observation=OBSERVATIONS[n % 4].format(**fields),
                        recommendation=RECOMMENDATIONS[n % 4], severity=sev, immediate_danger=(n % 4 == 3 and fields["dcr"] > 2))
            db.session.add(f)
            db.session.flush()
            due = deadline_for(sev, insp.inspected_on)
            db.session.add(CorrectiveAction(finding_id=f.id, factory_id=factory.id, deadline=due, original_deadline=due))
            made.append(f)
        db.session.commit()
        t0 = time.perf_counter()
        total_bytes = 0
        for k in range(photos):
            data = camera_jpeg(k)
            total_bytes += len(data)
            ingest_photo(io.BytesIO(data), f"IMG_{k:04d}.jpg", finding_id=made[k % len(made)].id,
                         caption=f"Photo {k + 1}: {made[k % len(made)].area}")
            db.session.commit()
        print(f"set-up: {photos} photos of 4000x3000 ingested ({total_bytes / 1e6:.0f} MB of JPEG) in "
              f"{time.perf_counter() - t0:.1f} s (not part of the timing)")
        return insp.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--findings", type=int, default=40)
    parser.add_argument("--keep", metavar="PDF", help="also write the report to this file")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fs-bench-pdf-"))
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "INSTANCE_PATH": str(tmp / "instance"),
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite'}"})
        inspection_id = build(app, args.photos, args.findings)
        from pypdf import PdfReader

        from factorysafe.reports import pdf
        from factorysafe.state import state

        client = app.test_client()
        url = f"/inspections/{inspection_id}/report.pdf"
        t0, c0 = time.perf_counter(), time.process_time()
        resp = client.get(url)
        cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
        if args.keep:
            Path(args.keep).write_bytes(resp.data)
        assert resp.status_code == 200, resp.status_code
        size = len(resp.data)
        reader = PdfReader(io.BytesIO(resp.data))
        pages = len(reader.pages)
        images = len({x.idnum for p in reader.pages for x in p.get("/Resources", {}).get("/XObject", {}).values()
                      if x.get_object().get("/Subtype") == "/Image"})
        # Second render: same content but cache file removed; print images already downscaled.
        for f in (tmp / "instance" / "reports" / "inspection").rglob("*.pdf"):
            f.unlink()
        t0, c0 = time.perf_counter(), time.process_time()
        client.get(url)
        warm, warm_cpu = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        client.get(url)
        cached = time.perf_counter() - t0
        print(f"report: {pages} pages, {images} photos embedded, {size / 1e6:.2f} MB (goal <= 8 MB)")
        print(f"first request (downscale photos + render): {cold:.2f} s wall, {cold_cpu:.2f} s CPU (goal <= 6 s)")
        print(f"re-render (print images cached):           {warm:.2f} s wall, {warm_cpu:.2f} s CPU")
        print(f"machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"cached request (no render):                {cached * 1000:.0f} ms; renders in all: {state(app).pdf_renders}")
        ok = cold <= 6 and size <= 8e6
        print("GOALS MET" if ok else "GOALS MISSED")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
