"""Benchmark: ingest a 12-megapixel camera JPEG (verify, EXIF, derivatives, store) and the bytes stored.

Goals (issue 3): <= 1.0 s per photo including derivatives; <= 600 KB stored per photo besides the original.

    .venv/bin/python bench/photo_ingest.py [--runs 5]

Uses a throw-away SQLite database and instance folder. The photo is 4000x3000 with a scene, per-pixel
sensor noise and fine texture (so it does not compress trivially: about 4-6 MB at quality 92), EXIF
orientation 6, GPS and capture time, like a phone's.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import helpers_photos as hp  # noqa: E402

from factorysafe import create_app  # noqa: E402
from factorysafe.db import db, init_db  # noqa: E402


def camera_jpeg(seed: int) -> bytes:
    size = (4000, 3000)
    img = hp.scene(size, seed=seed, noise=False)
    draw = ImageDraw.Draw(img)
    for k in range(0, 4000, 37):  # brick-like texture: edges everywhere, as on a factory wall
        draw.line([(k, 1500), (k + 200, 3000)], fill=(120 + k % 60, 90, 70), width=3)
    for k in range(1500, 3000, 23):
        draw.line([(0, k), (4000, k)], fill=(70, 60 + k % 40, 50), width=2)
    noise = Image.merge("RGB", [Image.effect_noise(size, 28 + 4 * c + seed) for c in range(3)])
    img = Image.blend(img, noise, 0.22).filter(ImageFilter.UnsharpMask(radius=1, percent=60))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92, exif=hp.exif(orientation=6, gps=(23.89, 90.40),
                                                  taken=dt.datetime(2025, 3, 1, 11, 0)))
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "INSTANCE_PATH": tmp,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite"})
        with app.app_context():
            init_db()
            from factorysafe.uploads import derivative_path, ingest_photo

            times, extra, originals = [], [], []
            for run in range(args.runs):
                data = camera_jpeg(run)  # a different photo each run: no content-hash shortcut
                start = time.perf_counter()
                photo = ingest_photo(io.BytesIO(data), f"IMG_{run}.jpg")
                db.session.commit()
                times.append(time.perf_counter() - start)
                extra.append(sum(derivative_path(photo, k).stat().st_size for k in ("thumb", "web")))
                originals.append(len(data))
            db.engine.dispose()
    print(f"photo: 4000x3000 JPEG, original {statistics.mean(originals) / 1e6:.1f} MB on average, {args.runs} runs")
    print(f"ingest time per 12 MP photo (verify + EXIF + thumb + web + store + commit): "
          f"median {statistics.median(times):.3f} s, max {max(times):.3f} s (goal <= 1.0 s)")
    print(f"bytes stored per photo besides the original (thumb + web): "
          f"median {statistics.median(extra) / 1024:.0f} KB, max {max(extra) / 1024:.0f} KB (goal <= 600 KB)")


if __name__ == "__main__":
    main()
