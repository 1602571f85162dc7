"""The one way files enter the system: verify with Pillow, strip metadata, store by content hash.

Layout under the instance folder (never a name the user chose)::

    photos/<sha[:2]>/<sha>/original.<ext>   evidence, kept private, byte-for-byte as uploaded
    photos/<sha[:2]>/<sha>/thumb.jpg        ~320 px, no metadata
    photos/<sha[:2]>/<sha>/web.jpg          ~1600 px, no metadata

What is refused (each with a message a user can read, :class:`PhotoRejected`):

- files over ``PHOTO_MAX_BYTES`` (status 413) and empty files;
- names ending in a non-photo extension (``.svg``, ``.html``, ...), or a photo extension that does
  not match what Pillow finds inside (a PNG named ``.jpg``);
- anything Pillow cannot open and fully decode (truncated files, non-images, SVG);
- more pixels than ``PHOTO_MAX_PIXELS``; Pillow's decompression-bomb *warning* is an error too;
- polyglots: bytes outside the image container (data after the JPEG end marker unless it is
  another complete JPEG, as in multi-picture files; after the PNG ``IEND`` chunk; beyond the
  RIFF size of a WebP; outside the top-level boxes of a HEIF), a ZIP directory anywhere at the
  end, and HTML/script/SVG markup in the file's first kilobyte or in its metadata segments.

Files are written (atomically: temporary name, then rename) before the row is flushed, and the
session remembers which photo folders it created: if its transaction ends without a commit,
folders that no committed row references are removed (see ``_cleanup_after_rollback``).
``flask photos-sweep`` removes what a killed process may have left behind.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import os
import shutil
import tempfile
import threading
import time
import warnings
import zipfile
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

from factorysafe.db import db
from factorysafe.errors import DomainError
from factorysafe.inspections.models import Photo

try:  # HEIC/HEIF from iPhones
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - declared dependency
    pass

# Pillow format -> (stored extension, content type). MPO is a JPEG with extra pictures (MPF).
ALLOWED_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "MPO": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"),
                   "WEBP": ("webp", "image/webp"), "HEIF": ("heic", "image/heic")}
# File-name extension -> the Pillow formats it may hold.
EXTENSIONS = {"jpg": {"JPEG", "MPO"}, "jpeg": {"JPEG", "MPO"}, "jpe": {"JPEG", "MPO"}, "jfif": {"JPEG", "MPO"},
              "png": {"PNG"}, "webp": {"WEBP"}, "heic": {"HEIF"}, "heif": {"HEIF"}, "hif": {"HEIF"}}
DERIVATIVES = {"thumb": 320, "web": 1600}
KINDS = ("thumb", "web", "original")
QUALITY = {"thumb": 75, "web": 78}
MARKUP = (b"<html", b"<script", b"<svg", b"<?php", b"<!doctype", b"<iframe", b"<body", b"<?xml-stylesheet",
          b"<object", b"<embed", b"javascript:")
FORMATS_TEXT = "JPEG, PNG, WebP or HEIC"  # English, for logs and docs; users read formats_text()


def formats_text() -> str:
    """The accepted formats in the reader's language (messages are translated when raised, in a request)."""
    return _("JPEG, PNG, WebP or HEIC")

_OPEN_LOCK = threading.Lock()  # Image.MAX_IMAGE_PIXELS and the warning filter are process-wide
_ORIENTATION = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
                5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
                8: Image.Transpose.ROTATE_90}
_SESSION_KEY = "factorysafe_new_photo_dirs"
_SESSION_PHOTOS = "factorysafe_new_photos"
_SESSION_FORGET = "factorysafe_deleted_photo_shas"


class PhotoRejected(DomainError):
    """The upload is not an acceptable photo; ``str(exc)`` is a message for the user."""


# --- where files live ---------------------------------------------------------------------------
def photos_root() -> Path:
    return Path(current_app.instance_path) / "photos"


