"""Property tests: whatever a person (or a script) sends into the main forms and filters, the answer is a page
or a JSON error with a fitting status, never a server error. Through the test client, signed in as the role
the form is for, into one world per test (``helpers_actions.World``) whose state the examples may change.

Each field gets either a value of the kind it expects (a real choice, a date from year 1 to 9999, an integer
of any size) or junk: random unicode, huge numbers, NaN and infinities, impossible dates, NUL bytes, markup.
The ``ci`` hypothesis profile (tests/conftest.py) keeps it to 25 examples per form, derandomized."""
from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from helpers_actions import World, jpeg_bytes

CRAFTED = ["", " ", "0", "-1", "1" + "0" * 30, "-" + "9" * 40, "1e309", "-1e309", "nan", "NaN", "inf", "-inf",
           "9999-12-31", "0001-01-01", "2025-02-30", "2025-13-01", "10000-01-01", "\x00", "a\x00b", "%00",
           "<script>alert(1)</script>", "' OR 1=1 --", "%s%s%n", "ক্ষ" * 200, "\u202egnp.exe", "🧯" * 40, "x" * 12000,
           "true", "on", "y", "[]", "{}"]
JUNK = st.one_of(st.text(max_size=120), st.sampled_from(CRAFTED), st.integers(-10**40, 10**40).map(str),
                 st.floats().map(repr))
TEXT = st.one_of(st.text(max_size=400), JUNK)
DATE = st.one_of(st.dates().map(dt.date.isoformat), JUNK)
INT = st.one_of(st.integers(-10**30, 10**30).map(str), JUNK)
NUMBER = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-10**30, 10**30).map(str),
                   JUNK)
DISCIPLINES = ["fire", "electrical", "structural", "boiler"]
SEVERITIES = ["", "priority_1", "high", "medium", "low"]
HAZARDS = ["FIRE-EXIT-BLOCKED", "STRUCT-COLUMN-WEAK", "ELEC-WIRING-HAPHAZARD", "BOILER-NO-CERT"]


def choice(values) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(values), JUNK)


def form(**fields) -> st.SearchStrategy[dict]:
    """Any subset of the fields, each a strategy."""
    return st.fixed_dictionaries({}, optional=fields)


SEEN: Counter = Counter()  # examples per form, printed at the end (run with -s)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\nforms fuzzed: {len(SEEN)}, examples: {sum(SEEN.values())}: {dict(SEEN)}")


@pytest.fixture
def world(app, build):
    from factorysafe.actions.models import DeadlineExtension
    from factorysafe.db import db

    w = World(build)
    w.draft = build.inspection(w.factory, state="draft", type="follow_up", engineer=w.engineer)
    w.draft_finding = build.finding(w.draft, discipline="structural", hazard_code="STRUCT-COLUMN-WEAK")
    with app.app_context():
        ext = DeadlineExtension(action_id=w.action_id, requested_by_id=w.owner.id, reason="Doors late.",
                                previous_deadline=dt.date(2025, 2, 12), requested_deadline=dt.date(2025, 4, 1))
        db.session.add(ext)
        db.session.commit()
        w.extension_id = ext.id
    return w


def _ids(w: World) -> dict:
    return {"factory": w.factory.id, "inspection": w.inspection.id, "draft": w.draft.id, "action": w.action_id,
            "finding": w.finding.id, "draft_finding": w.draft_finding.id, "extension": w.extension_id}


def answered(resp, what: str) -> None:
    """A fitting answer: no server error, and no stack trace shown."""
    body = resp.get_data().decode("utf-8", "replace") if resp.mimetype.startswith("text/") else ""
    assert resp.status_code < 500, f"{what}: {resp.status_code}\n{body[:800]}"
    assert "Traceback (most recent call last)" not in body, what


def _sign_in(client, auth, w: World, role: str | None) -> None:
    """Sign in once per test (the examples share the client); again only if an example signed out."""
    if role is None:
        return
    with client.session_transaction() as session:
        if "_user_id" in session:
            return
    assert auth.login(getattr(w, role).email).status_code == 302


# --- sign-in ---------------------------------------------------------------------------------------------
@given(data=form(email=st.one_of(st.emails(), TEXT), password=TEXT, next=TEXT))
def test_login_form_refuses_any_junk_without_failing(client, world, data):
    SEEN["login"] += 1
    nxt = data.pop("next", None)
    resp = client.post("/login" + (f"?next={nxt}" if nxt is not None else ""), data=data)
    answered(resp, "POST /login")
    assert resp.status_code in (400, 401, 429), resp.status_code
    with client.session_transaction() as session:
        assert "_user_id" not in session


# --- inspections and findings (engineers) ----------------------------------------------------------------
INSPECTION = form(factory_id=INT, type=choice(["initial", "follow_up", "special", "complaint"]), inspected_on=DATE,
                  disciplines=st.lists(choice(DISCIPLINES), max_size=5), engineer_ids=st.lists(INT, max_size=3),
                  summary=TEXT, amendment_reason=TEXT, version=INT)
