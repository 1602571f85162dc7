"""Request ids and JSON logs (LOG_JSON): one access line per request, every line carries the request id."""
from __future__ import annotations

import io
import json
import logging

import pytest

from factorysafe import create_app, logs


@pytest.fixture
def json_app(app_config):
    """An app with LOG_JSON on; its JSON handler writes to a buffer the test reads."""
    root = logging.getLogger()
    level = root.level
    app = create_app({**app_config, "LOG_JSON": True})
    assert sum(getattr(h, "_factorysafe_json", False) for h in root.handlers) == 1
    buffer = io.StringIO()
    logs.install_json_logging("INFO", stream=buffer)  # replaces the stderr one create_app installed

    @app.route("/_log_something")
    def log_something():
        app.logger.warning("something happened")
        logging.getLogger("factorysafe.elsewhere").info("deeper down")
        return "done"

    app.log_buffer = buffer
    yield app
    for h in list(root.handlers):
        if getattr(h, "_factorysafe_json", False):
            root.removeHandler(h)
    root.setLevel(level)


def lines(app) -> list[dict]:
    return [json.loads(line) for line in app.log_buffer.getvalue().splitlines()]


def test_every_response_carries_a_generated_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) is not None and first != second


def test_a_sane_incoming_request_id_is_kept(client):
    r = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c1e.42"})
    assert r.headers["X-Request-ID"] == "lb-7f3a9c1e.42"


@pytest.mark.parametrize("incoming", ["", "has space", "x" * 129, "<script>", "semi;colon", "-leading-dash", "é"])
def test_an_insane_incoming_request_id_is_replaced(client, incoming):
    r = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert r.headers["X-Request-ID"] != incoming and len(r.headers["X-Request-ID"]) == 32


def test_json_logs_carry_the_request_id_on_every_line(json_app):
    r = json_app.test_client().get("/_log_something?token=secret-token-value", headers={"X-Request-ID": "abc-123"})
    assert r.status_code == 200 and r.headers["X-Request-ID"] == "abc-123"
    written = lines(json_app)
    assert [(w["logger"], w["message"]) for w in written] == [
        (json_app.logger.name, "something happened"), ("factorysafe.elsewhere", "deeper down"),
        ("factorysafe.access", "request")]
    assert all(w["request_id"] == "abc-123" for w in written)
    assert written[0]["level"] == "WARNING" and "time" in written[0]


def test_one_access_line_per_request_without_query_string_or_body(json_app):
    client = json_app.test_client()
    client.get("/healthz?token=secret-token-value")
    client.post("/login", data={"email": "someone@example.test", "password": "secret-password-value"})
    client.get("/no-such-page")
    access = [w for w in lines(json_app) if w["logger"] == "factorysafe.access"]
    assert [(a["method"], a["path"], a["status"]) for a in access] == [
        ("GET", "/healthz", 200), ("POST", "/login", 401), ("GET", "/no-such-page", 404)]
    for a in access:
        assert isinstance(a["duration_ms"], float) and a["duration_ms"] >= 0 and len(a["request_id"]) == 32
    text = json_app.log_buffer.getvalue()
    assert "secret-token-value" not in text and "secret-password-value" not in text and "someone@" not in text


def test_a_failing_request_is_logged_with_its_id(json_app):
    @json_app.route("/_boom")
    def boom():
        raise RuntimeError("boom")

    json_app.config["PROPAGATE_EXCEPTIONS"] = False
    r = json_app.test_client().get("/_boom", headers={"X-Request-ID": "req-500"})
    assert r.status_code == 500 and r.headers["X-Request-ID"] == "req-500"
    written = lines(json_app)
    error = next(w for w in written if w["level"] == "ERROR")
    assert error["request_id"] == "req-500" and "RuntimeError" in error["exc_info"]
    assert written[-1]["logger"] == "factorysafe.access" and written[-1]["status"] == 500


def test_lines_outside_a_request_have_no_request_id(json_app):
    with json_app.app_context():
        json_app.logger.warning("from a command")
    assert lines(json_app)[-1]["request_id"] is None


def test_json_logs_are_off_by_default(app, client):
    root = logging.getLogger()
    assert app.config["LOG_JSON"] is False
    assert not any(getattr(h, "_factorysafe_json", False) for h in root.handlers)
    assert client.get("/healthz").headers["X-Request-ID"]  # request ids all the same
