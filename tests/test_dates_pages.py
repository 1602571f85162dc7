"""Every date a person reads on the Bangla pages is in Bangla digits and ISO order (the ``|date`` filter,
``i18n.format_day``): the action page, the CAP page, the public factory page, the map's list and the CAP PDF;
no ASCII ``2025-01-05`` nor ``01/05/2025`` is left in their visible text. Flash messages, history sentences
and the reminder e-mails use the same function."""
from __future__ import annotations

import datetime as dt

from factorysafe.db import db
from helpers_actions import World, version_of
from helpers_i18n import dates_in_bangla_page, visible_text
from helpers_reports import pdf_text


def _world(build):
    """A published inspection (2025-01-01) with an action in progress (deadline 2025-02-12), one corrected
    (verified 2025-02-10) and one reported fixed (2025-02-01) whose deadline was extended once."""
    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User

    w = World(build)
    w.done = build.finding(w.inspection, discipline="electrical", severity="medium", deadline=dt.date(2025, 3, 1),
                           hazard_code=None, observation="Open junction box.")
    w.reported = build.finding(w.inspection, discipline="structural", severity="low", deadline=dt.date(2025, 9, 1),
                               hazard_code=None, observation="Hairline crack.")
    app = build.app
    with app.app_context():
        owner, eng = db.session.get(User, w.owner.id), db.session.get(User, w.engineer.id)
        a = db.session.get(CorrectiveAction, w.done.action_id)
        services.report_fix(a, "Box closed.", [], by=owner, today=dt.date(2025, 2, 5), version=a.version)
        services.verify_fix(a, by=eng, verified_on=dt.date(2025, 2, 10), note="", today=dt.date(2025, 2, 10),
                            version=a.version)
        r = db.session.get(CorrectiveAction, w.reported.action_id)
        services.report_fix(r, "Crack sealed.", [], by=owner, today=dt.date(2025, 2, 1), version=r.version)
        db.session.commit()
    return w


def _check(html: str, where: str, expect_dates: bool = True):
    bangla, ascii_ = dates_in_bangla_page(html)
    assert ascii_ == [], f"{where}: dates in ASCII digits on a Bangla page: {ascii_}"
    if expect_dates:
        assert bangla, f"{where}: no date in Bangla digits"
    return bangla


def test_bangla_pages_print_dates_in_bangla_digits(app, client, auth, build):
    w = _world(build)
    auth.login("engineer@example.test")
    action = client.get(f"/actions/{w.action_id}?lang=bn").get_data(as_text=True)
    assert "২০২৫-০২-১২" in _check(action, "action page")  # the binding deadline
    done = client.get(f"/actions/{w.done.action_id}?lang=bn").get_data(as_text=True)
    assert "২০২৫-০২-১০" in _check(done, "corrected action page")  # verified on
    cap = client.get(f"/manage/factories/{w.factory.id}/cap?lang=bn").get_data(as_text=True)
    assert {"২০২৫-০২-১২", "২০২৫-০৩-০১", "২০২৫-০৯-০১"} <= set(_check(cap, "CAP page"))
    queue = client.get("/actions/verify?lang=bn").get_data(as_text=True)
    assert "২০২৫-০২-০১" in _check(queue, "verification queue")
    auth.logout()
    factory = client.get(f"/factories/{w.factory.id}?lang=bn").get_data(as_text=True)
    assert {"২০২৫-০১-০১", "২০২৫-০২-১২", "২০২৫-০২-১০"} <= set(_check(factory, "factory page"))
    _check(client.get("/map?lang=bn").get_data(as_text=True), "map list", expect_dates=False)
    # the same pages in English keep ISO order
    assert "2025-02-12" in visible_text(client.get(f"/factories/{w.factory.id}?lang=en").get_data(as_text=True))


def test_cap_pdf_in_bangla_has_bangla_digit_dates(app, client, auth, build):
    w = _world(build)
    auth.login("engineer@example.test")
    r = client.get(f"/factories/{w.factory.id}/cap.pdf?lang=bn")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text, _ = pdf_text(r.data)
    assert any(d in text for d in "০১২৩৪৫৬৭৮৯"), "no Bangla digit in the Bangla PDF"
    assert "২০২৫" in text
    assert dates_in_bangla_page(text.replace("<", " "))[1] == []


def test_flash_and_history_dates_follow_the_language(app, client, auth, build):
    w = World(build)
    auth.login("engineer@example.test")
    v = version_of(app, w.action_id)
    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User

    with app.app_context():
        a = db.session.get(CorrectiveAction, w.action_id)
        services.report_fix(a, "Exit cleared.", [], by=db.session.get(User, w.owner.id), today=dt.date(2025, 2, 1),
                            version=v)
        db.session.commit()
    v = version_of(app, w.action_id)
    r = client.post(f"/actions/{w.action_id}/verify?lang=bn",
                    data={"verify-verified_on": "2025-02-10", "verify-version": str(v)}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "২০২৫-০২-১০" in page  # the history sentence "corrected on ..." and the verified-on date
    assert "2025-02-10" not in visible_text(page)


def test_reminder_e_mail_dates_in_each_language(app, build):
    from factorysafe.actions.models import OutboxMessage
    from factorysafe.actions.services import write_reminders

    World(build, deadline=dt.date(2025, 2, 12))
    with app.app_context():
        write_reminders(dt.date(2025, 2, 14))
        db.session.commit()
        body = db.session.query(OutboxMessage).filter_by(recipient="owner@example.test").one().body
    english, bangla = body.split("\n---\n", 1)
    assert "2025-02-12" in english and "2025-02-14" in english
    assert "২০২৫-০২-১২" in bangla and "২০২৫-০২-১৪" in bangla and "2025-02" not in bangla


def test_every_date_input_says_year_month_day(app, client, auth, build):
    """The browser's date box may show mm/dd/yyyy: every ``<input type=date>`` is described by a visible
    "year-month-day" hint that shows the day it holds (in Bangla digits on Bangla pages)."""
    import re

    w = _world(build)
    pages = {"engineer@example.test": ["/inspections/new", f"/actions/{w.reported.action_id}", "/actions/verify"],
             "owner@example.test": [f"/actions/{w.action_id}"]}
    seen = 0
    for email, urls in pages.items():
        auth.login(email)
        for url in urls:
            for lang, words in (("en", "Year-month-day"), ("bn", "বছর-মাস-দিন")):
                html = client.get(url, query_string={"lang": lang}).get_data(as_text=True)
                inputs = re.findall(r'<input[^>]*type="date"[^>]*>', html)
                assert inputs, url
                for tag in inputs:
                    field_id = re.search(r'\bid="([^"]+)"', tag).group(1)
                    assert f"{field_id}-date" in re.search(r'aria-describedby="([^"]*)"', tag).group(1).split()
                    hint = re.search(rf'<small id="{field_id}-date" class="date-hint">(.*?)</small>', html, re.S).group(1)
                    assert words in hint
                    value = re.search(r'value="([^"]*)"', tag)
                    if value and value.group(1):
                        shown = visible_text(hint).split(": ", 1)[1]
                        assert shown == (value.group(1) if lang == "en" else
                                         value.group(1).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")))
                    seen += 1
        auth.logout()
    assert seen >= 10
