"""Keyset (cursor) pagination: /api/v1/findings, /api/v1/factories and /manage/factories.

Following ``next`` from the first page to the last visits every matching item exactly once, in id order,
whatever the page size and filters; a cursor that the API did not make is a 400 in JSON, never a 500."""
import datetime as dt
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factorysafe.actions import rules
from factorysafe.db import db
from helpers_maps import public_world

TODAY = dt.date.today()
FILTERS = ["", "factory_id={behind}", "discipline=fire", "status=in_progress", "status=corrected", "overdue=true",
           "overdue=false", "discipline=fire&overdue=true", "factory_id={behind}&status=pending_verification"]


@pytest.fixture
def world(app, build):
    w = public_world(app, build)
    # more published findings (some overdue, some corrected) and a draft inspection's, spread over factories
    for n, fid in enumerate([w["behind"], w["behind"], w["hidden"]]):
        insp = build.inspection(fid, state="published" if n < 2 else "draft", type="follow_up",
                                inspected_on=TODAY - dt.timedelta(days=30 + n))
        for k in range(7):
            status = ("in_progress", "pending_verification", "corrected")[k % 3]
            build.finding(insp, ("fire", "electrical", "boiler")[k % 3], "medium", status=status, origin="new",
                          deadline=TODAY + dt.timedelta(days=(-5 if k % 2 else 5)),
                          **({"verified_on": TODAY} if status == "corrected" else {}))
    return w


def expected_ids(app, query: str) -> list[int]:
    """The published findings matching ``query``, from the models and the pure rules (not the API's SQL)."""
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.inspections.models import Finding, Inspection, InspectionState

    args = dict(p.split("=") for p in query.split("&") if p)
    with app.app_context():
        rows = db.session.execute(
            sa.select(Finding, CorrectiveAction).join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id)
            .join(Inspection, Inspection.id == Finding.inspection_id)
            .where(Inspection.state == InspectionState.PUBLISHED)).all()
        out = []
        for f, a in rows:
            if "factory_id" in args and f.factory_id != int(args["factory_id"]):
                continue
            if "discipline" in args and f.discipline.value != args["discipline"]:
                continue
            if "status" in args and a.status.value != args["status"]:
                continue
            if "overdue" in args and rules.is_overdue(a.status, a.deadline, TODAY) != (args["overdue"] == "true"):
                continue
            out.append(f.id)
    return sorted(out)


def walk(client, url: str) -> list[dict]:
    """Every page from ``url`` on, following next; checks each answer's shape on the way."""
    pages = []
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.get_data(as_text=True)
        answer = r.get_json()
        assert "total" not in answer and "page" not in answer
        pages.append(answer)
        url = answer.get("next")
        if url:
            assert url.startswith("http://localhost/api/v1/") and answer["items"]
        assert len(pages) < 500, "next never ends"
    return pages


