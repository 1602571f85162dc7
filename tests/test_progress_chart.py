"""Progress over time (issue 14, part 7): the pure history and SVG functions, the factory page, /map, the CAP PDF."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, strategies as st

from factorysafe.actions.rules import progress_percent, progress_rate
from factorysafe.reports.charts import month_index, progress_history, progress_svg

SVG = "{http://www.w3.org/2000/svg}"
TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def _svg(html: str, element_id: str) -> ET.Element:
    m = re.search(rf'<svg [^>]*id="{element_id}".*?</svg>', html, re.S)
    assert m, f"no chart {element_id}"
    return ET.fromstring(m.group(0))  # valid XML


def _lasts(svg: ET.Element) -> dict[str, int]:
    return {p.get("data-series"): int(p.get("data-last")) for p in svg.iter(f"{SVG}path")}


def _texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


# --- pure functions -------------------------------------------------------------------------------------------
def test_history_counts_verified_actions_by_the_month_they_were_verified():
    today = dt.date(2025, 6, 15)
    jan, mar, may = month_index(dt.date(2025, 1, 1)), month_index(dt.date(2025, 3, 1)), month_index(dt.date(2025, 5, 1))
    rows = [("fire", "corrected", mar, mar, jan, 2), ("fire", "corrected", may, may, jan, 1),
            ("fire", "in_progress", None, None, jan, 1), ("electrical", "pending_verification", may, None, jan, 1),
            ("electrical", "in_progress", None, None, jan, 3)]
    h = progress_history(rows, today)
    assert h["start"] == jan and h["as_of"] == "2025-06-15"
    assert h["lines"]["fire"] == [0.0, 0.0, 0.5, 0.5, 0.75, 0.75]  # Jan..Jun
    assert h["lines"]["electrical"] == [0.0] * 6
    assert h["lines"]["overall"][-1] == 3 / 8
    assert "structural" not in h["lines"] and "boiler" not in h["lines"]
    # Pending verification weighs as the setting says, from the month the fix was reported
    weighted = progress_history(rows, today, 0.5)
    assert weighted["lines"]["electrical"] == [0.0, 0.0, 0.0, 0.0, 0.125, 0.125]


def test_a_fix_reported_then_verified_counts_as_pending_in_between():
    today = dt.date(2025, 4, 2)
    feb, mar, apr = (month_index(dt.date(2025, m, 1)) for m in (2, 3, 4))
    h = progress_history([("boiler", "corrected", feb, apr, feb, 1)], today, 0.5)
    assert h["lines"]["boiler"] == [0.5, 0.5, 1.0]  # Feb (inspection and report), Mar, Apr (verified, today)


def test_todays_counts_can_come_from_elsewhere():
    """The programme chart's last point is the status read model's count; earlier months from the grouped rows."""
    today = dt.date(2025, 3, 10)
    jan = month_index(dt.date(2025, 1, 1))
    rows = [("fire", "corrected", jan, jan + 1, jan, 1), ("fire", "in_progress", None, None, jan, 3)]
    h = progress_history(rows, today, 0.0, now={"fire": (5, 2, 1), "boiler": (2, 1, 0), "electrical": (0, 0, 0)})
    assert h["lines"]["fire"] == [0.0, 0.25, 0.4]
    assert h["lines"]["boiler"] == [0.0, 0.0, 0.5]  # no rows yet (a report published today): zero before
    assert "electrical" not in h["lines"]
    assert h["lines"]["overall"][-1] == 3 / 7


def test_history_of_nothing_has_no_lines_and_still_two_months():
    h = progress_history([], dt.date(2025, 1, 5))
    assert h["lines"] == {} and h["start"] == month_index(dt.date(2024, 12, 1))
    svg = ET.fromstring(progress_svg(h, title="T", description="D", axis_title="A", labels={}, no_data="None yet"))
    assert "None yet" in _texts(svg)


statuses = st.sampled_from(["in_progress", "pending_verification", "corrected"])


@given(st.lists(st.tuples(st.sampled_from(["fire", "electrical", "structural", "boiler"]), statuses,
                          st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(1, 40)),
                max_size=25),
       st.sampled_from([0.0, 0.5, 1.0]))
def test_last_point_is_the_progress_rule_on_todays_statuses(raw, weight):
    """Whatever the dates, the last point is ``rules.progress_rate`` of today's counts, per discipline and overall."""
    today = dt.date(2025, 7, 1)
    base = month_index(today) - 30
    rows = [(d, s, base + r if s != "in_progress" else None, base + v if s == "corrected" else None, base + f, n)
            for d, s, r, v, f, n in raw]
    h = progress_history(rows, today, weight)
    totals = {}
    for d, s, _r, _v, _f, n in rows:
        t = totals.setdefault(d, [0, 0, 0])
        t[0] += n * (s == "corrected")
        t[1] += n * (s == "pending_verification")
        t[2] += n
    for d, (c, p, t) in totals.items():
        assert h["lines"][d][-1] == pytest.approx(progress_rate(c, p, t, weight))
        assert all(0 <= r <= 1 for r in h["lines"][d])
    if totals:
        c, p, t = (sum(v[i] for v in totals.values()) for i in range(3))
        assert h["lines"]["overall"][-1] == pytest.approx(progress_rate(c, p, t, weight))
    # months never run backwards: verified items only accumulate when nothing is pending-weighted
    if weight == 0.0:
        for line in h["lines"].values():
            assert line == sorted(line)


