"""Pages and JSON answers travel gzip-compressed to browsers that accept it (Flask-Compress); files and answers
that are already compressed pass unchanged."""
import gzip
import re

from helpers_maps import public_world


def test_map_page_is_gzipped_when_accepted_and_identical_when_unpacked(app, client, build):
    public_world(app, build)
    plain = client.get("/map")
    zipped = client.get("/map", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    def without_nonces(html: bytes) -> bytes:  # each answer has its own CSP nonce
        return re.sub(rb'nonce="[^"]+"', b'nonce=""', html)

    assert without_nonces(gzip.decompress(zipped.get_data())) == without_nonces(plain.get_data())
    assert len(zipped.get_data()) < len(plain.get_data()) / 3


def test_api_json_is_gzipped_and_markers_are_not_compressed_twice(app, client, build):
    public_world(app, build)
    api = client.get("/api/v1/factories", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(api.get_data()).startswith(b"{")
    markers = client.get("/map/markers.json", headers={"Accept-Encoding": "gzip"})
    assert markers.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(markers.get_data()).startswith(b'{"districts"')  # gzip once, not twice


def test_small_answers_are_sent_as_they_are(client):
    health = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert health.status_code == 200 and len(health.get_data()) < 500
    assert "Content-Encoding" not in health.headers  # under COMPRESS_MIN_SIZE: gzip would not pay


def test_brotli_when_accepted_for_html_json_geojson_and_csv(app, client, build):
    """Every kind of answer a phone downloads travels compressed: brotli where the answer is made per request
    (pages, API JSON, boundary GeoJSON), gzip for the prebuilt export files (CSV, GeoJSON) and markers."""
    import brotli

    world = public_world(app, build)
    accept = {"Accept-Encoding": "gzip, deflate, br"}
    for url in ("/map", f"/factories/{world['behind']}"):
        r = client.get(url, headers=accept)
        assert r.status_code == 200 and r.headers["Content-Encoding"] == "br", url
        assert brotli.decompress(r.get_data()).startswith(b"<!doctype html>"), url
    for url in ("/api/v1/factories", "/map/geo/districts.geojson"):
        r = client.get(url, headers=accept)
        assert r.status_code == 200 and r.headers["Content-Encoding"] == "br", url
        assert brotli.decompress(r.get_data()) == client.get(url).get_data(), url
    for url, start in (("/exports/factories.csv", b"id,"), ("/exports/factories.geojson", b"{"),
                       ("/exports/findings.csv", b"")):
        r = client.get(url, headers=accept)
        assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip", url
        assert gzip.decompress(r.get_data()).startswith(start), url
    assert client.get("/exports/factories.csv", headers=accept).mimetype == "text/csv"

