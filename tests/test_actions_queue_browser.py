"""Chromium: an engineer verifies reported fixes from the verification queue with "verify and next", and the
clicks per item are counted against the old way (dashboard → action page → verify → back)."""
import datetime as dt

import pytest

from conftest import browser_login
from helpers_actions import World, action_row
from test_actions_queue import FAR, _report
from helpers_photos import jpeg

pytestmark = pytest.mark.browser


def test_verify_and_next_from_the_queue_counts_clicks(page, live_server, live_build):
    app = live_server.app
    w = World(live_build)
    extra = [live_build.finding(w.inspection, discipline=d, severity="medium", deadline=dt.date(2025, 3, 1),
                                hazard_code=None, observation=f"{d} item") for d in ("electrical", "structural", "boiler")]
    ids = [w.action_id] + [f.action_id for f in extra]
    for n, aid in enumerate(ids):  # reported on consecutive days: the newest is the last
        photos = [jpeg(gps=FAR, taken=dt.datetime(2025, 2, 1, 10), seed=7)] if n == 3 else []
        _report(app, aid, w.owner.id, dt.date(2025, 2, 1) + dt.timedelta(days=n), photos)

    clicks = {"before": 0, "after": 0}
    first = {}

    def click(kind, locator):
        clicks[kind] += 1
        locator.click()

    browser_login(page, live_server, "engineer@example.test")
    # before: from the dashboard, open the item, verify, go back to the dashboard for the next one
    for n, aid in enumerate(ids[:2]):
        if n:
            click("before", page.get_by_role("link", name="Dashboard"))
        item = action_row(app, aid)
        click("before", page.locator("#verification-queue").locator(f'a[href="/actions/{aid}"]'))
        click("before", page.get_by_role("button", name="Verify: corrected"))
        assert "the action is corrected" in page.inner_text("main")
        assert action_row(app, aid)["status"].value == "corrected" != item["status"].value
        first.setdefault("before", clicks["before"])

    # after: open the queue once, then one tap per item; the next item of the same queue opens
    page.goto(live_server.url + "/dashboard")  # both ways start on the dashboard
    click("after", page.get_by_role("button", name="Open the verification queue"))
    assert page.locator("#queue-item").get_attribute("data-action-id") == str(ids[3])  # newest first
    assert "Far from factory: 1.9 km" in page.inner_text("#queue-item")
    full = page.locator("#queue-item a.photo-full").first.get_attribute("href")
    assert full.endswith("/web")
    click("after", page.get_by_role("button", name="Verify and next"))
    assert page.locator("#queue-item").get_attribute("data-action-id") == str(ids[2])
    assert "verified: the action is corrected" in page.inner_text("main")
    first["after"] = clicks["after"]
    click("after", page.get_by_role("button", name="Verify and next"))
    assert page.locator("#queue-empty").is_visible()
    assert all(action_row(app, a)["status"].value == "corrected" for a in ids)

    nxt = {k: clicks[k] - first[k] for k in clicks}
    print(f"\nverification clicks, from the dashboard: before (dashboard → action page → verify → dashboard) "
          f"first item {first['before']}, each next item {nxt['before']}, two items {clicks['before']}; "
          f"after (queue → verify and next) first item {first['after']}, each next item {nxt['after']}, "
          f"two items {clicks['after']}")
    assert (first["after"], nxt["after"]) == (2, 1) and (first["before"], nxt["before"]) == (2, 3)
