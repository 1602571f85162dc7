"""The public register of complaints (/complaints), a factory's own counts on its page, complaints.csv and
/api/v1/complaints: the same public fields everywhere, Bangla and English, and a withheld factory nowhere."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest
from flask_babel import force_locale

from factorysafe.complaints import queries, rules
from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus
from factorysafe.labels import label
from factorysafe.maps import exports
from helpers_complaints import NAMED, SECRET_TEXTS, WITHHELD, complaint_world


@pytest.fixture
def world(app, build):
    return complaint_world(app, build)


def _text(page: str) -> str:
    """The words a person reads: tags, scripts and styles dropped."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _factory_link(factory_id: int) -> str:
    return f'href="/factories/{factory_id}"'


def test_register_lists_every_complaint_as_published(client, world):
    page = client.get("/complaints?lang=en").get_data(as_text=True)
    text = _text(page)
    assert NAMED in text and _factory_link(world["named"]) in page
    assert text.count("name withheld") == 3  # two withheld, one with no factory of the register
    for key in ("reopened", "received", "nofactory"):
        assert f"-{world[key]:04d}" in text
    assert "reopened" in text and "Labour court" in text and "Wiring replaced" in text
    assert "Locked gate" in text and "Under review" in text
    assert "Complaints in all: 5" in text and "Reopened because the worker said the danger was not fixed: 1" in text
    for month in world["months"]:
        assert month in text
    for secret in (WITHHELD, *SECRET_TEXTS, "Some unit in Savar"):
        assert secret not in page
    assert _factory_link(world["withheld"]) not in page


def test_register_filters_and_paging_keep_the_language(client, world, monkeypatch):
    from factorysafe.complaints import channel_views

    page = _text(client.get("/complaints?lang=en&status=resolved").get_data(as_text=True))
    assert "Complaints that match: 1" in page and "Wiring replaced" in page and NAMED not in page.split("Complaints that match")[1]
    page = _text(client.get(f"/complaints?lang=en&month={world['months'][0]}").get_data(as_text=True))
    assert "Complaints that match: 1" in page
    page = _text(client.get("/complaints?lang=en&category=cracks").get_data(as_text=True))
    assert "Complaints that match: 1" in page and "Crack" in page
    page = _text(client.get(f"/complaints?lang=en&factory_id={world['named']}").get_data(as_text=True))
    assert "Complaints that match: 2" in page
    # a withheld factory's id as a filter shows nothing of it
    page = _text(client.get(f"/complaints?lang=en&factory_id={world['withheld']}").get_data(as_text=True))
    assert "Complaints that match: 0" in page
    # nonsense filters are ignored, never a 500
    assert client.get("/complaints?status=x&category=y&month=2026-13&factory_id=-1&page=zz").status_code == 200

    monkeypatch.setattr(channel_views, "PER_PAGE", 2)
    first = client.get("/complaints?lang=bn&category=").get_data(as_text=True)
    nxt = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert nxt, first
    link = html.unescape(nxt.group(1))
    assert "lang=bn" in link and "page=2" in link
    second = client.get(link).get_data(as_text=True)
    assert 'rel="prev"' in second and "lang=bn" in html.unescape(re.search(r'rel="prev" href="([^"]+)"', second).group(1))


def test_bangla_register_has_no_english_status_or_category_words(app, client, world):
    page = client.get("/complaints?lang=bn")
    assert page.status_code == 200
    text = _text(page.get_data(as_text=True))
    with app.test_request_context(), force_locale("en"):
        english = [str(label(v)) for v in [*ComplaintStatus, *ComplaintCategory]]
    for word in english:
        assert word not in text, word
    for word in ("name withheld", "reopened", "Status", "Outcome", "Register of workers' complaints", "Figures"):
        assert word not in text, word
    with app.test_request_context(), force_locale("bn"):
        assert str(label(ComplaintStatus.RESOLVED)) in text and str(label(ComplaintCategory.LOCKED_GATE)) in text