FINDING = form(discipline=choice(DISCIPLINES), hazard_code=choice(HAZARDS), floor=TEXT, area=TEXT,
               observation=TEXT, recommendation=TEXT, severity=choice(SEVERITIES), severity_override_reason=TEXT,
               immediate_danger=choice(["y", ""]), deadline_override=DATE, deadline_override_reason=TEXT,
               amendment_reason=TEXT, version=INT, photo=st.binary(max_size=600))


@pytest.mark.parametrize("url", ["/inspections/new", "/inspections/{draft}/edit", "/inspections/{inspection}/edit"])
@given(data=INSPECTION)
def test_inspection_form_never_fails(client, auth, world, url, data):
    SEEN[url] += 1
    _sign_in(client, auth, world, "engineer")
    data.setdefault("factory_id", str(world.factory.id))
    answered(client.post(url.format(**_ids(world)), data=data), url)


@given(day=st.one_of(st.sampled_from([dt.date.max, dt.date(9999, 12, 1), dt.date.min]), st.dates()),
       severity=st.sampled_from(SEVERITIES[1:]))
def test_an_inspection_the_form_accepts_can_take_a_finding(client, auth, build, world, day, severity):
    """Whatever visit date the inspection form accepts, the finding form can add a finding to it (its
    deadline is computed from that date). A factory per example: one visit a day per factory."""
    SEEN["inspection date then finding"] += 1
    _sign_in(client, auth, world, "engineer")
    factory = build.factory()
    resp = client.post("/inspections/new", data={"factory_id": factory.id, "type": "initial",
                                                  "inspected_on": day.isoformat(), "disciplines": ["fire"],
                                                  "engineer_ids": [world.engineer.id]})
    answered(resp, "POST /inspections/new")
    if resp.status_code == 302:
        url = resp.headers["Location"].split("#")[0].rstrip("/") + "/findings/new"
        answered(client.post(url, data={"discipline": "fire", "observation": "Exit blocked.",
                                        "recommendation": "Clear it.", "severity": severity}), url)


@pytest.mark.parametrize("url", ["/inspections/{draft}/findings/new", "/findings/{draft_finding}/edit",
                                 "/findings/{finding}/edit"])
@given(data=FINDING)
def test_finding_form_never_fails_and_keeps_the_typed_text(client, auth, world, url, data):
    SEEN[url] += 1
    _sign_in(client, auth, world, "engineer")
    photo = data.pop("photo", None)
    if photo is not None:
        data["photos"] = (io.BytesIO(photo), "site.jpg")
    resp = client.post(url.format(**_ids(world)), data=data, content_type="multipart/form-data")
    answered(resp, url)
    typed = data.get("observation", "")
    if any("\x00" in str(v) for v in data.values() if isinstance(v, str)):
        # a zero byte cannot be typed: such a request is refused as a whole, with its own message (security.py)
        assert resp.status_code == 400 and "NUL character" in resp.get_data(as_text=True)
    elif resp.status_code in (400, 409, 413, 422) and typed.isprintable() and typed.strip() == typed and typed:
        assert str(escape(typed)) in resp.get_data(as_text=True), "the typed observation was lost"


# --- corrective actions (owners plan and report; engineers verify) -----------------------------------------
ACTION_FORMS = {
    "plan": ("owner", "/actions/{action}/plan", form(**{"plan-planned_action": TEXT, "plan-responsible_person": TEXT,
                                                        "plan-target_date": DATE, "plan-version": INT})),
    "report": ("owner", "/actions/{action}/report-fix", form(**{"report-note": TEXT, "report-version": INT,
                                                                "report-photos": st.binary(max_size=600)})),
    "extension": ("owner", "/actions/{action}/extensions", form(**{"extension-new_deadline": DATE,
                                                                   "extension-reason": TEXT})),
    "comment": ("owner", "/actions/{action}/comments", form(**{"comment-body": TEXT})),
    "verify": ("engineer", "/actions/{action}/verify", form(**{"verify-verified_on": DATE, "verify-note": TEXT,
                                                               "verify-version": INT})),
    "reject": ("engineer", "/actions/{action}/reject", form(**{"reject-reason": TEXT, "reject-version": INT})),
    "decide": ("engineer", "/actions/extensions/{extension}/decide", st.builds(
        lambda d, c: {"decide-{extension}-decision": d, "decide-{extension}-comment": c},
        choice(["approve", "decline"]), TEXT)),
    "escalate": ("engineer", "/manage/factories/{factory}/escalate", form(**{"esc-stage": choice(["1", "2", "3"]),
                                                                          "esc-note": TEXT, "prefix": JUNK,
                                                                          "next": JUNK})),
}


