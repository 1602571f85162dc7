"""The engineers' verification queue: one query (filters, order, flagged evidence), its page (flags shown
as on inspections, "verify and next" keeping the filters, refusals), and the one "Corrected" badge."""
from __future__ import annotations

import datetime as dt
import io
import re

from factorysafe.db import db
from helpers_actions import World, action_row, version_of
from helpers_photos import jpeg

SITE = (23.89, 90.40)  # Build.factory's default position
FAR = (23.89 + 1.9 / 111.195, 90.40)  # 1.9 km north of it


def _report(app, action_id, owner_id, on: dt.date, photos=()):
    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User

    with app.app_context():
        a = db.session.get(CorrectiveAction, action_id)
        services.report_fix(a, f"Fixed on {on}.", [(io.BytesIO(p), "fix.jpg") for p in photos],
                            by=db.session.get(User, owner_id), today=on, version=a.version)
        db.session.commit()


def _queue_world(build):
    """Three fixes pending verification: F-1 (reported 2025-02-01, its photo taken 1.9 km away), E-1
    (2025-02-05, photo on site), and F-1 of the other factory (2025-02-03, no photo); one in progress."""
    w = World(build)
    app = build.app
    w.elec = build.finding(w.inspection, discipline="electrical", severity="medium", deadline=dt.date(2025, 3, 1),
                           hazard_code=None, observation="Open junction box.")
    other_insp = build.inspection(w.other_factory, engineer=w.engineer)
    w.other = build.finding(other_insp, deadline=dt.date(2025, 3, 1))
    w.idle = build.finding(w.inspection, discipline="structural", severity="low", deadline=dt.date(2025, 9, 1),
                           hazard_code=None, observation="Hairline crack.")
    _report(app, w.action_id, w.owner.id, dt.date(2025, 2, 1),
            [jpeg(gps=FAR, taken=dt.datetime(2025, 2, 1, 10, 0), seed=3)])
    _report(app, w.elec.action_id, w.owner.id, dt.date(2025, 2, 5),
            [jpeg(gps=SITE, taken=dt.datetime(2025, 2, 5, 9, 0), seed=4)])
    _report(app, w.other.action_id, w.other_owner.id, dt.date(2025, 2, 3))
    return w


def test_queue_query_filters_and_order(app, build):
    from factorysafe.actions.queries import verification_queue

    w = _queue_world(build)
    with app.app_context():
        ids = lambda **kw: [a.id for a in verification_queue(**kw)]  # noqa: E731
        assert ids() == [w.action_id, w.other.action_id, w.elec.action_id]  # oldest report first
        assert ids(newest_first=True) == [w.elec.action_id, w.other.action_id, w.action_id]
        assert ids(factory_id=w.factory.id) == [w.action_id, w.elec.action_id]
        assert ids(discipline="electrical") == [w.elec.action_id]
        assert ids(reported_since=dt.date(2025, 2, 3)) == [w.other.action_id, w.elec.action_id]
        assert ids(flagged=True) == [w.action_id]
        assert ids(factory_ids=[w.other_factory.id], flagged=True) == []
        assert ids(limit=1, newest_first=True) == [w.elec.action_id]
        assert w.idle.action_id not in ids()


def test_owner_evidence_is_flagged_on_the_verify_pages(app, client, auth, build):
    """The 1.9 km photo: flagged at ingest (factory and report day) and shown as flagged, with the distance,
    on the queue and on the action page an engineer verifies from; owners see no flags."""
    from factorysafe.inspections.models import Photo

    w = _queue_world(build)
    with app.app_context():
        far = db.session.query(Photo).filter_by(action_id=w.action_id).one()
        near = db.session.query(Photo).filter_by(action_id=w.elec.action_id).one()
        assert (far.far_from_factory, far.far_from_date) == (True, False)
        assert (near.far_from_factory, near.far_from_date) == (False, False)
    auth.login("engineer@example.test")
    queue = client.get(f"/actions/verify?item={w.action_id}").get_data(as_text=True)
    assert "Far from factory: 1.9 km" in queue
    assert f'/photos/{far.id}/web' in queue and f'/photos/{far.id}/original' in queue
    detail = client.get(f"/actions/{w.action_id}").get_data(as_text=True)
    assert "Far from factory: 1.9 km" in detail
    assert "Far from factory" not in client.get(f"/actions/{w.elec.action_id}").get_data(as_text=True)
    flagged = client.get("/actions/verify?flagged=y").get_data(as_text=True)
    assert flagged.count('href="/actions/verify?') >= 1 and "Open junction box." not in flagged
    auth.logout()
    auth.login("owner@example.test")
    assert "Far from factory" not in client.get(f"/actions/{w.action_id}").get_data(as_text=True)


def _listed(html: str) -> list[str]:
    body = html.split('id="queue-list"', 1)[1]
    return re.findall(r'item=(\d+)', body)


