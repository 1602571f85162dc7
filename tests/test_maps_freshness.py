"""A verified fix shows on the public pages at once, not after the map cache expires."""
import datetime as dt

from factorysafe.db import db


def test_verified_fix_updates_public_status_immediately(app, client, auth, build):
    from factorysafe.actions.models import CorrectiveAction

    today = dt.date.today()
    factory = build.factory(name="Fresh Status Ltd")
    build.user("engineer", email="eng@example.test")
    insp = build.inspection(factory, inspected_on=today - dt.timedelta(days=90))
    f = build.finding(insp, "fire", "high", status="pending_verification", deadline=today - dt.timedelta(days=5),
                      reported_fixed_on=today - dt.timedelta(days=7), fix_note="Door installed.")
    before = client.get(f"/api/v1/factories/{factory.id}").get_json()
    assert before["cap_status"] == "behind_schedule"
    assert "Fresh Status Ltd" in client.get("/map").get_data(as_text=True)  # the cached data set is warm now

    auth.login("eng@example.test")
    with app.app_context():
        version = db.session.get(CorrectiveAction, f.action_id).version
    r = client.post(f"/actions/{f.action_id}/verify", data={"verify-verified_on": today.isoformat(), "verify-version": version})
    assert r.status_code == 302
    after = client.get(f"/api/v1/factories/{factory.id}").get_json()
    assert after["cap_status"] == "initial_cap_completed"
    page = client.get(f"/factories/{factory.id}").get_data(as_text=True)
    assert "Initial CAP completed" in page


def test_markers_follow_a_change_and_reencode_only_the_changed_factory(app, client, auth, build):
    """After a verified fix the markers show the factory's new status; the other factories' encoded markers are
    kept from before (the data set carries them while their rows are unchanged)."""
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.actions.rules import HeadlineStatus
    from factorysafe.state import state
    from helpers_maps import marker_rows

    today = dt.date.today()
    build.user("engineer", email="eng@example.test")
    changing = build.factory(name="Changing Ltd", latitude=23.9, longitude=90.4)
    steady = build.factory(name="Steady Ltd", latitude=24.0, longitude=90.3)
    insp = build.inspection(changing, inspected_on=today - dt.timedelta(days=90))
    f = build.finding(insp, "fire", "high", status="pending_verification", deadline=today - dt.timedelta(days=5),
                      reported_fixed_on=today - dt.timedelta(days=7), fix_note="Door installed.")
    build.finding(build.inspection(steady, inspected_on=today - dt.timedelta(days=80)), "electrical", "high",
                  deadline=today - dt.timedelta(days=3))
    before = {row[2]: row for row in marker_rows(client)}
    kept = dict(state(app).map_data["data"].markers)
    assert set(kept) == {changing.id, steady.id}

    auth.login("eng@example.test")
    with app.app_context():
        version = db.session.get(CorrectiveAction, f.action_id).version
    r = client.post(f"/actions/{f.action_id}/verify", data={"verify-verified_on": today.isoformat(), "verify-version": version})
    assert r.status_code == 302
    auth.logout()

    after = {row[2]: row for row in marker_rows(client)}
    statuses = [s.value for s in HeadlineStatus]  # markers carry the headline status (CAP status or worse)
    assert statuses[before[changing.id][4]] == "behind_schedule"
    assert statuses[after[changing.id][4]] == "initial_cap_completed"
    assert after[steady.id] == before[steady.id]
    markers = state(app).map_data["data"].markers
    assert markers[steady.id] is kept[steady.id]  # not encoded again
    assert markers[changing.id] is not kept[changing.id]


def test_a_new_day_patches_the_public_data_set_instead_of_rebuilding_it(app, build, monkeypatch):
    """At midnight a deadline passes: the factories concerned are recomputed and the data set patched with them;
    no worker rebuilds the whole data set (20,000 factories: about a second) on its first request of the day."""
    import pytest

    from factorysafe.actions.rules import CapStatus
    from factorysafe.maps import services

    today = dt.date.today()
    late = build.factory(name="Due Today Ltd")
    build.finding(build.inspection(late, inspected_on=today - dt.timedelta(days=60)), "fire", "high", deadline=today)
    steady = build.factory(name="Far Off Ltd")
    build.finding(build.inspection(steady, inspected_on=today - dt.timedelta(days=60)), "fire", "high",
                  deadline=today + dt.timedelta(days=90))
    with app.app_context():
        data = services.public_data(today)
        assert data.by_id[late.id]["overdue_total"] == 0 and data.by_id[late.id]["cap_status"] == CapStatus.ON_TRACK
        monkeypatch.setattr(services, "build_public_data", lambda *a, **k: pytest.fail("the data set was rebuilt"))
        tomorrow = services.public_data(today + dt.timedelta(days=1))
        assert tomorrow.today == today + dt.timedelta(days=1)
        assert tomorrow.by_id[late.id]["overdue_total"] == 1
        assert tomorrow.by_id[late.id]["cap_status"] == CapStatus.BEHIND_SCHEDULE
        assert tomorrow.by_id[steady.id] == data.by_id[steady.id]
