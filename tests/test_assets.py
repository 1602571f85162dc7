"""Static files and the map's boundary files: content-hashed URLs cached for a year, compressed once, and
revalidated when asked for without (or with an old) hash."""
import gzip
import hashlib
import json
import re
from pathlib import Path

import brotli
import pytest

from factorysafe.maps import geo
from helpers_maps import public_world

STATIC = Path(__file__).resolve().parents[1] / "factorysafe" / "static"
YEAR = "public, max-age=31536000, immutable"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def test_pages_link_static_files_by_content_hash(app, client, build):
    public_world(app, build)
    html = client.get("/map").get_data(as_text=True)
    links = re.findall(r'(?:src|href)="/static/([^"?]+)\?v=([0-9a-f]{12})"', html)
    files = {name for name, _ in links}
    assert {"vendor/leaflet/leaflet.js", "vendor/pico/pico.min.css", "css/app.css", "css/maps.css",
            "js/maps.js"} <= files
    for name, version in links:
        assert version == digest(STATIC / name), name
    assert not re.findall(r'(?:src|href)="/static/(?!vendor/noto-sans-bengali/)[^"?]+"', html)  # none unversioned


def test_a_versioned_file_is_cached_a_year_and_an_unversioned_one_revalidated(client):
    js = STATIC / "vendor/leaflet/leaflet.js"
    current = client.get(f"/static/vendor/leaflet/leaflet.js?v={digest(js)}")
    assert current.status_code == 200 and current.headers["Cache-Control"] == YEAR
    assert current.get_data() == js.read_bytes()
    for url in ("/static/vendor/leaflet/leaflet.js", "/static/vendor/leaflet/leaflet.js?v=000000000000"):
        r = client.get(url)
        assert r.status_code == 200 and r.headers["Cache-Control"] == "public, no-cache", url
    again = client.get("/static/vendor/leaflet/leaflet.js", headers={"If-None-Match": current.headers["ETag"]})
    assert again.status_code == 304


def test_static_text_is_sent_brotli_or_gzip_compressed_as_accepted(client):
    raw = (STATIC / "vendor/leaflet/leaflet.js").read_bytes()
    br = client.get("/static/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.get_data()) == raw
    assert len(br.get_data()) < len(raw) / 3
    gz = client.get("/static/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.get_data()) == raw
    assert "Accept-Encoding" in gz.headers["Vary"] and gz.headers["ETag"] != br.headers["ETag"]
    font = client.get("/static/vendor/noto-sans-bengali/noto-sans-bengali-bengali-400-normal.woff2",
                      headers={"Accept-Encoding": "gzip, br"})
    assert font.status_code == 200 and "Content-Encoding" not in font.headers  # woff2 is compressed already


def test_static_paths_outside_the_folder_or_missing_are_404(client):
    for url in ("/static/../config.py", "/static/%2e%2e/config.py", "/static/nope.js", "/static/css"):
        assert client.get(url).status_code == 404, url


def test_boundaries_are_cached_static_geojson_not_inline_in_the_map(app, client, build):
    public_world(app, build)
    html = client.get("/map").get_data(as_text=True)
    assert '"coordinates"' not in html and "MultiPolygon" not in html  # no polygon in the page
    i18n = json.loads(re.search(r'id="map-i18n">(.*?)</script>', html, re.S).group(1))
    for name, path in geo.LAYER_FILES.items():
        url = i18n["layers"][name]
        assert url == f"/map/geo/{name}.geojson?v={digest(path)}"
        r = client.get(url, headers={"Accept-Encoding": "br"})
        assert r.status_code == 200 and r.mimetype == "application/geo+json"
        assert r.headers["Cache-Control"] == YEAR and r.headers["Content-Encoding"] == "br"
        data = json.loads(brotli.decompress(r.get_data()))
        assert data["type"] == "FeatureCollection" and len(data["features"]) in (64, 507)
        assert len(r.get_data()) < path.stat().st_size / 4
    assert i18n["districtStats"] == {"Chittagong": [1, 0], "Dhaka": [1, 0], "Gazipur": [1, 1],
                                     "Narayanganj": [1, 0]}  # the per-render figures travel apart from the shapes
    assert client.get("/map/geo/districts.geojson").headers["Cache-Control"] == "public, no-cache"
    assert client.get("/map/geo/secrets.geojson").status_code == 404
