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


def named_engineer(app, build, name: str = "Engr. Shahidul Islam"):
    from factorysafe.auth.models import User
    from factorysafe.db import db

    ref = build.user("engineer")
    with app.app_context():
        db.session.get(User, ref.id).name = name
        db.session.commit()
    ref.name = name
    return ref


def inspection_with_photos(app, build, *, state: str = "published", factory=None, engineer=None):
    """A factory's inspection with an engineer team, three findings (one of immediate danger) and photos:
    two public photos on the first finding, one private photo on the second."""
    from factorysafe.db import db
    from factorysafe.inspections.models import Finding, Inspection

    factory = factory or build.factory(name="Meghna Knitwear Ltd", address="Plot 7, Konabari")
    engineer = engineer or named_engineer(app, build)
    insp = build.inspection(factory, state=state, engineer=engineer)
    with app.app_context():
        from factorysafe.auth.models import User

        i = db.session.get(Inspection, insp.id)
        i.engineers = [db.session.get(User, engineer.id)]
        db.session.commit()
    f1 = build.finding(insp, discipline="fire", severity="priority_1", hazard_code="FIRE-EXIT-LOCKED",
                       observation="Collapsible gate on the north stair padlocked during working hours.")
    f2 = build.finding(insp, discipline="structural", severity="priority_1", hazard_code="STRUCT-WEAK-COLUMN",
                       observation="Column C4 on the ground floor has a demand to capacity ratio of 2.3.")
    f3 = build.finding(insp, discipline="electrical", severity="medium", hazard_code="ELEC-NO-EARTHING",
                       observation="Distribution board on the 3rd floor has no earthing.")
    with app.app_context():
        f = db.session.get(Finding, f2.id)
        f.immediate_danger, f.floor, f.area = True, "Ground floor", "Column C4"
        db.session.commit()
    add_photo(app, f1.id, caption="Padlocked gate, north stair", seed=1)
    add_photo(app, f1.id, caption="Gate key held by guard", seed=2, taken=None)
    add_photo(app, f2.id, caption="Private: worker faces visible", seed=3, private=True)
    return {"factory": factory, "engineer": engineer, "inspection": insp, "findings": [f1, f2, f3]}
