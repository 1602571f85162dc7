"""Edge cases: no public factory yet, a factory without coordinates."""
import csv
import io

from helpers_maps import marker_rows, public_world


def test_map_and_exports_work_with_no_public_factory(client):
    html = client.get("/map").get_data(as_text=True)
    assert "Showing 0 of 0 factories" in html and marker_rows(client) == []
    assert client.get("/api/v1/factories").get_json() == {"items": [], "limit": 100}
    assert client.get("/exports/factories.csv").get_data(as_text=True).count("\n") == 1
    assert client.get("/exports/factories.geojson").get_json()["features"] == []


def test_factory_without_coordinates_is_listed_but_not_mapped(app, client, build):
    public_world(app, build)
    nowhere = build.factory(name="Unmapped Sweaters Ltd", latitude=None, longitude=None)
    build.finding(build.inspection(nowhere), "fire", "low")
    html = client.get("/map").get_data(as_text=True)
    assert "Showing 5 of 5 factories" in html  # listed and counted...
    names = {row[3] for row in marker_rows(client)}
    assert "Unmapped Sweaters Ltd" not in names and len(names) == 4  # ...but no marker
    page = client.get(f"/factories/{nowhere.id}").get_data(as_text=True)
    assert "Unmapped Sweaters Ltd" in page and 'id="factory-map"' not in page
    rows = list(csv.DictReader(io.StringIO(client.get("/exports/factories.csv").get_data(as_text=True))))
    assert next(r for r in rows if r["name"] == "Unmapped Sweaters Ltd")["latitude"] == ""
    features = client.get("/exports/factories.geojson").get_json()["features"]
    assert "Unmapped Sweaters Ltd" not in {f["properties"]["name"] for f in features} and len(features) == 4
    item = client.get(f"/api/v1/factories/{nowhere.id}").get_json()
    assert item["latitude"] is None and item["district"] == "Gazipur"
