"""The worker-first factory page (issue 14, part 1): what is wrong now at the top, open items by urgency, Bangla
hazard titles, item references unique on the page, photos beside their item, the language kept on links, and no
English status, enum or field name on the Bangla page."""
import datetime as dt
import re

import pytest

from helpers_i18n import english_words, visible_text
from helpers_maps import add_row

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)
OBS = {"fire_old": "Alarm bells missing on floor 3.", "elec": "Distribution board overloaded.",
       "crack": "Diagonal cracks in the column at grid B2.", "fire_new": "Exit blocked by rolls of fabric.",
       "boiler": "Boiler papers expired.", "done": "Extinguisher empty."}


@pytest.fixture
def page_world(app, build):
    """One factory, two published inspections that both have an item F-1."""
    from factorysafe.inspections.models import Finding, Photo

    factory = build.factory(name="Worker First Knit Ltd", district="Gazipur", latitude=24.0, longitude=90.4)
    first = build.inspection(factory, inspected_on=TODAY - 200 * DAY)
    later = build.inspection(factory, type="follow_up", inspected_on=TODAY - 40 * DAY)
    ids = {"factory": factory.id, "first_date": (TODAY - 200 * DAY).isoformat(),
           "later_date": (TODAY - 40 * DAY).isoformat()}
    ids["f1_first"] = build.finding(first, "fire", "high", deadline=TODAY + 40 * DAY, hazard_code="FIRE-EXIT-BLOCKED",
                                    observation=OBS["fire_new"]).id  # F-1, open, not due yet
    ids["elec"] = build.finding(first, "electrical", "high", deadline=TODAY - 10 * DAY,
                                hazard_code="ELEC-DB-OVERLOADED", observation=OBS["elec"]).id  # E-1, overdue
    ids["crack"] = build.finding(first, "structural", "priority_1", deadline=TODAY + 5 * DAY,
                                 hazard_code="STRUCT-CRACK", observation=OBS["crack"]).id  # S-1, danger
    ids["done"] = build.finding(first, "fire", "medium", status="corrected", deadline=TODAY - 100 * DAY,
                                hazard_code="FIRE-EXTINGUISHERS", observation=OBS["done"],
                                reported_fixed_on=TODAY - 120 * DAY, verified_on=TODAY - 110 * DAY).id  # F-2
    ids["f1_later"] = build.finding(later, "fire", "high", deadline=TODAY - 30 * DAY, hazard_code="FIRE-ALARM-MISSING",
                                    observation=OBS["fire_old"], origin="new").id  # F-1 again, most overdue
    ids["boiler"] = build.finding(later, "boiler", "high", status="pending_verification", deadline=TODAY + 10 * DAY,
                                  hazard_code="BOILER-CERT-MISSING", observation=OBS["boiler"],
                                  reported_fixed_on=TODAY - 2 * DAY).id
    with app.app_context():
        from factorysafe.db import db

        db.session.get(Finding, ids["crack"]).immediate_danger = True
        db.session.commit()
    ids["photo"] = add_row(app, Photo(sha256="d" * 64, original_ext="jpg", content_type="image/jpeg", width=10,
                                      height=10, finding_id=ids["elec"], caption="Board in the cutting section"))
    ids["inspections"] = (first.id, later.id)
    return ids


def title(app, code: str, lang: str) -> str:
    from factorysafe.hazards import registry

    with app.app_context():
        return registry.title(code, lang)


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</section>", start)]


def card(html: str, finding_id: int) -> str:
    start = html.index(f'id="finding-{finding_id}"')
    return html[start:html.index("</article>", start)]


