"""The factory gate poster: an A4 PDF in Bangla and English with the factory's short code, the SMS keyword and
a QR code that a real decoder (zxing-cpp) reads back as the factory's report link."""
from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from factorysafe.complaints import poster, rules
from factorysafe.state import state
from helpers_reports import pdf_text

BASE = "https://safety.example.org"
A4 = (595.0, 842.0)  # points; WeasyPrint writes 595.28 x 841.89


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PUBLIC_BASE_URL": BASE, "SMS_NUMBER": "16357"}


def _decode_qr(pdf: bytes, tmp_path) -> list[str]:
    """Render the page to PNG with poppler's pdftoppm, then decode every QR code on it with zxing-cpp."""
    import zxingcpp
    from PIL import Image

    (tmp_path / "poster.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "poster.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    with Image.open(tmp_path / "page.png") as image:
        return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_poster_is_a4_in_both_languages_and_its_qr_is_the_report_link(app, client, build, tmp_path):
    factory = build.factory(name="Poster Test Apparels Ltd")
    build.inspection(factory)
    code = rules.factory_code(factory.id)
    resp = client.get(f"/factories/{factory.id}/poster.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    pdf = resp.get_data()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1
    text, _pages = pdf_text(pdf)
    flat = " ".join(text.split())
    assert "Poster Test Apparels Ltd" in flat and code in flat
    assert "Report it. No name needed." in flat and "no one at the factory sees who reported" in flat
    assert f"16357: REPORT {code}" in flat
    # the Bangla half: poppler's text layer of the Bangla font (pypdf does not map its glyphs)
    (tmp_path / "p.pdf").write_bytes(pdf)
    bangla = subprocess.run(["pdftotext", "-layout", str(tmp_path / "p.pdf"), "-"], capture_output=True,
                            text=True, check=True).stdout
    code_bn = code.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert code_bn in bangla
    assert "১৬৩৫৭" not in bangla  # the phone number stays in the digits people dial
    assert any(word in bangla for word in ("নাম", "রসিদ", "কারখানা")), bangla[:500]
    assert _decode_qr(pdf, tmp_path) == [f"{BASE}/f/{code}"]


def test_poster_is_cached_and_follows_the_sms_number(app, client, build):
    factory = build.factory()
    build.inspection(factory)
    url = f"/factories/{factory.id}/poster.pdf"
    first = client.get(url)
    renders = state(app).pdf_renders
    again = client.get(url)
    assert again.get_data() == first.get_data() and state(app).pdf_renders == renders
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"].strip('"')}).status_code == 304
    app.config["SMS_NUMBER"] = ""  # no SMS number: the SMS part is left out, and the poster is made again
    plain = client.get(url).get_data()
    assert state(app).pdf_renders == renders + 1
    text, _pages = pdf_text(plain)
    assert "SMS" not in text and "REPORT" not in text


def test_no_poster_before_the_factory_is_public(app, client, build, auth):
    factory = build.factory()
    build.inspection(factory, state="draft")
    assert client.get(f"/factories/{factory.id}/poster.pdf").status_code == 404
    assert client.get("/factories/999999/poster.pdf").status_code == 404
    engineer = build.user("engineer")
    auth.login(engineer.email)
    assert client.get(f"/factories/{factory.id}/poster.pdf").status_code == 200


def test_rendering_posters_is_rate_limited_for_visitors(app, client, build):
    app.config["PDF_RENDER_RATE_LIMIT"] = "1/minute"
    first, second = build.factory(), build.factory()
    build.inspection(first)
    build.inspection(second)
    assert client.get(f"/factories/{first.id}/poster.pdf").status_code == 200
    assert client.get(f"/factories/{first.id}/poster.pdf").status_code == 200  # cached: not counted
    assert client.get(f"/factories/{second.id}/poster.pdf").status_code == 429


def test_qr_matrix_is_segnos_encoding_of_the_link(app):
    """The module matrix printed is exactly the URL's QR code (segno, level M): no hand-drawn modules."""
    import segno

    with app.test_request_context():
        app.config["PUBLIC_BASE_URL"] = BASE
        url = poster.short_link(25)
        assert url == f"{BASE}/f/{rules.factory_code(25)}"
        assert poster.qr_code(url).matrix == segno.make_qr(url, error="m").matrix
        assert poster.qr_svg_uri(url).startswith("data:image/svg+xml")
