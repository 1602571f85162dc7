"""Open data: CSV and GeoJSON exports read back, the JSON API and its OpenAPI 3.1 document."""
import csv
import io

import geopandas as gpd
import jsonschema
import pytest
from openapi_spec_validator import validate

from helpers_maps import public_world

PUBLIC = {"Gazipur Behind Ltd", "Dhaka Ontrack Knit Ltd", "Narayanganj Done Apparels Ltd",
          "Chittagong Danger Denim Ltd"}
STATUSES = {"cap_pending", "on_track", "behind_schedule", "initial_cap_completed", "ineligible"}


@pytest.fixture
def world(app, build):
    return public_world(app, build)


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def check(spec, schema_name, answer):
    """Validate an answer against a component schema of the OpenAPI document (JSON Schema 2020-12)."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(answer)


def test_openapi_document_is_valid(spec):
    validate(spec)
    assert set(spec["paths"]) == {"/api/v1/factories", "/api/v1/factories/{factory_id}", "/api/v1/findings",
                                  "/api/v1/audit/head", "/api/v1/complaints"}


def test_factories_api_answers_match_the_schema(client, world, spec):
    answer = client.get("/api/v1/factories").get_json()
    check(spec, "FactoryPage", answer)
    assert "next" not in answer and "total" not in answer and answer["limit"] == 100  # one page: no next
    assert {i["name"] for i in answer["items"]} == PUBLIC
    behind = next(i for i in answer["items"] if i["name"] == "Gazipur Behind Ltd")
    assert behind["cap_status"] == "behind_schedule" and behind["cap_status_label"] == "Behind schedule"
    assert behind["district"] == "Gazipur" and behind["latitude"] == 24.0 and behind["longitude"] == 90.42
    assert behind["progress"]["structural"] == 1.0 and behind["progress"]["fire"] == 0.0
    assert behind["progress"]["boiler"] is None
    assert behind["overdue_actions"]["fire"] == 1 and behind["open_actions"]["total"] == 2
    assert {i["cap_status"] for i in answer["items"]} <= STATUSES
    detail = client.get(f"/api/v1/factories/{world['behind']}").get_json()
    check(spec, "FactoryDetail", detail)
    assert [i["id"] for i in detail["inspections"]] == [world["published_inspection"]]
    assert detail["workers"] == 2300


def test_factories_api_filters_and_pages(client, world):
    def names(query):
        return {i["name"] for i in client.get("/api/v1/factories" + query).get_json()["items"]}

    assert names("?district=Gazipur&cap_status=behind_schedule") == {"Gazipur Behind Ltd"}
    assert names("?cap_status=initial_cap_completed") == {"Narayanganj Done Apparels Ltd"}
    assert names("?discipline=fire") == {"Gazipur Behind Ltd"}
    assert names("?q=denim") == {"Chittagong Danger Denim Ltd"}
    assert names("?immediate_danger=true") == {"Chittagong Danger Denim Ltd"}
    first = client.get("/api/v1/factories?limit=3").get_json()
    assert first["next"].startswith("http://localhost/api/v1/factories?")
    second = client.get(first["next"]).get_json()
    assert len(first["items"]) == 3 and len(second["items"]) == 1 and "next" not in second
    assert {i["name"] for i in first["items"] + second["items"]} == PUBLIC
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert ids == sorted(ids)
    assert [i["id"] for i in client.get("/api/v1/factories?per_page=3").get_json()["items"]] == ids[:3]


@pytest.mark.parametrize("query", ["?per_page=501", "?per_page=0", "?limit=501", "?limit=0", "?limit=x", "?page=0",
                                   "?page=x", "?page=2", "?cap_status=unsafe", "?discipline=water",
                                   "?immediate_danger=maybe", "?after=garbage", "?cursor=%%%", "?after=eyJrIjoxfQ",
                                   "?after=eyJrIjoiZmluZGluZ3MiLCJpZCI6MX0"])
def test_factories_api_refuses_bad_parameters_with_json(client, world, spec, query):
    r = client.get("/api/v1/factories" + query)
    assert r.status_code == 400 and r.is_json
    check(spec, "Error", r.get_json())


def test_unpublished_factory_is_404_in_the_api(client, world, spec):
    r = client.get(f"/api/v1/factories/{world['hidden']}")
    assert r.status_code == 404 and r.is_json
    check(spec, "Error", r.get_json())


def test_findings_api_filters_and_matches_the_schema(client, world, spec):
    answer = client.get(f"/api/v1/findings?factory_id={world['behind']}").get_json()
    check(spec, "FindingPage", answer)
    assert len(answer["items"]) == 3 and "next" not in answer  # the draft and submitted follow-ups are not public
    assert {i["finding_id"] for i in answer["items"]} == {world["overdue_finding"], world["reported_finding"],
                                                        world["verified_finding"]}
    overdue = client.get("/api/v1/findings?overdue=true").get_json()
    assert [i["finding_id"] for i in overdue["items"]] == [world["overdue_finding"]]
    assert overdue["items"][0]["extensions_approved"] == 1
    assert len(client.get("/api/v1/findings?status=pending_verification").get_json()["items"]) == 1
    assert len(client.get("/api/v1/findings?discipline=boiler").get_json()["items"]) == 1
    everything = client.get("/api/v1/findings").get_json()["items"]
    page = client.get("/api/v1/findings?limit=2").get_json()
    check(spec, "FindingPage", page)
    page = client.get(client.get(page["next"]).get_json()["next"]).get_json()
    assert page["items"] == everything[4:6] and "next" not in page
    assert client.get("/api/v1/findings?status=fixed").status_code == 400


def test_factories_csv_reads_back(client, world):
    r = client.get("/exports/factories.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert {row["name"] for row in rows} == PUBLIC
    behind = next(row for row in rows if row["name"] == "Gazipur Behind Ltd")
    assert behind["cap_status"] == "behind_schedule" and behind["overdue_fire"] == "1"
    assert behind["shared_building"] == "true" and behind["boundary_district"] == "Gazipur"
    assert float(behind["latitude"]) == 24.0


def test_findings_csv_reads_back(client, world):
    r = client.get("/exports/findings.csv")
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert len(rows) == 6
    assert world["draft_finding"] not in {int(row["finding_id"]) for row in rows}
    overdue = next(row for row in rows if int(row["finding_id"]) == world["overdue_finding"])
    assert overdue["overdue"] == "true" and overdue["status"] == "in_progress" and overdue["discipline"] == "fire"


def test_geojson_export_reads_back_with_geopandas(client, world, tmp_path):
    r = client.get("/exports/factories.geojson")
    assert r.status_code == 200
    path = tmp_path / "factories.geojson"
    path.write_bytes(r.get_data())
    gdf = gpd.read_file(path)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == 4 and set(gdf["name"]) == PUBLIC
    assert gdf.geometry.is_valid.all() and (gdf.geom_type == "Point").all()
    behind = gdf[gdf["name"] == "Gazipur Behind Ltd"].iloc[0]
    assert (behind.geometry.x, behind.geometry.y) == (90.42, 24.0)
    assert behind["cap_status"] == "behind_schedule"


def test_open_data_page_documents_every_column(client, world):
    from factorysafe.maps.exports import FACTORY_COLUMNS, FINDING_COLUMNS

    html = client.get("/open-data").get_data(as_text=True)
    csv_header = client.get("/exports/factories.csv").get_data(as_text=True).splitlines()[0].split(",")
    assert csv_header == [c for c, _ in FACTORY_COLUMNS]
    findings_header = client.get("/exports/findings.csv").get_data(as_text=True).splitlines()[0].split(",")
    assert findings_header == [c for c, _ in FINDING_COLUMNS]
    for column in csv_header + findings_header:
        assert f"<code>{column}</code>" in html, column
