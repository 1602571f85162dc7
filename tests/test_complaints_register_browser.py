"""The public register in real Chromium on a 390 px phone, in Bangla (CSP on): a worker whose resolved complaint
was disputed finds it marked reopened, filters the register by status, and the factory page shows its counts;
a withheld factory is named nowhere on the way, and the table fits the screen."""
import pytest
from flask_babel import force_locale

from helpers_complaints import NAMED, WITHHELD, complaint_world

pytestmark = pytest.mark.browser


def test_register_on_a_phone_in_bangla(phone_page, live_server, live_build):
    from factorysafe.complaints.rules import ComplaintStatus
    from factorysafe.labels import label

    app = live_server.app
    world = complaint_world(app, live_build)
    with app.test_request_context(), force_locale("bn"):
        reopened, under_review = label("reopened"), str(label(ComplaintStatus.UNDER_REVIEW))
    page = phone_page
    page.goto(live_server.url + "/complaints?lang=bn")
    body = page.inner_text("body")
    assert "আবার খোলা হয়েছে" in body and "নাম গোপন" in body and NAMED in body and WITHHELD not in body
    row = page.locator("table.complaints-register tr", has_text=f"-{world['reopened']:04d}")
    assert "আবার খোলা হয়েছে" in row.inner_text() and under_review in row.inner_text()
    # the page does not scroll sideways on the phone
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    # filter by status with the form: the language stays Bangla
    page.select_option("select[name=status]", "under_review")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**status=under_review**")
    assert "lang=bn" in page.url and "মিলে যাওয়া অভিযোগ: 1" in page.inner_text("body")
    # to the named factory's page: its own counts
    # the register's table scrolls inside its own box on a phone, the page itself does not
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click(f"a[href='/factories/{world['named']}']")
    page.wait_for_url(f"**/factories/{world['named']}")
    section = page.inner_text("section.factory-complaints")
    assert "যেসব অভিযোগে এই কারখানার নাম আছে: 2" in section
