"""schemathesis against /api/v1/openapi.json, through the Flask app (WSGI, no server): every operation of the
document gets generated requests (valid and invalid ones, from the examples, coverage and fuzzing phases) and
every answer must pass schemathesis's checks: no server error, a status the document declares, the declared
content type and a body that matches its schema.

Seeded with the public world of the map tests (public factories, drafts, a submitted inspection, an
evacuation). Short and repeatable: 25 fuzzed examples per operation, derandomized (see ``EXAMPLES``)."""
from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from helpers_maps import public_world

EXAMPLES = 25


@pytest.fixture(scope="module")
def calls():
    """Requests made per operation; printed at the end of the module (run with -s to see them)."""
    counter: Counter = Counter()
    yield counter
    print(f"\nschemathesis: {len(counter)} operations, {sum(counter.values())} requests: {dict(counter)}")


@pytest.fixture
def api_schema(app, build):
    public_world(app, build)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_answers_match_the_openapi_document(case, calls):
    calls[case.operation.label] += 1
    case.call_and_validate()

