"""Dates as the app prints them (the ``|date`` filter, ``i18n.format_day``): ISO order, Bangla digits in
Bangla; date inputs are ``<input type=date>`` and the visit date starts at today."""
from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, strategies as st

from factorysafe.i18n import format_day


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_english_is_iso_order(app, day):
    with app.test_request_context("/?lang=en"):
        assert format_day(day) == day.isoformat()
        assert dt.date.fromisoformat(format_day(day)) == day


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_bangla_digits_same_order(app, day):
    with app.test_request_context("/?lang=bn"):
        text = format_day(day)
    assert re.fullmatch(r"[০-৯]{4}-[০-৯]{2}-[০-৯]{2}", text)
    back = text.translate(str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789"))
    assert dt.date.fromisoformat(back) == day


def test_times_and_none(app):
    with app.test_request_context("/?lang=en"):
        assert format_day(dt.datetime(2025, 3, 7, 14, 5)) == "2025-03-07"
        assert format_day(dt.datetime(2025, 3, 7, 14, 5), with_time=True) == "2025-03-07 14:05"
        assert format_day(None) == "–"
    with app.test_request_context("/?lang=bn"):
        assert format_day(dt.datetime(2025, 3, 7, 14, 5), with_time=True) == "২০২৫-০৩-০৭ ১৪:০৫"


def test_visit_date_is_a_date_input_prefilled_with_today(app, client, auth, build):
    from factorysafe.web import today

    build.factory(name="Riverside Knit Ltd")
    build.user("engineer", email="eng@example.test")
    auth.login("eng@example.test")
    page = client.get("/inspections/new").get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="inspected_on"[^>]*>', page).group(0)
    with app.test_request_context():
        assert 'type="date"' in tag and f'value="{today().isoformat()}"' in tag


def test_inspection_page_prints_dates_in_bangla_digits(app, client, auth, build):
    factory = build.factory(name="Riverside Knit Ltd")
    eng = build.user("engineer", email="eng@example.test")
    insp = build.inspection(factory, state="submitted", engineer=eng, inspected_on=dt.date(2025, 1, 5))
    build.finding(insp, deadline=dt.date(2025, 2, 16))
    auth.login("eng@example.test")
    en = client.get(f"/inspections/{insp.id}?lang=en").get_data(as_text=True)
    assert "2025-01-05" in en and "2025-02-16" in en
    bn = client.get(f"/inspections/{insp.id}?lang=bn").get_data(as_text=True)
    assert "২০২৫-০১-০৫" in bn and "২০২৫-০২-১৬" in bn
