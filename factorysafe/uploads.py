"""The one way files enter the system: verify with Pillow, strip metadata, store by content hash.

Layout under the instance folder (never a name the user chose)::

    photos/<sha[:2]>/<sha>/original.<ext>   evidence, kept private, byte-for-byte as uploaded
    photos/<sha[:2]>/<sha>/thumb.jpg        ~320 px, no metadata
    photos/<sha[:2]>/<sha>/web.jpg          ~1600 px, no metadata
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from factorysafe.db import db
from factorysafe.inspections.models import Photo

try:  # HEIC/HEIF from iPhones
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - declared dependency
    pass

ALLOWED_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp"),
                   "HEIF": ("heic", "image/heic")}
DERIVATIVES = {"thumb": 320, "web": 1600}


class PhotoRejected(ValueError):
    """The upload is not an acceptable photo; ``str(exc)`` is a message for the user."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def photos_root() -> Path:
    return Path(current_app.instance_path) / "photos"


def photo_dir(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 hex digest")
    return photos_root() / sha256[:2] / sha256


def derivative_path(photo: Photo, kind: str) -> Path:
    if kind == "original":
        return photo_dir(photo.sha256) / f"original.{photo.original_ext}"
    if kind not in DERIVATIVES:
        raise ValueError(kind)
    return photo_dir(photo.sha256) / f"{kind}.jpg"


def _open_verified(data: bytes, max_pixels: int) -> Image.Image:
    """Open and fully decode; any Pillow complaint (bomb warning included) is a rejection."""
    old_limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise PhotoRejected(f"Photos must be JPEG, PNG, WebP or HEIC; this file is {probe.format or 'unknown'}.")
                probe.verify()
            img = Image.open(io.BytesIO(data))
            img.load()
            return img
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(f"This image has too many pixels (more than {max_pixels:,}); it may be a decompression bomb.") from None
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoRejected("This file is not a complete image that can be read (it may be truncated or not a photo).") from exc
    finally:
        Image.MAX_IMAGE_PIXELS = old_limit


def _exif_facts(img: Image.Image) -> tuple[dt.datetime | None, float | None, float | None]:
    exif = img.getexif()
    taken = None
    raw = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if raw:
        try:
            taken = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        except ValueError:
            taken = None
    lat = lon = None
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    try:
        if gps and 2 in gps and 4 in gps:
            def deg(v):
                d, m, s = (float(x) for x in v)
                return d + m / 60 + s / 3600
            lat = deg(gps[2]) * (-1 if gps.get(1) in ("S", b"S") else 1)
            lon = deg(gps[4]) * (-1 if gps.get(3) in ("W", b"W") else 1)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                lat = lon = None
    except (TypeError, ValueError, ZeroDivisionError):
        lat = lon = None
    return taken, lat, lon


def _derivative(img: Image.Image, size: int) -> bytes:
    copy = img.copy()
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    if copy.mode not in ("RGB", "L"):
        copy = copy.convert("RGB")
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=80, optimize=True, progressive=True)  # no exif= : metadata stripped
    return out.getvalue()


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def ingest_photo(stream: BinaryIO, filename: str = "", **fields) -> Photo:
    """Verify, process and store one uploaded photo; return its ``Photo`` row (added, flushed).

    Raises :class:`PhotoRejected` with a user-readable message. Files are written before the
    row exists; if the surrounding transaction later fails, :func:`discard_unreferenced`
    removes files no row points to.
    """
    max_bytes = current_app.config["PHOTO_MAX_BYTES"]
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoRejected(f"The photo is larger than {max_bytes // (1024 * 1024)} MB.", status=413)
    if not data:
        raise PhotoRejected("The file is empty.")
    img = _open_verified(data, current_app.config["PHOTO_MAX_PIXELS"])
    ext, content_type = ALLOWED_FORMATS[img.format]
    taken, lat, lon = _exif_facts(img)
    upright = ImageOps.exif_transpose(img)
    sha = hashlib.sha256(data).hexdigest()
    target = photo_dir(sha)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    try:
        original = target / f"original.{ext}"
        if not original.exists():
            _write_atomic(original, data)
        for kind, size in DERIVATIVES.items():
            path = target / f"{kind}.jpg"
            if not path.exists():
                _write_atomic(path, _derivative(upright, size))
    except BaseException:
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise
    photo = Photo(sha256=sha, original_ext=ext, content_type=content_type, width=upright.width,
                  height=upright.height, size_bytes=len(data), taken_at=taken, latitude=lat, longitude=lon, **fields)
    db.session.add(photo)
    db.session.flush()
    return photo


def discard_unreferenced(sha256s) -> int:
    """Remove stored files of these hashes that no photo row references (after a rollback)."""
    import sqlalchemy as sa

    removed = 0
    for sha in set(sha256s):
        if db.session.scalar(sa.select(sa.func.count(Photo.id)).where(Photo.sha256 == sha)) == 0:
            shutil.rmtree(photo_dir(sha), ignore_errors=True)
            removed += 1
    return removed
