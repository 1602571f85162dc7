"""Sessions end for real: sign-out (POST with its CSRF token) and a new password change the account's session
token, so a copy of the old cookie is anonymous everywhere; a session lasts at most PERMANENT_SESSION_LIFETIME.
Signing in costs one scrypt check whether or not the e-mail has an account."""
from __future__ import annotations

import datetime as dt
import re
import time

import itsdangerous
import pytest
import sqlalchemy as sa

from factorysafe.auth import models as auth_models
from factorysafe.auth.models import User
from factorysafe.config import Defaults
from factorysafe.db import db
from conftest import PASSWORD


def _copy_of_cookie(app, client):
    """A second client holding a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def test_a_cookie_copied_before_sign_out_is_anonymous_after_it(app, client, auth, build):
    build.user("engineer", email="eng@example.test")
    auth.login("eng@example.test")
    thief = _copy_of_cookie(app, client)
    assert _signed_in(thief)  # the copy works while the session lasts
    assert auth.logout().status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(thief)
    assert client.get("/dashboard").headers["Location"].startswith("/login")


def test_signing_out_ends_the_sessions_on_other_devices_too(app, auth, build):
    build.user("owner", email="owner@example.test")
    phone, laptop = app.test_client(), app.test_client()
    phone.post("/login", data={"email": "owner@example.test", "password": PASSWORD})
    laptop.post("/login", data={"email": "owner@example.test", "password": PASSWORD})
    assert _signed_in(phone) and _signed_in(laptop)
    laptop.post("/logout")
    assert not _signed_in(phone) and not _signed_in(laptop)
    phone.post("/login", data={"email": "owner@example.test", "password": PASSWORD})
    assert _signed_in(phone)  # signing in again works


def test_a_new_password_ends_every_session(app, client, auth, build):
    u = build.user("engineer", email="eng@example.test")
    auth.login("eng@example.test")
    thief = _copy_of_cookie(app, client)
    with app.app_context():
        db.session.get(User, u.id).set_password("a brand new password")
        db.session.commit()
    assert not _signed_in(thief) and not _signed_in(client)
    assert auth.login("eng@example.test", "a brand new password").status_code == 302
    assert _signed_in(client)


def test_set_password_and_rotate_session_change_the_token(app, build):
    u = build.user("admin")
    with app.app_context():
        user = db.session.get(User, u.id)
        first = user.session_token
        assert len(first) >= 32 and user.get_id() == f"{u.id}:{first}"
        user.rotate_session()
        second = user.session_token
        user.set_password("another long password")
        assert len({first, second, user.session_token}) == 3


def test_get_logout_is_not_allowed(client, auth, build):
    build.user("engineer", email="eng@example.test")
    auth.login("eng@example.test")
    assert client.get("/logout").status_code == 405
    assert _signed_in(client)  # a link or an image on another page cannot sign anyone out


@pytest.mark.parametrize("cookie_id", ["1", "1:", "x:abc", "99999999999999999999:abc", "١:abc", ":", ""])
def test_session_ids_of_another_shape_are_anonymous_not_errors(app, build, cookie_id):
    build.user("engineer")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = cookie_id
    response = client.get("/dashboard")
    assert response.status_code == 302  # to the sign-in page; never a 500


def test_a_session_ends_after_its_lifetime(app, client, auth, build, monkeypatch):
    assert Defaults.PERMANENT_SESSION_LIFETIME == dt.timedelta(hours=12)
    assert app.permanent_session_lifetime == dt.timedelta(hours=12)
    build.user("engineer", email="eng@example.test")
    auth.login("eng@example.test")
    assert _signed_in(client)
    later = int(time.time()) + 12 * 3600 + 60
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: later)
    assert not _signed_in(client)


def test_the_session_cookie_is_http_only_and_same_site_lax(client, auth, build):
    build.user("engineer", email="eng@example.test")
    header = auth.login("eng@example.test").headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header  # local http by default


class TestSecureCookie:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "SESSION_COOKIE_SECURE": True}

    def test_secure_when_configured(self, client, auth, build):
        build.user("engineer", email="eng@example.test")
        assert "Secure" in auth.login("eng@example.test").headers["Set-Cookie"]


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    @staticmethod
    def _token(html: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def _login(self, client, email):
        token = self._token(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302

    def test_sign_out_without_the_csrf_token_is_refused(self, client, build):
        build.user("engineer", email="eng@example.test")
        self._login(client, "eng@example.test")
        response = client.post("/logout")
        assert response.status_code == 400 and "form expired" in response.get_data(as_text=True)
        assert _signed_in(client)

    def test_the_header_form_signs_out_with_its_token(self, client, build):
        build.user("engineer", email="eng@example.test")
        self._login(client, "eng@example.test")
        html = client.get("/dashboard").get_data(as_text=True)
        form = re.search(r'<form method="post" action="/logout".*?</form>', html, re.S).group(0)
        assert "Sign out" in form
        response = client.post("/logout", data={"csrf_token": self._token(form)})
        assert response.status_code == 302 and not _signed_in(client)


# --- constant work at sign-in ----------------------------------------------------------------------------------
@pytest.fixture
def scrypt_checks(monkeypatch):
    """Every password check made (werkzeug's check_password_hash, as the auth models call it)."""
    calls = []
    real = auth_models.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(auth_models, "check_password_hash", counting)
    return calls


def test_a_known_an_unknown_and_an_inactive_email_cost_one_scrypt_check_each(app, client, build, scrypt_checks):
    u = build.user("engineer", email="known@example.test")
    gone = build.user("engineer", email="gone@example.test")
    with app.app_context():
        db.session.get(User, gone.id).active = False
        db.session.commit()
        method = db.session.get(User, u.id).password_hash.split("$", 1)[0]
    for email in ("known@example.test", "unknown@example.test", "gone@example.test"):
        before = len(scrypt_checks)
        assert client.post("/login", data={"email": email, "password": "wrong password"}).status_code == 401
        assert scrypt_checks[before:] == [method], email  # one check, with the same scrypt parameters
    before = len(scrypt_checks)
    assert client.post("/login", data={"email": "gone@example.test", "password": PASSWORD}).status_code == 401
    assert scrypt_checks[before:] == [method]


def test_the_dummy_hash_is_made_once(app, client, monkeypatch):
    made = []
    real = auth_models.generate_password_hash
    monkeypatch.setattr(auth_models, "generate_password_hash", lambda *a, **k: made.append(1) or real(*a, **k))
    auth_models._dummy_password_hash.cache_clear()
    for n in range(3):
        client.post("/login", data={"email": f"nobody{n}@example.test", "password": "wrong password"})
    assert len(made) == 1


# --- migration and demo data ---------------------------------------------------------------------------------
def test_seeded_demo_accounts_each_have_their_own_token(app):
    from factorysafe.demo import seed_demo

    with app.app_context():
        seed_demo(2, 2, seed=3, with_photos=False, via_services=0)  # the bulk inserts
        db.session.commit()
        tokens = db.session.scalars(sa.select(User.session_token)).all()
    assert len(tokens) >= 3 and all(len(t) >= 32 for t in tokens) and len(set(tokens)) == len(tokens)


def test_the_migration_gives_existing_accounts_each_a_token(tmp_path):
    from flask_migrate import upgrade

    from factorysafe import create_app
    from factorysafe.db import MIGRATIONS_DIR, scratch_database

    with scratch_database(tmp_path / "migrate.sqlite", prefix="fs_test_token") as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t",
                          "INSTANCE_PATH": str(tmp_path / "instance")})
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR, revision="b7d2e4f6a8c1")  # before session tokens
            for n in (1, 2):
                db.session.execute(sa.text(
                    "INSERT INTO users (email, name, role, password_hash, active, created_at) "
                    "VALUES (:email, '', 'engineer', 'x', :active, :now)"),
                    {"email": f"old{n}@example.test", "active": True, "now": dt.datetime(2025, 1, 1)})
            db.session.commit()
            upgrade(directory=MIGRATIONS_DIR)
            tokens = db.session.scalars(sa.text("SELECT session_token FROM users ORDER BY id")).all()
            db.session.remove()
            db.engine.dispose()
    assert len(tokens) == 2 and all(len(t) >= 32 for t in tokens) and tokens[0] != tokens[1]
