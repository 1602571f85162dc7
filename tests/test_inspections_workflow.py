"""The engineers' inspection workflow through the Flask test client: create, add findings with photos,
submit (then amendments need a reason), publish; owners read; stale edits conflict."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

import helpers_photos as hp
from factorysafe.actions.models import CorrectiveAction
from factorysafe.actions.rules import deadline_for
from factorysafe.audit import AuditEvent, verify_chain
from factorysafe.db import db
from factorysafe.inspections.models import Finding, FindingOrigin, Inspection, InspectionState, Photo


def photo_files(app) -> list[Path]:
    root = Path(app.instance_path) / "photos"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def finding_data(**overrides):
    data = {"discipline": "fire", "hazard_code": "FIRE-EXIT-LOCKED", "floor": "3rd floor", "area": "north stair",
            "observation": "Exit door on the 3rd floor is padlocked during work hours.",
            "recommendation": "Remove the padlock; fit panic hardware.", "severity": "high",
            # the catalogue says Priority 1 for FIRE-EXIT-LOCKED: another severity needs its reason
            "severity_override_reason": "A second protected stair serves the floor."}
    data.update(overrides)
    return data


def post_finding(client, inspection_id, photos=(), **overrides):
    data = finding_data(**overrides)
    data["photos"] = [(io.BytesIO(blob), name) for blob, name in photos]
    return client.post(f"/inspections/{inspection_id}/findings/new", data=data, content_type="multipart/form-data")


@pytest.fixture
def setup(app, build, auth):
    factory = build.factory(name="Riverside Knit Ltd")
    engineer = build.user("engineer", email="eng@example.test")
    colleague = build.user("engineer", email="colleague@example.test")
    owner = build.user("owner", email="owner@example.test", factories=[factory])
    other_owner = build.user("owner", email="other@example.test", factories=[build.factory()])
    return type("Setup", (), dict(factory=factory, engineer=engineer, colleague=colleague, owner=owner,
                                  other_owner=other_owner))


def draft(build, setup, **kw):
    return build.inspection(setup.factory, state="draft", engineer=setup.engineer, **kw)


def test_engineer_creates_an_inspection_with_team_and_disciplines(app, client, auth, setup):
    auth.login("eng@example.test")
    assert client.get(f"/inspections/new?factory_id={setup.factory.id}").status_code == 200
    r = client.post("/inspections/new", data={
        "factory_id": setup.factory.id, "type": "initial", "inspected_on": "2025-02-03",
        "disciplines": ["fire", "structural"], "engineer_ids": [setup.colleague.id], "summary": "First visit."})
    assert r.status_code == 302
    with app.app_context():
        insp = db.session.scalars(sa.select(Inspection)).one()
        assert r.headers["Location"].endswith(f"/inspections/{insp.id}")
        assert insp.state == InspectionState.DRAFT and insp.disciplines == "fire,structural"
        assert {u.email for u in insp.engineers} == {"eng@example.test", "colleague@example.test"}
        assert db.session.scalars(sa.select(AuditEvent.verb)).all()[-1] == "create_inspection"
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Fire" in page and "Structural" in page and "Electrical" not in page


def test_inspection_form_requires_a_discipline_and_keeps_typed_values(client, auth, setup):
    auth.login("eng@example.test")
    r = client.post("/inspections/new", data={"factory_id": setup.factory.id, "type": "initial",
                                              "inspected_on": "2025-02-03", "summary": "Typed summary"})
    assert r.status_code == 400
    assert "Choose at least one discipline" in r.get_data(as_text=True) and "Typed summary" in r.get_data(as_text=True)


def test_owners_and_the_public_cannot_create_inspections(client, auth, setup):
    assert client.get("/inspections/new").status_code == 302  # to sign in
    auth.login("owner@example.test")
    assert client.get("/inspections/new").status_code == 403
    assert client.post("/inspections/new", data={"factory_id": setup.factory.id}).status_code == 403


def test_findings_get_item_numbers_per_discipline_and_an_action_with_the_rule_deadline(app, client, auth, build, setup):
    insp = draft(build, setup, inspected_on=dt.date(2025, 3, 1))
    auth.login("eng@example.test")
    assert post_finding(client, insp.id).status_code == 302
    assert post_finding(client, insp.id, severity="medium").status_code == 302
    assert post_finding(client, insp.id, discipline="electrical", hazard_code="ELEC-DB-OVERLOADED", severity="priority_1").status_code == 302
    with app.app_context():
        findings = db.session.scalars(sa.select(Finding).order_by(Finding.id)).all()
        assert [f.item_number for f in findings] == ["F-1", "F-2", "E-1"]
        assert all(f.origin == FindingOrigin.INITIAL for f in findings)
        deadlines = [f.action.deadline for f in findings]
        assert deadlines == [deadline_for("high", dt.date(2025, 3, 1)), deadline_for("medium", dt.date(2025, 3, 1)),
                             dt.date(2025, 3, 1)]
        assert all(f.action.original_deadline == f.action.deadline for f in findings)
    page = client.get(f"/inspections/{insp.id}").get_data(as_text=True)
    assert page.index("F-1") < page.index("F-2") < page.index("E-1")  # grouped by discipline


def test_findings_of_a_follow_up_inspection_are_new_findings(app, client, auth, build, setup):
    insp = draft(build, setup, type="follow_up")
    auth.login("eng@example.test")
    post_finding(client, insp.id)
    with app.app_context():
        assert db.session.scalars(sa.select(Finding.origin)).one() == FindingOrigin.NEW


def test_deadline_override_needs_a_reason(app, client, auth, build, setup):
    insp = draft(build, setup)
    auth.login("eng@example.test")
    r = post_finding(client, insp.id, deadline_override="2025-01-15")
    assert r.status_code == 400 and "Give a reason for the other deadline" in r.get_data(as_text=True)
    r = post_finding(client, insp.id, deadline_override="2025-01-15", deadline_override_reason="Fire NOC renewal date")
    assert r.status_code == 302
    with app.app_context():
        f = db.session.scalars(sa.select(Finding)).one()
        assert f.action.deadline == dt.date(2025, 1, 15) and f.deadline_override_reason == "Fire NOC renewal date"


def test_finding_with_photos_stores_them_and_shows_thumbnails(app, client, auth, build, setup):
    insp = draft(build, setup)
    auth.login("eng@example.test")
    r = post_finding(client, insp.id, photos=[(hp.jpeg(orientation=6), "IMG_1.jpg"), (hp.heic(), "IMG_2.heic")])
    assert r.status_code == 302
    with app.app_context():
        f = db.session.scalars(sa.select(Finding)).one()
        assert len(f.photos) == 2 and {p.content_type for p in f.photos} == {"image/jpeg", "image/heic"}
        ids = [p.id for p in f.photos]
    page = client.get(f"/inspections/{insp.id}").get_data(as_text=True)
    for pid in ids:
        assert f"/photos/{pid}/thumb" in page


def test_second_of_three_photos_rejected_leaves_nothing(app, client, auth, build, setup):
    insp = draft(build, setup)
    auth.login("eng@example.test")
    r = post_finding(client, insp.id, photos=[(hp.jpeg(seed=1), "a.jpg"), (b"not an image" * 100, "b.jpg"),
                                              (hp.jpeg(seed=2), "c.jpg")], observation="Typed observation kept")
    assert r.status_code == 400
    body = r.get_data(as_text=True)
    assert "Photo not accepted" in body and "Typed observation kept" in body
    with app.app_context():
        for model in (Finding, CorrectiveAction, Photo):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.verb == "add_finding")) == 0
    assert photo_files(app) == []


def test_rejected_photo_keeps_files_another_finding_references(app, client, auth, build, setup):
    insp = draft(build, setup)
    auth.login("eng@example.test")
    shared = hp.jpeg(seed=7)
    assert post_finding(client, insp.id, photos=[(shared, "a.jpg")]).status_code == 302
    before = photo_files(app)
    r = post_finding(client, insp.id, photos=[(shared, "a.jpg"), (hp.jpeg()[:500], "b.jpg")])
    assert r.status_code == 400
    assert photo_files(app) == before and len(before) == 3


def test_photo_over_the_limit_gives_413_with_a_clear_message(app, client, auth, build, setup):
    app.config["PHOTO_MAX_BYTES"] = 40_000
    insp = draft(build, setup)
    auth.login("eng@example.test")
    r = post_finding(client, insp.id, photos=[(hp.jpeg((1600, 1200), quality=95), "big.jpg")])
    assert r.status_code == 413 and "larger than" in r.get_data(as_text=True)


def test_request_over_max_content_length_gives_413_page(app, client, auth, build, setup):
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    insp = draft(build, setup)
    auth.login("eng@example.test")
    r = post_finding(client, insp.id, photos=[(hp.jpeg((1600, 1200), quality=95), "big.jpg")])
    assert r.status_code == 413 and "too large" in r.get_data(as_text=True).lower()


def test_submit_locks_the_inspection_and_amendments_need_a_reason(app, client, auth, build, setup):
    insp = draft(build, setup)
    f = build.finding(insp)
    auth.login("eng@example.test")
    with app.app_context():
        version = db.session.get(Inspection, insp.id).version
    r = client.post(f"/inspections/{insp.id}/submit", data={"intent": "submit", "version": version})
    assert r.status_code == 302
    with app.app_context():
        i = db.session.get(Inspection, insp.id)
        assert i.state == InspectionState.SUBMITTED and i.submitted_at is not None
        fv = db.session.get(Finding, f.id).version
    edit = finding_data(observation="Corrected observation", version=fv)
    r = client.post(f"/findings/{f.id}/edit", data=edit)
    assert r.status_code == 400 and "needs a reason" in r.get_data(as_text=True)
    r = client.post(f"/findings/{f.id}/edit", data={**edit, "amendment_reason": "Typo in the floor"})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Finding, f.id).observation == "Corrected observation"
        ev = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert ev.verb == "amend_finding" and ev.note == "Typo in the floor"
        assert ev.after_data["observation"] == "Corrected observation"
        assert verify_chain() is None
    page = client.get(f"/inspections/{insp.id}").get_data(as_text=True)
    assert "Amendments after submission" in page and "Typo in the floor" in page
    # adding a finding after submission is an amendment too
    assert post_finding(client, insp.id).status_code == 400
    assert post_finding(client, insp.id, amendment_reason="Found on a second walk").status_code == 302


def test_publish_only_after_submit(app, client, auth, build, setup):
    insp = draft(build, setup)
    auth.login("eng@example.test")
    r = client.post(f"/inspections/{insp.id}/publish", data={"intent": "publish", "version": 1}, follow_redirects=True)
    assert "Only a submitted inspection can be published" in r.get_data(as_text=True)
    client.post(f"/inspections/{insp.id}/submit", data={"intent": "submit", "version": 1})
    with app.app_context():
        v = db.session.get(Inspection, insp.id).version
    # REVIEW_REQUIRED (on by default): its author alone cannot publish it
    r = client.post(f"/inspections/{insp.id}/publish", data={"intent": "publish", "version": v})
    assert r.status_code == 409 and "A second engineer must approve" in r.get_data(as_text=True)
    auth.logout()
    auth.login("colleague@example.test")
    assert client.post(f"/inspections/{insp.id}/review", data={"decision": "approve", "version": v}).status_code == 302
    auth.logout()
    auth.login("eng@example.test")
    with app.app_context():
        v = db.session.get(Inspection, insp.id).version
    assert client.post(f"/inspections/{insp.id}/publish", data={"intent": "publish", "version": v}).status_code == 302
    with app.app_context():
        assert db.session.get(Inspection, insp.id).state == InspectionState.PUBLISHED


def test_stale_finding_edit_gives_409_and_keeps_typed_values(app, client, auth, build, setup):
    insp = draft(build, setup)
    f = build.finding(insp)
    auth.login("eng@example.test")
    first = client.post(f"/findings/{f.id}/edit", data=finding_data(observation="Colleague's text", version=1))
    assert first.status_code == 302
    r = client.post(f"/findings/{f.id}/edit", data=finding_data(observation="My late text", version=1))
    assert r.status_code == 409
    body = r.get_data(as_text=True)
    assert "changed this finding while you were editing" in body
    assert "My late text" in body and "Colleague&#39;s text" in body  # mine in the form, theirs shown
    with app.app_context():
        current = db.session.get(Finding, f.id)
        assert current.observation == "Colleague's text"
        assert f'name="version" type="hidden" value="{current.version}"' in body
    # saving again from the conflict page (now on the current version) goes through
    r = client.post(f"/findings/{f.id}/edit", data=finding_data(observation="My late text", version=current.version))
    assert r.status_code == 302


def test_stale_inspection_edit_and_submit_give_409(app, client, auth, build, setup):
    insp = draft(build, setup)
    auth.login("eng@example.test")
    data = {"type": "initial", "inspected_on": "2025-01-02", "disciplines": ["fire"], "version": 1,
            "summary": "First", "engineer_ids": [setup.engineer.id]}
    assert client.post(f"/inspections/{insp.id}/edit", data=data).status_code == 302
    r = client.post(f"/inspections/{insp.id}/edit", data={**data, "summary": "Stale summary"})
    assert r.status_code == 409 and "Stale summary" in r.get_data(as_text=True)
    assert client.post(f"/inspections/{insp.id}/submit", data={"intent": "submit", "version": 1}).status_code == 409
    with app.app_context():
        assert db.session.get(Inspection, insp.id).state == InspectionState.DRAFT


def test_changing_the_inspection_date_moves_default_deadlines_and_date_flags(app, client, auth, build, setup):
    insp = draft(build, setup, inspected_on=dt.date(2025, 1, 1))
    auth.login("eng@example.test")
    photo = hp.jpeg(taken=dt.datetime(2025, 2, 1, 10))
    assert post_finding(client, insp.id, photos=[(photo, "a.jpg")], severity="medium").status_code == 302
    with app.app_context():
        f = db.session.scalars(sa.select(Finding)).one()
        assert f.photos[0].far_from_date is True
    data = {"type": "initial", "inspected_on": "2025-02-01", "disciplines": ["fire", "electrical"], "version": 1}
    assert client.post(f"/inspections/{insp.id}/edit", data=data).status_code == 302
    with app.app_context():
        f = db.session.get(Finding, f.id)
        assert f.action.deadline == deadline_for("medium", dt.date(2025, 2, 1))
        assert f.photos[0].far_from_date is False


def test_owner_reads_submitted_inspections_of_their_factory_only(app, client, auth, build, setup):
    drafted = draft(build, setup)
    submitted = build.inspection(setup.factory, state="submitted")
    build.finding(submitted)
    elsewhere = build.inspection(build.factory(), state="published")
    auth.login("owner@example.test")
    r = client.get(f"/inspections/{submitted.id}")
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert "F-1" in body and "/edit" not in body and "Add finding" not in body
    assert client.get(f"/inspections/{drafted.id}").status_code == 404
    assert client.get(f"/inspections/{elsewhere.id}").status_code == 403
    assert client.get(f"/inspections/{submitted.id}/edit").status_code == 403
    history = client.get(f"/manage/factories/{setup.factory.id}/inspections").get_data(as_text=True)
    assert f"/inspections/{submitted.id}" in history and f"/inspections/{drafted.id}\"" not in history
    assert client.get(f"/manage/factories/{elsewhere.factory_id}/inspections").status_code == 403


def test_public_sees_no_inspection_pages(client, build, setup):
    published = build.inspection(setup.factory, state="published")
    r = client.get(f"/inspections/{published.id}")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_dashboard_lists_my_drafts_and_recent_submissions(app, client, auth, build, setup):
    mine = draft(build, setup)
    sent = build.inspection(setup.factory, state="submitted", engineer=setup.engineer)
    build.inspection(setup.factory, state="draft", engineer=setup.colleague)
    auth.login("eng@example.test")
    body = client.get("/dashboard").get_data(as_text=True)
    assert "My inspections" in body
    assert f"/inspections/{mine.id}\"" in body and f"/inspections/{sent.id}\"" in body
    assert body.count("Riverside Knit Ltd") == 2  # the colleague's draft is not mine


def test_engineer_sees_photo_flags_on_the_inspection(app, client, auth, build, setup):
    insp = draft(build, setup, inspected_on=dt.date(2025, 1, 1))
    auth.login("eng@example.test")
    far = hp.jpeg(gps=(23.99, 90.40), taken=dt.datetime(2024, 11, 1, 10))
    assert post_finding(client, insp.id, photos=[(far, "far.jpg")]).status_code == 302
    body = client.get(f"/inspections/{insp.id}").get_data(as_text=True)
    assert "Far from factory: 11.1 km" in body and "Taken on 2024-11-01" in body


def test_engineer_marks_a_photo_private_and_removes_another(app, client, auth, build, setup):
    insp = draft(build, setup)
    auth.login("eng@example.test")
    post_finding(client, insp.id, photos=[(hp.jpeg(seed=1), "a.jpg"), (hp.jpeg(seed=2), "b.jpg")])
    with app.app_context():
        f = db.session.scalars(sa.select(Finding)).one()
        a, b = [p.id for p in f.photos]
        removed_sha = db.session.get(Photo, b).sha256
        version = f.version
    r = client.post(f"/findings/{f.id}/edit", data={**finding_data(), "version": version, "private_photo": [a],
                                                    "remove_photo": [b]})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Photo, a).private is True and db.session.get(Photo, b) is None
    assert removed_sha not in {p.parent.name for p in photo_files(app)}
    assert len(photo_files(app)) == 3


def test_edit_racing_a_concurrent_save_gives_409(app, client, auth, build, setup, monkeypatch):
    """Another user's save lands between our version check and our write: the UPDATE matches no row
    (version_id_col), StaleDataError is answered with 409 and the typed values, nothing is half-saved."""
    from factorysafe.inspections import services

    insp = draft(build, setup)
    f = build.finding(insp)
    real_check = services.check_version

    def check_then_someone_saves(obj, version, what):
        real_check(obj, version, what)
        with db.engine.begin() as other:  # a separate connection: the colleague's request
            other.execute(sa.text("UPDATE findings SET version = version + 1, observation = 'Theirs' WHERE id = :id"),
                          {"id": f.id})

    monkeypatch.setattr(services, "check_version", check_then_someone_saves)
    auth.login("eng@example.test")
    r = client.post(f"/findings/{f.id}/edit", data=finding_data(observation="Mine, typed on site", version=1))
    assert r.status_code == 409 and "Mine, typed on site" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Finding, f.id).observation == "Theirs"


def test_amending_a_submitted_inspection_needs_a_reason(app, client, auth, build, setup):
    insp = build.inspection(setup.factory, state="submitted", engineer=setup.engineer)
    auth.login("eng@example.test")
    data = {"type": "initial", "inspected_on": "2025-01-01", "disciplines": ["fire", "boiler"], "version": 1,
            "summary": "Boiler room added"}
    r = client.post(f"/inspections/{insp.id}/edit", data=data)
    assert r.status_code == 400 and "needs a reason" in r.get_data(as_text=True)
    assert client.post(f"/inspections/{insp.id}/edit", data={**data, "amendment_reason": "Boiler seen"}).status_code == 302
    with app.app_context():
        ev = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert ev.verb == "amend_inspection" and ev.note == "Boiler seen"
        assert db.session.get(Inspection, insp.id).disciplines == "fire,boiler"


def test_owner_dashboard_lists_submitted_inspections_of_their_factories(client, auth, build, setup):
    sent = build.inspection(setup.factory, state="submitted")
    hidden = build.inspection(setup.factory, state="draft")
    other = build.inspection(build.factory(), state="published")
    auth.login("owner@example.test")
    body = client.get("/dashboard").get_data(as_text=True)
    assert "Inspection reports" in body and f"/inspections/{sent.id}\"" in body
    assert f"/inspections/{hidden.id}\"" not in body and f"/inspections/{other.id}\"" not in body


@pytest.mark.parametrize("day, message", [
    ("9999-12-31", "cannot be in the future"),
    ("1999-12-31", "cannot be before 2000-01-01"),
])
def test_a_visit_date_out_of_range_is_refused_with_the_form_kept(client, auth, setup, day, message):
    """A visit has happened, and not before the programme's records: a date far in the future once gave a 500
    when a finding's deadline was computed from it (found by the forms' hypothesis test)."""
    auth.login("eng@example.test")
    r = client.post("/inspections/new", data={"factory_id": setup.factory.id, "type": "initial",
                                              "inspected_on": day, "disciplines": ["fire"], "summary": "Typed summary"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert message in page and "Typed summary" in page


def test_services_refuse_a_future_visit_and_a_deadline_set_too_far(app, build, setup):
    from factorysafe.inspections import services

    with app.app_context():
        from factorysafe.auth.models import User
        from factorysafe.factories.models import Factory

        engineer = db.session.get(User, setup.engineer.id)
        factory = db.session.get(Factory, setup.factory.id)
        with pytest.raises(services.InspectionRuleError, match="future"):
            services.create_inspection(factory, {"type": "initial", "inspected_on": dt.date.today() + dt.timedelta(days=1),
                                                 "disciplines": ["fire"]}, by=engineer)
        db.session.rollback()
        inspection = services.create_inspection(factory, {"type": "initial", "inspected_on": dt.date.today(),
                                                          "disciplines": ["fire"]}, by=engineer)
        values = {"discipline": "fire", "hazard_code": "", "floor": "1", "area": "Stairs", "observation": "Locked exit.",
                  "recommendation": "Unlock it.", "severity": "high", "severity_override_reason": "",
                  "immediate_danger": False}
        with pytest.raises(services.InspectionRuleError, match="at most 10 years"):
            services.add_finding(inspection, values, by=engineer, deadline_override=dt.date(9999, 12, 31),
                                 deadline_override_reason="Typed by mistake")
        db.session.rollback()