def test_what_is_wrong_now_comes_first_then_open_items_by_urgency(app, client, page_world):
    html = client.get(f"/factories/{page_world['factory']}").get_data(as_text=True)
    w = page_world
    now = section(html, "now-title")
    assert "2 fixes are overdue" in now and "1 immediate danger is open." in now
    # the overdue list: most overdue first, with the catalogue title and the item reference
    overdue = now[now.index('id="overdue-list"'):now.index("</ol>", now.index('id="overdue-list"'))]
    assert overdue.index(title(app, "FIRE-ALARM-MISSING", "en")) < overdue.index(title(app, "ELEC-DB-OVERLOADED", "en"))
    assert "30 days late" in overdue and "10 days late" in overdue
    assert title(app, "STRUCT-CRACK", "en") in now[now.index('id="danger-list"'):]
    # the now-section comes before the open items, which come before the profile
    assert html.index('id="now-title"') < html.index('id="open-items"') < html.index('id="profile-title"')
    open_items = section(html, "open-items")
    order = [int(m) for m in re.findall(r'id="finding-(\d+)"', open_items)]
    assert order == [w["f1_later"], w["elec"], w["crack"], w["f1_first"]]  # overdue, danger, by deadline
    assert f'finding-{w["boiler"]}' in section(html, "reported-items")
    assert f'finding-{w["done"]}' in section(html, "verified-items")
    assert f'finding-{w["done"]}' not in open_items


def test_item_references_are_unique_and_name_their_inspection(client, page_world):
    html = client.get(f"/factories/{page_world['factory']}").get_data(as_text=True)
    refs = re.findall(r'<span class="item-number">([^<]+)</span>', html)
    assert len(refs) == 6 and len(set(refs)) == 6
    assert f"F-1 · {page_world['first_date']}" in refs and f"F-1 · {page_world['later_date']}" in refs


def test_two_inspections_on_one_day_still_give_unique_references(app, client, build):
    factory = build.factory(name="Same Day Ltd")
    for _ in range(2):
        build.finding(build.inspection(factory, inspected_on=TODAY - 9 * DAY), "fire", "high",
                      deadline=TODAY + 9 * DAY)
    html = client.get(f"/factories/{factory.id}").get_data(as_text=True)
    refs = re.findall(r'<span class="item-number">([^<]+)</span>', html)
    assert len(refs) == 2 and len(set(refs)) == 2 and all(r.startswith("F-1 · ") for r in refs)


def test_photos_sit_beside_their_item_with_a_caption(client, page_world):
    html = client.get(f"/factories/{page_world['factory']}").get_data(as_text=True)
    elec = card(html, page_world["elec"])
    assert f"/photos/{page_world['photo']}" in elec or f"photo_id={page_world['photo']}" in elec or \
        re.search(rf"/{page_world['photo']}\b", elec)
    assert "<figcaption>Board in the cutting section</figcaption>" in elec
    assert "<figure>" not in card(html, page_world["crack"])


def test_bangla_page_shows_bangla_hazard_titles_and_the_code_only_as_a_small_label(app, client, page_world):
    html = client.get(f"/factories/{page_world['factory']}?lang=bn").get_data(as_text=True)
    for code in ("FIRE-ALARM-MISSING", "ELEC-DB-OVERLOADED", "STRUCT-CRACK", "FIRE-EXIT-BLOCKED", "BOILER-CERT-MISSING",
                 "FIRE-EXTINGUISHERS"):
        bn = title(app, code, "bn")
        assert re.search(r"[\u0980-\u09FF]", bn)
        assert f'<h4 class="item-title">{bn}</h4>' in html, code
        assert f'<code class="hazard-code">{code}</code>' in html
        assert title(app, code, "en") not in html
    now = section(html, "now-title")
    assert now.index(title(app, "FIRE-ALARM-MISSING", "bn")) < now.index(title(app, "ELEC-DB-OVERLOADED", "bn"))


@pytest.mark.parametrize("lang", ["bn", "en"])
def test_the_language_is_kept_on_every_link(client, page_world, lang):
    html = client.get(f"/factories/{page_world['factory']}?lang={lang}").get_data(as_text=True)
    pdfs = re.findall(r'href="([^"]+\.pdf[^"]*)"', html)
    assert len(pdfs) == 4  # the CAP, the two inspection reports and the gate poster
    links = pdfs + re.findall(r'href="(/map[^"]*)"', html)
    for href in links:
        assert ("lang=bn" in href) == (lang == "bn"), href
    switch = re.search(r'<li class="lang-switch">\s*<a href="([^"]+)"', html).group(1)
    assert switch.endswith("lang=en" if lang == "bn" else "lang=bn")
    if lang == "bn":  # and the Bangla link gives the Bangla report
        cap = re.search(r'href="([^"]+cap\.pdf[^"]*)"', html).group(1).replace("&amp;", "&")
        r = client.get(cap)
        assert r.status_code == 200 and "-bn.pdf" in r.headers["Content-Disposition"]


