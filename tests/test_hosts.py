"""The Host header is not trusted: with TRUSTED_HOSTS set another host gets 400, and with PUBLIC_BASE_URL set the
API's absolute URLs (``next``, ``url``, ``findings_url``, the OpenAPI server) never copy the request's host."""
from __future__ import annotations

import pytest

from factorysafe import create_app
from factorysafe.db import db

EVIL = "evil.example"


@pytest.fixture
def two_findings(build):
    insp = build.inspection(build.factory())
    build.finding(insp, observation="Exit blocked.")
    build.finding(insp, observation="Extinguisher missing.")
    return insp


def _next(client, host):
    answer = client.get("/api/v1/findings?limit=1", headers={"Host": host}).get_json()
    return answer["next"]


def test_without_settings_the_request_host_is_used_as_before(client, two_findings):
    """Local development: any host, and links point where the request came."""
    assert _next(client, "localhost:5000").startswith("http://localhost:5000/api/v1/findings?")


class TestPublicBaseUrl:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "PUBLIC_BASE_URL": "https://safety.example.org/"}

    def test_a_crafted_host_never_reaches_the_next_link(self, client, two_findings):
        link = _next(client, EVIL)
        assert link.startswith("https://safety.example.org/api/v1/findings?") and EVIL not in link
        assert "limit=1" in link and "after=" in link
        follow = client.get(link.removeprefix("https://safety.example.org"), headers={"Host": EVIL}).get_json()
        assert len(follow["items"]) == 1 and "next" not in follow

    def test_every_absolute_url_of_the_api_uses_the_base(self, client, two_findings):
        fid = two_findings.factory_id
        spec = client.get("/api/v1/openapi.json", headers={"Host": EVIL}).get_json()
        assert spec["servers"] == [{"url": "https://safety.example.org"}]
        detail = client.get(f"/api/v1/factories/{fid}", headers={"Host": EVIL})
        assert detail.status_code == 200, detail.get_data(as_text=True)
        body = detail.get_data(as_text=True)
        assert EVIL not in body
        data = detail.get_json()
        assert data["url"] == f"https://safety.example.org/factories/{fid}"
        assert data["findings_url"] == f"https://safety.example.org/api/v1/findings?factory_id={fid}"


class TestTrustedHosts:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "TRUSTED_HOSTS": ["safety.example.org", "localhost"]}

    def test_an_untrusted_host_gets_400(self, client):
        response = client.get("/", headers={"Host": EVIL})
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert "does not answer to that host name" in text and EVIL not in text
        bangla = client.get("/?lang=bn", headers={"Host": EVIL})
        assert bangla.status_code == 400 and "হোস্ট" in bangla.get_data(as_text=True)

    def test_an_untrusted_host_gets_400_on_the_api_too(self, client, two_findings):
        response = client.get("/api/v1/findings?limit=1", headers={"Host": EVIL})
        assert response.status_code == 400 and response.get_json()["error"]["status"] == 400

    def test_trusted_hosts_are_served(self, client, two_findings):
        assert client.get("/", headers={"Host": "safety.example.org"}).status_code == 200
        assert _next(client, "safety.example.org").startswith("http://safety.example.org/")
        assert client.get("/").status_code == 200  # the test client's own "localhost"


@pytest.mark.parametrize("value, expected", [
    ("safety.example.org, www.safety.example.org", ["safety.example.org", "www.safety.example.org"]),
    ('["safety.example.org"]', ["safety.example.org"]),
    ("", None),
])
def test_trusted_hosts_from_the_environment(app_config, monkeypatch, value, expected):
    monkeypatch.setenv("FACTORYSAFE_TRUSTED_HOSTS", value)
    app = create_app({k: v for k, v in app_config.items()})
    try:
        assert app.config["TRUSTED_HOSTS"] == expected
    finally:
        with app.app_context():
            db.engine.dispose()


def test_an_empty_list_means_any_host(app_config):
    app = create_app({**app_config, "TRUSTED_HOSTS": []})
    try:
        assert app.config["TRUSTED_HOSTS"] is None
        assert app.test_client().get("/", headers={"Host": EVIL}).status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()
