"""Issue 14, parts 7 and 8 in Chromium on a 390 px phone in Bangla, CSRF on as in production: the progress chart
reads on the phone screen, and a worker follows the factory, confirms and stops the e-mails (no CSP violation)."""
import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from factorysafe.db import db

pytestmark = pytest.mark.browser
TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def test_chart_and_follow_round_trip_on_a_phone_in_bangla(phone_page, live_server, live_build):
    page, build = phone_page, live_build
    f = build.factory(name="Phone Follow Garments Ltd")
    i = build.inspection(f, inspected_on=TODAY - 90 * DAY)
    build.finding(i, "fire", status="corrected", reported_fixed_on=TODAY - 40 * DAY, verified_on=TODAY - 35 * DAY)
    build.finding(i, "fire", deadline=TODAY + 30 * DAY)

    page.goto(f"{live_server.url}/factories/{f.id}?lang=bn")
    chart = page.locator("svg#factory-progress-chart")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box["width"] <= 390 and box["width"] > 300 and box["height"] > 150  # the phone's width, not wider
    legend = chart.locator("text").all_text_contents()
    assert any(t.startswith("অগ্নি") and t.endswith("50 %") for t in legend), legend

    page.get_by_label("আপনার ইমেইল ঠিকানা").fill("worker@example.com")
    page.get_by_role("button", name="এই কারখানা অনুসরণ করুন").click()
    page.get_by_role("heading", name="আপনার ইমেইল দেখুন").wait_for()

    from factorysafe.actions.models import OutboxMessage

    with live_server.app.app_context():
        body = db.session.scalars(sa.select(OutboxMessage.body)).one()
    assert "নিশ্চিত করতে" in body
    confirm = urlsplit(re.search(r"http\S+/follow/confirm/\S+", body).group(0)).path
    page.goto(live_server.url + confirm)
    page.get_by_role("heading", name="আপনি Phone Follow Garments Ltd অনুসরণ করছেন").wait_for()
    page.get_by_role("button", name="ইমেইল বন্ধ করুন").click()
    page.get_by_role("heading", name="ইমেইল বন্ধ হয়েছে").wait_for()

    from factorysafe.subscriptions.models import Subscription

    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Subscription.id))) == 0