def test_no_english_status_enum_or_field_name_on_the_bangla_page(app, client, page_world):
    from flask_babel import force_locale

    from factorysafe import labels
    from factorysafe.actions.rules import HeadlineStatus

    html = client.get(f"/factories/{page_world['factory']}?lang=bn").get_data(as_text=True)
    text = visible_text(html)
    for data in ("Worker First Knit Ltd", "Board in the cutting section", *OBS.values()):  # the data itself
        text = text.replace(data, " ")
    with app.test_request_context(), force_locale("en"):
        english = {labels.label(v) for e in (*labels.STATUS_ENUMS, HeadlineStatus) for v in e}
        english |= {str(t) for t in labels.DISCIPLINE.values()}
    identifiers = {v.value for e in labels.STATUS_ENUMS for v in e} | {"immediate_danger", "hazard_code",
                                                                      "evidence_photo_ids", "item_number"}
    for word in english:
        assert not re.search(rf"\b{re.escape(word)}\b", text), word
    for ident in identifiers:
        assert ident not in text, ident
    # nothing else in English either, but the data itself (names, engineers' words, codes)
    names = ("Worker First Knit Ltd", "Tongi", "Board in the cutting section", *OBS.values())
    assert english_words(html, names) == set()


def test_bangla_action_history_has_no_english_status_or_field_name(app, client, auth, build):
    import io

    from helpers_actions import World, jpeg_bytes, version_of

    world = World(build)
    auth.login("owner@example.test")
    client.post(f"/actions/{world.action_id}/report-fix", content_type="multipart/form-data", data={
        "report-note": "Cartons removed.", "report-version": str(version_of(app, world.action_id)),
        "report-photos": [(io.BytesIO(jpeg_bytes()), "fix.jpg")]})
    auth.logout()
    auth.login("engineer@example.test")
    client.post(f"/actions/{world.action_id}/verify", data={
        "verify-verified_on": TODAY.isoformat(), "verify-version": str(version_of(app, world.action_id))})
    html = client.get(f"/actions/{world.action_id}?lang=bn").get_data(as_text=True)
    start = html.rindex("<", 0, html.index('id="action-history"'))
    history = html[start:html.index("</table>", start)]
    text = visible_text(history)
    assert "কারখানা জানিয়েছে এটি মেরামত করা হয়েছে, 1টি ছবিসহ।" in text
    assert f"একজন প্রকৌশলী মেরামত যাচাই করেছেন: {TODAY.isoformat().translate(str.maketrans('0123456789', '০১২৩৪৫৬৭৮৯'))} তারিখে সংশোধিত।" in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # no stored names
    assert english_words(history, ("Cartons removed.",)) == set()


def test_cap_and_action_pages_show_the_bangla_hazard_title(app, client, auth, build):
    from helpers_actions import World

    world = World(build)  # its finding is FIRE-EXIT-BLOCKED
    bn = title(app, "FIRE-EXIT-BLOCKED", "bn")
    auth.login("engineer@example.test")
    cap = client.get(f"/manage/factories/{world.factory.id}/cap?lang=bn").get_data(as_text=True)
    assert f"<strong>{bn}</strong>" in cap
    detail = client.get(f"/actions/{world.action_id}?lang=bn").get_data(as_text=True)
    assert f'<strong id="hazard-title">{bn}</strong>' in detail
    inspection = client.get(f"/inspections/{world.inspection.id}?lang=bn").get_data(as_text=True)
    assert f'<strong class="hazard-title">{bn}</strong>' in inspection
    english = client.get(f"/actions/{world.action_id}?lang=en").get_data(as_text=True)
    assert f'<strong id="hazard-title">{title(app, "FIRE-EXIT-BLOCKED", "en")}</strong>' in english
