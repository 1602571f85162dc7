"""Anonymous visitors may start only so many PDF renders (seconds of CPU each) per IP: PDF_RENDER_RATE_LIMIT.
Reports served from the cache are never limited, and signed-in users are not limited.

Renders are slow, so these tests lower the limit to 2/minute; the default is checked on its own.
"""
from __future__ import annotations

import pytest

from factorysafe.config import Defaults
from factorysafe.reports import pdf


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PDF_RENDER_RATE_LIMIT": "2/minute"}


@pytest.fixture
def renders(monkeypatch):
    """The renders WeasyPrint really made (the real function, counted)."""
    calls = []
    real = pdf.render_pdf

    def counting(template, content):
        calls.append((template, content["lang"], content["audience"]))
        return real(template, content)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return calls


@pytest.fixture
def report(build):
    insp = build.inspection(build.factory(name="Delta Fashions Ltd"))
    build.finding(insp, observation="Exit blocked by cartons.")
    return insp


def test_the_default_limit():
    assert Defaults.PDF_RENDER_RATE_LIMIT == "6/minute"


def test_anonymous_renders_are_limited_but_cached_reports_are_not(client, report, renders):
    first = client.get(f"/inspections/{report.id}/report.pdf")
    second = client.get(f"/inspections/{report.id}/report.pdf?lang=bn")
    assert first.status_code == second.status_code == 200 and len(renders) == 2
    refused = client.get(f"/factories/{report.factory_id}/cap.pdf?lang=en")  # ?lang: also the page's language
    assert refused.status_code == 429 and len(renders) == 2  # refused before WeasyPrint started
    assert "Too many reports" in refused.get_data(as_text=True)
    for _ in range(5):  # already made: served from the cache, as often as asked
        again = client.get(f"/inspections/{report.id}/report.pdf")
        assert again.status_code == 200 and again.data == first.data
    assert len(renders) == 2


def test_the_refusal_reads_in_bangla(client, report, renders):
    client.get(f"/inspections/{report.id}/report.pdf")
    client.get(f"/inspections/{report.id}/report.pdf?lang=bn")
    client.get("/?lang=bn")  # the visitor's language (a report's own language is its ?lang)
    refused = client.get(f"/factories/{report.factory_id}/cap.pdf")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "অনুগ্রহ করে এক মিনিট অপেক্ষা" in page and "Too many" not in page


def test_another_ip_and_signed_in_users_are_not_limited(app, client, auth, build, report, renders):
    client.get(f"/inspections/{report.id}/report.pdf")
    client.get(f"/inspections/{report.id}/report.pdf?lang=bn")
    assert client.get(f"/factories/{report.factory_id}/cap.pdf").status_code == 429
    other = app.test_client()
    assert other.get(f"/factories/{report.factory_id}/cap.pdf",
                     environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200
    build.user("engineer", email="eng@example.test")
    auth.login("eng@example.test")
    assert client.get(f"/factories/{report.factory_id}/cap.pdf?lang=bn").status_code == 200
    assert len(renders) == 4