def _section(page: str) -> str:
    start = page.index('id="complaints-title"')
    return page[start:page.index("</section>", start)]


def test_factory_page_shows_only_its_named_complaints(client, world):
    named = client.get(f"/factories/{world['named']}?lang=en").get_data(as_text=True)
    part = _section(named)
    assert "Complaints that name this factory: 2" in _text(part)
    assert f"factory_id={world['named']}" in part
    withheld = client.get(f"/factories/{world['withheld']}?lang=en").get_data(as_text=True)
    part = _section(withheld)
    assert "No complaint names this factory" in _text(part)
    assert f"factory_id={world['withheld']}" not in part and "register?factory" not in part
    assert "Wiring replaced" not in withheld and "Labour court" not in withheld
    bn = client.get(f"/factories/{world['named']}?lang=bn").get_data(as_text=True)
    assert "Complaints that name this factory" not in bn


def test_complaints_csv_has_the_public_fields_and_no_withheld_factory(client, world):
    resp = client.get("/exports/complaints.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    body = resp.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == list(queries.PUBLIC_FIELDS) == [k for k, _ in exports.COMPLAINT_COLUMNS]
    assert len(rows) == 5
    by_number = {r["number"]: r for r in rows}
    reopened = next(r for r in rows if r["number"].endswith(f"-{world['reopened']:04d}"))
    assert reopened["factory_id"] == str(world["named"]) and reopened["factory_name"] == NAMED
    assert reopened["category"] == "locked_gate" and reopened["status"] == "under_review"
    assert reopened["reopened"] == "1" and reopened["verdict"] == "disputed"
    assert reopened["outcome"] == ""  # open again: the outcome is not the answer any more
    assert WITHHELD not in body and all(r["factory_id"] != str(world["withheld"]) for r in rows)
    for secret in SECRET_TEXTS:
        assert secret not in body
    assert len(by_number) == 5


def test_csv_cells_are_formula_safe(app, client, build):
    from factorysafe.auth.models import User
    from factorysafe.complaints import services
    from factorysafe.db import db
    from factorysafe.factories.models import Factory

    factory = build.factory(name="=cmd|' /C calc'!A0 Ltd")
    build.inspection(factory)
    engineer = build.user("engineer")
    with app.test_request_context():
        c, _ = services.submit(category="other", description="x", factory=db.session.get(Factory, factory.id),
                               show_factory=True, today=rules.month_span("2026-10")[0])
        services.set_status(c, "not_covered", outcome="@SUM(1+1)", referred_to="+DIFE", version=c.version,
                            by=db.session.get(User, engineer.id), today=c.received_on)
        db.session.commit()
    row = next(csv.DictReader(io.StringIO(client.get("/exports/complaints.csv").get_data(as_text=True))))
    assert row["factory_name"].startswith("'=") and row["outcome"] == "'@SUM(1+1)" and row["referred_to"] == "'+DIFE"


def test_api_lists_the_same_fields_with_filters_and_paging(client, world):
    answer = client.get("/api/v1/complaints").get_json()
    items = answer["items"]
    assert len(items) == 5 and "next" not in answer
    assert all(sorted(item) == sorted(queries.PUBLIC_FIELDS) for item in items)
    assert all(item["factory_id"] in (None, world["named"]) for item in items)
    assert WITHHELD not in str(answer)
    assert [i["status"] for i in client.get("/api/v1/complaints?status=non_safety").get_json()["items"]] == ["non_safety"]
    assert len(client.get(f"/api/v1/complaints?factory_id={world['named']}").get_json()["items"]) == 2
    assert client.get(f"/api/v1/complaints?factory_id={world['withheld']}").get_json()["items"] == []
    assert len(client.get(f"/api/v1/complaints?month={world['months'][0]}").get_json()["items"]) == 1
    page1 = client.get("/api/v1/complaints?limit=2").get_json()
    seen = [i["number"] for i in page1["items"]]
    nxt = page1["next"]
    while nxt:
        page = client.get(nxt.replace("http://localhost", "")).get_json()
        seen += [i["number"] for i in page["items"]]
        nxt = page.get("next")
    assert sorted(seen) == sorted(i["number"] for i in items) and len(seen) == 5
    for bad in ("status=closed", "month=2026-13", "month=", "category=", "factory_id=0", "limit=0"):
        resp = client.get(f"/api/v1/complaints?{bad}")
        assert resp.status_code == 400 and resp.get_json()["error"]["status"] == 400, bad


def test_openapi_document_describes_complaints(client, world):
    import jsonschema
    from openapi_spec_validator import validate

    doc = client.get("/api/v1/openapi.json").get_json()
    validate(doc)
    answer = client.get("/api/v1/complaints?limit=3").get_json()
    jsonschema.Draft202012Validator({"$ref": "#/components/schemas/ComplaintPage",
                                     "components": doc["components"]}).validate(answer)
    assert "/api/v1/complaints" in doc["paths"]
    props = doc["components"]["schemas"]["Complaint"]["properties"]
    assert sorted(props) == sorted(queries.PUBLIC_FIELDS)
    assert all(p["description"] for p in props.values())


def test_open_data_page_names_the_complaints_file(client):
    page = client.get("/open-data?lang=en").get_data(as_text=True)
    assert "/exports/complaints.csv" in page and "/api/v1/complaints" in page


def test_factory_page_counts_follow_a_new_complaint_despite_the_page_cache(app, client, build):
    """Visitors get the factory page from the cache; a complaint that names the factory (an audited change of
    it) makes the next visitor's page count it."""
    from factorysafe.complaints import services
    from factorysafe.db import db
    from factorysafe.factories.models import Factory

    factory = build.factory()
    build.inspection(factory)
    url = f"/factories/{factory.id}?lang=en"
    assert "No complaint names this factory" in _section(client.get(url).get_data(as_text=True))
    assert "No complaint names this factory" in _section(client.get(url).get_data(as_text=True))  # cached
    with app.test_request_context():
        services.submit(category="cracks", description="crack", factory=db.session.get(Factory, factory.id),
                        show_factory=True, today=rules.month_span("2026-11")[0])
        db.session.commit()
    assert "Complaints that name this factory: 1" in _text(_section(client.get(url).get_data(as_text=True)))


def test_the_factory_a_complaint_leaves_loses_it_from_its_cached_page(app, client, build):
    """A handler re-matches a complaint to another factory: the first factory's cached page stops counting it."""
    from factorysafe.auth.models import User
    from factorysafe.complaints import services
    from factorysafe.db import db
    from factorysafe.factories.models import Factory

    first, second = build.factory(), build.factory()
    build.inspection(first)
    build.inspection(second)
    handler = build.user("handler")
    with app.test_request_context():
        complaint, _ = services.submit(category="cracks", description="crack", show_factory=True,
                                       factory=db.session.get(Factory, first.id), today=rules.month_span("2026-11")[0])
        db.session.commit()
        cid = complaint.id
    url = f"/factories/{first.id}?lang=en"
    assert "Complaints that name this factory: 1" in _text(_section(client.get(url).get_data(as_text=True)))
    assert "Complaints that name this factory: 1" in _text(_section(client.get(url).get_data(as_text=True)))  # cached
    with app.test_request_context():
        from factorysafe.complaints.models import Complaint

        complaint = db.session.get(Complaint, cid)
        services.set_factory(complaint, db.session.get(Factory, second.id), by=db.session.get(User, handler.id),
                             version=complaint.version)
        db.session.commit()
    assert "No complaint names this factory" in _section(client.get(url).get_data(as_text=True))
    second_page = client.get(f"/factories/{second.id}?lang=en").get_data(as_text=True)
    assert "Complaints that name this factory: 1" in _text(_section(second_page))
