"""schemathesis against /api/v1/openapi.json, through the Flask app (WSGI, no server): every operation of the
document gets generated requests (valid and invalid ones, from the examples, coverage and fuzzing phases) and
every answer must pass schemathesis's checks: no server error, a status the document declares, the declared
content type and headers, and a body that matches its schema.

The document is loaded once at collection from an app of its own (it depends on no data), so schemathesis's
eager pytest integration makes one test per operation; ``schemathesis.pytest.from_fixture`` would load it per
test but does not run on pytest 9.2 (it sets ``Function._nodeid``, which pytest removed). Each test then sends
its requests to the test's app, seeded with the public world of the map tests (public factories, drafts, a
submitted inspection, an evacuation). Short and repeatable: 25 fuzzed examples per operation, derandomized."""
from __future__ import annotations

import shutil
import tempfile
import zlib
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from factorysafe import create_app
from factorysafe.maps.api import CURSOR_ARGS, encode_cursor
from helpers_complaints import complaint_world
from helpers_maps import public_world

EXAMPLES = 25


def _load_schema():
    folder = tempfile.mkdtemp(prefix="fs-openapi-")
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "openapi", "INSTANCE_PATH": folder,
                          "SQLALCHEMY_DATABASE_URI": "sqlite:///" + folder + "/unused.sqlite"})
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


schema = _load_schema()
CALLS: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\nschemathesis: {len(CALLS)} operations, {sum(CALLS.values())} requests: {dict(CALLS)}")


@pytest.fixture
def api_app(app, build):
    """The test's app with the public world and a register of complaints (named, withheld, none), as the app
    the schema's requests go to."""
    public_world(app, build)
    complaint_world(app, build)
    return app


LISTS = {"/api/v1/factories": "factories", "/api/v1/findings": "findings", "/api/v1/complaints": "complaints"}


def _issued_cursor(case) -> None:
    """A list's cursor is opaque: only the API makes valid ones (any other is a 400, by design and as the
    document says), so a *valid* case's generated cursor is swapped for one the API issues (a cursor after
    an id derived from the generated text). Invalid cases keep their junk and must be refused."""
    kind = LISTS.get(case.operation.path)
    meta = getattr(case, "meta", None)
    if kind is None or not case.query or meta is None or not meta.generation.mode.is_positive:
        return
    given = [str(case.query[name]) for name in CURSOR_ARGS if case.query.get(name) not in (None, "")]
    if given:
        cursor = encode_cursor(kind, zlib.crc32(given[0].encode()) % 1000)
        for name in CURSOR_ARGS:
            if name in case.query:
                case.query[name] = cursor


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_answers_match_the_openapi_document(case, api_app):
    CALLS[case.operation.label] += 1
    _issued_cursor(case)
    # this test's app (and database), not the one the document came from; the WSGI transport does not unpack
    # gzip as an HTTP client does, so the answers are asked for plain (test_serve_compress covers gzip)
    case.call_and_validate(app=api_app, headers={"Accept-Encoding": "identity"})


# Found while fuzzing: ids past the INTEGER columns reached the database (500 on both databases).
@pytest.mark.parametrize("url, status", [
    ("/api/v1/findings?factory_id=99999999999999999999", 400),
    ("/api/v1/findings?factory_id=2147483648", 400),
    ("/api/v1/factories/9223372036854775808", 404),
    ("/api/v1/factories/99999999999999999999", 404),
    # a cursor the API did not make, after id 10**21
    ("/api/v1/findings?after=eyJrIjoiZmluZGluZ3MiLCJpZCI6OTk5OTk5OTk5OTk5OTk5OTk5OTk5fQ", 400),
    # a parameter given empty is outside its schema
    ("/api/v1/findings?status=", 400), ("/api/v1/factories?immediate_danger=", 400),
    ("/api/v1/complaints?month=", 400), ("/api/v1/complaints?factory_id=2147483648", 400),
    ("/api/v1/factories?limit=", 400),
])
def test_out_of_range_and_empty_parameters_are_refused_in_json(client, build, url, status):
    build.inspection(build.factory())
    resp = client.get(url)
    assert resp.status_code == status and resp.get_json()["error"]["status"] == status


@pytest.mark.parametrize("url", ["/api/v1/factories", "/api/v1/findings", "/map"])
def test_a_method_not_allowed_names_the_allowed_ones(client, url):
    """RFC 9110: a 405 carries Allow (schemathesis's unsupported-method check found it missing)."""
    resp = client.delete(url)
    assert resp.status_code == 405
    assert {m.strip() for m in resp.headers["Allow"].split(",")} >= {"GET", "HEAD"}