def test_queue_page_filters_order_and_verify_and_next(app, client, auth, build):
    w = _queue_world(build)
    auth.login("engineer@example.test")
    page = client.get("/actions/verify").get_data(as_text=True)
    assert _listed(page) == [str(w.elec.action_id), str(w.other.action_id), str(w.action_id)]  # newest first
    assert f'data-action-id="{w.elec.action_id}"' in page  # the first item is open
    page = client.get("/actions/verify?order=oldest").get_data(as_text=True)
    assert _listed(page) == [str(w.action_id), str(w.other.action_id), str(w.elec.action_id)]
    page = client.get(f"/actions/verify?factory={w.factory.id}&since=2025-02-02").get_data(as_text=True)
    assert _listed(page) == [str(w.elec.action_id)]

    # verify the first item of factory 1's queue (oldest first): the next of the same queue opens, filters kept
    query = f"factory={w.factory.id}&order=oldest"
    v = version_of(app, w.action_id)
    r = client.post(f"/actions/verify/{w.action_id}/verify?{query}", data={
        "verify-verified_on": "2025-02-10", "verify-note": "Seen on site.", "verify-version": str(v)})
    assert r.status_code == 302
    assert r.location == f"/actions/verify?factory={w.factory.id}&order=oldest&item={w.elec.action_id}"
    assert action_row(app, w.action_id)["status"].value == "corrected"
    page = client.get(r.location).get_data(as_text=True)
    assert "F-1 · Rahman Knitwear Ltd verified" in page and f'data-action-id="{w.elec.action_id}"' in page
    assert _listed(page) == [str(w.elec.action_id)]

    # reject needs a reason: 400, the page again with the item, nothing changed
    v = version_of(app, w.elec.action_id)
    r = client.post(f"/actions/verify/{w.elec.action_id}/reject?{query}",
                    data={"reject-reason": "  ", "reject-version": str(v)})
    assert r.status_code == 400 and f'data-action-id="{w.elec.action_id}"' in r.get_data(as_text=True)
    assert action_row(app, w.elec.action_id)["status"].value == "pending_verification"
    # a stale version: 409, typed reason kept
    r = client.post(f"/actions/verify/{w.elec.action_id}/reject?{query}",
                    data={"reject-reason": "Box still open.", "reject-version": str(v - 1)})
    assert r.status_code == 409 and "Box still open." in r.get_data(as_text=True)
    r = client.post(f"/actions/verify/{w.elec.action_id}/reject?{query}",
                    data={"reject-reason": "Box still open.", "reject-version": str(v)})
    assert r.status_code == 302 and r.location == f"/actions/verify?factory={w.factory.id}&order=oldest"
    assert action_row(app, w.elec.action_id)["status"].value == "in_progress"
    assert 'id="queue-empty"' in client.get(r.location).get_data(as_text=True)
    # a verification date in the future is refused by the service (422-style refusal), nothing changed
    v = version_of(app, w.other.action_id)
    r = client.post(f"/actions/verify/{w.other.action_id}/verify", data={
        "verify-verified_on": "2999-01-01", "verify-version": str(v)})
    assert r.status_code >= 400 and action_row(app, w.other.action_id)["status"].value == "pending_verification"


def test_queue_refuses_owners_and_visitors(app, client, auth, build):
    w = _queue_world(build)
    v = version_of(app, w.action_id)
    data = {"verify-verified_on": "2025-02-10", "verify-version": str(v)}
    r = client.get("/actions/verify")
    assert r.status_code in (302, 401) and "Rahman" not in r.get_data(as_text=True)
    assert client.post(f"/actions/verify/{w.action_id}/verify", data=data).status_code in (302, 401)
    auth.login("owner@example.test")
    assert client.get("/actions/verify").status_code == 403
    assert client.post(f"/actions/verify/{w.action_id}/verify", data=data).status_code == 403
    assert action_row(app, w.action_id)["status"].value == "pending_verification"


def test_bad_filter_values_are_dropped_not_500(app, client, auth, build):
    _queue_world(build)
    auth.login("engineer@example.test")
    r = client.get("/actions/verify?factory=99999&discipline=water&since=2025-13-45&order=sideways")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "Unknown filter values were ignored" in page and len(_listed(page)) == 3


def test_corrected_action_shows_one_badge(app, client, auth, build):
    w = _queue_world(build)
    auth.login("engineer@example.test")
    v = version_of(app, w.action_id)
    client.post(f"/actions/{w.action_id}/verify", data={"verify-verified_on": "2025-02-10", "verify-version": str(v)})
    page = client.get(f"/actions/{w.action_id}").get_data(as_text=True)
    status = page.split('class="action-status"', 1)[1].split("</p>", 1)[0]
    assert status.count("Corrected") == 1 and "badge-done" not in status
    cap = client.get(f"/manage/factories/{w.factory.id}/cap").get_data(as_text=True)
    assert "badge-done" not in cap and cap.count("badge-corrected\">Corrected<") == 1
