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
