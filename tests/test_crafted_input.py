"""Crafted input gets a clear 4xx, never a 500: ids past what the database stores (2^31 on PostgreSQL, 2^63 on
SQLite) in paths, query strings and cursors; NUL bytes; CR/LF and other tricks in ``next``; unknown enum values
in filters. The walks go over the whole URL map, so a route added later is covered too."""
from __future__ import annotations

import base64
import io
import json
import re

import pytest
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Request

from factorysafe.db import db
from factorysafe.security import MAX_ID, IdConverter, db_id
from helpers_maps import public_world

ARG = re.compile(r"<(?:([a-zA-Z_]+)(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")
HUGE_IDS = (MAX_ID + 1, 2**63, 2**64, 10**30)
# Query arguments the views read (and a few more), each sent with every crafted value.
COMMON_ARGS = ("status", "discipline", "origin", "district", "page", "limit", "per_page", "after", "before", "cursor",
               "q", "lang", "next", "k", "factory_id", "inspection_id", "cap_status", "overdue", "immediate_danger",
               "danger", "observation", "hazard_code")


def _b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


CRAFTED = (
    "x", "99999999999", str(2**63), str(2**64), "-1", "0", "1e400", "nan", "' OR '1'='1", "%", "_%_",
    "\r\nSet-Cookie: x=1", "//evil.example", "/\\evil.example", "https://evil.example", "\ufffd" * 3, "é" * 3000,
    _b64({"k": "factories", "id": 2**63}), _b64({"k": "findings", "id": MAX_ID + 1}), _b64(["Zeta", 2**64]),
    _b64(["Zeta", -(2**63) - 1]),
)


def path_for(rule, ids: dict, override=None) -> str:
    """The rule's path with each argument replaced: ``override`` for every int argument when given, else the
    world's id for that name (1 for names it does not know)."""

    def value(m):
        converter, name = m.group(1) or "default", m.group(2)
        if converter == "int":
            return str(override if override is not None else ids.get(name, 1))
        return str(ids.get(name, "x"))

    return ARG.sub(value, rule.rule)


def get_rules(app):
    return [r for r in app.url_map.iter_rules()
            if "GET" in r.methods and r.endpoint != "static" and not r.endpoint.endswith("logout")]


def post_rules(app):
    return [r for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint != "static"]


def int_rules(app):
    return [r for r in app.url_map.iter_rules() if "int:" in r.rule]


def is_server_error(response) -> bool:
    # 503 is the "file being prepared" answer of the exports, not an error
    return response.status_code >= 500 and response.status_code != 503 or b"Traceback" in response.get_data()


@pytest.fixture
def world(app, build):
    from factorysafe.actions.models import CorrectiveAction, DeadlineExtension
    from factorysafe.factories.models import Evacuation

    ids = public_world(app, build)
    build.user("admin", email="admin@example.test")
    with app.app_context():
        first = lambda model: db.session.scalar(db.select(model.id).order_by(model.id))  # noqa: E731
        return {"factory_id": ids["behind"], "inspection_id": ids["published_inspection"],
                "finding_id": ids["overdue_finding"], "photo_id": ids["public_photo"], "kind": "thumb",
                "action_id": db.session.scalar(db.select(CorrectiveAction.id).filter_by(finding_id=ids["overdue_finding"])),
                "extension_id": first(DeadlineExtension), "evacuation_id": first(Evacuation)}


def sign_in_admin(client):
    r = client.post("/login", data={"email": "admin@example.test", "password": "correct horse battery"})
    assert r.status_code == 302


# --- ids ---------------------------------------------------------------------------------------------------
def test_every_int_route_argument_is_a_bounded_id(app):
    converters = [(rule.rule, c) for rule in app.url_map.iter_rules() for c in rule._converters.values()]
    ints = [(path, c) for path, c in converters if isinstance(c, IntegerConverter)]
    assert len(ints) >= 25
    assert [path for path, c in ints if not isinstance(c, IdConverter) or (c.min, c.max) != (1, MAX_ID)] == []


def test_ids_past_the_database_range_are_not_found_on_every_route(app, world):
    """As a visitor and as an administrator, GET and POST: every route with an id answers 404."""
    client = app.test_client()
    wrong = []
    for signed_in in (False, True):
        if signed_in:
            sign_in_admin(client)
        for rule in int_rules(app):
            for huge in HUGE_IDS:
                path = path_for(rule, world, override=huge)
                for method in sorted(rule.methods & {"GET", "POST"}):
                    r = client.open(path, method=method)
                    if r.status_code != 404:
                        wrong.append((signed_in, method, path, r.status_code))
    assert wrong == []


