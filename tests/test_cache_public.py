"""Public aggregates are counted once and shared: in Redis across worker processes when ``REDIS_URL`` is set,
in the process otherwise (the embedded default)."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from factorysafe import create_app

REDIS = "redis://127.0.0.1:6379/0"


def _open_count(client, code="FIRE-EXIT-BLOCKED") -> int:
    html = client.get("/hazards").get_data(as_text=True)
    row = html.split(f'<tr id="{code}"')[1]
    return int(row.split('class="num hz-open">')[1].split("<")[0])


@pytest.fixture(params=["memory", "redis"])
def shared_config(request, app_config):
    config = {**app_config, "CACHE_NAMESPACE": f"test-{uuid.uuid4().hex}", "PUBLIC_COUNTS_SECONDS": 300}
    if request.param == "redis":
        config["REDIS_URL"] = REDIS
    return config


def test_hazard_counts_are_counted_once_and_refreshed_when_they_expire(shared_config, build, app):
    app.config.update(shared_config)
    first = create_app(shared_config)
    factory = build.factory()
    insp = build.inspection(factory, state="published")
    build.finding(insp, deadline=dt.date(2030, 1, 1))
    client = first.test_client()
    assert _open_count(client) == 1
    build.finding(insp, deadline=dt.date(2030, 1, 1))
    assert _open_count(client) == 1  # within PUBLIC_COUNTS_SECONDS: the counted figures, with their time
    second = create_app(shared_config)  # another worker process
    expected_shared = 1 if "REDIS_URL" in shared_config else 2
    assert _open_count(second.test_client()) == expected_shared
    with first.app_context():
        from factorysafe.cache import cache

        cache.delete("hazard-counts")  # what expiry does
    assert _open_count(client) == 2
    if "REDIS_URL" in shared_config:
        with first.app_context():
            cache.clear()


def test_the_engineer_dashboard_shares_its_aggregates_and_an_escalation_clears_them(shared_config, build, app):
    app.config.update(shared_config)
    worker = create_app(shared_config)
    client = worker.test_client()
    factory = build.factory(name="Escalated Knit Ltd")
    insp = build.inspection(factory, state="published", inspected_on=dt.date(2024, 1, 1))
    build.finding(insp, severity="priority_1", deadline=dt.date.today() - dt.timedelta(days=200))
    engineer = build.user("engineer")
    from tests.conftest import PASSWORD

    client.post("/login", data={"email": engineer.email, "password": PASSWORD})
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Escalated Knit Ltd" in html
    r = client.post(f"/manage/factories/{factory.id}/escalate",
                    data={"esc-stage": "1", "esc-note": "Notice letter sent.", "prefix": "esc", "esc-version": "1"})
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:500]
    from factorysafe.cache import cache

    with worker.app_context():
        assert cache.get(f"dash:proposals:{dt.date.today()}") is None
        if "REDIS_URL" in shared_config:
            cache.clear()
