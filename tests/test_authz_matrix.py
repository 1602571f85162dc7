"""The authorization matrix (``tests/authz_matrix.py``) checked cell by cell with the test client.

CSRF protection is ON in this module, as in production: each client fetches its token from a page (the login
form for a visitor, the sign-out form of the layout once signed in) and sends it with every POST. A POST
carries only that token and a stale ``version`` (0), so an allowed POST meets an empty form (400) or, where
every field is optional (submit, publish), an edit conflict (409), and changes nothing: the test checks that
no audit event was written by the whole run.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.authz_matrix import (
    ADMINS, BAD, CHECKED_METHODS, DENY, GONE, LOGIN, METHOD, OBJECT_ARGS, OK, ROLES, ROUTES, STATES, ByState, cases,
)
from tests.conftest import PASSWORD
from tests.helpers_reports import add_photo

TODAY = dt.date.today()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _rules(app) -> dict[str, set[str]]:
    """Every rule of the URL map with its methods (HEAD and OPTIONS are Flask's own)."""
    out: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        out.setdefault(rule.rule, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return out


def test_every_route_and_method_has_an_entry_in_the_matrix(app):
    rules = _rules(app)
    missing = sorted(set(rules) - set(ROUTES))
    assert not missing, f"routes with no entry in tests/authz_matrix.py ROUTES (decide who may use them): {missing}"
    stale = sorted(set(ROUTES) - set(rules))
    assert not stale, f"entries of tests/authz_matrix.py ROUTES that name no route: {stale}"
    wrong = {r: (sorted(rules[r]), sorted(ROUTES[r])) for r in rules if rules[r] != set(ROUTES[r])}
    assert not wrong, f"methods of the URL map (left) differ from the matrix (right): {wrong}"
    unchecked = {r: ms - set(CHECKED_METHODS) for r, ms in rules.items() if ms - set(CHECKED_METHODS)}
    assert not unchecked, f"methods the matrix test does not ask yet (add them to CHECKED_METHODS): {unchecked}"
    # Administration lives under /admin: every method there is declared for administrators only, so the
    # cells below check that engineers and owners get 403 (an admin role check in the view).
    # (the admin's own cell may be 404: asked about an object that does not exist, so that nothing changes)
    not_admin = [(r, m) for r in ROUTES if r.startswith("/admin") for m, p in cases(r)
                 if p.engineer != METHOD and (any(p.cell(role, None) != ADMINS.cell(role, None) for role in ROLES[:-1])
                                              or p.admin not in (OK, GONE))]
    assert not not_admin, f"/admin routes not declared ADMINS: {not_admin}"


# --- the world -----------------------------------------------------------------------------------------
def _complaint(app, factory_id: int) -> int:
    """A worker's complaint about a factory, with a message and a photo (made through the service)."""
    from factorysafe.complaints import services
    from factorysafe.db import db
    from factorysafe.factories.models import Factory
    from tests.helpers_photos import jpeg

    with app.test_request_context():
        complaint, _code = services.submit(category="locked_gate", description="Gate locked during the night shift.",
                                           today=TODAY, factory=db.session.get(Factory, factory_id),
                                           photo=(io.BytesIO(jpeg()), "gate.jpg"))
        db.session.commit()
        return complaint.id


def _world(app, build) -> dict:
    """One owner of three factories, each with one inspection in one state (with a finding, its action, a
    public and a private photo, a requested extension and an evacuation); an owner of another factory; a
    complaints handler; an engineer; an administrator; a worker's complaint about the published factory."""
    from factorysafe.actions.models import DeadlineExtension
    from factorysafe.db import db
    from factorysafe.factories.models import Evacuation

    engineer = build.user("engineer", "matrix.engineer@example.test")
    handler = build.user("handler", "matrix.handler@example.test")
    admin = build.user("admin", "matrix.admin@example.test")
    factories = {s: build.factory(name=f"Matrix {s.title()} Garments Ltd") for s in STATES}
    owner = build.user("owner", "matrix.owner@example.test", factories=list(factories.values()))
    other_factory = build.factory(name="Matrix Other Knit Ltd")
    other_owner = build.user("owner", "matrix.other@example.test", factories=[other_factory])
    build.finding(build.inspection(other_factory, state="published"))
    objects = {}
    for n, s in enumerate(STATES):
        inspection = build.inspection(factories[s], state=s, engineer=engineer,
                                      inspected_on=TODAY - dt.timedelta(days=40))
        finding = build.finding(inspection, deadline=TODAY + dt.timedelta(days=30))
        photo = add_photo(app, finding.id, caption=f"{s} photo", seed=2 * n, width=320, height=240)
        private_photo = add_photo(app, finding.id, caption=f"{s} private photo", private=True, seed=2 * n + 1,
                                  width=320, height=240)
        with app.app_context():
            ext = DeadlineExtension(action_id=finding.action_id, requested_by_id=owner.id, reason="Doors late.",
                                    previous_deadline=TODAY + dt.timedelta(days=30),
                                    requested_deadline=TODAY + dt.timedelta(days=60))
            ev = Evacuation(factory_id=factories[s].id, finding_id=finding.id, ordered_on=TODAY, floors="3rd")
            db.session.add_all([ext, ev])
            db.session.commit()
            ext_id, ev_id = ext.id, ev.id
        objects[s] = {"factory_id": factories[s].id, "inspection_id": inspection.id, "finding_id": finding.id,
                      "action_id": finding.action_id, "photo_id": photo, "private_photo": private_photo,
                      "extension_id": ext_id, "evacuation_id": ev_id, "kind": "thumb"}
    complaint_id = _complaint(app, factories["published"].id)
    for values in objects.values():
        values["complaint_id"] = complaint_id
    users = {"owner": owner, "other_owner": other_owner, "handler": handler, "engineer": engineer, "admin": admin}
    return {"objects": objects, "users": users}


def _url(rule: str, values: dict) -> str:
    url = rule
    for name in re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule):
        if name not in values:
            raise KeyError(f"{rule}: the matrix cannot fill <{name}>; add it to the world or to the entry's args")
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), url)
    return url


