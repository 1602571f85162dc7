"""The PDFs themselves, read back with pypdf: text, Bangla, page count, embedded photos."""
from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from factorysafe.db import db
from helpers_reports import image_count, inspection_with_photos, pdf_text


def test_public_inspection_report_has_factory_findings_team_and_public_photos(app, client, build):
    d = inspection_with_photos(app, build)
    resp = client.get(f"/inspections/{d['inspection'].id}/report.pdf")
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    assert "inline" in resp.headers["Content-Disposition"]
    assert resp.data.startswith(b"%PDF")
    text, pages = pdf_text(resp.data)
    assert "Meghna Knitwear Ltd" in text
    for code in ("F-1", "S-1", "E-1", "FIRE-EXIT-LOCKED", "STRUCT-WEAK-COLUMN", "ELEC-NO-EARTHING"):
        assert code in text
    # public output carries no personal data: the team is "Programme engineers", not their names
    assert "Engr. Shahidul Islam" not in text and "Programme engineers" in text
    assert "@example.test" not in text  # and never e-mail addresses
    assert "Immediate danger" in text
    assert "Padlocked gate, north stair" in text
    assert "capture time unknown" in text
    assert "Private: worker faces visible" not in text and "Private version" not in text
    assert 2 <= pages <= 6  # cover, summary and findings
    assert image_count(resp.data) == 2  # the private photo is left out of the public report
    assert "Page 2 / " in text


def test_engineer_report_includes_private_photos(app, client, build, auth):
    d = inspection_with_photos(app, build)
    auth.login(d["engineer"].email)
    resp = client.get(f"/inspections/{d['inspection'].id}/report.pdf")
    assert resp.status_code == 200
    assert image_count(resp.data) == 3
    text = pdf_text(resp.data)[0]
    assert "Private: worker faces visible" in text
    assert "Private version" in text
    assert "Engr. Shahidul Islam" in text and "Programme engineers" not in text
    assert "@example.test" not in text


def test_engineer_names_only_for_readers_who_may_see_people(app, client, build, auth):
    """Signed-in engineers and the factory's owners read the team's names; the public and other owners do
    not. The cached PDFs are kept apart: the reader's audience is part of the report's fingerprint."""
    d = inspection_with_photos(app, build)
    url = f"/inspections/{d['inspection'].id}/report.pdf"
    public = client.get(url)
    owner = build.user("owner", "owner@example.test", factories=[d["factory"]])
    build.user("owner", "stranger@example.test", factories=[build.factory()])
    for email, sees in ((owner.email, True), ("stranger@example.test", False), (d["engineer"].email, True)):
        auth.login(email)
        text = pdf_text(client.get(url).data)[0]
        assert ("Engr. Shahidul Islam" in text) is sees, email
        auth.logout()
    again = pdf_text(client.get(url).data)[0]  # the public again, after private versions were cached
    assert "Engr. Shahidul Islam" not in again and "Programme engineers" in again
    assert public.headers["ETag"] == client.get(url).headers["ETag"]


def test_bangla_public_report_names_no_engineer(app, client, build):
    d = inspection_with_photos(app, build)
    text = pdf_text(client.get(f"/inspections/{d['inspection'].id}/report.pdf?lang=bn").data)[0]
    assert "Shahidul" not in text


def test_policy_may_see_people(app, build):
    from factorysafe import policy
    from factorysafe.auth.models import User

    f = build.factory()
    eng, admin = build.user("engineer"), build.user("admin")
    mine, other = build.user("owner", factories=[f]), build.user("owner", factories=[build.factory()])
    from flask_login import AnonymousUserMixin

    with app.app_context():
        get = lambda ref: db.session.get(User, ref.id)  # noqa: E731
        assert policy.may_see_people(get(eng), f.id) and policy.may_see_people(get(admin), f.id)
        assert policy.may_see_people(get(mine), f.id)
        assert not policy.may_see_people(get(other), f.id)
        assert not policy.may_see_people(AnonymousUserMixin(), f.id)


