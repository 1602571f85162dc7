"""Fixtures in the style of Flask's tutorial: app, client, runner, auth, plus test-data builders,
a live server and a real headless Chromium (Debian's, driven by Playwright).

The suite runs on SQLite by default. When ``DATABASE_URL`` names PostgreSQL, the run creates its
own fresh database on that server and drops it at the end, so runs never see each other's data.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from factorysafe import create_app
from factorysafe.db import db, init_db, scratch_database

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct horse battery"

# --- hypothesis profiles: ``ci`` (the default) keeps runs short and repeatable; ``thorough`` searches longer.
# Choose with HYPOTHESIS_PROFILE=thorough. A test's own @settings still win for the settings it names.
# Property tests share one world per test function across their examples (function-scoped fixtures).
settings.register_profile("ci", max_examples=25, derandomize=True, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# --- database per test run ---------------------------------------------------------------------
@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with scratch_database(tmp_path_factory.mktemp("db") / "test.sqlite", prefix="fs_test") as url:
        yield url


@pytest.fixture(scope="session")
def migrated_database(database_url, tmp_path_factory):
    """Schema created once per run by the real migrations (what ``init-db`` does)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t",
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance-migrate"))})
    with app.app_context():
        init_db()
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    tables = [t.name for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    else:
        for t in reversed(db.metadata.sorted_tables):
            db.session.execute(t.delete())
        if db.session.execute(sa.text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first():
            db.session.execute(sa.text("DELETE FROM sqlite_sequence"))
    db.session.commit()


@pytest.fixture
def app_config(migrated_database, tmp_path):
    """Override in a test module to change the configuration."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": migrated_database,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        _empty_all_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(app.instance_path, ignore_errors=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


# --- test-data builders --------------------------------------------------------------------------
class Build:
    """Factories for test data: each call creates and commits one thing, with sensible defaults."""

    def __init__(self, app):
        self.app = app
        self._n = 0

    def _seq(self) -> int:
        self._n += 1
        return self._n

    def user(self, role: str = "engineer", email: str | None = None, factories=(), password: str = PASSWORD):
        from factorysafe.auth.services import create_user

        with self.app.app_context():
            u = create_user(email or f"{role}{self._seq()}@example.test", password, role,
                            factory_ids=[f if isinstance(f, int) else f.id for f in factories])
            db.session.commit()
            return _Ref(id=u.id, email=u.email, role=role)

    def factory(self, **values):
        from factorysafe.factories.services import create_factory

        defaults = {"name": f"Test Garments {self._seq()} Ltd", "district": "Gazipur", "division": "Dhaka",
                    "upazila": "Tongi", "latitude": 23.89, "longitude": 90.40, "storeys": 6, "workers": 1200,
                    "brands_count": 3, "cap_agreed_on": dt.date(2025, 1, 10)}
        with self.app.app_context():
            f = create_factory({**defaults, **values})
            db.session.commit()
            return _Ref(id=f.id, name=f.name)

    def inspection(self, factory, state: str = "published", type: str = "initial",
                   inspected_on: dt.date = dt.date(2025, 1, 1), engineer=None):
        from factorysafe.inspections.models import Inspection

        with self.app.app_context():
            i = Inspection(factory_id=_id(factory), type=type, inspected_on=inspected_on, state=state,
                           created_by_id=_id(engineer) if engineer else None)
            db.session.add(i)
            db.session.commit()
            return _Ref(id=i.id, factory_id=_id(factory))

    def review(self, inspection, reviewer, decision: str = "approve", comment: str = ""):
        """A second engineer's review through the service (``REVIEW_REQUIRED``: publishing needs an approval
        by an engineer who is not one of the inspection's authors)."""
        from factorysafe.auth.models import User
        from factorysafe.inspections.models import Inspection
        from factorysafe.inspections.services import review_inspection

        with self.app.app_context():
            insp = db.session.get(Inspection, _id(inspection))
            r = review_inspection(insp, decision, comment, by=db.session.get(User, _id(reviewer)),
                                  version=insp.version)
            db.session.commit()
            return _Ref(id=r.id, inspection_id=insp.id)

    def finding(self, inspection, discipline: str = "fire", severity: str = "high", status: str = "in_progress",
                deadline: dt.date | None = None, origin: str = "initial", hazard_code: str | None = "FIRE-EXIT-BLOCKED",
                observation: str = "Main exit blocked by cartons.", **action_values):
        from factorysafe.actions.models import CorrectiveAction
        from factorysafe.actions.rules import deadline_for
        from factorysafe.inspections.models import Discipline, Finding, Inspection

        with self.app.app_context():
            insp = db.session.get(Inspection, _id(inspection))
            n = sum(1 for f in insp.findings if f.discipline == discipline) + 1
            fnd = Finding(inspection_id=insp.id, factory_id=insp.factory_id, discipline=discipline,
                          item_number=f"{Discipline(discipline).prefix}-{n}", hazard_code=hazard_code,
                          observation=observation, recommendation="Fix it.", severity=severity, origin=origin)
            db.session.add(fnd)
            db.session.flush()
            due = deadline or deadline_for(severity, insp.inspected_on)
            act = CorrectiveAction(finding_id=fnd.id, factory_id=insp.factory_id, deadline=due,
                                   original_deadline=due, status=status, **action_values)
            db.session.add(act)
            db.session.commit()
            return _Ref(id=fnd.id, action_id=act.id, factory_id=insp.factory_id)


class _Ref:
    """A plain record of ids, safe to use outside the app context."""

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return f"_Ref({self.__dict__})"


def _id(obj) -> int:
    return obj if isinstance(obj, int) else obj.id


@pytest.fixture
def build(app):
    return Build(app)


# --- live server and browser ---------------------------------------------------------------------
class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_app_config(app_config):
    """The live server keeps CSRF on, as in production."""
    return {**app_config, "WTF_CSRF_ENABLED": True, "TESTING": False}


@pytest.fixture
def live_server(live_app_config):
    app = create_app(live_app_config)
    with app.app_context():
        _empty_all_tables()
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_build(live_server):
    return Build(live_server.app)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: the README's test command installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"],
        )
        yield b
        b.close()


def watch_csp(p) -> list[str]:
    """The Content-Security-Policy violations of page ``p`` (Chromium logs each one as a console error)."""
    violations: list[str] = []
    p.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


def _no_csp_violations(violations: list[str]) -> None:
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def page(browser):
    """A desktop-sized page. A test fails when the page broke the Content-Security-Policy."""
    context, p, violations = _page_of(browser, viewport={"width": 1280, "height": 900})
    yield p
    context.close()
    _no_csp_violations(violations)


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _page_of(browser, **context_options):
    """A page of a new browser context, and the CSP violations it reports (watched from the start)."""
    context = browser.new_context(**context_options)
    p = context.new_page()
    p.set_default_timeout(15_000)
    return context, p, watch_csp(p)


@pytest.fixture
def phone_page(browser):
    """A phone-sized page with touch, as engineers use in the field. Fails on CSP violations too."""
    context, p, violations = _page_of(browser, **PHONE)
    yield p
    context.close()
    _no_csp_violations(violations)


@pytest.fixture
def bangla_phone(browser):
    """A worker's phone in Bangla (390 x 844, touch, the browser asking for Bangla). Fails on CSP violations."""
    context, p, violations = _page_of(browser, **PHONE, locale="bn-BD", extra_http_headers={"Accept-Language": "bn"})
    yield p
    context.close()
    _no_csp_violations(violations)


def browser_logout(page, server: LiveServer) -> None:
    """Sign out as a person does and wait for the home page: the sign-out first lets the service worker forget
    the kept pages, so the form is sent a moment after the click."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(server.url + "/")


def browser_login(page, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "/dashboard")
