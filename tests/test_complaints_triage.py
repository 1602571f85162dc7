"""The handlers' side of complaints through the test client: the triage list (order, filters, paging), the
complaint page, each form (happy path, bad input 400 with the text kept, stale version 409, wrong role 403,
visitor sent to sign in), handlers' accounts (invited by an admin, dashboard panel, no drafts), and an engineer
who turns a complaint into a complaint inspection, links its findings and resolves it."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from factorysafe.complaints import services
from factorysafe.complaints.models import Complaint
from factorysafe.complaints.rules import ComplaintStatus
from factorysafe.db import db
from factorysafe.factories.models import Factory
from tests.helpers_photos import jpeg

TODAY = dt.date.today()


def _complaint(app, *, factory=None, category="locked_gate", description="The back gate is locked at night.",
               received_on=TODAY, factory_text="", contact="", lang="bn", photo=False, show=False, **changes):
    """A complaint as a worker made it (through the service), with changes written straight to the row."""
    with app.test_request_context():
        f = db.session.get(Factory, factory.id) if factory is not None else None
        complaint, _code = services.submit(
            category=category, description=description, today=received_on, factory=f,
            factory_text=factory_text or ("" if f else "Some Knit Ltd, Ashulia"), contact=contact, lang=lang,
            show_factory=show, photo=(io.BytesIO(jpeg()), "gate.jpg") if photo else None)
        for key, value in changes.items():
            setattr(complaint, key, value)
        db.session.commit()
        return complaint.id


def _get(app, complaint_id) -> Complaint:
    with app.app_context():
        c = db.session.get(Complaint, complaint_id)
        db.session.expunge(c)
        return c


def _version(app, complaint_id) -> int:
    return _get(app, complaint_id).version


@pytest.fixture
def handler(build, auth):
    user = build.user("handler", "handler@example.test")
    auth.login(user.email)
    return user


def _url(cid, what=""):
    return f"/complaints/manage/{cid}" + (f"/{what}" if what else "")


# --- the list ---------------------------------------------------------------------------------------
def test_list_puts_open_urgent_and_reopened_first(app, client, build, handler):
    factory = build.factory(name="Order Knit Ltd")
    wages = _complaint(app, factory=factory, category="wages", description="Late wages",
                       received_on=TODAY - dt.timedelta(days=9))
    closed = _complaint(app, factory=factory, category="fire_smoke", description="Smoke",
                        status=ComplaintStatus.RESOLVED, outcome="Fixed.")
    reopened = _complaint(app, factory=factory, category="boiler", description="Boiler noise", reopened=1,
                          status=ComplaintStatus.UNDER_REVIEW)
    gate = _complaint(app, factory=factory, category="locked_gate")
    page = client.get("/complaints/manage")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    links = re.findall(r'/complaints/manage/(\d+)"', html)
    assert [int(x) for x in links] == [reopened, gate, wages, closed]
    assert "Urgent" in html and "Reopened" in html


def test_list_filters_and_pages(app, client, build, handler):
    a = build.factory(name="Filter A Garments")
    b = build.factory(name="Filter B Garments")
    ids_a = [_complaint(app, factory=a, category="wiring", description=f"sparks {n}") for n in range(30)]
    sms = _complaint(app, factory=b, category="cracks", channel="sms")
    html = client.get("/complaints/manage?category=cracks").get_data(as_text=True)
    assert re.findall(r'/complaints/manage/(\d+)"', html) == [str(sms)]
    html = client.get("/complaints/manage?channel=sms").get_data(as_text=True)
    assert re.findall(r'/complaints/manage/(\d+)"', html) == [str(sms)]
    html = client.get(f"/complaints/manage?factory={a.id}").get_data(as_text=True)
    first = re.findall(r'/complaints/manage/(\d+)"', html)
    assert len(first) == 25 and "30 complaints" in html and "page 1 of 2" in html
    assert f"factory={a.id}" in re.search(r'href="([^"]+)" rel="next"', html).group(1)
    html2 = client.get(f"/complaints/manage?factory={a.id}&page=2").get_data(as_text=True)
    second = re.findall(r'/complaints/manage/(\d+)"', html2)
    assert len(second) == 5 and sorted(map(int, first + second)) == ids_a
    html = client.get("/complaints/manage?status=resolved").get_data(as_text=True)
    assert "No complaint matches." in html
    # crafted values: ignored with a message, never a 500
    resp = client.get("/complaints/manage?status=bogus&category=x&factory=999999&channel=fax&page=abc")
    assert resp.status_code == 200
    assert "Unknown filter values were ignored" in resp.get_data(as_text=True)
    assert len(re.findall(r'/complaints/manage/(\d+)"', resp.get_data(as_text=True))) == 25


def test_who_may_see_the_list_and_a_complaint(app, client, build, auth):
    factory = build.factory()
    cid = _complaint(app, factory=factory)
    resp = client.get("/complaints/manage")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.get(_url(cid)).status_code == 302
    owner = build.user("owner", "owner@example.test", factories=[factory])
    auth.login(owner.email)
    assert client.get("/complaints/manage").status_code == 403
    assert client.get(_url(cid)).status_code == 403
    assert client.post(_url(cid, "message"), data={"message-body": "hi", "message-version": "1"}).status_code == 403
    auth.logout()
    engineer = build.user("engineer", "eng@example.test")
    auth.login(engineer.email)
    assert client.get("/complaints/manage").status_code == 200
    assert client.get(_url(cid)).status_code == 200
    assert client.get(_url(999999)).status_code == 404


# --- the complaint page ------------------------------------------------------------------------------
def test_detail_shows_everything_about_the_complaint(app, client, build, handler):
    factory = build.factory(name="Detail Knit Ltd")
    inspection = build.inspection(factory, state="published")
    finding = build.finding(inspection, observation="Exit door chained.")
    cid = _complaint(app, factory_text="Detail Knit, Savar", contact="01711 000000", photo=True)
    with app.test_request_context():
        c = db.session.get(Complaint, cid)
        services.worker_reply(c, "It is the back gate.")
        db.session.commit()
    html = client.get(_url(cid)).get_data(as_text=True)
    assert f"C-{TODAY.year}-{cid:04d}" in html
    assert "The back gate is locked at night." in html
    assert "Detail Knit, Savar" in html and "Not matched yet" in html
    assert "01711 000000" in html
    assert "It is the back gate." in html
    photo = re.search(r'/photos/(\d+)/thumb', html)
    assert photo and client.get(f"/photos/{photo.group(1)}/web").status_code == 200
    assert "Name withheld" in html
    assert "The worker reported the complaint (Web form), with a photo." in html
    assert "The worker wrote a message." in html
    # the finding of the factory is not offered before the complaint is matched to it
    assert "Exit door chained." not in html
    client.get(f"{_url(cid)}?q=detail")
    html = client.get(f"{_url(cid)}?q=Detail+Knit").get_data(as_text=True)
    assert f'value="{factory.id}"' in html
    # Bangla: the page and its history in the handler's language
    html = client.get(f"{_url(cid)}?lang=bn").get_data(as_text=True)
    assert "অভিযোগ" in html and "শ্রমিক" in html
    assert finding.id  # (linked later tests)


# --- status -------------------------------------------------------------------------------------------
def test_set_status_happy_bad_input_and_stale_version(app, client, build, handler):
    cid = _complaint(app, factory=build.factory())
    v = _version(app, cid)
    # bad input: resolving needs the outcome; the typed text stays
    resp = client.post(_url(cid, "status"), data={"status-version": v, "status-status": "resolved",
                                                  "status-outcome": "", "status-referred_to": "Typed referral"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Write the outcome the worker will read." in html and "Typed referral" in html
    # a status the complaint cannot move to (not among the choices): 400
    resp = client.post(_url(cid, "status"), data={"status-version": v, "status-status": "received",
                                                  "status-outcome": "x"})
    assert resp.status_code == 400
    # no version at all: 400, nothing changed
    resp = client.post(_url(cid, "status"), data={"status-status": "resolved", "status-outcome": "Done"})
    assert resp.status_code == 400 and _get(app, cid).status == ComplaintStatus.RECEIVED
    # stale version: 409, the outcome kept
    resp = client.post(_url(cid, "status"), data={"status-version": v + 5, "status-status": "resolved",
                                                  "status-outcome": "Gate unlocked during shifts."})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Someone else changed this complaint" in html and "Gate unlocked during shifts." in html
    assert _get(app, cid).status == ComplaintStatus.RECEIVED
    # happy path
    resp = client.post(_url(cid, "status"), data={"status-version": v, "status-status": "resolved",
                                                  "status-outcome": "Gate unlocked during shifts."})
    assert resp.status_code == 302
    c = _get(app, cid)
    assert c.status == ComplaintStatus.RESOLVED and c.outcome == "Gate unlocked during shifts."
    assert c.resolved_on == TODAY
    html = client.get(_url(cid)).get_data(as_text=True)
    assert "changed the status from “Received” to “Resolved”" in html
    # a resolved complaint may only be reopened
    assert re.findall(r'<option value="([a-z_]+)"', html.split('id="status-form"')[1].split("</form>")[0]) == [
        "under_review"]


def test_not_covered_is_referred_to_the_inspectorate_in_the_workers_language(app, client, build, handler):
    bn = _complaint(app, lang="bn")
    en = _complaint(app, lang="en")
    for cid in (bn, en):
        resp = client.post(_url(cid, "status"), data={"status-version": _version(app, cid),
                                                      "status-status": "not_covered",
                                                      "status-outcome": "Not a factory of the programme."})
        assert resp.status_code == 302
    assert _get(app, en).referred_to == "Department of Inspection for Factories and Establishments (DIFE)"
    referred = _get(app, bn).referred_to
    assert referred and "DIFE" in referred and referred != _get(app, en).referred_to  # translated
    # a referral typed by the handler is kept as typed
    other = _complaint(app, category="wages", description="wages")
    client.post(_url(other, "status"), data={"status-version": _version(app, other), "status-status": "non_safety",
                                             "status-outcome": "Referred.", "status-referred_to": "The union"})
    assert _get(app, other).referred_to == "The union"
    # non-safety without a referral: 400 (only not_covered has a default)
    again = _complaint(app, category="wages", description="wages")
    resp = client.post(_url(again, "status"), data={"status-version": _version(app, again),
                                                    "status-status": "non_safety", "status-outcome": "Referred."})
    assert resp.status_code == 400 and "Say to whom the complaint is referred." in resp.get_data(as_text=True)


# --- messages -----------------------------------------------------------------------------------------
def test_write_to_the_worker(app, client, build, handler):
    cid = _complaint(app)
    v = _version(app, cid)
    resp = client.post(_url(cid, "message"), data={"message-version": v, "message-body": "   "})
    assert resp.status_code == 400 and "Write the message." in resp.get_data(as_text=True)
    resp = client.post(_url(cid, "message"), data={"message-version": v - 1, "message-body": "Which gate, front or back?"})
    assert resp.status_code == 409 and "Which gate, front or back?" in resp.get_data(as_text=True)
    resp = client.post(_url(cid, "message"), data={"message-version": v, "message-body": "x" * 4001})
    assert resp.status_code == 400
    resp = client.post(_url(cid, "message"), data={"message-version": v, "message-body": "Which gate, front or back?"})
    assert resp.status_code == 302
    c = _get(app, cid)
    assert c.status == ComplaintStatus.UNDER_REVIEW
    with app.app_context():
        c = db.session.get(Complaint, cid)
        assert [(m.from_worker, m.body, m.handler_id) for m in c.messages] == [
            (False, "Which gate, front or back?", handler.id)]
    html = client.get(_url(cid)).get_data(as_text=True)
    assert "handler@example.test wrote to the worker." in html


# --- factory ------------------------------------------------------------------------------------------
def test_match_to_a_factory(app, client, build, handler):
    factory = build.factory(name="Match Me Apparels", district="Narayanganj")
    cid = _complaint(app, factory_text="match me, fatullah")
    html = client.get(f"{_url(cid)}?q=match+me").get_data(as_text=True)
    assert "Match Me Apparels" in html and f'value="{factory.id}"' in html
    assert "No factory found" in client.get(f"{_url(cid)}?q=zzzz%25").get_data(as_text=True)
    v = _version(app, cid)
    resp = client.post(_url(cid, "factory"), data={"factory-version": v})
    assert resp.status_code == 400
    resp = client.post(_url(cid, "factory"), data={"factory-version": v, "factory-factory_id": "999999"})
    assert resp.status_code == 400 and "Choose a factory of the register." in resp.get_data(as_text=True)
    resp = client.post(_url(cid, "factory"), data={"factory-version": v + 1, "factory-factory_id": factory.id,
                                                   "factory-show_factory": "y"})
    assert resp.status_code == 409
    assert _get(app, cid).factory_id is None
    resp = client.post(_url(cid, "factory"), data={"factory-version": v, "factory-factory_id": factory.id,
                                                   "factory-show_factory": "y"})
    assert resp.status_code == 302
    c = _get(app, cid)
    assert c.factory_id == factory.id and c.withhold_factory is False
    html = client.get(_url(cid)).get_data(as_text=True)
    assert "matched the complaint to the factory Match Me Apparels" in html
    assert "The factory&#39;s name is shown" in html or "The factory's name is shown" in html


# --- findings -----------------------------------------------------------------------------------------
def test_link_findings_handler_sees_no_drafts(app, client, build, handler):
    factory = build.factory()
    published = build.finding(build.inspection(factory, state="published"), observation="Published exit blocked")
    draft = build.finding(build.inspection(factory, state="draft"), observation="Draft wiring loose")
    other = build.finding(build.inspection(build.factory(), state="published"), observation="Other factory")
    cid = _complaint(app, factory=factory)
    html = client.get(_url(cid)).get_data(as_text=True)
    assert "Published exit blocked" in html
    assert "Draft wiring loose" not in html and "Other factory" not in html
    v = _version(app, cid)
    for bad in (draft.id, other.id):
        resp = client.post(_url(cid, "findings"), data={"link-version": v, "link-finding_ids": bad})
        assert resp.status_code == 400
    assert client.post(_url(cid, "findings"), data={"link-version": v}).status_code == 400
    resp = client.post(_url(cid, "findings"), data={"link-version": v + 3, "link-finding_ids": published.id})
    assert resp.status_code == 409
    resp = client.post(_url(cid, "findings"), data={"link-version": v, "link-finding_ids": published.id})
    assert resp.status_code == 302
    with app.app_context():
        assert [f.id for f in db.session.get(Complaint, cid).findings] == [published.id]
    html = client.get(_url(cid)).get_data(as_text=True)
    assert "linked 1 finding to the complaint." in html
    # a handler makes no inspection
    resp = client.post(_url(cid, "inspection"), data={"inspection-version": _version(app, cid)})
    assert resp.status_code == 403
    assert 'id="inspection-form"' not in html


def test_handler_cannot_open_drafts_nor_edit_inspections(app, client, build, handler):
    factory = build.factory()
    draft = build.inspection(factory, state="draft")
    published = build.inspection(factory, state="published")
    finding = build.finding(draft)
    assert client.get(f"/inspections/{draft.id}").status_code in (403, 404)
    assert client.get(f"/inspections/{published.id}").status_code in (403, 404)  # private page: engineers, owners
    assert client.get(f"/inspections/{draft.id}/report.pdf").status_code in (403, 404)
    assert client.get(f"/inspections/{draft.id}/edit").status_code == 403
    assert client.get(f"/inspections/{draft.id}/findings/new").status_code == 403
    assert client.get(f"/actions/{finding.action_id}").status_code in (403, 404)
    assert client.post(f"/actions/{finding.action_id}/verify", data={"verify-version": "1"}).status_code in (403, 404)
    from factorysafe import policy
    from factorysafe.auth.models import User

    with app.app_context():
        user = db.session.get(User, handler.id)
        assert policy.visible_states(user, factory.id) == policy.PUBLIC_STATES
        assert policy.may_handle_complaints(user) and not policy.may_make_findings(user)
        assert not policy.may_verify(user) and not policy.may_edit_inspection(user)


def test_engineer_makes_a_complaint_inspection_links_its_findings_and_resolves(app, client, build, auth):
    engineer = build.user("engineer", "eng@example.test")
    auth.login(engineer.email)
    factory = build.factory(name="Inspect Me Ltd")
    unmatched = _complaint(app)
    resp = client.post(_url(unmatched, "inspection"), data={"inspection-version": _version(app, unmatched)})
    assert resp.status_code == 400 and "Match the complaint to a factory first." in resp.get_data(as_text=True)
    cid = _complaint(app, factory=factory, category="cracks")
    v = _version(app, cid)
    assert client.post(_url(cid, "inspection"), data={"inspection-version": v + 1}).status_code == 409
    resp = client.post(_url(cid, "inspection"), data={"inspection-version": v})
    assert resp.status_code == 302
    c = _get(app, cid)
    assert c.inspection_id and c.status == ComplaintStatus.UNDER_REVIEW
    assert resp.headers["Location"].endswith(f"/inspections/{c.inspection_id}")
    from factorysafe.inspections.models import Inspection

    with app.app_context():
        insp = db.session.get(Inspection, c.inspection_id)
        assert insp.type.value == "complaint" and insp.state.value == "draft" and insp.factory_id == factory.id
    assert client.get(f"/inspections/{c.inspection_id}").status_code == 200
    # the engineer adds a finding with the existing finding form
    resp = client.post(f"/inspections/{c.inspection_id}/findings/new", data={
        "discipline": "structural", "observation": "Diagonal crack in column C4, ground floor.",
        "recommendation": "Structural assessment.", "severity": "high", "floor": "Ground", "area": "C4"})
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:2000]
    assert client.post(_url(cid, "inspection"), data={"inspection-version": _version(app, cid)}).status_code == 409
    html = client.get(_url(cid)).get_data(as_text=True)
    assert "Diagonal crack in column C4" in html and "created a complaint inspection" in html
    from factorysafe.inspections.models import Finding

    with app.app_context():
        fid = db.session.scalar(sa.select(Finding.id).where(Finding.inspection_id == c.inspection_id))
    resp = client.post(_url(cid, "findings"), data={"link-version": _version(app, cid), "link-finding_ids": fid})
    assert resp.status_code == 302
    resp = client.post(_url(cid, "status"), data={"status-version": _version(app, cid), "status-status": "resolved",
                                                  "status-outcome": "The column was propped and repaired."})
    assert resp.status_code == 302
    with app.app_context():
        c = db.session.get(Complaint, cid)
        assert c.status == ComplaintStatus.RESOLVED and [f.id for f in c.findings] == [fid]


# --- accounts and the dashboard -----------------------------------------------------------------------
def test_admin_invites_a_handler_who_sees_the_complaints_panel(app, client, build, auth):
    from factorysafe.actions.models import OutboxMessage

    admin = build.user("admin", "admin@example.test")
    auth.login(admin.email)
    page = client.get("/admin/users/invite").get_data(as_text=True)
    assert 'value="handler"' in page
    resp = client.post("/admin/users/invite", data={"email": "new.handler@example.test", "name": "Rina",
                                                    "role": "handler", "factories": ""})
    assert resp.status_code == 302
    # a handler has no factories
    resp = client.post("/admin/users/invite", data={"email": "h2@example.test", "role": "handler", "factories": "1"})
    assert resp.status_code == 400
    auth.logout()
    with app.app_context():
        body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == "new.handler@example.test"))
    token = re.search(r"/invite/([A-Za-z0-9_-]+)", body).group(1)
    resp = client.post(f"/invite/{token}", data={"password": "tin roof monsoon 1971",
                                                 "confirm": "tin roof monsoon 1971"})
    assert resp.status_code in (302, 303)
    _complaint(app, category="fire_smoke", description="Smoke from the boiler room")
    auth.login("new.handler@example.test", "tin roof monsoon 1971")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Workers&#39; complaints" in html or "Workers' complaints" in html
    assert "Open: 1 · need attention: 1 · not yet looked at: 1" in html
    assert "Verification queue" not in html  # not an engineer's panel
    assert client.get("/complaints/manage").status_code == 200


def test_create_user_command_makes_a_handler(app, runner):
    from factorysafe.auth.models import Role, User

    result = runner.invoke(args=["create-user", "cli.handler@example.test", "--role", "handler", "--password-stdin"],
                           input="tin roof monsoon 1971\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "cli.handler@example.test"))
        assert user.role == Role.HANDLER


# --- the service verbs' versions --------------------------------------------------------------------
def test_handler_verbs_refuse_a_stale_version_and_change_nothing(app, build):
    from factorysafe.audit import AuditEvent
    from factorysafe.auth.models import User
    from factorysafe.inspections.models import Finding

    factory = build.factory()
    finding = build.finding(build.inspection(factory, state="published"))
    handler = build.user("handler")
    engineer = build.user("engineer")
    cid = _complaint(app, factory=factory)
    with app.test_request_context():
        c = db.session.get(Complaint, cid)
        h, e = db.session.get(User, handler.id), db.session.get(User, engineer.id)
        events = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
        stale = c.version + 1
        with pytest.raises(services.VersionConflict):
            services.ask_worker(c, "Which gate?", by=h, version=stale)
        with pytest.raises(services.VersionConflict):
            services.link_findings(c, [db.session.get(Finding, finding.id)], by=h, version=stale)
        with pytest.raises(services.VersionConflict):
            services.make_inspection(c, by=e, today=TODAY, version=stale)
        db.session.rollback()
        c = db.session.get(Complaint, cid)
        assert c.messages == [] and c.findings == [] and c.inspection_id is None
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == events
        # the current version goes through, with its audit event
        services.ask_worker(c, "Which gate?", by=h, version=c.version)
        services.link_findings(c, [db.session.get(Finding, finding.id)], by=h, version=c.version)
        db.session.commit()
        verbs = db.session.scalars(sa.select(AuditEvent.verb).where(AuditEvent.subject_type == "complaints",
                                                                    AuditEvent.subject_id == cid)
                                   .order_by(AuditEvent.id)).all()
        assert verbs == ["complaint_received", "complaint_handler_message", "complaint_link_findings"]


def test_visitors_posting_are_sent_to_sign_in_and_nothing_changes(app, client, build):
    cid = _complaint(app, factory=build.factory())
    v = _version(app, cid)
    for what, data in (("status", {"status-version": v, "status-status": "not_processed", "status-outcome": "x"}),
                       ("message", {"message-version": v, "message-body": "hello"}),
                       ("factory", {"factory-version": v, "factory-factory_id": "1"}),
                       ("findings", {"link-version": v, "link-finding_ids": "1"}),
                       ("inspection", {"inspection-version": v})):
        resp = client.post(_url(cid, what), data=data)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], what
    assert _version(app, cid) == v


# --- Bangla -------------------------------------------------------------------------------------------
def test_the_handlers_pages_read_in_bangla(app, client, build, handler):
    from helpers_i18n import visible_text
    from test_i18n_complete import english_sentences

    factory = build.factory(name="Bangla Check Knit Ltd", district="Gazipur", upazila="Tongi")
    build.finding(build.inspection(factory, state="published"), observation="Exit blocked by cartons.")
    cid = _complaint(app, factory=factory, contact="01711 000000", photo=True, description="পেছনের গেট রাতে তালাবদ্ধ।")
    client.get("/complaints/manage?lang=bn")  # the handler chooses Bangla (remembered)
    client.post(_url(cid, "message"), data={"message-version": _version(app, cid), "message-body": "কোন গেট?"})
    client.post(_url(cid, "status"), data={"status-version": _version(app, cid), "status-status": "not_covered",
                                           "status-outcome": "কারখানাটি আওতার বাইরে।"})
    names = ("Bangla Check Knit Ltd", "Gazipur", "Tongi", "Exit blocked by cartons.", "handler@example.test",
             "Some Knit Ltd, Ashulia", "(DIFE)")

    def english_left(html: str) -> list[str]:
        text = visible_text(html)
        for name in names:
            text = text.replace(name, " ")
        return english_sentences(text)

    for url in ("/complaints/manage?lang=bn", f"{_url(cid)}?lang=bn&q=bangla", "/dashboard?lang=bn"):
        html = client.get(url).get_data(as_text=True)
        assert "শ্রমিক" in html and not english_left(html), (url, english_left(html))
    # an error in Bangla too, the typed text kept
    resp = client.post(_url(cid, "message") + "?lang=bn", data={"message-version": "0", "message-body": "আবার লিখছি"})
    assert resp.status_code == 409 and "আবার লিখছি" in resp.get_data(as_text=True)
    assert not english_left(resp.get_data(as_text=True))


# --- any input --------------------------------------------------------------------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402
from markupsafe import escape  # noqa: E402

_junk = st.one_of(st.none(), st.text(max_size=60), st.sampled_from(["resolved", "not_covered", "", "0", "-1",
                                                                     "99999999999999", "under_review", "1"]))


@settings(max_examples=12)
@given(status=_junk, outcome=_junk, referred=_junk, version=_junk, body=_junk, factory_id=_junk, finding=_junk)
def test_any_posted_junk_is_refused_cleanly_or_applied(app, client, build, handler, status, outcome, referred,
                                                       version, body, factory_id, finding):
    with app.app_context():
        cid = db.session.scalar(sa.select(Complaint.id).order_by(Complaint.id.desc()).limit(1))
    if cid is None or _get(app, cid).status not in (ComplaintStatus.RECEIVED, ComplaintStatus.UNDER_REVIEW):
        cid = _complaint(app, factory=build.factory() if factory_id == "1" else None)

    def form(**fields):
        return {k: v for k, v in fields.items() if v is not None}

    for what, data, typed in (
        ("status", form(**{"status-version": version, "status-status": status, "status-outcome": outcome,
                           "status-referred_to": referred}), outcome),
        ("message", form(**{"message-version": version, "message-body": body}), body),
        ("factory", form(**{"factory-version": version, "factory-factory_id": factory_id}), None),
        ("findings", form(**{"link-version": version, "link-finding_ids": finding}), None),
    ):
        resp = client.post(_url(cid, what), data=data)
        assert resp.status_code in (302, 400, 409), (what, data, resp.status_code)
        html = resp.get_data(as_text=True)
        if any("\x00" in v for v in data.values()):
            # a zero byte cannot be typed: such a request is refused as a whole (security.py)
            assert resp.status_code == 400 and "NUL character" in html
        elif resp.status_code != 302 and typed and typed.isprintable() and typed.strip() == typed:
            assert str(escape(typed)) in html, "the typed text was lost"
