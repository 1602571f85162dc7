"""Test helpers for the report tests: real JPEG photos with a capture time, ingested like uploads."""
from __future__ import annotations

import datetime as dt
import io

from PIL import Image, ImageDraw


def jpeg_bytes(width: int = 1200, height: int = 900, seed: int = 0,
               taken: dt.datetime | None = dt.datetime(2025, 1, 1, 10, 30)) -> bytes:
    """A small but real photo-like JPEG (gradient, shapes, noise) with EXIF DateTimeOriginal."""
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(img)
    for k in range(6):
        x = (seed * 97 + k * 173) % max(width - 200, 1)
        y = (seed * 53 + k * 131) % max(height - 150, 1)
        draw.rectangle([x, y, x + 180, y + 120], fill=((seed * 40 + k * 60) % 255, 90 + k * 20, 160 - k * 15))
    noise = Image.effect_noise((width, height), 25).convert("RGB")
    img = Image.blend(img, noise, 0.15)
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def add_photo(app, finding_id: int, *, private: bool = False, caption: str = "", seed: int = 0, **kw) -> int:
    from factorysafe.db import db
    from factorysafe.uploads import ingest_photo

    with app.app_context():
        photo = ingest_photo(io.BytesIO(jpeg_bytes(seed=seed, **kw)), "x.jpg", finding_id=finding_id,
                             private=private, caption=caption)
        db.session.commit()
        return photo.id


def pdf_text(data: bytes) -> tuple[str, int]:
    """All text of a PDF and its page count."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages), len(reader.pages)


def image_count(data: bytes) -> int:
    """Number of distinct image XObjects embedded in the PDF."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    seen = set()
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                seen.add(getattr(ref, "idnum", id(obj)))
    return len(seen)
