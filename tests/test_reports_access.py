"""Who gets which report: the public published only, owners their own, engineers everything."""
from __future__ import annotations

import pytest

from factorysafe.reports.content import _hazard_title


def _get(client, inspection_id):
    return client.get(f"/inspections/{inspection_id}/report.pdf")


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_unpublished_inspection_report_is_not_public(client, build, state):
    insp = build.inspection(build.factory(), state=state)
    build.finding(insp)
    assert _get(client, insp.id).status_code == 404


def test_published_inspection_report_is_public(client, build):
    insp = build.inspection(build.factory())
    assert _get(client, insp.id).status_code == 200


def test_missing_inspection_and_factory_are_404(client):
    assert _get(client, 999).status_code == 404
    assert client.get("/factories/999/cap.pdf").status_code == 404


def test_owner_gets_own_submitted_but_not_draft_nor_other_factories(client, build, auth):
    mine, theirs = build.factory(), build.factory()
    owner = build.user("owner", factories=[mine])
    submitted = build.inspection(mine, state="submitted")
    draft = build.inspection(mine, state="draft")
    other_submitted = build.inspection(theirs, state="submitted")
    other_published = build.inspection(theirs, state="published")
    auth.login(owner.email)
    assert _get(client, submitted.id).status_code == 200
    assert _get(client, draft.id).status_code == 404
    assert _get(client, other_submitted.id).status_code == 404
    assert _get(client, other_published.id).status_code == 200  # public like everyone's


@pytest.mark.parametrize("role", ["engineer", "admin"])
def test_engineers_and_admins_get_every_inspection_report(client, build, auth, role):
    user = build.user(role)
    draft = build.inspection(build.factory(), state="draft")
    auth.login(user.email)
    resp = _get(client, draft.id)
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"].startswith("private")


def test_public_cap_leaves_out_unpublished_findings_and_private_cap_has_them(client, build, auth):
    from helpers_reports import pdf_text

    factory = build.factory()
    build.finding(build.inspection(factory, state="published"), hazard_code="FIRE-EXIT-BLOCKED")
    build.finding(build.inspection(factory, state="submitted"), hazard_code="ELEC-NO-EARTHING")
    public = client.get(f"/factories/{factory.id}/cap.pdf")
    assert public.status_code == 200
    assert public.headers["Cache-Control"].startswith("public")
    text, _ = pdf_text(public.data)
    assert "FIRE-EXIT-BLOCKED" in text and "ELEC-NO-EARTHING" not in text
    auth.login(build.user("engineer").email)
    private = client.get(f"/factories/{factory.id}/cap.pdf")
    assert "ELEC-NO-EARTHING" in pdf_text(private.data)[0]
    assert private.headers["ETag"] != public.headers["ETag"]


def test_unknown_language_falls_back_to_english(client, build):
    insp = build.inspection(build.factory())
    en = _get(client, insp.id)
    other = client.get(f"/inspections/{insp.id}/report.pdf?lang=xx")
    assert other.status_code == 200 and other.headers["ETag"] == en.headers["ETag"]


def test_hazard_title_comes_from_the_catalogue(app):
    from factorysafe.hazards import get

    with app.app_context():
        entry = get("FIRE-EXIT-LOCKED")
        assert _hazard_title("FIRE-EXIT-LOCKED", "en") == entry.title_en
        assert _hazard_title("FIRE-EXIT-LOCKED", "bn") == entry.title_bn != entry.title_en
        assert _hazard_title("UNKNOWN-CODE", "bn") == "UNKNOWN-CODE"
        assert _hazard_title(None, "en") == ""


def test_cached_private_report_of_a_draft_is_still_not_public(client, build, auth):
    engineer = build.user("engineer")
    draft = build.inspection(build.factory(), state="draft")
    auth.login(engineer.email)
    assert _get(client, draft.id).status_code == 200
    auth.logout()
    assert _get(client, draft.id).status_code == 404