def test_the_largest_id_is_looked_up_and_not_found(app, world):
    client = app.test_client()
    sign_in_admin(client)
    wrong = [(p, r.status_code) for rule in int_rules(app) if "GET" in rule.methods
             for p in [path_for(rule, world, override=MAX_ID)] for r in [client.get(p)] if r.status_code != 404]
    assert wrong == []


def test_public_pages_with_huge_ids(client, world):
    for path in ("/factories/99999999999", "/factories/9223372036854775808", "/api/v1/factories/99999999999",
                 "/factories/99999999999/findings.csv", "/inspections/99999999999/report.pdf",
                 "/factories/18446744073709551616/cap.pdf", "/photos/99999999999/thumb"):
        r = client.get(path)
        assert r.status_code == 404, path
    r = client.get("/api/v1/factories/99999999999")
    assert r.is_json and r.get_json()["error"]["status"] == 404


@pytest.mark.parametrize("query, message", [
    ("factory_id=99999999999", "'factory_id' must be between 1 and 2147483647."),
    ("factory_id=18446744073709551616", "'factory_id' must be between 1 and 2147483647."),
    ("limit=18446744073709551616", "'limit' must be between 1 and 500."),
    (f"after={_b64({'k': 'findings', 'id': 2**63})}", "The cursor ('after') is not valid"),
    (f"cursor={_b64({'k': 'findings', 'id': MAX_ID + 1})}", "The cursor ('after') is not valid"),
])
def test_api_refuses_ids_past_the_range_with_a_json_400(client, world, query, message):
    r = client.get(f"/api/v1/findings?{query}")
    assert r.status_code == 400 and r.is_json and r.get_json()["error"]["message"].startswith(message)


def test_api_cursor_at_the_largest_id_is_an_empty_last_page(client, world):
    r = client.get(f"/api/v1/findings?after={_b64({'k': 'findings', 'id': MAX_ID})}")
    assert r.status_code == 200 and r.get_json()["items"] == [] and "next" not in r.get_json()


@pytest.mark.parametrize("fid", [MAX_ID + 1, 2**63, -(2**63) - 1])
def test_factory_list_cursor_past_the_range_is_a_400_page(client, world, fid):
    sign_in_admin(client)
    r = client.get(f"/manage/factories?after={_b64(['Zeta', fid])}")
    assert r.status_code == 400 and "This page link is not valid" in r.get_data(as_text=True)


def test_column_check_ignores_an_inspection_id_past_the_range(client, world):
    sign_in_admin(client)
    assert client.get("/hazards/column-check?inspection_id=99999999999").status_code == 200
    r = client.post("/hazards/column-check", data={"inspection_id": str(2**64), "b_mm": "300", "h_mm": "300",
                                                    "fc_mpa": "20", "bars": "4", "bar_diameter_mm": "16",
                                                    "fy_mpa": "415", "tributary_area_m2": "20",
                                                    "dead_load_kpa": "6", "live_load_kpa": "2.5",
                                                    "floors_above": "5", "create_finding": "1"})
    assert r.status_code in (200, 400, 422) and "Number must be between 1 and 2147483647." in r.get_data(as_text=True)


@pytest.mark.parametrize("raw, ok", [("1", 1), (" 42 ", 42), (MAX_ID, MAX_ID), ("0", None), (MAX_ID + 1, None),
                                     (str(2**64), None), ("-3", None), ("x", None), (True, None)])
def test_db_id(raw, ok):
    if ok is None:
        with pytest.raises(ValueError):
            db_id(raw)
    else:
        assert db_id(raw) == ok


# --- NUL bytes ---------------------------------------------------------------------------------------------
def test_anonymous_login_with_a_nul_byte_is_a_translated_400(client, build):
    build.user("engineer", email="a@b.c")
    r = client.post("/login", data={"email": "a\x00@b.c", "password": "correct horse battery"})
    assert r.status_code == 400
    assert "NUL character" in r.get_data(as_text=True)
    r = client.post("/login?lang=bn", data={"email": "a@b.c\x00", "password": "x"})
    assert r.status_code == 400 and "NUL" in r.get_data(as_text=True) and "অক্ষর" in r.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # not signed in


@pytest.mark.parametrize("path", ["/map?q=a%00b", "/hazards?q=%00", "/login?next=/%00", "/factories/1%00",
                                  "/api/v1/factories?district=%00", "/map?%00=1"])
def test_nul_bytes_in_urls_are_400s(client, path):
    r = client.get(path)
    assert r.status_code == 400, path
    if path.startswith("/api/"):
        assert r.is_json and "NUL" in r.get_json()["error"]["message"]


