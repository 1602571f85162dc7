"""Test data for the public map, factory pages, open data and API (issue 6)."""
from __future__ import annotations

import datetime as dt
import re

from factorysafe.db import db

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)
# Strings that must never reach a public page, export or API answer.
SECRETS = ("DRAFT-SECRET-OBSERVATION", "SUBMITTED-SECRET-OBSERVATION", "PRIVATE-PHOTO-CAPTION",
           "Draft Only Garments", "secret.owner@example.test", "secret.engineer@example.test",
           "Secret Owner Name", "Secret Engineer Name", "RESPONSIBLE-PERSON-SECRET", "FIX-NOTE-SECRET",
           "COMMENT-SECRET", "REJECTION-SECRET")


def add_row(app, obj):
    with app.app_context():
        db.session.add(obj)
        db.session.commit()
        return obj.id


def public_world(app, build) -> dict:
    """Four public factories (behind schedule, on track, completed, evacuated) and one with drafts only."""
    from factorysafe.actions.models import ActionComment, DeadlineExtension, ExtensionStatus
    from factorysafe.factories.models import Evacuation
    from factorysafe.inspections.models import Photo

    engineer = build.user("engineer", email="secret.engineer@example.test")
    ids = {}
    started = TODAY - 200 * DAY

    behind = build.factory(name="Gazipur Behind Ltd", district="Gazipur", latitude=24.0, longitude=90.42,
                           address="Plot 1, Road 2, Gazipur Sadar", storeys=7, workers=2300, brands_count=5,
                           shared_building=True, safety_committee_trained=True)
    build.user("owner", email="secret.owner@example.test", factories=[behind])
    with app.app_context():
        from factorysafe.auth.models import User

        for email, name in (("secret.owner@example.test", "Secret Owner Name"),
                            ("secret.engineer@example.test", "Secret Engineer Name")):
            user = db.session.query(User).filter_by(email=email).one()
            if hasattr(user, "name"):
                user.name = name
        db.session.commit()
    i1 = build.inspection(behind, inspected_on=started, engineer=engineer)
    overdue = build.finding(i1, "fire", "high", deadline=TODAY - 10 * DAY, observation="Exit blocked by cartons.",
                            responsible_person="RESPONSIBLE-PERSON-SECRET", planned_action="Clear exits.")
    reported = build.finding(i1, "electrical", "medium", status="pending_verification", deadline=TODAY + 20 * DAY,
                             hazard_code="ELEC-WIRING-HAPHAZARD", observation="Haphazard wiring.",
                             reported_fixed_on=TODAY - 3 * DAY, fix_note="FIX-NOTE-SECRET")
    verified = build.finding(i1, "structural", "high", status="corrected", deadline=TODAY - 50 * DAY,
                             hazard_code="STRUCT-CRACK", observation="Cracks in beams.",
                             reported_fixed_on=TODAY - 80 * DAY, verified_on=TODAY - 70 * DAY,
                             rejection_reason="REJECTION-SECRET")
    add_row(app, DeadlineExtension(action_id=overdue.action_id, reason="Fire doors delayed at the port.",
                                   previous_deadline=TODAY - 40 * DAY, requested_deadline=TODAY - 10 * DAY,
                                   status=ExtensionStatus.APPROVED))
    add_row(app, ActionComment(action_id=overdue.action_id, body="COMMENT-SECRET"))
    public_photo = add_row(app, Photo(sha256="a" * 64, original_ext="jpg", content_type="image/jpeg", width=10,
                                      height=10, finding_id=overdue.id, caption="F-1 exit"))
    private_photo = add_row(app, Photo(sha256="b" * 64, original_ext="jpg", content_type="image/jpeg", width=10,
                                       height=10, finding_id=overdue.id, private=True,
                                       caption="PRIVATE-PHOTO-CAPTION"))
    draft = build.inspection(behind, state="draft", type="follow_up", inspected_on=TODAY - 2 * DAY)
    draft_finding = build.finding(draft, "boiler", "priority_1", observation="DRAFT-SECRET-OBSERVATION",
                                  deadline=TODAY - 1 * DAY, origin="new")
    draft_photo = add_row(app, Photo(sha256="c" * 64, original_ext="jpg", content_type="image/jpeg", width=10,
                                     height=10, finding_id=draft_finding.id, caption="draft photo"))
    submitted = build.inspection(behind, state="submitted", type="follow_up", inspected_on=TODAY - 1 * DAY)
    build.finding(submitted, "fire", "priority_1", observation="SUBMITTED-SECRET-OBSERVATION",
                  deadline=TODAY - 1 * DAY, origin="new")

    on_track = build.factory(name="Dhaka Ontrack Knit Ltd", district="Dhaka", latitude=23.86, longitude=90.27)
    i2 = build.inspection(on_track, inspected_on=TODAY - 20 * DAY)
    build.finding(i2, "fire", "medium", deadline=TODAY + 60 * DAY)

    done = build.factory(name="Narayanganj Done Apparels Ltd", district="Narayanganj", latitude=23.62,
                         longitude=90.50)
    i3 = build.inspection(done, inspected_on=TODAY - 300 * DAY)
    build.finding(i3, "boiler", "high", status="corrected", verified_on=TODAY - 100 * DAY,
                  reported_fixed_on=TODAY - 120 * DAY, deadline=TODAY - 200 * DAY)

    danger = build.factory(name="Chittagong Danger Denim Ltd", district="Chittagong", latitude=22.29,
                           longitude=91.79)
    i4 = build.inspection(danger, inspected_on=TODAY - 30 * DAY)
    danger_finding = build.finding(i4, "structural", "priority_1", deadline=TODAY + 5 * DAY,
                                   hazard_code="STRUCT-COLUMN-WEAK", observation="Columns over capacity (DCR 2.4).")
    with app.app_context():
        from factorysafe.inspections.models import Finding

        db.session.get(Finding, danger_finding.id).immediate_danger = True
        db.session.commit()
    add_row(app, Evacuation(factory_id=danger.id, finding_id=danger_finding.id, ordered_on=TODAY - 29 * DAY,
                            floors="3rd to 5th floor", workers_affected=800))

    hidden = build.factory(name="Draft Only Garments", district="Gazipur", latitude=24.01, longitude=90.41)
    i5 = build.inspection(hidden, state="draft")
    build.finding(i5, "fire", "high", deadline=TODAY - 30 * DAY)

    ids.update(behind=behind.id, on_track=on_track.id, done=done.id, danger=danger.id, hidden=hidden.id,
               public_photo=public_photo, private_photo=private_photo, draft_photo=draft_photo,
               overdue_finding=overdue.id, reported_finding=reported.id, verified_finding=verified.id,
               draft_finding=draft_finding.id, published_inspection=i1.id, draft_inspection=draft.id)
    return ids


def marker_rows(client) -> list[list]:
    """The map's markers, as the page's script fetches them (``/map/markers.json``)."""
    r = client.get("/map/markers.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()["rows"]


URL_IN_TAG = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)\s*=\s*[\"']?([^\"' >]+)", re.I)


def external_urls(html: str) -> list[str]:
    """URLs in script/link/img tags that would leave the machine (anything absolute not on 127.0.0.1)."""
    urls = URL_IN_TAG.findall(html)
    urls += re.findall(r"""(?:https?:)?//[^\s"'<>)]+""", " ".join(re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)))
    return [u for u in urls if re.match(r"^(?:https?:)?//", u) and not re.match(r"^(?:https?:)?//127\.0\.0\.1[:/]", u)]
