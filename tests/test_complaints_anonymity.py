"""Anonymity by design: a worker who reports, looks up and answers leaves neither their address nor their user agent
in any row of any table, any log line (the app's, its JSON access lines, werkzeug's request lines of a live server)
or any rate-limit key in Redis."""
from __future__ import annotations

import io
import json
import logging
import os
import re
import urllib.parse
import urllib.request
import uuid

import pytest
import sqlalchemy as sa
from redis import Redis

from factorysafe import create_app, logs
from factorysafe.complaints import rules
from factorysafe.db import db
from tests.helpers_photos import jpeg

ADDRESS = "203.0.113.77"
AGENT = "Probe/9.9 xyzzy"
CLIENT = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT}
PROBES = (ADDRESS, "xyzzy")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def every_value_in_the_database() -> list[str]:
    values = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            values.extend(str(v) for v in row if v is not None)
    return values


def worker_journey(client) -> str:
    """Report (with a photo), look up, answer: as one client with a telling address and agent."""
    from factorysafe.factories.models import Factory

    factory_id = db.session.scalar(sa.select(Factory.id))
    code = rules.factory_code(factory_id)
    assert client.get(f"/f/{code}", environ_base=CLIENT).status_code == 200
    assert client.get("/report?q=rahman", environ_base=CLIENT).status_code == 200
    r = client.post(f"/report/{code}", environ_base=CLIENT, content_type="multipart/form-data",
                    data={"category": "locked_gate", "description": "Gate locked", "photo": (io.BytesIO(jpeg()), "g.jpg")})
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    receipt = re.search(r'id="receipt-code"[^>]*>([0-9 ]+)<', r.get_data(as_text=True)).group(1)
    assert client.post("/report/status", data={"code": receipt}, environ_base=CLIENT).status_code == 200
    assert client.post("/report/status", data={"code": "123"}, environ_base=CLIENT).status_code == 400
    assert client.post("/report/status/answer", data={"code": receipt, "body": "Back gate"},
                       environ_base=CLIENT).status_code == 200
    return receipt


@pytest.fixture
def json_app(app_config):
    """LOG_JSON on (one access line per request), its JSON handler writing to a buffer the test reads."""
    root = logging.getLogger()
    level = root.level
    app = create_app({**app_config, "LOG_JSON": True})
    buffer = io.StringIO()
    logs.install_json_logging("DEBUG", stream=buffer)
    app.log_buffer = buffer
    yield app
    for h in list(root.handlers):
        if getattr(h, "_factorysafe_json", False):
            root.removeHandler(h)
    root.setLevel(level)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_no_row_and_no_log_line_holds_the_address_or_agent(json_app, caplog, build):
    caplog.set_level(logging.DEBUG)
    build.factory(name="Rahman Knitwear Ltd")
    with json_app.app_context():
        receipt = worker_journey(json_app.test_client())
        values = every_value_in_the_database()
        assert any("Gate locked" in v for v in values) and any("Back gate" in v for v in values)  # it looked
        assert not [v for v in values if any(p in v for p in PROBES)]
        assert not [v for v in values if receipt.replace(" ", "") in v]  # the receipt is stored only hashed
    access = [json.loads(line) for line in json_app.log_buffer.getvalue().splitlines()]
    assert any(line.get("path", "").startswith("/report") for line in access)  # access lines were written
    assert not [line for line in access if any(p in json.dumps(line) for p in PROBES)]
    assert not [line for line in access if receipt.replace(" ", "") in json.dumps(line) or receipt in json.dumps(line)]
    for record in caplog.records:
        text = record.getMessage() + " " + " ".join(str(v) for v in vars(record).values())
        assert not any(p in text for p in PROBES), text


