"""The public data set built by grouped SQL counts agrees with counting the published rows one by one, and the map
renders factory names literally (folium's parts are not compiled again as Jinja templates)."""
import datetime as dt
import json

import sqlalchemy as sa

from factorysafe.actions.models import ActionStatus, CorrectiveAction
from factorysafe.actions.queries import factory_summaries
from factorysafe.actions.rules import is_overdue
from factorysafe.db import db
from factorysafe.policy import PUBLIC_STATES
from factorysafe.inspections.models import Discipline, Finding, Inspection, InspectionState

TODAY = dt.date(2026, 11, 25)


def test_public_data_counts_agree_with_the_published_rows_one_by_one(app):
    from factorysafe.demo import seed_demo
    from factorysafe.maps import services

    with app.app_context():
        seed_demo(30, 25, seed=5, today=TODAY, with_photos=False)
        db.session.commit()
        data = services.build_public_data(TODAY)
        published = set(db.session.scalars(
            sa.select(Inspection.factory_id).where(Inspection.state == InspectionState.PUBLISHED)))
        assert {r["id"] for r in data.factories} == published
        assert [r["name"] for r in data.factories] == sorted(r["name"] for r in data.factories)
        summaries = factory_summaries(TODAY, states=PUBLIC_STATES)
        rows = db.session.execute(
            sa.select(Finding.factory_id, Finding.discipline, Finding.immediate_danger, Finding.origin,
                      CorrectiveAction.status, CorrectiveAction.deadline)
            .join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id)
            .join(Inspection, Inspection.id == Finding.inspection_id)
            .where(Inspection.state == InspectionState.PUBLISHED)
        ).all()
        seen_danger = seen_overdue = False
        for r in data.factories:
            mine = [x for x in rows if x.factory_id == r["id"]]
            for d in Discipline:
                items = [x for x in mine if x.discipline == d]
                assert r["open"][d.value] == sum(x.status != ActionStatus.CORRECTED for x in items)
                assert r["overdue"][d.value] == sum(is_overdue(x.status, x.deadline, TODAY) for x in items)
            danger = any(x.immediate_danger and x.status != ActionStatus.CORRECTED for x in mine)
            assert r["immediate_danger"] == (danger or r["evacuation"] is not None)
            new = [x for x in mine if x.origin.value == "new"]
            assert r["new_findings"] == {
                "total": len(new), "corrected": sum(x.status == ActionStatus.CORRECTED for x in new),
                "pending": sum(x.status == ActionStatus.PENDING_VERIFICATION for x in new),
                "overdue": sum(is_overdue(x.status, x.deadline, TODAY) for x in new)}
            s = summaries[r["id"]]
            assert r["cap_status"] == s["cap_status"]
            assert r["progress"] == {k: (round(v, 4) if v is not None else None) for k, v in s["progress"].items()}
            assert r["overdue_total"] == s["overdue"] and r["open_total"] == s["open"]
            seen_danger |= danger
            seen_overdue |= r["overdue_total"] > 0
        assert seen_overdue and len({r["cap_status"] for r in data.factories}) >= 2
        # the same factory computed alone gives the same row
        one = data.factories[len(data.factories) // 2]
        assert services.build_public_data(TODAY, [one["id"]]).by_id[one["id"]] == one


def test_factory_names_with_template_syntax_reach_the_map_literally(app, client, build):
    weird = "{{ 7 * 7 }} {% raw %} Knit Ltd"
    factory = build.factory(name=weird, latitude=23.9, longitude=90.4)
    inspection = build.inspection(factory, inspected_on=dt.date.today() - dt.timedelta(days=5))
    build.finding(inspection, "fire", "high", deadline=dt.date.today() - dt.timedelta(days=1))
    html = client.get("/map").get_data(as_text=True)
    assert weird in html  # the list under the map, escaped by Jinja, not evaluated
    data = json.loads(client.get("/map/markers.json").get_data(as_text=True))["rows"]
    assert [row[3] for row in data] == [weird]
    assert "49 " not in html


def test_district_join_remembers_points_and_follows_a_moved_factory(app):
    from factorysafe.maps import geo

    with app.app_context():  # the remembered points are the app's (app.extensions["factorysafe"].geo)
        rows = [{"id": 1, "latitude": 24.0, "longitude": 90.42}, {"id": 2, "latitude": 10.0, "longitude": 10.0}]
        assert geo.join_districts(rows) == {1: "Gazipur"}
        assert geo.join_districts(rows) == {1: "Gazipur"}  # answered from the remembered points
        moved = [{"id": 1, "latitude": 22.34, "longitude": 91.83}, {"id": 2, "latitude": 23.86, "longitude": 90.27}]
        assert geo.join_districts(moved) == {1: "Chittagong", 2: "Dhaka"}
        assert geo.join_districts(rows + [{"id": 3, "latitude": 23.86, "longitude": 90.27}]) == {1: "Gazipur", 3: "Dhaka"}