def photo_dir(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 hex digest")
    return photos_root() / sha256[:2] / sha256


def derivative_path(photo: Photo, kind: str) -> Path:
    """Path of a stored file of ``photo``: kind ``thumb``, ``web`` (JPEG, no metadata) or ``original``."""
    if kind == "original":
        if photo.original_ext not in {e for e, _ in ALLOWED_FORMATS.values()}:
            raise ValueError(photo.original_ext)
        return photo_dir(photo.sha256) / f"original.{photo.original_ext}"
    if kind not in DERIVATIVES:
        raise ValueError(kind)
    return photo_dir(photo.sha256) / f"{kind}.jpg"


# --- structure checks: every byte must belong to the image container ------------------------------
def _malformed(what: str = "") -> PhotoRejected:
    return PhotoRejected(_("This file is not a complete image that can be read (it may be truncated or damaged).")
                         + (f" {what}" if what else ""))


def _trailing() -> PhotoRejected:
    return PhotoRejected(_("This file has extra data hidden after the picture (it may be a disguised file or a "
                           "'motion photo'). Please send a plain still photo."))


def _jpeg_end(data: bytes, start: int, meta: list[bytes]) -> int:
    """Offset just after the end-of-image marker of the JPEG at ``start``; marker segments go to ``meta``."""
    n = len(data)
    if data[start:start + 2] != b"\xff\xd8":
        raise _malformed()
    i = start + 2
    while True:
        if i >= n or data[i] != 0xFF:
            raise _malformed()
        while i < n and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= n:
            raise _malformed()
        marker = data[i]
        i += 1
        if marker == 0xD9:  # EOI
            return i
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        if i + 2 > n:
            raise _malformed()
        seglen = int.from_bytes(data[i:i + 2], "big")
        if seglen < 2 or i + seglen > n:
            raise _malformed()
        meta.append(data[i + 2:i + seglen])
        i += seglen
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    raise _malformed()
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    i = j + 2
                elif following == 0xFF:
                    i = j + 1
                else:
                    i = j
                    break


def _check_jpeg(data: bytes) -> list[bytes]:
    meta: list[bytes] = []
    end = _jpeg_end(data, 0, meta)
    while end < len(data):
        rest = data[end:]
        if rest.strip(b"\x00\xff") == b"":
            break  # padding some cameras write
        pad = len(rest) - len(rest.lstrip(b"\x00"))
        if rest[pad:pad + 2] == b"\xff\xd8":  # another complete picture (multi-picture format)
            end = _jpeg_end(data, end + pad, meta)
        else:
            raise _trailing()
    return meta


def _check_png(data: bytes) -> list[bytes]:
    meta = []
    i, n = 8, len(data)
    while True:
        if i + 12 > n:
            raise _malformed()
        length = int.from_bytes(data[i:i + 4], "big")
        ctype = data[i + 4:i + 8]
        if i + 12 + length > n:
            raise _malformed()
        if ctype != b"IDAT":
            meta.append(data[i + 8:i + 8 + length])
        i += 12 + length
        if ctype == b"IEND":
            break
    if data[i:].strip(b"\x00"):
        raise _trailing()
    return meta


def _check_webp(data: bytes) -> list[bytes]:
    size = int.from_bytes(data[4:8], "little")
    end = 8 + size + (size & 1)
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP" or 8 + size > len(data):
        raise _malformed()
    if data[end:].strip(b"\x00"):
        raise _trailing()
    return []


def _check_heif(data: bytes) -> list[bytes]:
    i, n, first = 0, len(data), True
    while i < n:
        if i + 8 > n:
            raise _trailing()
        size = int.from_bytes(data[i:i + 4], "big")
        btype = data[i + 4:i + 8]
        if first and btype != b"ftyp":
            raise _malformed()
        first = False
        if size == 1:
            size = int.from_bytes(data[i + 8:i + 16], "big")
        elif size == 0:
            size = n - i
        if size < 8 or i + size > n:
            raise _malformed()
        i += size
    return []


_STRUCTURE = {"JPEG": _check_jpeg, "MPO": _check_jpeg, "PNG": _check_png, "WEBP": _check_webp, "HEIF": _check_heif}


def _check_structure(data: bytes, fmt: str) -> None:
    meta = _STRUCTURE[fmt](data)
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise PhotoRejected(_("This file is also a ZIP archive (a disguised file). Please send a plain photo."))
    for chunk in [data[:1024], *meta]:
        low = chunk.lower()
        if any(m in low for m in MARKUP):
            raise PhotoRejected(_("This file contains web page or script code, so it is not accepted as a photo."))


# --- opening and decoding -------------------------------------------------------------------------
def _extension(filename: str) -> str:
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Open (headers only) with the photo plugins; too many pixels or a bomb warning is a rejection."""
    bomb = PhotoRejected(_("This image has too many pixels (the limit is %(limit)s); it may be a "
                           "decompression bomb. Please send a normal camera photo.", limit=f"{max_pixels:,}"))
    try:
        with _OPEN_LOCK, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            old = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = max_pixels
            try:
                img = Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP", "HEIF"])
            finally:
                Image.MAX_IMAGE_PIXELS = old
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb from None
    except UnidentifiedImageError:
        raise PhotoRejected(_("This file is not a photo that can be read. Photos must be %(formats)s.",
                                        formats=formats_text())) from None
    except (OSError, SyntaxError, ValueError, EOFError, TypeError) as exc:
        raise _malformed() from exc
    if img.width * img.height > max_pixels or img.width < 1 or img.height < 1:
        raise bomb
    if img.format not in ALLOWED_FORMATS:
        raise PhotoRejected(_("Photos must be %(formats)s; this file is %(format)s.", formats=formats_text(),
                              format=img.format or _("of an unknown format")))
    return img


def _decode(data: bytes, img: Image.Image, fmt: str) -> Image.Image:
    """Fully decode (proves the file is complete); JPEGs at the smallest scale still >= the web size."""
    try:
        if fmt == "PNG":
            with Image.open(io.BytesIO(data), formats=["PNG"]) as probe:
                probe.verify()  # chunk CRCs
        if fmt in ("JPEG", "MPO"):
            scale = DERIVATIVES["web"] / max(img.size)
            if scale < 1:
                img.draft(img.mode, (math.ceil(img.width * scale), math.ceil(img.height * scale)))
        img.load()  # raises on truncated or corrupt data (ImageFile.LOAD_TRUNCATED_IMAGES stays False)
    except PhotoRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder complaint means a damaged file
        raise _malformed() from exc
    return img


def _exif_facts(img: Image.Image) -> tuple[int, dt.datetime | None, float | None, float | None]:
    """(orientation, capture time, latitude, longitude) from EXIF; None where absent or unreadable."""
    try:
        exif = img.getexif()
    except Exception:  # noqa: BLE001 - unreadable EXIF: no facts, the picture itself decoded fine
        return 1, None, None, None
    orientation = exif.get(ExifTags.Base.Orientation, 1)
    orientation = orientation if orientation in _ORIENTATION else 1
    taken = None
    try:
        raw = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
        if raw:
            taken = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (ValueError, TypeError, KeyError):
        taken = None
    lat = lon = None
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        if gps and 2 in gps and 4 in gps:
            def deg(v):
                d, m, s = (float(x) for x in v)
                return d + m / 60 + s / 3600

            lat = deg(gps[2]) * (-1 if gps.get(1) in ("S", b"S") else 1)
            lon = deg(gps[4]) * (-1 if gps.get(3) in ("W", b"W") else 1)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
                lat = lon = None
    except (TypeError, ValueError, ZeroDivisionError, KeyError):
        lat = lon = None
    return orientation, taken, lat, lon


def _to_srgb(img: Image.Image) -> Image.Image:
    """RGB (or L) pixels in sRGB, alpha flattened on white; the ICC profile is applied, then dropped."""
    icc = img.info.get("icc_profile")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        img = flat
    elif img.mode not in ("RGB", "L"):
        img = img.convert("RGB") if img.mode != "CMYK" or not icc else img
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            img = ImageCms.profileToProfile(img, src, ImageCms.createProfile("sRGB"),
                                            outputMode="RGB" if img.mode != "L" else "L")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            img = img.convert("RGB") if img.mode not in ("RGB", "L") else img
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    return img


def _jpeg_bytes(img: Image.Image, quality: int) -> bytes:
    img.info = {}  # no EXIF, GPS, ICC, XMP or comment is carried over
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def make_derivatives(img: Image.Image, orientation: int) -> dict[str, bytes]:
    """Upright, sRGB, metadata-free JPEG bytes for each derivative kind."""
    web = img.copy() if max(img.size) <= DERIVATIVES["web"] else img.resize(
        _fit(img.size, DERIVATIVES["web"]), Image.Resampling.LANCZOS, reducing_gap=2.0)
    web.info = dict(img.info)
    web = _to_srgb(web)
    if orientation in _ORIENTATION:
        web = web.transpose(_ORIENTATION[orientation])
    thumb = web.resize(_fit(web.size, DERIVATIVES["thumb"]), Image.Resampling.LANCZOS, reducing_gap=2.0) \
        if max(web.size) > DERIVATIVES["thumb"] else web.copy()
    return {"web": _jpeg_bytes(web, QUALITY["web"]), "thumb": _jpeg_bytes(thumb, QUALITY["thumb"])}


def _fit(size: tuple[int, int], box: int) -> tuple[int, int]:
    w, h = size
    scale = min(1.0, box / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


# --- flags for the reviewing engineer -------------------------------------------------------------
def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


def photo_flags(latitude: float | None, longitude: float | None, taken_at: dt.datetime | None,
                site: tuple[float, float] | None, reference_date: dt.date | None,
                max_distance_m: float, max_days: int) -> tuple[bool | None, bool | None]:
    """(far from the factory, far from the date); None when the photo or the factory lacks the data."""
    far_site = None
    if latitude is not None and longitude is not None and site and None not in site:
        far_site = distance_m(latitude, longitude, site[0], site[1]) > max_distance_m
    far_date = None
    if taken_at is not None and reference_date is not None:
        far_date = abs((taken_at.date() - reference_date).days) > max_days
    return far_site, far_date


def _context(fields: dict):
    """(factory, reference date) for the flags, from explicit keys or the finding/action the photo joins."""
    factory = fields.pop("factory", None)
    reference_date = fields.pop("reference_date", None)
    if factory is not None or reference_date is not None:
        return factory, reference_date
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.inspections.models import Finding

    finding = fields.get("finding") or (db.session.get(Finding, fields["finding_id"]) if fields.get("finding_id") else None)
    if finding is not None and finding.inspection is not None:
        return finding.inspection.factory, finding.inspection.inspected_on
    action = fields.get("action") or (db.session.get(CorrectiveAction, fields["action_id"]) if fields.get("action_id") else None)
    if action is not None:
        return action.factory, dt.datetime.now(dt.UTC).date()
    return None, None


# --- writing --------------------------------------------------------------------------------------
def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoRejected(_("The photo is larger than %(mb)s MB. Please send a smaller photo (phone cameras' "
                              "normal setting is fine).", mb=f"{max_bytes / (1024 * 1024):.0f}"), status=413)
    if not data:
        raise PhotoRejected(_("The file is empty."))
    return data


def check_photo(data: bytes, filename: str = "") -> tuple[Image.Image, str, tuple[int, int]]:
    """Verify ``data`` as a photo: (decoded image, JPEGs possibly at reduced scale; format; full size)."""
    ext = _extension(filename)
    if ext in ("svg", "svgz"):
        raise PhotoRejected(_("SVG drawings are not accepted: please send a photo."))
    if ext and ext not in EXTENSIONS:
        raise PhotoRejected(_("'.%(ext)s' files are not accepted. Photos must be %(formats)s.", ext=ext,
                                         formats=formats_text()))
    img = _open(data, current_app.config["PHOTO_MAX_PIXELS"])
    fmt = img.format
    if ext and fmt not in EXTENSIONS[ext]:
        raise PhotoRejected(_("This file is named .%(ext)s but holds a %(format)s image: the name and content "
                              "disagree, so it is not accepted.", ext=ext, format=fmt))
    _check_structure(data, fmt)
    full_size = img.size
    return _decode(data, img, fmt), fmt, full_size


def ingest_photo(stream: BinaryIO, filename: str = "", *, strip: bool = False, **fields) -> Photo:
    """Verify, process and store one uploaded photo; return its ``Photo`` row (added, flushed).

    Call inside an app context and a transaction. ``fields`` are Photo columns (``finding``,
    ``finding_id``, ``action_id``, ``uploaded_by_id``, ``caption``, ``private``...) plus, optionally,
    ``factory`` and ``reference_date`` for the far-from-site/date flags (otherwise taken from the
    finding's inspection, or the action's factory and today). Raises :class:`PhotoRejected`.

    ``strip``: keep nothing that could identify who took the photo (workers' complaints). The original file is
    not kept (the stored "original" is the metadata-free web copy) and no capture time or GPS is recorded.
    """
    cfg = current_app.config
    data = read_limited(stream, cfg.get("PHOTO_MAX_BYTES", 25 * 1024 * 1024))
    img, fmt, full_size = check_photo(data, filename)
    orientation, taken, lat, lon = _exif_facts(img)
    derivatives = make_derivatives(img, orientation)
    img.close()
    width, height = full_size if orientation < 5 else full_size[::-1]
    ext, content_type = ALLOWED_FORMATS[fmt]
    if strip:
        data, fmt, ext, content_type = derivatives["web"], "JPEG", "jpg", "image/jpeg"
        taken = lat = lon = None
        with Image.open(io.BytesIO(data)) as web:
            width, height = web.size
    sha = hashlib.sha256(data).hexdigest()

    factory, reference_date = _context(fields)
    site = (factory.latitude, factory.longitude) if factory is not None else None
    far_site, far_date = photo_flags(lat, lon, taken, site, reference_date,
                                     cfg.get("PHOTO_MAX_DISTANCE_M", 1000), cfg.get("PHOTO_MAX_DAYS_FROM_DATE", 3))

    _store_files(sha, ext, data, derivatives)
    photo = Photo(sha256=sha, original_ext=ext, content_type=content_type, width=width, height=height,
                  size_bytes=len(data), taken_at=taken, latitude=lat, longitude=lon,
                  far_from_factory=far_site, far_from_date=far_date, **fields)
    db.session.add(photo)
    db.session.info.setdefault(_SESSION_PHOTOS, []).append(photo)
    db.session.flush()
    return photo


def _store_files(sha: str, ext: str, data: bytes, derivatives: dict[str, bytes]) -> None:
    target = photo_dir(sha)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    if created:
        db.session.info.setdefault(_SESSION_KEY, set()).add(sha)
    try:
        original = target / f"original.{ext}"
        if not original.exists():
            _write_atomic(original, data)
        for kind, blob in derivatives.items():
            path = target / f"{kind}.jpg"
            if not path.exists():
                _write_atomic(path, blob)
    except BaseException:
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise


# --- no orphans -----------------------------------------------------------------------------------
def _referenced(conn, sha: str) -> bool:
    return conn.execute(sa.select(sa.func.count()).select_from(Photo.__table__)
                        .where(Photo.__table__.c.sha256 == sha)).scalar() > 0


def discard_unreferenced(sha256s) -> int:
    """Remove stored files of these hashes that no committed photo row references."""
    removed = 0
    with db.engine.connect() as conn:
        for sha in set(sha256s):
            if not _referenced(conn, sha):
                shutil.rmtree(photo_dir(sha), ignore_errors=True)
                removed += 1
    return removed


# The listeners below are attached to ``db.session`` only: SQLAlchemy resolves a scoped_session to its
# sessionmaker, whose class is a subclass of its own, so other Sessions in the process never run them.
@sa.event.listens_for(db.session, "before_commit")
def _files_before_rows(session) -> None:
    """A photo row never commits without its files on disk."""
    for photo in session.info.pop(_SESSION_PHOTOS, []):
        if photo in session and not all(derivative_path(photo, k).exists() for k in KINDS):
            raise RuntimeError(f"files of photo {photo.sha256[:12]} are missing; not committing its row")


def forget_after_commit(sha256: str) -> None:
    """A row of this hash is being deleted: once that commits, remove the files if nothing else uses them."""
    db.session.info.setdefault(_SESSION_FORGET, set()).add(sha256)


@sa.event.listens_for(db.session, "after_commit")
def _forget_after_commit(session) -> None:
    session.info.pop(_SESSION_KEY, None)
    session.info.pop(_SESSION_PHOTOS, None)
    forget = session.info.pop(_SESSION_FORGET, None)
    if forget:
        try:
            discard_unreferenced(forget)
        except Exception:  # noqa: BLE001 - the commit stands; photos-sweep finishes the job
            current_app.logger.exception("could not remove files of deleted photos")


@sa.event.listens_for(db.session, "after_transaction_end")
def _cleanup_after_rollback(session, transaction) -> None:
    """The root transaction ended without a commit: remove the photo folders it created, if unreferenced."""
    if transaction.parent is not None:
        return
    session.info.pop(_SESSION_FORGET, None)  # deletions that did not commit: keep those files
    session.info.pop(_SESSION_PHOTOS, None)
    shas = session.info.pop(_SESSION_KEY, None)  # after a commit, already forgotten
    if not shas:
        return
    try:
        discard_unreferenced(shas)
    except Exception:  # noqa: BLE001 - never mask the original failure; photos-sweep finishes the job
        current_app.logger.exception("could not remove photo files of a rolled-back upload")


def sweep_orphans(min_age_seconds: int = 3600) -> tuple[int, int]:
    """Remove photo folders no row references and stale temporary files, older than ``min_age_seconds``.

    Returns (folders removed, temporary files removed).
    """
    root = photos_root()
    if not root.exists():
        return 0, 0
    cutoff = time.time() - min_age_seconds
    referenced = set(db.session.scalars(sa.select(Photo.sha256).distinct()))
    folders = temps = 0
    for prefix in root.iterdir():
        if not prefix.is_dir():
            continue
        for folder in prefix.iterdir():
            if not folder.is_dir():
                continue
            for tmp in folder.glob(".tmp-*"):
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink(missing_ok=True)
                    temps += 1
            if folder.name not in referenced and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                folders += 1
    return folders, temps
