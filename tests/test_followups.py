"""Follow-ups through the test client and the services: the calendar and its filters, who may see it, assigning,
starting a follow-up inspection with its items pre-listed, checking each item (verify, reject, still open, verify
on site), stale versions (409) and the audit events written."""
import datetime as dt
import re

import pytest
import sqlalchemy as sa

from factorysafe.db import db

TODAY = dt.date.today()


def _text(resp) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)).split())


@pytest.fixture
def fu(build):
    """Two factories: A (engineer ``lead`` led its inspection 20 days ago; one item reported fixed, one in progress
    overdue, one corrected) and B (led by ``other``; one item due in 40 days), an owner of A."""
    w = type("W", (), {})()
    w.app = build.app
    w.lead = build.user("engineer", "lead@example.test")
    w.other = build.user("engineer", "other@example.test")
    w.a = build.factory(name="Alpha Knit Ltd", name_bn="আলফা নিট লিমিটেড")
    w.b = build.factory(name="Beta Denim Ltd")
    w.owner = build.user("owner", "owner@example.test", factories=[w.a])
    ia = build.inspection(w.a, engineer=w.lead, inspected_on=TODAY - dt.timedelta(days=20))
    w.reported = build.finding(ia, discipline="fire", status="pending_verification",
                               deadline=TODAY + dt.timedelta(days=30), reported_fixed_on=TODAY - dt.timedelta(days=2),
                               fix_note="Exit cleared.")
    w.late = build.finding(ia, discipline="electrical", deadline=TODAY - dt.timedelta(days=5))
    w.done = build.finding(ia, discipline="boiler", status="corrected", deadline=TODAY - dt.timedelta(days=9))
    ib = build.inspection(w.b, engineer=w.other, inspected_on=TODAY - dt.timedelta(days=10))
    w.b_item = build.finding(ib, deadline=TODAY + dt.timedelta(days=40))
    return w


def _events(app, verb):
    from factorysafe.audit import AuditEvent

    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.verb == verb)).all()


def _start(client, factory_id):
    return client.post(f"/follow-ups/factories/{factory_id}/start", data={"intent": "start"})


def _check(app, inspection_id, action_id):
    from factorysafe.followups.models import FollowUpCheck

    with app.app_context():
        c = db.session.scalars(sa.select(FollowUpCheck).where(FollowUpCheck.inspection_id == inspection_id,
                                                              FollowUpCheck.action_id == action_id)).one()
        return c.id, c.action.version


def _action(app, action_id):
    from factorysafe.actions.models import CorrectiveAction

    with app.app_context():
        a = db.session.get(CorrectiveAction, action_id)
        return a.status.value, a.verified_on, a.version


def test_calendar_lists_my_follow_ups_by_default_and_others_by_filter(client, auth, fu):
    auth.login("lead@example.test")
    page = client.get("/follow-ups")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    overdue = html.split('id="follow-ups-overdue"')[1].split("</section>")[0]
    assert "Alpha Knit Ltd" in overdue and "Beta Denim Ltd" not in html  # the lead's factory only; overdue deadline
    assert "Earliest open deadline" in overdue and (TODAY - dt.timedelta(days=5)).isoformat() in overdue
    assert "lead of the latest inspection" in overdue  # the default assignment
    everyone = client.get("/follow-ups?engineer=all").get_data(as_text=True)
    later = everyone.split('id="follow-ups-later"')[1].split("</section>")[0]
    assert "Beta Denim Ltd" in later and (TODAY + dt.timedelta(days=40)).isoformat() in later
    assert "Beta Denim Ltd" in client.get(f"/follow-ups?engineer={fu.other.id}").get_data(as_text=True)
    assert "No follow-up" not in _text(client.get("/follow-ups?engineer=unassigned"))
    assert "Alpha" not in _text(client.get("/follow-ups?engineer=unassigned"))
    crafted = client.get("/follow-ups?engineer=999999")
    assert crafted.status_code == 200 and "Unknown filter values were ignored" in _text(crafted)


