"""A complaints handler triages a worker's complaint in real Chromium (desktop, CSRF on), in Bangla and in
English: signs in, opens the complaint from the dashboard, asks the worker a question, finds and matches the
factory, resolves it with an outcome."""
import datetime as dt

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from conftest import browser_login

pytestmark = pytest.mark.browser

TEXT = {
    "bn": {"question": "কোন গেটটি তালাবদ্ধ, সামনের না পেছনের?", "outcome": "শিফটের সময় পেছনের গেট খোলা রাখা হচ্ছে।"},
    "en": {"question": "Which gate is locked, the front or the back one?",
           "outcome": "The back gate is kept open during shifts."},
}


@pytest.mark.parametrize("lang", ["bn", "en"])
def test_handler_asks_matches_and_resolves(page, live_server, live_build, lang):
    from factorysafe.complaints import services
    from factorysafe.complaints.models import Complaint
    from factorysafe.complaints.rules import ComplaintStatus
    from factorysafe.db import db
    from factorysafe.labels import label

    app = live_server.app
    factory = live_build.factory(name="Rahim Knit Composite Ltd", district="Gazipur", upazila="Kaliakair")
    live_build.factory(name="Other Denim Ltd")
    live_build.user("handler", "handler@example.test")
    with app.test_request_context():
        complaint, _code = services.submit(category="locked_gate", description="গেট রাতে তালাবদ্ধ থাকে।",
                                           factory_text="রহিম নিট, কালিয়াকৈর", today=dt.date.today(), lang="bn")
        db.session.commit()
        cid = complaint.id

    def words(text: str) -> str:
        with app.test_request_context(), force_locale(lang):
            from flask_babel import gettext

            return gettext(text)

    browser_login(page, live_server, "handler@example.test")
    page.goto(live_server.url + f"/dashboard?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    panel = page.locator("#complaints-panel-h")
    assert panel.inner_text() == words("Workers' complaints")
    if lang == "bn":
        assert panel.inner_text() == "শ্রমিকদের অভিযোগ"
    page.locator("section", has=panel).get_by_role("link", name=f"C-{dt.date.today().year}-{cid:04d}").click()
    page.wait_for_url(live_server.url + f"/complaints/manage/{cid}")
    assert "গেট রাতে তালাবদ্ধ থাকে।" in page.inner_text("#complaint-description")

    # a question to the worker
    page.locator("#message-body").fill(TEXT[lang]["question"])
    page.locator("#message-submit").click()
    page.wait_for_url(live_server.url + f"/complaints/manage/{cid}")
    assert words("Message sent. The worker reads it with the receipt code.") in page.inner_text("main")
    assert TEXT[lang]["question"] in page.inner_text("#complaint-messages")

    # find the factory by name and match it, its name allowed in the public register
    page.locator("#q").fill("rahim")
    page.locator("#factory-search button").click()
    page.get_by_label("Rahim Knit Composite Ltd", exact=False).check()
    assert page.locator("#factory-form").get_by_text("Other Denim Ltd").count() == 0
    page.locator("#factory-show_factory").check()
    page.locator("#factory-submit").click()
    page.wait_for_url(live_server.url + f"/complaints/manage/{cid}")
    assert words("The complaint is matched to the factory.") in page.inner_text("main")
    assert "Rahim Knit Composite Ltd" in page.inner_text("#complaint-factory")

    # choosing "factory not covered" fills the referral (script); then resolve with an outcome instead
    page.locator("#status-status").select_option("not_covered")
    with app.test_request_context(), force_locale("bn"):
        from flask_babel import gettext

        dife_bn = gettext("Department of Inspection for Factories and Establishments (DIFE)")
    assert page.locator("#status-referred_to").input_value() == dife_bn  # the worker's language
    page.locator("#status-referred_to").fill("")
    page.locator("#status-status").select_option("resolved")
    page.locator("#status-outcome").fill(TEXT[lang]["outcome"])
    page.locator("#status-submit").click()
    page.wait_for_url(live_server.url + f"/complaints/manage/{cid}")
    assert words("Status saved. The worker reads it with the receipt code.") in page.inner_text("main")
    with app.test_request_context(), force_locale(lang):
        resolved = label(ComplaintStatus.RESOLVED)
    assert resolved in page.inner_text("#complaint-status")
    assert TEXT[lang]["outcome"] in page.inner_text("#complaint-outcome")
    history = page.inner_text("#complaint-history")
    assert len(page.locator("#complaint-history li").all()) == 4  # received, question, factory, status
    assert "handler@example.test" in history

    with app.app_context():
        c = db.session.get(Complaint, cid)
        assert c.status == ComplaintStatus.RESOLVED and c.outcome == TEXT[lang]["outcome"]
        assert c.factory_id == factory.id and c.withhold_factory is False and c.referred_to == ""
        assert [m.body for m in c.messages if not m.from_worker] == [TEXT[lang]["question"]]
        n = db.session.scalar(sa.select(sa.func.count()).select_from(Complaint))
        assert n == 1