def test_a_nul_byte_in_any_form_of_any_post_route_is_a_400_and_changes_nothing(app, world):
    from factorysafe.audit import AuditEvent

    client = app.test_client()
    sign_in_admin(client)
    with app.app_context():
        events = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    wrong = []
    for rule in post_rules(app):
        path = path_for(rule, world)
        if rule.endpoint.endswith("logout"):
            continue
        for kwargs in ({"data": {"note": "fixed\x00", "version": "1"}},
                       {"data": {"bad\x00name": "1"}},
                       {"json": {"note": ["ok", {"k": "\x00"}]}}):
            r = client.post(path, **kwargs)
            if r.status_code != 400 or "NUL" not in r.get_data(as_text=True):
                wrong.append((path, list(kwargs), r.status_code))
    assert wrong == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == events
    r = client.post("/manage/factories/new", data={"name": "x", "photos": (io.BytesIO(b"x"), "a\x00.jpg")},
                    content_type="multipart/form-data")
    assert r.status_code == 400


# --- next --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("next_url", [
    "/%0d%0aSet-Cookie:%20x=1", "/%0aX", "/%09/evil.example", "/\\evil.example", "/%5C%5Cevil.example",
    "//evil.example", "https://evil.example/", "javascript:alert(1)", "/%7f", "http:/evil.example",
])
def test_login_never_redirects_to_a_crafted_next(client, build, next_url):
    build.user("engineer", email="e@example.test")
    r = client.post(f"/login?next={next_url}", data={"email": "e@example.test", "password": "correct horse battery"})
    assert r.status_code == 302 and r.headers["Location"] == "/dashboard"
    assert "Set-Cookie: x" not in str(r.headers)


def test_login_keeps_a_plain_local_next(client, build):
    build.user("engineer", email="e@example.test")
    r = client.post("/login?next=/actions/escalations%3Fa%3D1", data={"email": "e@example.test",
                                                                         "password": "correct horse battery"})
    assert r.status_code == 302 and r.headers["Location"] == "/actions/escalations?a=1"


# --- enum filters ------------------------------------------------------------------------------------------
def test_unknown_cap_filter_values_are_ignored_with_a_message(client, world):
    sign_in_admin(client)
    base = f"/manage/factories/{world['factory_id']}/cap"

    def count(html):
        return int(re.search(r"<p>(\d+) action\(s\)</p>", html).group(1))

    everything = client.get(base).get_data(as_text=True)
    assert "Unknown filter" not in everything and count(everything) >= 3
    r = client.get(base + "?status=x&discipline=%27%3B--&origin=new%20")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Unknown filter values were ignored: Discipline, Status, Findings." in html
    assert count(html) == count(everything)  # the unknown filters are dropped, not applied
    r = client.get(base + "?status=x&discipline=fire")  # a good filter still applies next to a bad one
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Unknown filter values were ignored: Status." in html
    assert count(html) == count(client.get(base + "?discipline=fire").get_data(as_text=True)) < count(everything)
    r = client.get(base + "?status=x&lang=bn")
    assert "অজানা" in r.get_data(as_text=True)


# --- the walk over the URL map -----------------------------------------------------------------------------
class RecordingArgs(ImmutableMultiDict):
    """``request.args`` that notes which names the views read (by name: walking all of them, as the NUL check
    does, reads none)."""

    read: set[str] = set()

    def __getitem__(self, key):
        RecordingArgs.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        RecordingArgs.read.add(key)
        return super().__contains__(key)

    def getlist(self, key, type=None):
        RecordingArgs.read.add(key)
        return super().getlist(key, type)


@pytest.fixture
def recording(monkeypatch):
    monkeypatch.setattr(Request, "parameter_storage_class", RecordingArgs)
    RecordingArgs.read = set()
    return RecordingArgs


def test_crafted_query_arguments_on_every_get_route_never_give_a_500(app, world, recording):
    """Every GET route, signed in and not: all common arguments at once with each crafted value; then, signed
    in, each argument a view read, alone, with each crafted value."""
    failures, reads = [], {}
    for signed_in in (False, True):
        client = app.test_client()
        if signed_in:
            sign_in_admin(client)
        for rule in get_rules(app):
            path = path_for(rule, world)
            recording.read = set()
            for value in CRAFTED:
                r = client.get(path, query_string={name: value for name in COMMON_ARGS})
                if is_server_error(r):
                    failures.append((signed_in, path, "all", value[:40], r.status_code))
            r = client.get(path)
            if is_server_error(r):
                failures.append((signed_in, path, "none", "", r.status_code))
            if signed_in:
                reads[path] = set(recording.read) - {"lang"}  # lang: read by every page, sent above
    client = app.test_client()
    sign_in_admin(client)
    for path, names in reads.items():
        for name in sorted(names):
            for value in CRAFTED:
                r = client.get(path, query_string={name: value})
                if is_server_error(r):
                    failures.append((True, path, name, value[:40], r.status_code))
    assert sum(len(n) for n in reads.values()) >= 20  # the views' own arguments were found and probed
    assert failures == []