@pytest.mark.parametrize("query", FILTERS)
@pytest.mark.parametrize("limit", [1, 2, 5, 500])
def test_following_next_visits_every_published_finding_once(app, client, world, query, limit):
    query = query.format(behind=world["behind"])
    pages = walk(client, f"/api/v1/findings?{query}&limit={limit}")
    ids = [i["finding_id"] for p in pages for i in p["items"]]
    want = expected_ids(app, query)
    assert ids == want  # each exactly once, in id order
    assert all(len(p["items"]) == limit for p in pages[:-1]) and len(pages[-1]["items"]) <= limit
    assert len(pages) == max(1, -(-len(want) // limit))
    assert world["draft_finding"] not in ids
    for p in pages[:-1]:  # the filters travel with the cursor
        for part in query.split("&"):
            assert not part or part in p["next"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(1, 9), min_size=1, max_size=40), query=st.sampled_from(FILTERS))
def test_pages_of_random_sizes_concatenate_to_the_whole_list(app, client, world, sizes, query):
    """Each page may ask for another limit (the cursor is only the last id): together they are the list."""
    query = query.format(behind=world["behind"])
    whole = client.get(f"/api/v1/findings?{query}&limit=500").get_json()["items"]
    got, url, n = [], f"/api/v1/findings?{query}&limit={sizes[0]}", 0
    while url:
        answer = client.get(url).get_json()
        got += answer["items"]
        n += 1
        url = answer.get("next")
        if url:
            url = re.sub(r"limit=\d+", f"limit={sizes[n % len(sizes)]}", url)
    assert got == whole
    assert [i["finding_id"] for i in got] == expected_ids(app, query)


def test_extensions_are_counted_per_row(client, world):
    items = walk(client, "/api/v1/findings?limit=2")
    counts = {i["finding_id"]: i["extensions_approved"] for p in items for i in p["items"]}
    assert counts[world["overdue_finding"]] == 1 and sum(counts.values()) == 1


def test_following_next_visits_every_public_factory_once(client, world):
    everything = client.get("/api/v1/factories?limit=500").get_json()["items"]
    assert len(everything) == 4
    for limit in (1, 2, 3, 4):
        pages = walk(client, f"/api/v1/factories?limit={limit}")
        ids = [i["id"] for p in pages for i in p["items"]]
        assert ids == sorted(i["id"] for i in everything)
        assert len(pages) == -(-4 // limit)
    pages = walk(client, "/api/v1/factories?limit=1&district=Gazipur")
    assert {i["name"] for p in pages for i in p["items"]} == {"Gazipur Behind Ltd"} and len(pages) == 1


@pytest.mark.parametrize("path", ["/api/v1/findings", "/api/v1/factories"])
@pytest.mark.parametrize("cursor", ["x", "%%%", "eyJrIjoxfQ", "bm90IGpzb24", "eyJrIjoiZmluZGluZ3MiLCJpZCI6LTF9",
                                    "eyJrIjoiZmluZGluZ3MiLCJpZCI6InRocmVlIn0", "W10", "6Iq4"])
def test_a_bad_cursor_is_a_400_in_json_with_a_clear_message(client, world, path, cursor):
    for name in ("after", "cursor"):
        r = client.get(f"{path}?{name}={cursor}")
        assert r.status_code == 400 and r.is_json, r.get_data(as_text=True)
        assert "cursor" in r.get_json()["error"]["message"]


def test_a_cursor_of_one_list_is_refused_by_the_other(client, world):
    factories_next = client.get("/api/v1/factories?limit=1").get_json()["next"]
    cursor = factories_next.split("after=")[1].split("&")[0]
    r = client.get(f"/api/v1/findings?after={cursor}")
    assert r.status_code == 400 and "cursor" in r.get_json()["error"]["message"]
    r = client.get("/api/v1/findings?page=2")
    assert r.status_code == 400 and "next" in r.get_json()["error"]["message"]


def test_the_openapi_document_describes_cursor_paging(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/findings", "/api/v1/factories"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {"after", "cursor", "limit"} <= names and "page" not in names
    page = spec["components"]["schemas"]["FindingPage"]
    assert "next" in page["properties"] and "total" not in page["properties"] and "next" not in page["required"]


# --- /manage/factories -------------------------------------------------------------------------------------------
def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/manage/factories/\d+">([^<]+)</a>', html)


def _link(html: str, rel: str) -> str | None:
    m = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return m.group(1).replace("&amp;", "&") if m else None


def test_manage_factories_pages_by_keyset_forward_and_back(client, auth, build, monkeypatch):
    from factorysafe.factories import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    engineer = build.user("engineer")
    made = [build.factory(name=n).name for n in ["Delta Ltd", "Alpha Ltd", "Echo Ltd", "Bravo Ltd", "Alpha Ltd",
                                                 "Golf Ltd", "Charlie Ltd", "Foxtrot Ltd"]]
    auth.login(engineer.email)
    pages, url = [], "/manage/factories"
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append(_names(html))
        url = _link(html, "next")
    assert [n for p in pages for n in p] == sorted(made)  # both "Alpha Ltd" rows, once each
    assert [len(p) for p in pages] == [3, 3, 2]
    html = client.get("/manage/factories").get_data(as_text=True)
    assert _link(html, "prev") is None and "First page" not in html
    second = client.get(_link(html, "next")).get_data(as_text=True)
    third = client.get(_link(second, "next")).get_data(as_text=True)
    assert _link(third, "next") is None and "First page" in third
    back = client.get(_link(third, "prev")).get_data(as_text=True)
    assert _names(back) == pages[1]
    back = client.get(_link(back, "prev")).get_data(as_text=True)
    assert _names(back) == pages[0] and _link(back, "prev") is None
    searched = client.get("/manage/factories?q=ltd").get_data(as_text=True)
    assert "q=ltd" in _link(searched, "next")
    r = client.get("/manage/factories?after=not-a-cursor")
    assert r.status_code == 400 and "not valid" in r.get_data(as_text=True)