def test_calendar_in_bangla_names_the_factory_in_bangla(client, auth, fu):
    auth.login("lead@example.test")
    html = client.get("/follow-ups?lang=bn", headers={"Accept-Language": "bn"}).get_data(as_text=True)
    assert "আলফা নিট লিমিটেড" in html
    assert 'data-count="1">(১)</small>' in html  # counts and dates in Bangla digits
    assert (TODAY - dt.timedelta(days=5)).isoformat() not in html


@pytest.mark.parametrize("who,status", [(None, 302), ("owner@example.test", 403)])
def test_owners_and_the_public_do_not_see_the_calendar(client, auth, fu, who, status):
    if who:
        auth.login(who)
    resp = client.get("/follow-ups")
    assert resp.status_code == status
    if status == 302:
        assert "/login" in resp.headers["Location"]
    assert client.post(f"/follow-ups/factories/{fu.a.id}/start", data={"intent": "start"}).status_code == status
    assert not _events(fu.app, "start_follow_up")


def test_reassign_then_a_stale_form_is_a_409_with_the_choice_kept(app, client, auth, fu):
    auth.login("lead@example.test")
    calendar = client.get("/follow-ups?engineer=all").get_data(as_text=True)
    assert f'action="/follow-ups/factories/{fu.a.id}/assign?engineer=all"' in calendar  # the filter is kept
    resp = client.post(f"/follow-ups/factories/{fu.a.id}/assign?engineer=all",
                       data={f"assign-{fu.a.id}-engineer": str(fu.other.id), f"assign-{fu.a.id}-version": "0"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/follow-ups?engineer=all")
    assert "Alpha Knit Ltd" in client.get(f"/follow-ups?engineer={fu.other.id}").get_data(as_text=True)
    assert "Alpha Knit Ltd" not in client.get("/follow-ups").get_data(as_text=True)
    [ev] = _events(app, "assign_follow_up")
    assert ev.after_data == {"engineer_id": fu.other.id} and ev.factory_id == fu.a.id
    stale = client.post(f"/follow-ups/factories/{fu.a.id}/assign?engineer=all",
                        data={f"assign-{fu.a.id}-engineer": "", f"assign-{fu.a.id}-version": "0"})
    assert stale.status_code == 409 and "Someone else changed who follows this factory up" in _text(stale)
    form = stale.get_data(as_text=True).split(f'id="follow-up-{fu.a.id}"')[1].split("</article>")[0]
    assert re.search(r'<option selected value="">Unassigned</option>|<option value="" selected>', form)
    unassign = client.post(f"/follow-ups/factories/{fu.a.id}/assign",
                           data={f"assign-{fu.a.id}-engineer": "", f"assign-{fu.a.id}-version": "1"})
    assert unassign.status_code == 302
    assert "Alpha Knit Ltd" in client.get("/follow-ups?engineer=unassigned").get_data(as_text=True)
    missing = client.post(f"/follow-ups/factories/{fu.a.id}/assign", data={f"assign-{fu.a.id}-engineer": ""})
    assert missing.status_code == 400
    owner = client.post(f"/follow-ups/factories/{fu.a.id}/assign",
                        data={f"assign-{fu.a.id}-engineer": str(fu.owner.id), f"assign-{fu.a.id}-version": "2"})
    assert owner.status_code == 400  # not among the choices: only engineers follow factories up
    assert len(_events(app, "assign_follow_up")) == 2


def test_start_follow_up_prelists_the_open_items_and_checks_them_from_the_inspection(app, client, auth, fu):
    from factorysafe.inspections.models import Inspection

    auth.login("other@example.test")  # another engineer starts it; the assigned lead is on the team
    resp = _start(client, fu.a.id)
    assert resp.status_code == 302 and "#items-to-check" in resp.headers["Location"]
    inspection_id = int(re.search(r"/inspections/(\d+)", resp.headers["Location"]).group(1))
    with app.app_context():
        insp = db.session.get(Inspection, inspection_id)
        assert insp.type.value == "follow_up" and insp.inspected_on == TODAY and insp.state.value == "draft"
        assert {u.email for u in insp.engineers} == {"lead@example.test", "other@example.test"}
        assert insp.disciplines == "fire,electrical"  # the disciplines of the open items
    [ev] = _events(app, "start_follow_up")
    assert sorted(ev.after_data["action_ids"]) == sorted([fu.reported.action_id, fu.late.action_id])
    page = client.get(f"/inspections/{inspection_id}")
    section = page.get_data(as_text=True).split('id="items-to-check"')[1].split("</section>")[0]
    assert "Exit cleared." in section and section.count('class="check"') == 2
    assert "2 pre-listed items are still to check" in _text(page)  # said before the submit button, and asked again
    assert 'data-confirm="2 pre-listed items are still to check. Submit this inspection anyway?' in page.get_data(as_text=True)
    assert "২টি বিষয় এখনও দেখা বাকি" in _text(client.get(f"/inspections/{inspection_id}?lang=bn"))
    client.get(f"/inspections/{inspection_id}?lang=en")  # the choice of language sticks: back to English
    again = _start(client, fu.a.id)
    assert again.status_code == 409 and "already open" in _text(again)

    # the reported fix: verified from the inspection (actions.services.verify_fix)
    check_id, version = _check(app, inspection_id, fu.reported.action_id)
    ok = client.post(f"/follow-ups/checks/{check_id}", data={f"check-{check_id}-outcome": "verified",
                                                              f"check-{check_id}-version": str(version)})
    assert ok.status_code == 302
    assert _action(app, fu.reported.action_id)[:2] == ("corrected", TODAY)
    assert [e.verb for e in _events(app, "verify_fix")] == ["verify_fix"]
    twice = client.post(f"/follow-ups/checks/{check_id}", data={f"check-{check_id}-outcome": "still_open",
                                                                 f"check-{check_id}-note": "x",
                                                                 f"check-{check_id}-version": str(version + 1)})
    assert twice.status_code == 409 and "already checked" in _text(twice)

    # the item never reported: rejecting is refused (409, note kept); still open needs a note; then on site
    check_id, version = _check(app, inspection_id, fu.late.action_id)
    base = {f"check-{check_id}-version": str(version)}
    refused = client.post(f"/follow-ups/checks/{check_id}", data={**base, f"check-{check_id}-outcome": "rejected",
                                                                  f"check-{check_id}-note": "Wires still loose"})
    assert refused.status_code == 409 and "Wires still loose" in refused.get_data(as_text=True)
    no_note = client.post(f"/follow-ups/checks/{check_id}", data={**base, f"check-{check_id}-outcome": "still_open"})
    assert no_note.status_code == 400 and "why the item is still open" in _text(no_note)
    still = client.post(f"/follow-ups/checks/{check_id}", data={**base, f"check-{check_id}-outcome": "still_open",
                                                                f"check-{check_id}-note": "Board still open"})
    assert still.status_code == 302 and _action(app, fu.late.action_id)[0] == "in_progress"
    on_site_bare = client.post(f"/follow-ups/checks/{check_id}", data={**base, f"check-{check_id}-outcome": "verified"})
    assert on_site_bare.status_code == 400 and "never reported this fixed" in _text(on_site_bare)
    on_site = client.post(f"/follow-ups/checks/{check_id}", data={**base, f"check-{check_id}-outcome": "verified",
                                                                  f"check-{check_id}-note": "New board fitted"})
    assert on_site.status_code == 302 and _action(app, fu.late.action_id)[0] == "corrected"
    [ev] = _events(app, "verify_on_site")
    assert ev.note == "New board fitted"
    outcomes = [e.after_data["outcome"] for e in _events(app, "check_follow_up_item")]
    assert outcomes == ["verified", "still_open", "verified"]
    history = _text(client.get(f"/actions/{fu.late.action_id}"))
    assert "found the hazard fixed on site" in history
    assert "still to check" not in _text(client.get(f"/inspections/{inspection_id}"))  # each item decided
    nothing = _start(client, fu.a.id)  # everything corrected and the draft still open
    assert nothing.status_code == 409


def test_a_stale_action_version_is_a_409_with_the_note_kept(app, client, auth, fu):
    auth.login("lead@example.test")
    inspection_id = int(re.search(r"/inspections/(\d+)", _start(client, fu.a.id).headers["Location"]).group(1))
    check_id, version = _check(app, inspection_id, fu.reported.action_id)
    stale = client.post(f"/follow-ups/checks/{check_id}", data={f"check-{check_id}-outcome": "rejected",
                                                                f"check-{check_id}-note": "Cartons are back",
                                                                f"check-{check_id}-version": str(version - 1)})
    assert stale.status_code == 409 and "Cartons are back" in stale.get_data(as_text=True)
    assert _action(app, fu.reported.action_id)[0] == "pending_verification"
    rejected = client.post(f"/follow-ups/checks/{check_id}", data={f"check-{check_id}-outcome": "rejected",
                                                                   f"check-{check_id}-note": "Cartons are back",
                                                                   f"check-{check_id}-version": str(version)})
    assert rejected.status_code == 302 and _action(app, fu.reported.action_id)[0] == "in_progress"
    assert [e.note for e in _events(app, "reject_fix")] == ["Cartons are back"]
    bad = client.post(f"/follow-ups/checks/{check_id}", data={f"check-{check_id}-outcome": "lost"})
    assert bad.status_code == 400


def test_cap_page_shows_the_next_follow_up_and_dashboard_panel(client, auth, fu):
    auth.login("owner@example.test")
    cap = client.get(f"/manage/factories/{fu.a.id}/cap").get_data(as_text=True)
    box = cap.split('id="next-follow-up"')[1].split("</article>")[0]
    assert (TODAY - dt.timedelta(days=5)).isoformat() in box and "lead@example.test" in box
    assert "Follow-up calendar" not in box  # the calendar is the engineers'
    auth.logout()
    auth.login("lead@example.test")
    dash = _text(client.get("/dashboard"))
    assert "Follow-ups due" in dash and "1 of your 1 follow-ups are due" in dash


def test_services_refuse_owners(app, fu):
    from factorysafe.auth.models import User
    from factorysafe.factories.models import Factory
    from factorysafe.followups import services

    with app.test_request_context():
        owner = db.session.get(User, fu.owner.id)
        factory = db.session.get(Factory, fu.a.id)
        with pytest.raises(services.FollowUpError) as exc:
            services.start_follow_up(factory, by=owner, today=TODAY)
        assert exc.value.status == 403
        with pytest.raises(services.FollowUpError):
            services.assign(factory, owner, by=owner, version=0)


def test_demo_data_gives_the_first_engineer_a_calendar(app, client, auth):
    from factorysafe.demo import seed_demo
    from factorysafe.followups.models import FollowUpAssignment

    with app.app_context():
        report = seed_demo(12, 20, seed=5, today=TODAY, with_photos=False)
        db.session.commit()
        rows = db.session.scalars(sa.select(FollowUpAssignment)).all()
        assert len(rows) == 12 and sum(r.engineer_id is None for r in rows) == 1
    assert len(_events(app, "assign_follow_up")) == 12
    engineer = next(email for email, role, _pw in report.accounts if role == "engineer")
    password = next(pw for email, role, pw in report.accounts if role == "engineer")
    auth.login(engineer, password)
    page = client.get("/follow-ups")
    assert page.status_code == 200
    assert int(re.search(r'id="follow-up-count" data-count="(\d+)"', page.get_data(as_text=True)).group(1)) >= 3


def test_a_missing_version_changes_nothing_and_keeps_the_typed_note(app, client, auth, fu):
    auth.login("lead@example.test")
    inspection_id = int(re.search(r"/inspections/(\d+)", _start(client, fu.a.id).headers["Location"]).group(1))
    check_id, _version = _check(app, inspection_id, fu.reported.action_id)
    before = len(_events(app, "check_follow_up_item"))
    for version in (None, "", "two", "-1"):
        data = {f"check-{check_id}-outcome": "still_open", f"check-{check_id}-note": "Typed note that must be kept"}
        if version is not None:
            data[f"check-{check_id}-version"] = version
        resp = client.post(f"/follow-ups/checks/{check_id}", data=data)
        assert resp.status_code == 400 and "did not say which version" in _text(resp)
        assert "Typed note that must be kept" in resp.get_data(as_text=True)
    assert len(_events(app, "check_follow_up_item")) == before
    assign = client.post(f"/follow-ups/factories/{fu.a.id}/assign", data={f"assign-{fu.a.id}-engineer": ""})
    assert assign.status_code == 400 and "did not say which version" in _text(assign)
    assert not _events(app, "assign_follow_up")
