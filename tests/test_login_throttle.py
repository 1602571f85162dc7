"""Sign-in is throttled (factorysafe.limits, Flask-Limiter): failed attempts per e-mail address and IP, and
per IP alone; over a limit the login page answers 429 with the e-mail kept, checking no password at all.

The app fixture runs with the real defaults (config.Defaults.LOGIN_RATE_LIMIT = "5/minute;20/hour"), and each
app counts in its own memory, so tests never throttle each other. The Redis tests count in the real Redis at
REDIS_URL under a key prefix of their own.
"""
from __future__ import annotations

import os
import uuid

import pytest
from redis import Redis

from factorysafe import create_app, limits
from factorysafe.config import Defaults
from factorysafe.db import db
from conftest import PASSWORD

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
WRONG = "not the password at all"


def _try(client, email, password=WRONG, lang=None):
    return client.post("/login" + (f"?lang={lang}" if lang else ""), data={"email": email, "password": password})


def test_the_defaults_are_the_documented_limits(app):
    assert Defaults.LOGIN_RATE_LIMIT == "5/minute;20/hour"
    assert app.config["LOGIN_RATE_LIMIT"] == Defaults.LOGIN_RATE_LIMIT  # the tests run with the real default
    assert app.config["RATELIMIT_ENABLED"] is True
    with app.app_context():
        assert limits.storage_uri(app.config) == "memory://"
        assert limits.limiter.enabled


def test_five_wrong_passwords_then_even_the_right_one_gets_429_with_the_email_kept(client, build):
    build.user("engineer", email="eng@example.test")
    for _ in range(5):
        assert _try(client, "eng@example.test").status_code == 401
    refused = _try(client, "eng@example.test", PASSWORD)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many failed sign-ins" in page and 'value="eng@example.test"' in page
    assert "<form" in page and 'name="password"' in page  # the login page, not an error page
    assert client.get("/dashboard").status_code == 302  # not signed in
    # The e-mail is matched as the login matches it: case and spaces make no new counter.
    assert _try(client, "  ENG@example.test ", PASSWORD).status_code == 429


def test_the_refusal_reads_in_bangla(client, build):
    build.user("owner", email="owner@example.test")
    for _ in range(5):
        _try(client, "owner@example.test")
    refused = _try(client, "owner@example.test", lang="bn")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "অনেকবার" in page and "Too many" not in page and 'value="owner@example.test"' in page


def test_a_throttled_address_does_not_lock_out_another_account(client, build):
    build.user("engineer", email="victim@example.test")
    build.user("engineer", email="other@example.test")
    for _ in range(5):
        _try(client, "victim@example.test")
    assert _try(client, "victim@example.test", PASSWORD).status_code == 429
    assert _try(client, "other@example.test", PASSWORD).status_code == 302


def test_unknown_addresses_count_too_and_the_ip_limit_stops_spraying(client):
    for n in range(5):
        assert _try(client, "nobody@example.test").status_code == 401
    assert _try(client, "nobody@example.test").status_code == 429
    # Many addresses from one IP: LOGIN_IP_RATE_LIMIT ("30/minute") counts them all.
    statuses = [_try(client, f"guess{n}@example.test").status_code for n in range(30)]
    assert statuses == [401] * 25 + [429] * 5  # 5 + 25 failures from this IP: then every address is refused


def test_successful_sign_ins_are_not_counted(client, auth, build):
    """Tests (and people) that sign in and out many times never meet the limit."""
    build.user("engineer", email="busy@example.test")
    for _ in range(12):
        assert auth.login("busy@example.test").status_code == 302
        auth.logout()