def test_svg_is_valid_xml_with_axis_labels_legend_and_no_style_or_script():
    today = dt.date(2025, 6, 15)
    jan = month_index(dt.date(2025, 1, 1))
    h = progress_history([("fire", "corrected", jan + 2, jan + 2, jan, 1), ("fire", "in_progress", None, None, jan, 2),
                          ("boiler", "corrected", jan + 4, jan + 5, jan, 1)], today)
    text = progress_svg(h, title="Progress <over> time", description="Share & more", axis_title="Verified, %",
                        labels={"fire": "Fire", "boiler": "Boiler", "overall": "Overall"})
    svg = ET.fromstring(text)
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Progress <over> time"
    texts = _texts(svg)
    assert "Verified, %" in texts
    for tick in ("0 %", "50 %", "100 %", "2025-01", "2025-06"):
        assert tick in texts
    assert "Fire: 33 %" in texts and "Boiler: 100 %" in texts and "Overall: 50 %" in texts
    assert _lasts(svg) == {"fire": 33, "boiler": 100, "overall": 50}
    assert "<style" not in text and "style=" not in text and "<script" not in text and "on" + "load" not in text


# --- through the app ------------------------------------------------------------------------------------------
@pytest.fixture
def world(app, build):
    """A public factory verified over four months, a draft whose findings must not count, and a second factory."""
    f = build.factory(name="Chart Garments Ltd")
    first = build.inspection(f, inspected_on=TODAY - 120 * DAY)
    build.finding(first, "fire", status="corrected", reported_fixed_on=TODAY - 100 * DAY, verified_on=TODAY - 95 * DAY)
    build.finding(first, "fire", status="corrected", reported_fixed_on=TODAY - 40 * DAY, verified_on=TODAY - 30 * DAY)
    build.finding(first, "fire", status="pending_verification", reported_fixed_on=TODAY - 5 * DAY)
    build.finding(first, "electrical", status="in_progress", hazard_code=None)
    build.finding(first, "electrical", status="corrected", hazard_code=None, reported_fixed_on=TODAY - 2 * DAY,
                  verified_on=TODAY - 1 * DAY)
    build.finding(first, "structural", status="in_progress", hazard_code=None)
    draft = build.inspection(f, state="draft", inspected_on=TODAY - 400 * DAY)
    build.finding(draft, "boiler", status="corrected", hazard_code=None, verified_on=TODAY - 300 * DAY)
    other = build.factory(name="Other Knit Ltd")
    i2 = build.inspection(other, inspected_on=TODAY - 60 * DAY)
    build.finding(i2, "fire", status="corrected", verified_on=TODAY - 10 * DAY)
    return {"factory": f.id, "other": other.id}


