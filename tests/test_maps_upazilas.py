"""Upazilas (thanas): the boundary file built from the offline data set, and factories placed in them by
point-in-polygon."""
import json

import pytest
import sqlalchemy as sa
from shapely.geometry import Point, shape

from factorysafe.db import db
from factorysafe.maps import geo


@pytest.fixture(scope="module")
def upazila_file():
    return json.loads(geo.UPAZILAS_FILE.read_text(encoding="utf-8"))


def test_the_upazila_file_names_every_upazila_in_english_and_bangla(upazila_file):
    features = upazila_file["features"]
    assert len(features) == 507
    districts = json.loads(geo.DISTRICTS_FILE.read_text(encoding="utf-8"))
    known = {f["properties"]["ADM2_EN"] for f in districts["features"]}
    for f in features:
        p = f["properties"]
        assert p["name_en"] and p["district"] in known, p
        assert p["name_bn"] and all("\u0980" <= c <= "\u09ff" or c in " ()-\u200c\u200d" for c in p["name_bn"]), p
    savar = next(f["properties"] for f in features if f["properties"]["name_en"] == "Savar")
    assert savar["name_bn"] == "সাভার" and savar["district"] == "Dhaka"


def test_label_points_lie_inside_their_polygons(upazila_file):
    districts = json.loads(geo.DISTRICTS_FILE.read_text(encoding="utf-8"))
    for f in upazila_file["features"] + districts["features"]:
        p = f["properties"]
        assert shape(f["geometry"]).buffer(0.002).contains(Point(p["label_lon"], p["label_lat"])), p


def test_points_are_assigned_to_the_upazila_that_holds_them(app):
    rows = [{"id": 1, "latitude": 23.858, "longitude": 90.266},  # Savar town
            {"id": 2, "latitude": 22.33, "longitude": 91.83},  # Chattogram city
            {"id": 3, "latitude": 21.0, "longitude": 90.5},  # Bay of Bengal
            {"id": 4, "latitude": None, "longitude": None}]
    with app.app_context():
        found = geo.join_upazilas(rows)
    assert found == {1: "Savar", 2: "Chattogram City Corporation"}


def test_the_command_fills_only_empty_upazilas_and_audits_each(app, build, runner):
    from factorysafe.audit import AuditEvent
    from factorysafe.factories.models import Factory

    empty = build.factory(upazila="", latitude=23.858, longitude=90.266)
    typed = build.factory(upazila="Ashulia", latitude=23.858, longitude=90.266)
    offshore = build.factory(upazila="", latitude=21.0, longitude=90.5)
    result = runner.invoke(args=["assign-upazilas"])
    assert result.exit_code == 0, result.output
    assert "filled for 1 factories; 1 lie outside" in result.output
    with app.app_context():
        got = {f.id: f.upazila for f in db.session.scalars(sa.select(Factory))}
        assert got == {empty.id: "Savar", typed.id: "Ashulia", offshore.id: ""}
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.verb == "update_factory")).all()
        assert [e.subject_id for e in events] == [empty.id]
    again = runner.invoke(args=["assign-upazilas"])
    assert "filled for 0 factories" in again.output  # nothing left to fill: idempotent