@pytest.mark.parametrize("name", list(ACTION_FORMS))
@given(data=st.data())
def test_action_forms_never_fail(client, auth, world, name, data):
    role, url, fields = ACTION_FORMS[name]
    SEEN[name] += 1
    _sign_in(client, auth, world, role)
    ids = _ids(world)
    values = {k.format(**ids): v for k, v in data.draw(fields).items()}
    for key in [k for k in values if k.endswith("photos")]:
        values[key] = [(io.BytesIO(values[key]), "fix.jpg"), (io.BytesIO(jpeg_bytes()), "fix2.jpg")]
    answered(client.post(url.format(**ids), data=values, content_type="multipart/form-data"), name)


# --- filters and lookups (GET) -----------------------------------------------------------------------------
FILTERS = {
    "cap": ("owner", "/manage/factories/{factory}/cap", form(discipline=choice(DISCIPLINES),
                                                              status=choice(["in_progress", "pending_verification",
                                                                             "corrected"]),
                                                              origin=choice(["initial", "new"]),
                                                              overdue=choice(["y", ""]))),
    "factory list": ("engineer", "/manage/factories", form(q=TEXT, after=JUNK, before=JUNK)),
    "suggest": ("engineer", "/hazards/suggest", form(q=TEXT, k=INT)),
    "suggest try": ("engineer", "/hazards/suggest/try", form(observation=TEXT, hazard_code=choice(HAZARDS))),
    "column check GET": ("engineer", "/hazards/column-check", form(inspection_id=INT)),
    "map": (None, "/map", form(q=TEXT, status=choice(["on_track", "behind_schedule", "cap_pending"]),
                               discipline=choice(DISCIPLINES), district=choice(["Gazipur", "Dhaka"]),
                               danger=choice(["1", "on", "true"]), lang=choice(["bn", "en"]))),
    "public factory": (None, "/factories/{factory}", form(lang=choice(["bn", "en"]))),
    "reports": (None, "/inspections/{inspection}/report.pdf", form(lang=choice(["bn", "en"]))),
}


@pytest.mark.parametrize("name", list(FILTERS))
@given(data=st.data())
def test_filters_never_fail(client, auth, world, name, data):
    role, url, fields = FILTERS[name]
    SEEN[name] += 1
    _sign_in(client, auth, world, role)
    answered(client.get(url.format(**_ids(world)), query_string=data.draw(fields)), name)


# --- engineers' calculators and evacuations, and the factory form -------------------------------------------
COLUMN = form(**{f: NUMBER for f in ("b_mm", "h_mm", "fc_mpa", "bars", "bar_diameter_mm", "fy_mpa",
                                     "tributary_area_m2", "dead_load_kpa", "live_load_kpa", "floors_above")},
              inspection_id=INT, column_label=TEXT, floor=TEXT, evacuate_floors=TEXT, workers_affected=INT,
              create_finding=choice(["y", ""]))
OTHER_FORMS = {
    "column check": ("/hazards/column-check", COLUMN),
    "evacuate": ("/hazards/findings/{finding}/evacuate", form(ordered_on=DATE, floors=TEXT, workers_affected=INT,
                                                              note=TEXT)),
    "factory new": ("/manage/factories/new", form(name=TEXT, address=TEXT, division=TEXT, district=TEXT,
                                                  upazila=TEXT, latitude=NUMBER, longitude=NUMBER, storeys=INT,
                                                  shared_building=choice(["y"]), workers=INT, brands_count=INT,
                                                  safety_committee_trained=choice(["y"]),
                                                  safety_committee_trained_on=DATE, cap_agreed_on=DATE)),
    "factory edit": ("/manage/factories/{factory}/edit", form(name=TEXT, district=TEXT, latitude=NUMBER,
                                                              longitude=NUMBER, storeys=INT, workers=INT,
                                                              cap_agreed_on=DATE)),
}


@pytest.mark.parametrize("name", list(OTHER_FORMS))
@given(data=st.data())
def test_engineer_forms_never_fail(client, auth, world, name, data):
    url, fields = OTHER_FORMS[name]
    SEEN[name] += 1
    _sign_in(client, auth, world, "engineer")
    values = data.draw(fields)
    if name == "column check" and "inspection_id" not in values:
        values["inspection_id"] = str(world.draft.id)
    answered(client.post(url.format(**_ids(world)), data=values), name)


@given(data=form(resumed_on=DATE, workers_affected=INT, note=TEXT))
def test_resumption_form_never_fails(app, client, auth, world, data):
    from factorysafe.db import db
    from factorysafe.factories.models import Evacuation

    SEEN["resumption"] += 1
    with app.app_context():
        ev = db.session.query(Evacuation).first()
        if ev is None:
            ev = Evacuation(factory_id=world.factory.id, finding_id=world.finding.id, ordered_on=dt.date(2025, 1, 2))
            db.session.add(ev)
            db.session.commit()
        ev_id = ev.id
    _sign_in(client, auth, world, "engineer")
    answered(client.post(f"/hazards/evacuations/{ev_id}", data=data), "resumption")
