"""The worker's side of complaints through the test client: /report (find the factory, /f/<code>, report),
the receipt page, /report/status (look-up, answer, "is it fixed?"), bad input, photos, rate limits and CSRF."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from factorysafe.complaints import rules, services
from factorysafe.complaints.models import Complaint, ComplaintMessage
from factorysafe.db import db
from tests.helpers_photos import FACTORY_LAT, FACTORY_LON, jpeg

BN = {"Accept-Language": "bn"}
RECEIPT = re.compile(r'id="receipt-code"[^>]*>([0-9 ]+)<')


def receipt_of(response) -> str:
    m = RECEIPT.search(response.get_data(as_text=True))
    assert m, response.get_data(as_text=True)[:2000]
    return m.group(1)


def report(client, factory_id: int | None, headers=None, **data):
    code = rules.factory_code(factory_id) if factory_id is not None else "new"
    return client.post(f"/report/{code}", data={"category": "locked_gate", **data}, headers=headers or {},
                       content_type="multipart/form-data")


def complaints(app) -> list[Complaint]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Complaint).order_by(Complaint.id)).all()
        db.session.expunge_all()
        return rows


@pytest.fixture
def factory(build):
    return build.factory(name="Rahman Knitwear Ltd", district="Gazipur", upazila="Tongi")


# --- step 1: find the factory -----------------------------------------------------------------------
def test_report_start_is_bangla_when_the_browser_asks_and_english_otherwise(client):
    bn = client.get("/report", headers=BN).get_data(as_text=True)
    assert 'lang="bn"' in bn and "কর্মস্থলের বিপদের কথা জানান" in bn and "আমার কারখানা তালিকায় নেই" in bn
    en = client.get("/report", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Report danger at work" in en and "My factory is not in the list" in en
    assert 'href="/report/new"' in en and 'href="/report/status"' in en
    assert "<script" not in en  # works without JavaScript
    assert "leaflet" not in en.lower()  # light: no map


def test_find_by_part_of_the_name_district_or_upazila_any_case(client, build, factory):
    uninspected = build.factory(name="Nobody Inspected Us Ltd", district="Narayanganj", upazila="Fatullah")
    inspected = build.factory(name="Other Garments Ltd", district="Dhaka", upazila="Mirpur")
    build.inspection(inspected)
    page = client.get("/report?q=rahMAN").get_data(as_text=True)
    assert "Rahman Knitwear Ltd" in page and "Other Garments" not in page
    assert f'href="/report/{rules.factory_code(factory.id)}"' in page
    assert "Rahman Knitwear Ltd" in client.get("/report?q=tongi").get_data(as_text=True)
    by_district = client.get("/report?q=narayan").get_data(as_text=True)
    assert "Nobody Inspected Us Ltd" in by_district  # a factory without a published inspection is listed too
    assert f'href="/report/{rules.factory_code(uninspected.id)}"' in by_district
    assert "Other Garments Ltd" in client.get("/report?q=mirpur").get_data(as_text=True)


def test_find_by_district_in_bangla_letters(client, factory):
    page = client.get("/report?q=গাজীপুর", headers=BN).get_data(as_text=True)
    assert "Rahman Knitwear Ltd" in page


def test_find_treats_wildcards_as_letters_and_says_when_nothing_matches(client, factory):
    page = client.get("/report?q=%25%25").get_data(as_text=True)
    assert "Rahman Knitwear Ltd" not in page and "No factory found" in page
    assert "Type at least two letters" in client.get("/report?q=r").get_data(as_text=True)
    bn = client.get("/report?q=zzzz", headers=BN).get_data(as_text=True)
    assert "কোনো কারখানা পাওয়া যায়নি" in bn


def test_factory_short_link_opens_the_form_for_that_factory(client, factory):
    page = client.get(f"/f/{rules.factory_code(factory.id)}", headers=BN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Rahman Knitwear Ltd" in html and "গেট বা দরজা তালাবন্ধ" in html
    assert f'action="/report/{rules.factory_code(factory.id)}"' in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert html.count('type="radio" name="category"') == len(rules.ComplaintCategory)
    # the pictograms are inlined (no request each on a slow connection), one per tile, hidden from screen readers
    assert html.count('<svg aria-hidden="true" focusable="false"') == len(rules.ComplaintCategory)
    assert "/static/img/complaints/" not in html


@pytest.mark.parametrize("path", ["/f/{bad}", "/report/{bad}", "/f/999990", "/f/abc"])
def test_a_wrong_factory_code_is_a_404_in_the_readers_language_leading_to_report(client, factory, path):
    good = rules.factory_code(factory.id)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)  # one wrong digit: the check digit refuses it
    r = client.get(path.format(bad=bad), headers=BN)
    assert r.status_code == 404
    html = r.get_data(as_text=True)
    assert "এই কারখানার লিংকটি সঠিক নয়" in html and 'action="/report"' in html


def test_svg_pictograms_are_served_small(client):
    for category in rules.ComplaintCategory:
        r = client.get(f"/static/img/complaints/{category.value}.svg")
        assert r.status_code == 200 and r.data.startswith(b"<svg") and len(r.data) < 1500


def test_navigation_and_factory_page_link_to_reporting(client, build, factory):
    assert 'href="/report"' in client.get("/").get_data(as_text=True)
    build.inspection(factory)
    page = client.get(f"/factories/{factory.id}").get_data(as_text=True)
    assert f'href="/f/{rules.factory_code(factory.id)}"' in page


# --- step 2: report, and the receipt ----------------------------------------------------------------
def test_report_shows_the_receipt_once_and_stores_only_its_hash(app, client, factory):
    r = report(client, factory.id, headers=BN, description="গেট রাতে তালা দেওয়া থাকে")
    assert r.status_code == 200
    code = receipt_of(r)
    assert re.fullmatch(r"(\d{3} ){6}\d{3}", code)
    digits = code.replace(" ", "")
    assert rules.parse_receipt(code) == (digits, None)
    assert r.headers["Cache-Control"] == "no-store"
    assert all(digits not in v and code not in v for _, v in r.headers.items())
    html = r.get_data(as_text=True)
    assert "এখনই কোডটি লিখে রাখুন" in html and 'href="/report/status"' in html
    assert digits not in re.sub(r'id="receipt-code"[^>]*>[0-9 ]+<', "", html)  # nowhere else (no link, no field)
    [c] = complaints(app)
    assert c.receipt_hash == rules.receipt_digest(digits) and c.factory_id == factory.id
    assert c.withhold_factory and c.lang == "bn" and c.channel == "web" and c.anonymous
    assert c.category == rules.ComplaintCategory.LOCKED_GATE and c.description == "গেট রাতে তালা দেওয়া থাকে"
    assert rules.public_number(c.id, c.received_on) in html


def test_the_worker_may_let_the_factory_be_named_and_leave_a_contact(app, client, factory):
    r = report(client, factory.id, category="wiring", show_factory="y", contact="01711000000")
    assert r.status_code == 200
    [c] = complaints(app)
    assert not c.withhold_factory and c.contact == "01711000000" and not c.anonymous


def test_a_factory_not_in_the_list_is_reported_by_name(app, client):
    form = client.get("/report/new").get_data(as_text=True)
    assert 'name="factory_text"' in form and 'name="show_factory"' not in form
    r = report(client, None, category="cracks", factory_text="Unknown Stitch, Ashulia road 4")
    assert r.status_code == 200
    [c] = complaints(app)
    assert c.factory_id is None and c.factory_text == "Unknown Stitch, Ashulia road 4" and c.withhold_factory


@pytest.mark.parametrize("data, message_en, message_bn", [
    ({"category": "", "description": "typed words 1"}, "Choose what is wrong.", "কী সমস্যা তা বেছে নিন।"),
    ({"category": "no_such", "description": "typed words 2"}, "Not a valid choice", None),
    ({"category": "other", "description": ""}, "Describe what is wrong.", None),
    ({"category": "fire_smoke", "description": "x" * 4001}, "4000", None),
])
def test_bad_report_is_refused_with_a_message_and_the_form_kept(app, client, factory, data, message_en, message_bn):
    r = report(client, factory.id, contact="typed contact", **data)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert message_en in html
    assert 'value="typed contact"' in html
    if data["description"] and len(data["description"]) < 100:
        assert data["description"] in html
    if data["category"] in {c.value for c in rules.ComplaintCategory}:
        assert f'value="{data["category"]}" checked' in html
    if message_bn:
        assert message_bn in report(client, factory.id, headers=BN, **data).get_data(as_text=True)
    assert complaints(app) == []


def test_new_factory_needs_its_name(app, client):
    r = report(client, None, description="typed words")
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Choose the factory, or write its name and address." in html and "typed words" in html
    assert complaints(app) == []


def test_photo_is_stripped_of_gps_and_stored_privately(app, client, factory):
    from factorysafe.uploads import Photo, derivative_path

    data = jpeg(gps=(FACTORY_LAT, FACTORY_LON), taken=dt.datetime(2026, 11, 2, 8, 30))
    assert b"GPS" in data or Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    r = report(client, factory.id, photo=(io.BytesIO(data), "gate.jpg"))
    assert r.status_code == 200
    with app.app_context():
        photo = db.session.scalars(sa.select(Photo)).one()
        assert photo.private and photo.complaint_id is not None
        assert photo.latitude is None and photo.longitude is None and photo.taken_at is None
        for kind in ("thumb", "web", "original"):
            stored = derivative_path(photo, kind).read_bytes()
            with Image.open(io.BytesIO(stored)) as img:
                exif = img.getexif()
                assert not exif.get_ifd(0x8825) and 0x0132 not in exif  # no GPS block, no date
            assert b"FieldCam" not in stored
        message = db.session.scalars(sa.select(ComplaintMessage)).one()
        assert message.from_worker and message.photo_id == photo.id
    assert client.get(f"/photos/{photo.id}/web").status_code in (302, 401, 403, 404)  # not public


def test_a_bad_photo_is_refused_the_form_kept_and_nothing_stored(app, client, factory):
    r = report(client, factory.id, description="typed words", photo=(io.BytesIO(b"not an image at all"), "gate.jpg"))
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "typed words" in html and "Choose the photo again" in html
    assert complaints(app) == []
    bn = report(client, factory.id, headers=BN, photo=(io.BytesIO(b"not an image"), "gate.jpg"))
    assert "ছবিটি আবার বেছে নিন" in bn.get_data(as_text=True)


def test_a_too_large_photo_is_413_with_the_form_kept(app, client, factory):
    app.config["PHOTO_MAX_BYTES"] = 20_000
    r = report(client, factory.id, description="typed words", photo=(io.BytesIO(jpeg(size=(1600, 1200))), "big.jpg"))
    assert r.status_code == 413
    html = r.get_data(as_text=True)
    assert "typed words" in html and "Choose the photo again" in html
    assert complaints(app) == []


# --- the status page ---------------------------------------------------------------------------------
@pytest.fixture
def reported(client, factory):
    """A complaint reported through the form: (its code as shown, its id)."""
    code = receipt_of(report(client, factory.id, description="Gate locked at night"))
    return code


def _complaint(app) -> Complaint:
    return complaints(app)[-1]


def test_status_form_and_a_found_report_in_bangla_and_english(client, reported):
    form = client.get("/report/status", headers=BN)
    assert form.status_code == 200 and "রসিদ কোড" in form.get_data(as_text=True)
    r = client.post("/report/status", data={"code": reported}, headers=BN)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    html = r.get_data(as_text=True)
    assert "গৃহীত" in html and "গেট বা দরজা তালাবন্ধ" in html and "Gate locked at night" not in html.split("</dl>")[0]
    en = client.post("/report/status", data={"code": reported}, headers={"Accept-Language": "en"})
    assert "Received" in en.get_data(as_text=True)
    # typed as a worker might: Bangla digits, dashes
    bangla_digits = reported.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")).replace(" ", "-")
    assert client.post("/report/status", data={"code": bangla_digits}).status_code == 200


@pytest.mark.parametrize("typed, message", [
    ("", "Type the receipt code"),
    ("123 456", "A receipt code has 21 digits"),
])
def test_malformed_code_is_400_with_the_rule_and_the_typed_code_kept(client, reported, typed, message):
    r = client.post("/report/status", data={"code": typed})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert message in html and f'value="{typed}"' in html


def test_a_typo_is_told_apart_from_an_unknown_code(client, reported):
    digits = reported.replace(" ", "")
    swapped = digits[:3] + digits[4] + digits[3] + digits[5:] if digits[3] != digits[4] else None
    typo = swapped or digits[:-1] + str((int(digits[-1]) + 1) % 10)
    r = client.post("/report/status", data={"code": typo})
    assert r.status_code == 400 and "typing mistake" in r.get_data(as_text=True)
    body = "1" * 20
    unknown = rules.format_receipt(body + rules.damm_digit(body))
    r = client.post("/report/status", data={"code": unknown}, headers=BN)
    assert r.status_code == 404
    html = r.get_data(as_text=True)
    assert "এই রসিদ কোডের কোনো অভিযোগ নেই" in html and f'value="{unknown}"' in html


def test_handler_messages_are_from_the_safety_team_never_the_handler(app, client, build, reported):
    handler = build.user("handler", "hidden.handler@example.test")
    with app.app_context():
        from factorysafe.auth.models import User

        c = db.session.get(Complaint, _complaint(app).id)
        services.ask_worker(c, "Which gate, front or back?", by=db.session.get(User, handler.id))
        db.session.commit()
    html = client.post("/report/status", data={"code": reported}).get_data(as_text=True)
    assert "Which gate, front or back?" in html and "Safety team" in html
    assert "hidden.handler" not in html and "Under review" in html


def test_worker_answers_with_text_and_photo_while_open(app, client, reported):
    r = client.post("/report/status/answer", data={"code": reported, "body": "The back gate, every night.",
                                                  "photo": (io.BytesIO(jpeg(gps=(1.0, 2.0))), "back.jpg")},
                    content_type="multipart/form-data", headers=BN)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    html = r.get_data(as_text=True)
    assert "আপনার উত্তর পাঠানো হয়েছে" in html and "The back gate, every night." in html
    assert f'value="{reported}"' in html  # the code stays in the POST body of the next forms
    with app.app_context():
        from factorysafe.uploads import Photo

        msgs = db.session.scalars(sa.select(ComplaintMessage).where(ComplaintMessage.body != "")).all()
        assert [m.body for m in msgs] == ["The back gate, every night."] and msgs[0].photo_id
        assert db.session.get(Photo, msgs[0].photo_id).latitude is None


def test_empty_answer_is_400_and_a_bad_photo_keeps_the_text(app, client, reported):
    r = client.post("/report/status/answer", data={"code": reported, "body": ""})
    assert r.status_code == 400 and "Write a message or add a photo." in r.get_data(as_text=True)
    r = client.post("/report/status/answer", data={"code": reported, "body": "typed answer",
                                                  "photo": (io.BytesIO(b"nope"), "x.jpg")},
                    content_type="multipart/form-data")
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "typed answer" in html and "Choose the photo again" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintMessage)) == 0


def test_answer_with_a_bad_or_unknown_code(client, reported):
    r = client.post("/report/status/answer", data={"code": "12", "body": "hello"})
    assert r.status_code == 400 and "21 digits" in r.get_data(as_text=True)
    body = "2" * 20
    r = client.post("/report/status/answer", data={"code": body + rules.damm_digit(body), "body": "hello"})
    assert r.status_code == 404


def _resolve(app, build):
    handler = build.user("handler")
    with app.app_context():
        from factorysafe.auth.models import User

        c = db.session.get(Complaint, _complaint(app).id)
        services.set_status(c, "resolved", outcome="The gate is now open during shifts.",
                            by=db.session.get(User, handler.id), version=c.version, today=dt.date.today())
        db.session.commit()


def test_resolved_report_asks_is_it_fixed_and_a_dispute_reopens_it(app, client, build, reported):
    _resolve(app, build)
    html = client.post("/report/status", data={"code": reported}, headers=BN).get_data(as_text=True)
    assert "ঠিক হয়েছে কি?" in html and "The gate is now open during shifts." in html
    assert 'name="body"' not in html  # closed: no answer form, the verdict instead
    r = client.post("/report/status/fixed", data={"code": reported, "verdict": "disputed",
                                                 "note": "Still locked on Friday."})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Under review" in html and "Still locked on Friday." in html and 'name="body"' in html
    c = _complaint(app)
    assert c.status == rules.ComplaintStatus.UNDER_REVIEW and c.reopened == 1 and c.verdict == rules.Verdict.DISPUTED


def test_confirming_closes_the_question_and_a_second_answer_is_409(app, client, build, reported):
    _resolve(app, build)
    assert client.post("/report/status/fixed", data={"code": reported, "verdict": "confirmed"}).status_code == 200
    assert _complaint(app).verdict == rules.Verdict.CONFIRMED
    again = client.post("/report/status/fixed", data={"code": reported, "verdict": "disputed", "note": "typed note"})
    assert again.status_code == 409
    assert "once the complaint is resolved" in again.get_data(as_text=True)
    closed = client.post("/report/status/answer", data={"code": reported, "body": "typed after close"})
    assert closed.status_code == 409
    html = closed.get_data(as_text=True)
    assert "This complaint is closed" in html


def test_a_verdict_must_be_one_of_the_two_answers(app, client, build, reported):
    _resolve(app, build)
    r = client.post("/report/status/fixed", data={"code": reported, "verdict": "maybe", "note": "typed note"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Choose an answer." in html and "typed note" in html
    assert _complaint(app).verdict is None


# --- rate limits ------------------------------------------------------------------------------------------
def test_reports_are_rate_limited_per_client_with_a_bangla_message_and_the_form_kept(app, client, factory):
    app.config["COMPLAINT_REPORT_RATE_LIMIT"] = "3/hour"
    for _ in range(3):
        assert report(client, factory.id).status_code == 200
    r = report(client, factory.id, headers=BN, description="typed fourth")
    assert r.status_code == 429
    html = r.get_data(as_text=True)
    assert "এই সংযোগ থেকে অনেকগুলো অভিযোগ পাঠানো হয়েছে" in html and "typed fourth" in html
    assert len(complaints(app)) == 3
    other = client.post(f"/report/{rules.factory_code(factory.id)}", data={"category": "boiler"},
                        environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 200  # per client


def test_lookups_are_rate_limited_every_one_counts(app, client, reported):
    app.config["COMPLAINT_LOOKUP_RATE_LIMIT"] = "4/minute"
    body = "3" * 20
    unknown = body + rules.damm_digit(body)
    statuses = [client.post("/report/status", data={"code": c}).status_code
                for c in (reported, unknown, "12", unknown)]
    assert statuses == [200, 404, 400, 404]
    r = client.post("/report/status", data={"code": reported}, headers=BN)
    assert r.status_code == 429  # even the right code, once over the limit
    html = r.get_data(as_text=True)
    assert "অনেকগুলো রসিদ কোড যাচাই করা হয়েছে" in html and f'value="{reported}"' in html


def test_answers_are_rate_limited(app, client, reported):
    app.config["COMPLAINT_MESSAGE_RATE_LIMIT"] = "2/hour"
    for i in range(2):
        assert client.post("/report/status/answer", data={"code": reported, "body": f"a{i}"}).status_code == 200
    r = client.post("/report/status/answer", data={"code": reported, "body": "typed third"}, headers=BN)
    assert r.status_code == 429
    html = r.get_data(as_text=True)
    assert "অনেকগুলো বার্তা পাঠানো হয়েছে" in html and "typed third" in html


def test_guessing_is_hopeless_at_the_lookup_limit(app):
    """The figures of the closing note, from the configured limit and the receipt's entropy."""
    from bench.complaints_receipts import figures

    f = figures(app.config["COMPLAINT_LOOKUP_RATE_LIMIT"], open_complaints=10_000)
    assert rules.RECEIPT_BITS >= 64
    assert f["guesses_per_hour"] == 60  # "10/minute;60/hour": the hourly limit binds
    assert f["years_to_expected_hit"] > 1e10


# --- CSRF and the session ----------------------------------------------------------------------------------
@pytest.fixture
def csrf_app(app_config):
    from factorysafe import create_app

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_with_csrf_on_the_form_works_with_its_token_and_writes_nothing_else_to_the_session(csrf_app, factory):
    client = csrf_app.test_client()
    url = f"/report/{rules.factory_code(factory.id)}"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(url, data={"category": "cracks"}).status_code == 400  # no token
    r = client.post(url, data={"category": "cracks", "csrf_token": token})
    assert r.status_code == 200
    code = receipt_of(r)
    with client.session_transaction() as session:
        # Flask-WTF's token, and Flask-Login's "not fresh" flag for visitors (False: nothing about the client);
        # never Flask-Login's "_id" (a hash of the address and agent, written only when someone signs in)
        assert set(session.keys()) <= {"csrf_token", "_fresh"} and session.get("_fresh") in (None, False)
    page = client.get("/report/status").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    status = client.post("/report/status", data={"code": code, "csrf_token": token})
    assert status.status_code == 200 and "Received" in status.get_data(as_text=True)
    for cookie in client._cookies.values():  # noqa: SLF001 - the test client's cookie jar
        assert code.replace(" ", "") not in cookie.value
