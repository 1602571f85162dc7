"""Real-looking photos made with Pillow for the inspection and upload tests.

A "camera" JPEG has a gradient with noise (so it does not compress to nothing), EXIF orientation,
capture time and GPS written through ``Image.Exif``, optionally an ICC profile and a comment.
"""
from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

from PIL import ExifTags, Image, ImageCms, ImageDraw

FACTORY_LAT, FACTORY_LON = 23.89, 90.40  # the conftest builder's default factory location


def scene(size=(800, 600), seed: int = 1, noise: bool = True) -> Image.Image:
    """A landscape picture: sky, a dark wall, a red marker in the top-left corner, sensor noise."""
    w, h = size
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, h // 2, w, h], fill=(90, 80, 70))
    draw.rectangle([0, 0, max(2, w // 8), max(2, h // 8)], fill=(220, 20, 20))
    if noise:
        grain = Image.effect_noise(size, 40).convert("RGB")
        img = Image.blend(img, grain, 0.25 if seed % 2 else 0.3)
    return img


def _dms(value: float):
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round((value - d - m / 60) * 3600, 4)
    return (Fraction(d), Fraction(m), Fraction(s).limit_denominator(10000))


def exif(orientation: int | None = None, gps: tuple[float, float] | None = None,
         taken: dt.datetime | None = None, make: str = "FieldCam") -> Image.Exif:
    ex = Image.Exif()
    ex[ExifTags.Base.Make] = make
    ex[ExifTags.Base.Software] = "FieldCam firmware 1.0"
    if orientation:
        ex[ExifTags.Base.Orientation] = orientation
    if taken:
        stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
        ex[ExifTags.Base.DateTime] = stamp
        ex.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = stamp
    if gps:
        lat, lon = gps
        ex.get_ifd(ExifTags.IFD.GPSInfo).update({
            ExifTags.GPS.GPSLatitudeRef: "N" if lat >= 0 else "S", ExifTags.GPS.GPSLatitude: _dms(lat),
            ExifTags.GPS.GPSLongitudeRef: "E" if lon >= 0 else "W", ExifTags.GPS.GPSLongitude: _dms(lon),
        })
    return ex


def jpeg(size=(800, 600), orientation: int | None = None, gps: tuple[float, float] | None = None,
         taken: dt.datetime | None = None, icc: bool = False, comment: bytes | None = None, seed: int = 1,
         quality: int = 85, noise: bool = True) -> bytes:
    img = scene(size, seed, noise)
    kwargs = {"exif": exif(orientation, gps, taken), "quality": quality}
    if icc:
        kwargs["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    if comment:
        kwargs["comment"] = comment
    out = io.BytesIO()
    img.save(out, "JPEG", **kwargs)
    return out.getvalue()


def encode(fmt: str, size=(640, 480), **kwargs) -> bytes:
    out = io.BytesIO()
    img = scene(size)
    if fmt == "PNG":
        img = img.convert("RGBA")
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def heic(size=(640, 480), gps=None, taken=None) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    scene(size).save(out, "HEIF", exif=exif(gps=gps, taken=taken).tobytes(), quality=80)
    return out.getvalue()


def jpeg_markers(data: bytes) -> list[int]:
    """The marker codes of a JPEG's header segments (up to the first scan)."""
    i, found = 2, []
    while i < len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        found.append(marker)
        if marker == 0xDA:
            break
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return found