def test_other_clients_are_not_throttled_by_one_ip(app, build):
    build.user("engineer", email="eng@example.test")
    attacker = app.test_client()
    for _ in range(6):
        attacker.post("/login", data={"email": "eng@example.test", "password": WRONG},
                      environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert attacker.post("/login", data={"email": "eng@example.test", "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 429
    office = app.test_client()
    assert office.post("/login", data={"email": "eng@example.test", "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302


def test_each_app_counts_on_its_own(app, client, build, app_config):
    """A new app (the next test's) starts from zero: memory counts belong to one app."""
    build.user("engineer", email="eng@example.test")
    for _ in range(5):
        _try(client, "eng@example.test")
    assert _try(client, "eng@example.test").status_code == 429
    fresh = create_app(app_config)
    try:
        assert fresh.test_client().post("/login", data={"email": "eng@example.test", "password": PASSWORD}
                                        ).status_code == 302
        assert _try(client, "eng@example.test").status_code == 429  # the first app still remembers
    finally:
        with fresh.app_context():
            db.engine.dispose()


def test_a_client_cannot_pick_its_own_address_without_a_trusted_proxy(client, build):
    build.user("engineer", email="eng@example.test")
    for n in range(5):
        attempt = client.post("/login", data={"email": "eng@example.test", "password": WRONG},
                                headers={"X-Forwarded-For": f"192.0.2.{n}"})
        assert attempt.status_code == 401
    response = client.post("/login", data={"email": "eng@example.test", "password": PASSWORD},
                           headers={"X-Forwarded-For": "192.0.2.99"})
    assert response.status_code == 429  # X-Forwarded-For is ignored: PROXY_FIX_X_FOR is 0 by default


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "PROXY_FIX_X_FOR": 1}

    def test_visitors_behind_one_proxy_are_counted_apart(self, client, build):
        build.user("engineer", email="eng@example.test")
        for _ in range(5):
            client.post("/login", data={"email": "eng@example.test", "password": WRONG},
                        headers={"X-Forwarded-For": "192.0.2.1"})
        refused = client.post("/login", data={"email": "eng@example.test", "password": PASSWORD},
                              headers={"X-Forwarded-For": "192.0.2.1"})
        assert refused.status_code == 429
        other = client.post("/login", data={"email": "eng@example.test", "password": PASSWORD},
                            headers={"X-Forwarded-For": "192.0.2.2"})
        assert other.status_code == 302


class TestSwitchedOff:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": False}

    def test_no_limit_when_switched_off(self, client, build):
        build.user("engineer", email="eng@example.test")
        assert [_try(client, "eng@example.test").status_code for _ in range(7)] == [401] * 7


# --- Redis -------------------------------------------------------------------------------------------------
@pytest.fixture
def redis_conn():
    conn = Redis.from_url(REDIS_URL)
    conn.ping()  # Redis must be running (CI starts it)
    yield conn
    conn.close()


@pytest.fixture
def namespace(redis_conn):
    ns = f"test-{uuid.uuid4().hex[:12]}"
    yield ns
    for k in redis_conn.scan_iter(f"*factorysafe:{ns}:*"):
        redis_conn.delete(k)


class TestRedis:
    @pytest.fixture
    def app_config(self, app_config, namespace):
        return {**app_config, "REDIS_URL": REDIS_URL, "CACHE_NAMESPACE": namespace}

    def test_counts_are_kept_in_redis_and_shared_by_every_app(self, app, client, build, app_config, redis_conn,
                                                              namespace):
        assert limits.storage_uri(app.config) == REDIS_URL
        build.user("engineer", email="eng@example.test")
        for _ in range(5):
            assert _try(client, "eng@example.test").status_code == 401
        keys = [k.decode() for k in redis_conn.scan_iter(f"*factorysafe:{namespace}:limits*")]
        assert keys and not any("eng@example.test" in k for k in keys)  # the address is hashed
        # Another worker process (another app on the same Redis) sees the same counts.
        other = create_app(app_config)
        try:
            response = other.test_client().post("/login", data={"email": "eng@example.test", "password": PASSWORD})
            assert response.status_code == 429
        finally:
            with other.app_context():
                db.engine.dispose()

    def test_another_namespace_does_not_share_the_counts(self, app, client, build, app_config, redis_conn):
        build.user("engineer", email="eng@example.test")
        for _ in range(5):
            _try(client, "eng@example.test")
        ns = f"test-{uuid.uuid4().hex[:12]}"
        other = create_app({**app_config, "CACHE_NAMESPACE": ns})
        try:
            response = other.test_client().post("/login", data={"email": "eng@example.test", "password": PASSWORD})
            assert response.status_code == 302
        finally:
            with other.app_context():
                db.engine.dispose()
            for k in redis_conn.scan_iter(f"*factorysafe:{ns}:*"):
                redis_conn.delete(k)


class TestRedisDown:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}  # nothing listens there

    def test_counting_goes_on_in_memory_when_redis_does_not_answer(self, client, build, caplog):
        build.user("engineer", email="eng@example.test")
        assert [_try(client, "eng@example.test").status_code for _ in range(6)] == [401] * 5 + [429]
        assert "Rate limit storage unreachable" in caplog.text