# --- a client per role, with CSRF tokens --------------------------------------------------------------
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class RoleClient:
    def __init__(self, app, email: str | None):
        self.client = app.test_client()
        self.email = email
        self.logins = 0
        self.token = ""
        self.sign_in()

    def _fetch_token(self, path: str) -> str:
        found = CSRF_FIELD.search(self.client.get(path).get_data(as_text=True))
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def sign_in(self) -> None:
        if self.email is None:
            self.token = self._fetch_token("/login")
            return
        self.logins += 1
        token = self._fetch_token("/login")
        resp = self.client.post("/login", data={"email": self.email, "password": PASSWORD, "csrf_token": token})
        assert resp.status_code in (302, 303), f"{self.email} could not sign in ({resp.status_code})"
        self.token = self._fetch_token("/dashboard")

    def signed_in(self) -> bool:
        with self.client.session_transaction() as session:
            return "_user_id" in session

    def ask(self, method: str, url: str):
        data = {"csrf_token": self.token, "version": "0"} if method == "POST" else None
        resp = self.client.open(url, method=method, data=data)
        if self.email is not None and not self.signed_in():  # a sign-out route: sign in again for the next cell
            self.sign_in()
        return resp


def _answered(outcome, method: str, resp) -> bool:
    status = resp.status_code
    to_login = 300 <= status < 400 and urlsplit(resp.headers.get("Location", "")).path == "/login"
    if outcome == OK:
        if to_login:
            return False
        return 200 <= status < 400 if method == "GET" else status < 500 and status not in (401, 403, 404, 405)
    if outcome == LOGIN:
        return to_login or status == 401
    return status == int(outcome)


def _audit_count(app) -> int:
    from factorysafe.audit import AuditEvent
    from factorysafe.db import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))


def test_every_cell_of_the_authorization_matrix(app, build):
    world = _world(app, build)
    before = _audit_count(app)
    clients = {"anonymous": RoleClient(app, None)}
    clients.update({role: RoleClient(app, world["users"][role].email) for role in ROLES if role != "anonymous"})
    rules = _rules(app)
    failures, cells, per_state_routes = [], 0, 0
    counts = {o: 0 for o in (OK, LOGIN, DENY, GONE, METHOD, BAD)}
    for rule in sorted(rules):
        stateful = any(f"{a}>" in rule for a in OBJECT_ARGS)
        per_state_routes += stateful
        for method, profile in cases(rule):
            if not stateful:
                assert not any(isinstance(getattr(profile, r), ByState) for r in ROLES), (rule, "per-state cells")
            for state in STATES if stateful else (None,):
                values = dict(world["objects"]["published" if state is None else state])
                values.update({k: values.get(v, v) if isinstance(v, str) else v for k, v in profile.args.items()})
                url = _url(rule, values)
                for role in ROLES:
                    expected = profile.cell(role, state)
                    resp = clients[role].ask(method, url)
                    cells += 1
                    counts[expected] += 1
                    if resp.status_code >= 500 or not _answered(expected, method, resp):
                        where = resp.headers.get("Location", "")
                        failures.append(f"{method} {url} [{rule}] {role} {state or '-'}: expected {expected}, "
                                        f"got {resp.status_code} {where}".rstrip())
    print(f"\nauthorization matrix: {len(rules)} routes ({per_state_routes} per inspection state), "
          f"{sum(len(cases(r)) for r in rules)} route x method cases x {len(ROLES)} roles "
          f"(x {len(STATES)} states where stateful) = {cells} cells; expected: "
          + ", ".join(f"{o} {n}" for o, n in counts.items()))
    assert not failures, f"{len(failures)} of {cells} cells answered wrongly:\n" + "\n".join(failures)
    assert _audit_count(app) == before, "a request of the matrix changed something"
    assert clients["owner"].logins >= 2  # the sign-out routes were really asked while signed in
