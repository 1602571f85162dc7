"""The photo pipeline (factorysafe/uploads.py): what is accepted, what is refused, what is stored."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

import helpers_photos as hp
from factorysafe.db import db
from factorysafe.inspections.models import Photo
from factorysafe.uploads import PhotoRejected, derivative_path, distance_m, ingest_photo, photo_flags, sweep_orphans


def photo_files(app) -> list[Path]:
    root = Path(app.instance_path) / "photos"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def ingest(app, data: bytes, name: str = "photo.jpg", **fields) -> Photo:
    with app.app_context():
        photo = ingest_photo(io.BytesIO(data), name, **fields)
        db.session.commit()
        db.session.refresh(photo)
        db.session.expunge(photo)
        return photo


def rejected(app, data: bytes, name: str = "photo.jpg") -> PhotoRejected:
    with app.app_context():
        with pytest.raises(PhotoRejected) as info:
            ingest_photo(io.BytesIO(data), name)
        db.session.rollback()
        assert db.session.query(Photo).count() == 0
    assert photo_files(app) == [], "a refused photo left files behind"
    return info.value


# --- accepted photos ------------------------------------------------------------------------------
def test_camera_jpeg_is_stored_upright_with_exif_facts(app):
    taken = dt.datetime(2025, 3, 4, 10, 30, 5)
    data = hp.jpeg((1200, 900), orientation=6, gps=(23.8103, 90.4125), taken=taken)
    photo = ingest(app, data)
    assert (photo.width, photo.height) == (900, 1200)  # orientation 6: rotated to portrait
    assert photo.taken_at == taken
    assert photo.latitude == pytest.approx(23.8103, abs=1e-4) and photo.longitude == pytest.approx(90.4125, abs=1e-4)
    assert photo.content_type == "image/jpeg" and photo.size_bytes == len(data)
    with app.app_context():
        original = derivative_path(photo, "original")
        assert original.read_bytes() == data  # evidence kept byte for byte
        assert original.parent.name == photo.sha256  # stored by content hash, not the user's name
        with Image.open(derivative_path(photo, "web")) as web:
            assert web.size == (900, 1200)
            # the red marker was top-left of the sensor image; rotated 270 it is now top-right
            r, g, b = web.convert("RGB").getpixel((web.width - 20, 20))
            assert r > 150 and g < 110
        with Image.open(derivative_path(photo, "thumb")) as thumb:
            assert max(thumb.size) == 320


def test_photo_without_exif_has_none_facts(app):
    data = hp.encode("PNG", (500, 400))
    photo = ingest(app, data, "site.png")
    assert (photo.taken_at, photo.latitude, photo.longitude) == (None, None, None)
    assert photo.content_type == "image/png" and (photo.width, photo.height) == (500, 400)


@pytest.mark.parametrize("fmt,name,ctype", [("WEBP", "a.webp", "image/webp"), ("PNG", "a.PNG", "image/png")])
def test_webp_and_png_are_accepted(app, fmt, name, ctype):
    assert ingest(app, hp.encode(fmt), name).content_type == ctype


def test_heic_written_by_pillow_heif_is_accepted_with_exif(app):
    taken = dt.datetime(2025, 1, 2, 9, 0, 0)
    photo = ingest(app, hp.heic((640, 480), gps=(23.9, 90.41), taken=taken), "IMG_0001.HEIC")
    assert photo.content_type == "image/heic" and photo.original_ext == "heic"
    assert photo.taken_at == taken and photo.latitude == pytest.approx(23.9, abs=1e-4)
    with app.app_context():
        assert Image.open(derivative_path(photo, "web")).format == "JPEG"


@pytest.mark.parametrize("options", [{"progressive": True}, {"restart_marker_blocks": 4}, {"subsampling": 0}])
def test_jpeg_variants_cameras_write_are_accepted(app, options):
    out = io.BytesIO()
    hp.scene((640, 480)).save(out, "JPEG", quality=90, **options)
    assert ingest(app, out.getvalue()).width == 640


def test_camera_upload_without_extension_is_judged_by_content(app):
    assert ingest(app, hp.jpeg(), "blob").content_type == "image/jpeg"


def test_derivatives_carry_no_metadata(app):
    data = hp.jpeg((2000, 1500), orientation=6, gps=(23.9, 90.4), taken=dt.datetime(2025, 1, 1, 8), icc=True,
                   comment=b"secret comment")
    photo = ingest(app, data)
    with app.app_context():
        for kind in ("thumb", "web"):
            blob = derivative_path(photo, kind).read_bytes()
            with Image.open(io.BytesIO(blob)) as img:
                assert len(img.getexif()) == 0
                assert "icc_profile" not in img.info and "comment" not in img.info and "exif" not in img.info
            # no APP1 (EXIF/XMP), APP2 (ICC), APP13 or COM segments at all: only JFIF APP0 and image tables
            markers = hp.jpeg_markers(blob)
            assert not {0xE1, 0xE2, 0xED, 0xFE} & set(markers), [hex(m) for m in markers]
            for needle in (b"Exif", b"GPS", b"ICC_PROFILE", b"secret comment", b"FieldCam"):
                assert needle not in blob
        assert b"FieldCam" in derivative_path(photo, "original").read_bytes()  # the evidence keeps it all


def test_same_photo_twice_shares_files(app):
    data = hp.jpeg()
    a, b = ingest(app, data), ingest(app, data)
    assert a.sha256 == b.sha256 and a.id != b.id
    assert len(photo_files(app)) == 3


# --- refused files ---------------------------------------------------------------------------------
def test_truncated_jpeg_is_refused(app):
    data = hp.jpeg((800, 600))
    err = rejected(app, data[: len(data) * 2 // 3])
    assert "truncated" in str(err)


def test_truncated_png_is_refused(app):
    data = hp.encode("PNG", (400, 300))
    rejected(app, data[:-40], "a.png")


def test_text_file_named_jpg_is_refused(app):
    err = rejected(app, b"hello, this is not a photo at all\n" * 50, "holiday.jpg")
    assert "not a photo" in str(err)


def test_svg_is_refused_by_name_and_by_content(app):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
    assert "SVG" in str(rejected(app, svg, "drawing.svg"))
    rejected(app, svg, "drawing.jpg")


def test_other_extensions_are_refused(app):
    assert "'.html'" in str(rejected(app, hp.jpeg(), "page.html"))


def test_png_named_jpg_is_refused(app):
    err = rejected(app, hp.encode("PNG"), "photo.jpg")
    assert "named .jpg but holds a PNG" in str(err)


def test_jpeg_with_zip_appended_is_refused(app):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.txt", "hidden")
    err = rejected(app, hp.jpeg() + buf.getvalue())
    assert "extra data" in str(err)


def test_jpeg_with_html_appended_is_refused(app):
    rejected(app, hp.jpeg() + b"<html><script>alert(document.cookie)</script></html>")


def test_zip_hidden_inside_a_jpeg_comment_is_refused(app):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.txt", "hidden")
    data = hp.jpeg(comment=b"x" * 10)
    # a ZIP whose directory is at the very end needs no trailing bytes: append the EOCD record only
    err = rejected(app, data[:-2] + buf.getvalue() + b"\xff\xd9")
    assert err.status == 400


def test_html_with_jpeg_magic_is_refused(app):
    rejected(app, b"\xff\xd8\xff\xe0<html><body><script>alert(1)</script></body></html>" + b" " * 2000)


def test_script_in_jpeg_comment_is_refused(app):
    err = rejected(app, hp.jpeg(comment=b"<script>alert(1)</script>"))
    assert "script" in str(err)


def test_data_after_png_end_is_refused(app):
    rejected(app, hp.encode("PNG") + b"PK\x03\x04trailing", "a.png")


def test_data_after_webp_end_is_refused(app):
    rejected(app, hp.encode("WEBP") + b"<?php echo 1; ?>", "a.webp")


def test_multi_picture_jpeg_is_accepted(app):
    # Phones store a second picture (depth map, preview) after the first one's end marker.
    assert ingest(app, hp.jpeg(seed=1) + hp.jpeg((160, 120), seed=2)).content_type == "image/jpeg"


def test_too_many_pixels_is_refused_before_decoding(app):
    app.config["PHOTO_MAX_PIXELS"] = 1_000_000
    err = rejected(app, hp.encode("PNG", (1200, 1000)), "big.png")
    assert "too many pixels" in str(err)


@pytest.mark.parametrize("size", [(1500, 1000), (2500, 1000)])
def test_pillow_decompression_bomb_warning_and_error_both_refuse(app, recwarn, size):
    # Between 1x and 2x the limit Pillow only warns (first case): that must refuse the file too.
    app.config["PHOTO_MAX_PIXELS"] = 1_000_000
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")
    assert "decompression bomb" in str(rejected(app, out.getvalue(), "bomb.png"))
    assert not [w for w in recwarn if issubclass(w.category, Image.DecompressionBombWarning)]


def test_file_over_the_size_limit_is_refused_with_413(app):
    app.config["PHOTO_MAX_BYTES"] = 50_000
    err = rejected(app, hp.jpeg((1600, 1200), quality=95))
    assert err.status == 413 and "larger than" in str(err)


def test_empty_file_is_refused(app):
    assert "empty" in str(rejected(app, b""))


# --- flags ------------------------------------------------------------------------------------------
def test_distance_is_haversine():
    assert distance_m(23.8103, 90.4125, 23.8103, 90.4125) == 0
    # one degree of latitude is about 111.2 km
    assert distance_m(23.0, 90.0, 24.0, 90.0) == pytest.approx(111_195, rel=1e-3)


def test_photo_flags_rules():
    site, day = (23.89, 90.40), dt.date(2025, 1, 10)
    near = photo_flags(23.8905, 90.4005, dt.datetime(2025, 1, 11, 9), site, day, 1000, 3)
    assert near == (False, False)
    far = photo_flags(23.95, 90.40, dt.datetime(2025, 1, 20, 9), site, day, 1000, 3)
    assert far == (True, True)
    assert photo_flags(None, None, None, site, day, 1000, 3) == (None, None)
    assert photo_flags(23.95, 90.40, None, None, day, 1000, 3) == (None, None)


def test_ingest_flags_photo_far_from_factory_and_date(app, build):
    factory = build.factory(latitude=hp.FACTORY_LAT, longitude=hp.FACTORY_LON)
    inspection = build.inspection(factory, inspected_on=dt.date(2025, 1, 1))
    finding = build.finding(inspection)
    far = hp.jpeg(gps=(23.95, 90.40), taken=dt.datetime(2024, 12, 1, 12))
    near = hp.jpeg(gps=(23.8905, 90.4003), taken=dt.datetime(2025, 1, 1, 12), seed=2)
    a = ingest(app, far, finding_id=finding.id)
    b = ingest(app, near, finding_id=finding.id)
    assert (a.far_from_factory, a.far_from_date) == (True, True)
    assert (b.far_from_factory, b.far_from_date) == (False, False)


def test_fix_evidence_is_flagged_against_the_factory_and_today(app, build):
    factory = build.factory(latitude=hp.FACTORY_LAT, longitude=hp.FACTORY_LON)
    finding = build.finding(build.inspection(factory))
    today = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    fresh = ingest(app, hp.jpeg(gps=(23.8902, 90.4001), taken=today), action_id=finding.action_id)
    stale = ingest(app, hp.jpeg(gps=(23.99, 90.40), taken=today - dt.timedelta(days=40), seed=3),
                   action_id=finding.action_id)
    assert (fresh.far_from_factory, fresh.far_from_date) == (False, False)
    assert (stale.far_from_factory, stale.far_from_date) == (True, True)


# --- no orphans ---------------------------------------------------------------------------------------
def test_rollback_removes_files_written_in_the_transaction(app):
    with app.app_context():
        ingest_photo(io.BytesIO(hp.jpeg()), "a.jpg")
        assert len(photo_files(app)) == 3
        db.session.rollback()
    assert photo_files(app) == []


def test_rollback_keeps_files_another_row_references(app):
    data = hp.jpeg()
    kept = ingest(app, data)
    with app.app_context():
        ingest_photo(io.BytesIO(data), "again.jpg")
        ingest_photo(io.BytesIO(hp.jpeg(seed=2)), "other.jpg")
        db.session.rollback()
    assert {p.parent.name for p in photo_files(app)} == {kept.sha256}


def test_closing_the_session_without_commit_removes_files(app):
    with app.app_context():
        ingest_photo(io.BytesIO(hp.jpeg()), "a.jpg")
        db.session.remove()
    assert photo_files(app) == []


def test_sweep_removes_unreferenced_folders_and_temp_files(app, runner):
    kept = ingest(app, hp.jpeg())
    with app.app_context():
        stray = Path(app.instance_path) / "photos" / "ab" / ("ab" + "0" * 62)
        stray.mkdir(parents=True)
        (stray / "web.jpg").write_bytes(b"x")
        (derivative_path(kept, "web").parent / ".tmp-half").write_bytes(b"half")
        assert sweep_orphans(min_age_seconds=3600) == (0, 0)  # too recent: could be an upload in flight
    result = runner.invoke(args=["photos-sweep", "--min-age", "0"])
    assert result.exit_code == 0 and "Removed 1 unreferenced photo folder(s) and 1 temporary" in result.output
    assert {p.parent.name for p in photo_files(app)} == {kept.sha256}
    assert len(photo_files(app)) == 3


def test_script_in_png_text_chunk_is_refused(app):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    hp.scene((200, 150)).save(out, "PNG", pnginfo=info)
    assert "script" in str(rejected(app, out.getvalue(), "a.png"))
