"""Owners never see, count or touch findings of draft inspections, anywhere (``factorysafe.policy``).

The routes are taken from the app's URL map: a route whose arguments this test cannot fill fails it,
so a new route has to be thought about here.
"""
from __future__ import annotations

import datetime as dt
import gzip
import re

import pytest
import sqlalchemy as sa

from tests.helpers_reports import add_photo, pdf_text

SECRET = "Draft-only observation QX7"
TODAY = dt.date.today()


@pytest.fixture
def world(app, build):
    factory = build.factory(name="Owned Apparels Ltd")
    published = build.inspection(factory, state="published", inspected_on=TODAY - dt.timedelta(days=200))
    build.finding(published, status="in_progress", deadline=TODAY + dt.timedelta(days=30))
    draft = build.inspection(factory, state="draft", inspected_on=TODAY - dt.timedelta(days=3))
    secret = build.finding(draft, discipline="electrical", severity="priority_1", hazard_code=None,
                           status="pending_verification", deadline=TODAY - dt.timedelta(days=1),
                           observation=SECRET, planned_action="", reported_fixed_on=TODAY - dt.timedelta(days=2))
    photo = add_photo(app, secret.id, caption=SECRET)
    from factorysafe.actions.models import DeadlineExtension
    from factorysafe.db import db

    with app.app_context():
        ext = DeadlineExtension(action_id=secret.action_id, requested_by_id=None, reason="r",
                                previous_deadline=TODAY, requested_deadline=TODAY + dt.timedelta(days=9))
        db.session.add(ext)
        db.session.commit()
        ext_id = ext.id
    owner = build.user("owner", factories=[factory])
    complaint_id = _complaint_linked_to(app, factory.id, secret.id)
    return {"factory": factory, "draft": draft, "secret": secret, "photo": photo, "extension": ext_id,
            "owner": owner, "published": published, "complaint": complaint_id}


def _complaint_linked_to(app, factory_id: int, finding_id: int) -> int:
    """A worker's complaint about the factory, which an engineer linked to the draft's finding."""
    from factorysafe.auth.models import User
    from factorysafe.complaints import services
    from factorysafe.db import db
    from factorysafe.factories.models import Factory
    from factorysafe.inspections.models import Finding

    with app.test_request_context():
        engineer = User(email="drafts.engineer@example.test", role="engineer", password_hash="x")
        db.session.add(engineer)
        complaint, _code = services.submit(category="wiring", description="Sparks near the cutting table.",
                                           today=TODAY, factory=db.session.get(Factory, factory_id))
        services.link_findings(complaint, [db.session.get(Finding, finding_id)], by=engineer)
        db.session.commit()
        return complaint.id


def _fill(rule, w) -> dict | None:
    from factorysafe.complaints.rules import factory_code

    values = {"action_id": w["secret"].action_id, "finding_id": w["secret"].id, "inspection_id": w["draft"].id,
              "photo_id": w["photo"], "kind": "thumb", "extension_id": w["extension"],
              "factory_id": w["factory"].id, "evacuation_id": 10**6, "filename": "css/app.css",
              "user_id": w["owner"].id, "token": "not-a-token", "complaint_id": w["complaint"],
              "code": factory_code(w["factory"].id),  # the worker's report link of the draft's factory
              "name": "districts",  # a boundary file of the map
              "check_id": 10**6}  # an item of a follow-up inspection (none: the role refusal comes first)
    if not set(rule.arguments) <= set(values):
        return None
    return {a: values[a] for a in rule.arguments}


def _audit_count(app) -> int:
    from factorysafe.audit import AuditEvent
    from factorysafe.db import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))


def _visible_text(resp) -> str:
    if resp.mimetype == "application/pdf":
        return pdf_text(resp.data)[0]
    data = resp.get_data()
    if resp.headers.get("Content-Encoding") == "gzip" or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace")


def test_owner_never_sees_or_touches_a_draft_finding_on_any_route(app, client, auth, world):
    auth.login(world["owner"].email)
    _walk_every_route(app, client, world)


def test_complaints_handler_never_sees_or_touches_a_draft_finding_on_any_route(app, client, auth, build, world):
    """A handler is not an engineer: the complaint linked to the draft's finding does not show it either."""
    handler = build.user("handler")
    auth.login(handler.email)
    page = client.get(f"/complaints/manage/{world['complaint']}")
    assert page.status_code == 200 and "Sparks near the cutting table." in page.get_data(as_text=True)
    _walk_every_route(app, client, world)
    auth.logout()
    auth.login(build.user("engineer").email)  # the same page shows it to an engineer: the check above can fail
    assert SECRET in client.get(f"/complaints/manage/{world['complaint']}").get_data(as_text=True)


def _walk_every_route(app, client, world) -> None:
    before = _audit_count(app)
    unfilled = []
    checked = 0
    for rule in app.url_map.iter_rules():
        args = _fill(rule, world)
        if args is None:
            unfilled.append(rule.rule)
            continue
        url = rule.rule
        for name, value in args.items():
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), url)
        draft_object = bool({"action_id", "finding_id", "inspection_id", "photo_id", "extension_id"} & set(args))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if url in ("/logout",):
                continue
            resp = client.open(url, method=method, data={"body": "x", "note": "x", "reason": "x",
                                                        "planned_action": "x"})
            checked += 1
            assert resp.status_code < 500, (method, url)
            if draft_object:
                assert resp.status_code in (403, 404, 405), (method, url, resp.status_code)
            assert SECRET not in _visible_text(resp), (method, url)
    assert not unfilled, f"routes this test cannot fill, decide their access: {unfilled}"
    assert checked > 40
    assert _audit_count(app) == before  # nothing was changed


def test_owner_counts_leave_out_draft_findings(client, auth, world):
    fid = world["factory"].id
    auth.login(world["owner"].email)
    for url in (f"/manage/factories/{fid}", f"/manage/factories/{fid}/cap", "/dashboard"):
        html = " ".join(re.sub(r"<[^>]+>", " ", client.get(url).get_data(as_text=True)).split())
        assert SECRET not in html
        if url != "/dashboard":
            assert "Open actions: 1" in html and "Overdue: 0" in html, url
    text, _ = pdf_text(client.get(f"/factories/{fid}/cap.pdf").data)
    assert "Not yet published" not in text and "E-1" not in text


def test_engineers_see_the_draft_finding(client, auth, build, world):
    engineer = build.user("engineer")
    auth.login(engineer.email)
    assert client.get(f"/actions/{world['secret'].action_id}").status_code == 200
    html = client.get(f"/manage/factories/{world['factory'].id}/cap").get_data(as_text=True)
    assert "Open actions: 2" in " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_public_gets_404_not_403_for_unpublished_work(client, world):
    assert client.get(f"/actions/{world['secret'].action_id}").status_code == 404
    assert client.get(f"/inspections/{world['draft'].id}/report.pdf").status_code == 404
    assert client.get(f"/photos/{world['photo']}/thumb").status_code == 404
