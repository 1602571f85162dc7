"""The second pair of eyes: a submitted inspection is published only after another engineer approved it
(``REVIEW_REQUIRED``, on by default); "has issues" sends it back with comments; an amendment needs a new
approval; every review is an audit event and shown on the inspection page."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from hypothesis import given, strategies as st

from factorysafe.db import db
from factorysafe.inspections import rules


# --- the pure rule ------------------------------------------------------------------------------------
def _r(reviewer_id, decision="approve", superseded=False):
    return SimpleNamespace(reviewer_id=reviewer_id, decision=decision, superseded=superseded)


def test_may_publish_examples():
    authors = {1, 2}
    assert not rules.may_publish(authors, [], True)
    assert not rules.may_publish(authors, [_r(1)], True)  # an author's own approval does not count
    assert rules.may_publish(authors, [_r(3)], True)
    assert not rules.may_publish(authors, [_r(3), _r(4, "changes_requested")], True)  # latest says: has issues
    assert rules.may_publish(authors, [_r(4, "changes_requested"), _r(3)], True)
    assert not rules.may_publish(authors, [_r(3, superseded=True)], True)  # given before an amendment
    assert rules.may_publish(authors, [], False)  # a one-engineer programme


reviews = st.lists(st.builds(_r, st.integers(1, 6), st.sampled_from(["approve", "changes_requested"]),
                             st.booleans()), max_size=8)


@given(authors=st.sets(st.integers(1, 6), min_size=1, max_size=3), reviews=reviews)
def test_the_authors_alone_can_never_publish(authors, reviews):
    own = [r for r in reviews if r.reviewer_id in authors]
    assert not rules.may_publish(authors, own, True)
    if rules.may_publish(authors, reviews, True):
        counting = [r for r in reviews if not r.superseded and r.reviewer_id not in authors]
        assert counting[-1].decision == "approve" and counting[-1].reviewer_id not in authors


@given(authors=st.sets(st.integers(1, 6), max_size=3), reviews=reviews)
def test_without_review_required_one_engineer_publishes(authors, reviews):
    assert rules.may_publish(authors, reviews, False)


def test_review_problem():
    assert rules.review_problem({1}, 2, "submitted") is None
    assert rules.review_problem({1}, 1, "submitted") is not None
    assert rules.review_problem({1}, 2, "draft") is not None
    assert rules.review_problem({1}, 2, "published") is not None


# --- verbs, audit, pages -------------------------------------------------------------------------------
@pytest.fixture
def world(app, build):
    factory = build.factory(name="Riverside Knit Ltd")
    author = build.user("engineer", email="author@example.test")
    reviewer = build.user("engineer", email="reviewer@example.test")
    owner = build.user("owner", email="owner@example.test", factories=[factory])
    insp = build.inspection(factory, state="submitted", engineer=author, inspected_on=dt.date(2025, 1, 5))
    finding = build.finding(insp)
    return SimpleNamespace(factory=factory, author=author, reviewer=reviewer, owner=owner, insp=insp, finding=finding)


def _insp(app, iid):
    from factorysafe.inspections.models import Inspection

    with app.app_context():
        i = db.session.get(Inspection, iid)
        return SimpleNamespace(state=i.state.value, version=i.version,
                               reviews=[(r.reviewer_id, r.decision.value, r.superseded, r.comment) for r in i.reviews])


def _events(app, iid):
    from factorysafe.audit import AuditEvent, verify_chain

    with app.app_context():
        assert verify_chain() is None
        return [(e.verb, e.actor_email, e.after_data, e.note) for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.subject_type == "inspections", AuditEvent.subject_id == iid)
            .order_by(AuditEvent.id))]


def _post_review(client, iid, v, decision, comment=""):
    return client.post(f"/inspections/{iid}/review", data={"decision": decision, "comment": comment, "version": v})


def _publish(client, iid, v):
    return client.post(f"/inspections/{iid}/publish", data={"intent": "publish", "version": v})


def test_has_issues_then_amend_then_approve_then_publish(app, client, auth, world):
    iid = world.insp.id
    auth.login("author@example.test")
    page = client.get(f"/inspections/{iid}").get_data(as_text=True)
    assert 'id="awaiting-review"' in page and "Publish inspection" not in page and 'id="review-form"' not in page
    # the author cannot review their own inspection, nor publish it alone
    r = _post_review(client, iid, _insp(app, iid).version, "approve")
    assert r.status_code == 403 and _insp(app, iid).reviews == []
    assert _publish(client, iid, _insp(app, iid).version).status_code == 409
    assert _insp(app, iid).state == "submitted"
    auth.logout()

    auth.login("reviewer@example.test")
    assert 'id="review-form"' in client.get(f"/inspections/{iid}").get_data(as_text=True)
    r = _post_review(client, iid, _insp(app, iid).version, "changes_requested", "  ")
    assert r.status_code == 400 and "Say what the authors should change." in r.get_data(as_text=True)
    r = _post_review(client, iid, _insp(app, iid).version - 1, "approve")
    assert r.status_code == 409
    r = _post_review(client, iid, _insp(app, iid).version, "changes_requested", "F-1: which exit? Name the stair.")
    assert r.status_code == 302
    auth.logout()

    auth.login("author@example.test")
    page = client.get(f"/inspections/{iid}").get_data(as_text=True)
    assert "Has issues" in page and "F-1: which exit? Name the stair." in page and "reviewer@example.test" in page
    assert _publish(client, iid, _insp(app, iid).version).status_code == 409
    auth.logout()

    auth.login("reviewer@example.test")
    assert _post_review(client, iid, _insp(app, iid).version, "approve").status_code == 302
    auth.logout()
    # the author amends after the approval: the approval no longer counts
    from factorysafe.auth.models import User
    from factorysafe.inspections import services
    from factorysafe.inspections.models import Inspection

    with app.app_context():
        i = db.session.get(Inspection, iid)
        services.update_inspection(i, {"type": "initial", "inspected_on": dt.date(2025, 1, 5),
                                       "disciplines": "fire", "summary": "Exit F-1 is the north stair."},
                                   by=db.session.get(User, world.author.id), version=i.version,
                                   reason="Named the stair as the reviewer asked.")
        db.session.commit()
    assert [s for _, _, s, _ in _insp(app, iid).reviews] == [True, True]
    auth.login("author@example.test")
    assert _publish(client, iid, _insp(app, iid).version).status_code == 409
    auth.logout()
    auth.login("reviewer@example.test")
    assert _post_review(client, iid, _insp(app, iid).version, "approve", "Good now.").status_code == 302
    auth.logout()
    auth.login("author@example.test")
    page = client.get(f"/inspections/{iid}").get_data(as_text=True)
    assert "no longer counts" in page and "Publish inspection" in page
    assert _publish(client, iid, _insp(app, iid).version).status_code == 302
    assert _insp(app, iid).state == "published"
    events = _events(app, iid)
    reviews = [(who, after["decision"], note) for verb, who, after, note in events if verb == "review_inspection"]
    assert reviews == [("reviewer@example.test", "changes_requested", "F-1: which exit? Name the stair."),
                       ("reviewer@example.test", "approve", ""), ("reviewer@example.test", "approve", "Good now.")]
    assert events[-1][0] == "publish_inspection" and events[-1][1] == "author@example.test"
    # a published inspection is not reviewed again
    auth.logout()
    auth.login("reviewer@example.test")
    assert _post_review(client, iid, _insp(app, iid).version, "approve").status_code == 409


def test_owners_cannot_review_nor_see_reviews(app, client, auth, build, world):
    build.review(world.insp, world.reviewer, "changes_requested", "Internal remark.")
    auth.login("owner@example.test")
    page = client.get(f"/inspections/{world.insp.id}").get_data(as_text=True)
    assert "Internal remark." not in page and 'id="review-form"' not in page
    assert _post_review(client, world.insp.id, _insp(app, world.insp.id).version, "approve").status_code == 403
    assert len(_insp(app, world.insp.id).reviews) == 1


def test_a_bad_decision_is_refused(app, client, auth, world):
    auth.login("reviewer@example.test")
    r = _post_review(client, world.insp.id, _insp(app, world.insp.id).version, "rubber-stamp")
    assert r.status_code == 400 and _insp(app, world.insp.id).reviews == []


def test_one_engineer_programme_publishes_alone(app, client, auth, world):
    app.config["REVIEW_REQUIRED"] = False
    auth.login("author@example.test")
    page = client.get(f"/inspections/{world.insp.id}").get_data(as_text=True)
    assert "Publish inspection" in page
    assert _publish(client, world.insp.id, _insp(app, world.insp.id).version).status_code == 302
    assert _insp(app, world.insp.id).state == "published"


def test_review_required_is_on_by_default(app):
    from factorysafe.config import Defaults

    assert Defaults.REVIEW_REQUIRED is True and app.config["REVIEW_REQUIRED"] is True
