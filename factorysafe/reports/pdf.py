"""Render reports with WeasyPrint and keep them in a cache keyed by their content.

Cache layout under the instance folder::

    reports/<kind>/<id>/<lang>-<audience>-<fingerprint>.pdf   one file per version in use
    reports/images/<sha256>-<px>.jpg                          photos downscaled for print

A report is rendered only when no file for its fingerprint exists; an older file of the same
report, language and audience is removed when the new one is written.
"""
from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from PIL import Image, ImageOps

from factorysafe.db import db
from factorysafe.inspections.models import Photo
from factorysafe.reports.labels import Formats
from factorysafe.state import state
from factorysafe.uploads import derivative_path

FORMAT_VERSION = "1"  # bump when the rendering changes in a way templates do not show
# Print size and JPEG quality of photos: REPORT_PHOTO_PX and REPORT_PHOTO_QUALITY in config.Defaults.
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "noto-sans-bengali"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "reports"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"

@functools.lru_cache(maxsize=1)
def _templates_digest() -> str:
    h = hashlib.sha256(FORMAT_VERSION.encode())
    # The compiled catalogues hold the reports' words: a changed translation makes a new PDF.
    for path in sorted(TEMPLATE_DIR.rglob("*")) + sorted(TRANSLATIONS_DIR.rglob("*.mo")):
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def fingerprint(content: dict) -> str:
    """Hash of everything printed (content includes language and audience) and of the templates."""
    photo_settings = [current_app.config["REPORT_PHOTO_PX"],
                      current_app.config["REPORT_PHOTO_QUALITY"]]
    payload = json.dumps([content, photo_settings], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256((_templates_digest() + payload).encode()).hexdigest()


def reports_root() -> Path:
    return Path(current_app.instance_path) / "reports"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def print_image(photo: Photo, px: int | None = None) -> Path | None:
    """A JPEG of the photo at most ``px`` on its long side, made once from the stored web derivative."""
    px = px or current_app.config["REPORT_PHOTO_PX"]
    target = reports_root() / "images" / f"{photo.sha256}-{px}.jpg"
    if target.exists():
        return target
    web, original = derivative_path(photo, "web"), derivative_path(photo, "original")
    source = web if web.exists() else original if original.exists() else None
    if source is None:
        return None
    with Image.open(source) as img:
        if source == web and max(img.size) <= px:
            data = source.read_bytes()  # already small enough, upright and without metadata
        else:
            img.draft("RGB", (px, px))  # JPEG decodes at a reduced scale when it can: fast
            small = ImageOps.exif_transpose(img).convert("RGB")  # originals keep their EXIF orientation
            small.thumbnail((px, px), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            small.save(out, "JPEG", quality=current_app.config["REPORT_PHOTO_QUALITY"])
            data = out.getvalue()
    _write_atomic(target, data)
    return target


def _photo_urls(content: dict) -> dict[int, str]:
    """file:// URLs of the print images of the report's photos, made in parallel where missing.

    Pillow releases the GIL while decoding, resizing and encoding, so threads use every core.
    """
    ids = [p["id"] for f in content.get("findings", []) for p in f["photos"]]
    if not ids:
        return {}
    photos = db.session.scalars(sa.select(Photo).where(Photo.id.in_(ids))).all()
    app = current_app._get_current_object()

    def one(photo):
        with app.app_context():
            return photo.id, print_image(photo, px)

    px = current_app.config["REPORT_PHOTO_PX"]
    workers = min(len(photos), os.cpu_count() or 1, 4)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return {pid: path.as_uri() for pid, path in pool.map(one, photos) if path is not None}


def render_pdf(template: str, content: dict) -> bytes:
    """Run WeasyPrint on ``reports/<template>`` with ``content``; the one place that renders."""
    # Straight from the Jinja environment: the site's context processors (locale, session) play no
    # part in a document whose language is given by its URL. Its words are the catalogue's, in that
    # language: ``_()`` in the templates follows ``force_locale``.
    with force_locale(content["lang"]):
        html = current_app.jinja_env.get_template(f"reports/{template}").render(
            c=content, fmt=Formats(content["lang"]), photo_urls=_photo_urls(content), font_dir=FONT_DIR.as_uri(),
        )
    # WeasyPrint (about 25 MB once imported) is loaded by the first render, not by every web worker at start
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    document = HTML(string=html, base_url=str(TEMPLATE_DIR) + "/")
    pdf = document.write_pdf(font_config=font_config)
    app_state = state()
    with app_state.pdf_lock:
        app_state.pdf_renders += 1  # how many times WeasyPrint ran for this app
    return pdf


def cached_report(kind: str, object_id: int, template: str, content: dict,
                  before_render: Callable[[], None] | None = None) -> tuple[Path, str]:
    """Path of the PDF for ``content`` (rendered now if not cached) and its fingerprint.

    ``before_render()`` is called only when the PDF must be rendered (it may refuse by raising)."""
    fp = fingerprint(content)
    folder = reports_root() / kind / str(object_id)
    prefix = f"{content['lang']}-{content['audience']}-"
    path = folder / f"{prefix}{fp}.pdf"
    if not path.exists():
        if before_render is not None:
            before_render()
        data = render_pdf(template, content)
        _write_atomic(path, data)
        for old in folder.glob(f"{prefix}*.pdf"):
            if old != path:
                old.unlink(missing_ok=True)
    return path, fp