def _page_progress(client, factory_id) -> dict[str, int]:
    api = client.get(f"/api/v1/factories/{factory_id}").get_json()
    progress = api.get("progress") or api["data"]["progress"]
    return {k: progress_percent(v) for k, v in progress.items() if v is not None}


def test_factory_page_chart_ends_on_the_pages_progress_figures(client, world):
    html = client.get(f"/factories/{world['factory']}").get_data(as_text=True)
    svg = _svg(html, "factory-progress-chart")
    lasts = _lasts(svg)
    assert lasts == _page_progress(client, world["factory"])
    assert lasts == {"fire": 67, "electrical": 50, "structural": 0, "overall": 50}
    # the page prints the same figures in its progress list
    for d, n in lasts.items():
        assert f"{n} %" in html
    assert "boiler" not in lasts  # the draft's finding is not public
    texts = _texts(svg)
    assert "Initial findings verified" in texts and "Fire: 67 %" in texts
    assert svg.find(f"{SVG}title").text == "Progress over time"
    fire = next(p for p in svg.iter(f"{SVG}path") if p.get("data-series") == "fire")
    months = month_index(TODAY) - month_index(TODAY - 120 * DAY) + 1
    assert fire.get("d").count("V") == months - 1  # one step per month since the inspection's


def test_factory_page_chart_in_bangla(client, world):
    html = client.get(f"/factories/{world['factory']}?lang=bn").get_data(as_text=True)
    svg = _svg(html, "factory-progress-chart")
    texts = _texts(svg)
    assert any(t.startswith("অগ্নি") for t in texts), texts
    assert "Initial findings verified" not in texts
    assert not any(t.startswith("Fire") for t in texts)


def test_map_shows_the_programme_chart_of_public_factories(client, world, app):
    html = client.get("/map").get_data(as_text=True)
    assert 'src="/map/progress.svg?lang=en" loading="lazy"' in html  # the map never waits for the chart
    response = client.get("/map/progress.svg?lang=en")
    assert response.mimetype == "image/svg+xml"
    assert client.get("/map/progress.svg?lang=en", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    svg = _svg(response.get_data(as_text=True), "programme-progress-chart")
    lasts = _lasts(svg)
    # both public factories: fire 2 of 3 corrected plus 1 of 1; the draft's boiler finding is not counted
    assert lasts == {"fire": 75, "electrical": 50, "structural": 0, "overall": 57}
    assert "Progress of all public factories over time" == svg.find(f"{SVG}title").text
    # a verified fix shows on the next visit (the cached chart follows the public data set)
    from factorysafe.actions.models import ActionStatus, CorrectiveAction
    from factorysafe.db import db
    from factorysafe.inspections.models import Finding

    with app.app_context():
        action = db.session.query(CorrectiveAction).join(Finding).filter(
            CorrectiveAction.factory_id == world["factory"], Finding.discipline == "structural").one()
        action.status, action.reported_fixed_on, action.verified_on = ActionStatus.CORRECTED, TODAY, TODAY
        db.session.commit()  # the status read model follows the change (after_flush), so does the public data
    svg = _svg(client.get("/map/progress.svg?lang=en").get_data(as_text=True), "programme-progress-chart")
    assert _lasts(svg)["structural"] == 100


def test_cap_pdf_contains_the_chart(client, world):
    from helpers_reports import pdf_text

    r = client.get(f"/factories/{world['factory']}/cap.pdf")
    assert r.status_code == 200
    text, _pages = pdf_text(r.data)
    assert "Progress over time" in text
    assert "Initial findings verified" in text
    assert "Overall: 50 %" in text and "Fire: 67 %" in text
    r = client.get(f"/factories/{world['factory']}/cap.pdf?lang=bn")
    text, _pages = pdf_text(r.data)
    assert "৬৭ %" in text