def test_photos_are_downscaled_for_print(app, client, build):
    d = inspection_with_photos(app, build)
    resp = client.get(f"/inspections/{d['inspection'].id}/report.pdf")
    reader = PdfReader(io.BytesIO(resp.data))
    widths = []
    for page in reader.pages:
        for ref in page.get("/Resources", {}).get("/XObject", {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                widths.append(max(obj["/Width"], obj["/Height"]))
    assert widths and max(widths) <= 1000


def test_bangla_inspection_report_extracts_as_bangla_with_shipped_font(app, client, build):
    d = inspection_with_photos(app, build)
    resp = client.get(f"/inspections/{d['inspection'].id}/report.pdf?lang=bn")
    assert resp.status_code == 200
    text, pages = pdf_text(resp.data)
    # Words whose glyphs come back in logical order. (Pre-base vowel signs such as ি and ে are
    # drawn before their consonant, and WeasyPrint's glyph-to-text map gives them back out of
    # order, so words like ঠিকানা are not searchable in any PDF reader; the rendering is right.)
    for word in ("নিরাপত্তা", "উচ্চ", "মাঝারি"):
        assert word in text
    bengali = sum(1 for ch in text if "\u0980" <= ch <= "\u09ff")
    assert bengali > 200
    assert "Meghna Knitwear Ltd" in text and "FIRE-EXIT-LOCKED" in text
    assert "২০২৫" in text  # dates in Bengali digits
    fonts = set()
    for page in PdfReader(io.BytesIO(resp.data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert "FS-Bengali" in fonts  # the shipped Noto Sans Bengali woff2, not whatever the system has


def test_report_of_inspection_without_findings(app, client, build):
    insp = build.inspection(build.factory(name="Padma Apparels Ltd"))
    text, pages = pdf_text(client.get(f"/inspections/{insp.id}/report.pdf").data)
    assert "Padma Apparels Ltd" in text and "No findings were recorded." in text


def _extension(app, action_id: int, status: str, requested: dt.date, decided: bool = True):
    from factorysafe.actions.models import CorrectiveAction, DeadlineExtension

    with app.app_context():
        action = db.session.get(CorrectiveAction, action_id)
        db.session.add(DeadlineExtension(
            action_id=action_id, reason="Fire doors on order from abroad.", previous_deadline=action.deadline,
            requested_deadline=requested, status=status, requested_at=dt.datetime(2025, 2, 1, 9),
            decided_at=dt.datetime(2025, 2, 5, 9) if decided else None,
        ))
        if status == "approved":
            action.deadline = requested
        db.session.commit()


def test_cap_report_lists_actions_extensions_verification_and_progress(app, client, build):
    factory = build.factory(name="Jamuna Denim Ltd")
    insp = build.inspection(factory)
    done = build.finding(insp, discipline="fire", hazard_code="FIRE-NO-ALARM", status="corrected",
                         verified_on=dt.date(2025, 3, 20))
    extended = build.finding(insp, discipline="fire", hazard_code="FIRE-DOOR-MISSING",
                             planned_action="Install rated fire doors on both stairs.")
    build.finding(insp, discipline="electrical", hazard_code="ELEC-OVERLOAD", status="pending_verification")
    _extension(app, extended.action_id, "approved", dt.date(2025, 6, 30))
    _extension(app, extended.action_id, "requested", dt.date(2025, 9, 30), decided=False)
    draft = build.inspection(factory, state="draft", inspected_on=dt.date(2025, 4, 1))
    build.finding(draft, discipline="boiler", hazard_code="BOILER-NO-CERT")

    resp = client.get(f"/factories/{factory.id}/cap.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text, pages = pdf_text(resp.data)
    assert "Jamuna Denim Ltd" in text
    for code in ("FIRE-NO-ALARM", "FIRE-DOOR-MISSING", "ELEC-OVERLOAD"):
        assert code in text
    assert "BOILER-NO-CERT" not in text  # public CAP: published inspections only
    assert "Corrected" in text and "Pending verification" in text and "In progress" in text
    assert "Mar 20, 2025" in text  # verification date
    assert "Install rated fire doors on both stairs." in " ".join(text.split())  # wrapped in its cell
    assert "Approved" in text and "Jun 30, 2025" in text  # the extension, requested -> decision
    assert "Requested" in text and "Sep 30, 2025" in text  # a pending request is shown too
    assert "Behind schedule" in text  # deadlines of 2025 are past
    assert "50 %" in text  # fire: 1 of 2 initial findings corrected
    assert 1 <= pages <= 4
    assert done.action_id != extended.action_id


def test_cap_report_in_bangla(app, client, build):
    factory = build.factory(name="Jamuna Denim Ltd")
    build.finding(build.inspection(factory), discipline="fire", status="corrected", verified_on=dt.date(2025, 3, 20))
    text, _ = pdf_text(client.get(f"/factories/{factory.id}/cap.pdf?lang=bn").data)
    assert "নিরাপত্তা" in text and "উচ্চ" in text and "Jamuna Denim Ltd" in text
    assert "০ %" in text  # percentages in Bengali digits


def test_private_cap_includes_unpublished_findings_marked(app, client, build, auth):
    factory = build.factory(name="Jamuna Denim Ltd")
    owner = build.user("owner", factories=[factory])
    build.finding(build.inspection(factory), hazard_code="FIRE-NO-ALARM")
    build.finding(build.inspection(factory, state="submitted", inspected_on=dt.date(2025, 5, 2)),
                  hazard_code="FIRE-STAIR-OPEN")
    auth.login(owner.email)
    text, _ = pdf_text(client.get(f"/factories/{factory.id}/cap.pdf").data)
    assert "FIRE-STAIR-OPEN" in text and "Not yet published" in text