def test_werkzeug_request_lines_of_worker_paths_hold_no_address(live_server, live_build, caplog):
    """A real server's request lines: the address is "-" for /report, /f and /sms, and kept elsewhere (the
    filter is what removes it)."""
    caplog.set_level(logging.DEBUG)
    factory = live_build.factory(name="Rahman Knitwear Ltd")
    for path in ("/report", f"/report?q=rahman", f"/f/{rules.factory_code(factory.id)}", "/report/status",
                 "/sms/inbound", "/login"):
        request = urllib.request.Request(live_server.url + path, headers={"User-Agent": AGENT})
        try:
            urllib.request.urlopen(request, timeout=10).read()
        except urllib.error.HTTPError as exc:  # /sms/inbound may not exist here: its line still counts
            exc.read()
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", r.getMessage()) for r in caplog.records if r.name == "werkzeug"]
    worker = [line for line in lines if re.search(r'"GET /(report|f/|sms/)', line)]
    assert len(worker) == 5, lines
    assert not [line for line in worker if "127.0.0.1" in line]
    assert all(line.startswith("- - - [") for line in worker), worker
    assert [line for line in lines if '"GET /login' in line and line.startswith("127.0.0.1")]  # others keep it
    assert not [line for line in lines if "xyzzy" in line]


def test_the_anonymous_filter_rewrites_only_worker_paths():
    f = logs.AnonymousClientFilter()

    def record(msg, *args):
        return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, msg, args, None)

    r = record('203.0.113.77 - - [29/Nov/2026 10:00:00] "%s" %s %s\n', "POST /report/new HTTP/1.1", "200", "-")
    assert f.filter(r) and ADDRESS not in r.getMessage() and r.getMessage().startswith("- - - [")
    r = record('203.0.113.77 - - [29/Nov/2026 10:00:00] "%s" %s %s\n', "GET /reports/x HTTP/1.1", "200", "-")
    assert f.filter(r) and r.getMessage().startswith(ADDRESS)
    r = record('203.0.113.77 - - [29/Nov/2026 10:00:00] "%s" %s %s\n', "\x1b[33mPOST /sms/inbound HTTP/1.1\x1b[0m",
               "404", "-")  # an error's line, coloured in a terminal
    assert f.filter(r) and ADDRESS not in r.getMessage()
    for path in ("/f/130", "/sms/inbound", "/report?q=x"):
        r = record('2001:db8::7 - - [29/Nov/2026 10:00:00] "%s" %s %s\n', f"GET {path} HTTP/1.1", "200", "-")
        assert f.filter(r) and "2001:db8" not in r.getMessage()


@pytest.fixture
def redis_app(app_config):
    conn = Redis.from_url(REDIS_URL)
    conn.ping()
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    app = create_app({**app_config, "RATELIMIT_STORAGE_URI": REDIS_URL, "CACHE_NAMESPACE": namespace})
    app.redis_conn, app.namespace = conn, namespace
    yield app
    for k in conn.scan_iter(f"*{namespace}*"):
        conn.delete(k)
    conn.close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _dump(conn, key) -> str:
    kind = conn.type(key).decode()
    if kind == "string":
        return repr(conn.get(key))
    if kind == "list":
        return repr(conn.lrange(key, 0, -1))
    if kind == "zset":
        return repr(conn.zrange(key, 0, -1, withscores=True))
    if kind == "hash":
        return repr(conn.hgetall(key))
    return kind


def test_redis_rate_limit_keys_hold_no_address(redis_app, build):
    build.factory(name="Rahman Knitwear Ltd")
    with redis_app.app_context():
        worker_journey(redis_app.test_client())
    conn = redis_app.redis_conn
    keys = list(conn.scan_iter(f"*{redis_app.namespace}*"))
    names = [k.decode() for k in keys]
    assert any("COMPLAINT_REPORT_RATE_LIMIT" in k for k in names)  # the limiter counted, in Redis
    assert any("COMPLAINT_LOOKUP_RATE_LIMIT" in k for k in names)
    assert not [k for k in names if ADDRESS in k or urllib.parse.quote(ADDRESS) in k]
    assert not [k for k in keys if ADDRESS.encode() in conn.dump(k) or ADDRESS in _dump(conn, k)]
