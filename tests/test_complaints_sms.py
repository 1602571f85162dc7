"""SMS intake: the pure parsing and length rules (``complaints.sms``), and ``POST /sms/inbound`` through a real
HTTP server (CSRF on, as in production): a REPORT and a STATUS round trip in Bangla and English, the gateway's
secret, and that the sender's number is stored nowhere."""
from __future__ import annotations

import re

import pytest
import requests
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from factorysafe.complaints import rules, services, sms
from factorysafe.complaints.models import Complaint
from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus
from factorysafe.db import db

SECRET = "gateway-secret-7f3a"
PHONE = "+8801712345678"


# --- pure rules ---------------------------------------------------------------------------------------------
def test_segments_follow_gsm7_and_ucs2_lengths():
    assert sms.segments("a" * 160) == 1 and sms.segments("a" * 161) == 2 and sms.segments("a" * 306) == 2
    assert sms.segments("a" * 307) == 3 and sms.segments("a" * 459) == 3 and sms.segments("a" * 460) == 4
    assert sms.segments("[" * 80) == 1 and sms.segments("[" * 81) == 2  # extension characters count twice
    bangla = "অ"
    assert sms.segments(bangla * 70) == 1 and sms.segments(bangla * 71) == 2
    assert sms.segments(bangla * 201) == 3 and sms.segments(bangla * 202) == 4  # 3 x 67
    assert sms.segments("a" * 100 + bangla) == 2  # one Bangla letter makes the whole text UCS-2


@given(st.text(min_size=0, max_size=800))
def test_clip_keeps_any_answer_within_three_parts(text):
    clipped = sms.clip(text)
    assert sms.segments(clipped) <= sms.MAX_SEGMENTS
    if sms.segments(text.strip()) <= sms.MAX_SEGMENTS:
        assert clipped == text.strip()
    else:
        assert clipped.endswith("...") and text.strip().startswith(clipped[:-3])


@pytest.mark.parametrize("text, kind, lang, code, body", [
    ("REPORT 255 exit locked", sms.Kind.REPORT, "en", "255", "exit locked"),
    ("report: 255 gate locked at night", sms.Kind.REPORT, "en", "255", "gate locked at night"),
    ("অভিযোগ ২৫৫ গেট তালা বন্ধ", sms.Kind.REPORT, "bn", "২৫৫", "গেট তালা বন্ধ"),
    ("REPORT fire in store", sms.Kind.REPORT, "en", "", "fire in store"),
    ("STATUS 482 109 375", sms.Kind.STATUS, "en", "482 109 375", ""),
    ("অবস্থা ৪৮২১০৯", sms.Kind.STATUS, "bn", "৪৮২১০৯", ""),
    ("the boiler leaks steam", sms.Kind.FREE, "en", "", "the boiler leaks steam"),
    ("বয়লার থেকে বাষ্প বের হচ্ছে", sms.Kind.FREE, "bn", "", "বয়লার থেকে বাষ্প বের হচ্ছে"),
    ("   ", sms.Kind.EMPTY, "en", "", ""),
])
def test_parse_keywords_languages_and_codes(text, kind, lang, code, body):
    message = sms.parse(text)
    assert (message.kind, message.lang, message.code, message.body) == (kind, lang, code, body)


def test_a_report_code_in_bangla_digits_is_the_factory_and_a_typo_is_none():
    assert sms.parse("অভিযোগ ২৫৫ আগুন").factory_id == 25 == rules.parse_factory_code("255")
    assert sms.parse("REPORT 256 fire").factory_id is None  # wrong check digit


@pytest.mark.parametrize("text, category", [
    ("Main gate locked during shift", ComplaintCategory.LOCKED_GATE),
    ("ফাটল দেখা যাচ্ছে কলামে", ComplaintCategory.CRACKS),
    ("no fire drill this year", ComplaintCategory.NO_FIRE_DRILL),
    ("I was fired after reporting", ComplaintCategory.RETALIATION),
    ("বেতন দেয়নি", ComplaintCategory.WAGES),
    ("something else", ComplaintCategory.OTHER),
])
def test_guess_category(text, category):
    assert sms.guess_category(text) == category


# --- through a real HTTP server --------------------------------------------------------------------------------
@pytest.fixture
def live_app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True, "TESTING": False, "SMS_INBOUND_SECRET": SECRET,
            "SMS_SENDER_KEY": "sender-key"}


def _post(server, text, sender=PHONE, secret=SECRET):
    headers = {"X-SMS-Secret": secret} if secret is not None else {}
    return requests.post(f"{server.url}/sms/inbound", data={"from": sender, "text": text}, headers=headers,
                         timeout=30)


def _code(reply: str) -> str:
    digits = re.search(r"([0-9০-৯]{3}(?: [0-9০-৯]{3}){6})", reply)
    assert digits, reply
    return digits.group(1)


def _all_rows_text(app) -> str:
    with app.app_context():
        parts = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)):
                parts.append(" ".join(str(v) for v in row))
        return "\n".join(parts)


def test_report_and_status_round_trip_over_http(live_server, live_build):
    factory = live_build.factory(name="Gate Test Knitwear Ltd")
    app = live_server.app
    code_of_factory = rules.factory_code(factory.id)

    reply = _post(live_server, f"REPORT {code_of_factory} Main gate locked during the night shift")
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/plain")
    assert "receipt code" in reply.text and "STATUS" in reply.text
    assert sms.segments(reply.text) <= sms.MAX_SEGMENTS
    receipt = _code(reply.text)
    with app.app_context():
        complaint = db.session.scalar(sa.select(Complaint))
        assert complaint.factory_id == factory.id and complaint.channel == "sms" and complaint.lang == "en"
        assert complaint.category == ComplaintCategory.LOCKED_GATE and complaint.withhold_factory
        assert complaint.sender_hash == rules.phone_digest(PHONE, b"sender-key")
        # the handler resolves it; STATUS tells the outcome
        with app.test_request_context():
            engineer = live_build.user("engineer")
            from factorysafe.auth.models import User

            complaint = db.session.get(Complaint, complaint.id)
            services.set_status(complaint, "resolved", outcome="The gate is kept open during shifts now.",
                                by=db.session.get(User, engineer.id), version=complaint.version,
                                today=complaint.received_on)
            db.session.commit()
            number = rules.public_number(complaint.id, complaint.received_on)

    status = _post(live_server, f"STATUS {receipt}")
    assert status.status_code == 200
    assert number in status.text and "Resolved" in status.text and "kept open" in status.text
    assert sms.segments(status.text) <= sms.MAX_SEGMENTS

    # the sender's number, in any of its forms, is in no row of any table
    everything = _all_rows_text(app)
    for form in (PHONE, rules.normalise_phone(PHONE), "01712345678", "1712345678"):
        assert form not in everything


def test_bangla_keyword_gets_a_bangla_answer_and_bangla_status(live_server, live_build):
    factory = live_build.factory()
    code_bn = rules.factory_code(factory.id).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    reply = _post(live_server, f"অভিযোগ {code_bn} সিঁড়ির দরজা বন্ধ, বের হওয়া যায় না")
    assert reply.status_code == 200
    assert re.search(r"[\u0980-\u09FF]", reply.text) and "receipt" not in reply.text
    assert sms.segments(reply.text) <= sms.MAX_SEGMENTS
    receipt = _code(reply.text)
    with live_server.app.app_context():
        complaint = db.session.scalar(sa.select(Complaint))
        assert complaint.lang == "bn" and complaint.factory_id == factory.id
        assert complaint.category == ComplaintCategory.BLOCKED_EXIT
    status = _post(live_server, f"অবস্থা {receipt}")
    assert status.status_code == 200 and "Received" not in status.text
    assert re.search(r"[\u0980-\u09FF]", status.text) and sms.segments(status.text) <= sms.MAX_SEGMENTS


def test_free_text_makes_a_complaint_without_factory_for_triage(live_server):
    reply = _post(live_server, "আগুন লেগেছে তিন তলায়, কেউ বের হতে পারছে না")
    assert reply.status_code == 200 and re.search(r"[\u0980-\u09FF]", reply.text)
    _code(reply.text)
    with live_server.app.app_context():
        complaint = db.session.scalar(sa.select(Complaint))
        assert complaint.factory_id is None and complaint.factory_text == ""
        assert complaint.status == ComplaintStatus.RECEIVED and complaint.category == ComplaintCategory.FIRE_SMOKE
        assert complaint.lang == "bn" and complaint.channel == "sms"


def test_bad_factory_code_or_receipt_is_explained_and_nothing_is_made(live_server, live_build):
    factory = live_build.factory()
    good = rules.factory_code(factory.id)
    typo = good[:-1] + str((int(good[-1]) + 1) % 10)
    reply = _post(live_server, f"REPORT {typo} exit locked")
    assert reply.status_code == 200 and "factory code is not right" in reply.text
    unknown = _post(live_server, f"REPORT {rules.factory_code(factory.id + 50)} exit locked")
    assert "factory code is not right" in unknown.text
    empty = _post(live_server, f"REPORT {good}")
    assert "Write what is wrong" in empty.text
    status = _post(live_server, "STATUS 123 456")
    assert "21 digits" in status.text
    nobody = _post(live_server, f"STATUS {rules.format_receipt(rules.new_receipt_code())}")
    assert "No complaint has this receipt code" in nobody.text
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 0


def test_wrong_or_missing_secret_is_refused(live_server):
    assert _post(live_server, "REPORT 255 fire", secret="wrong").status_code == 403
    assert _post(live_server, "REPORT 255 fire", secret=None).status_code == 403
    assert _post(live_server, "REPORT 255 fire", secret=SECRET + "x").status_code == 403
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 0


def test_no_secret_configured_means_no_endpoint(client, app):
    assert not app.config["SMS_INBOUND_SECRET"]
    resp = client.post("/sms/inbound", data={"from": PHONE, "text": "REPORT 255 fire"},
                       headers={"X-SMS-Secret": ""})
    assert resp.status_code == 404


def test_reports_per_sender_are_rate_limited(app, client, caplog):
    caplog.set_level("DEBUG")
    app.config.update(SMS_INBOUND_SECRET=SECRET, COMPLAINT_REPORT_RATE_LIMIT="2/hour")  # read per request

    def post(sender):
        return client.post("/sms/inbound", data={"from": sender, "text": "the exit is blocked"},
                           headers={"X-SMS-Secret": SECRET})

    answers = [post(PHONE) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Too many reports" in answers[-1].get_data(as_text=True)
    assert post("+8801899999999").status_code == 200  # another sender is counted apart
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 3
    for form in (PHONE, "8801712345678", "01712345678", "01899999999"):  # no log line names a sender
        assert form not in caplog.text


def test_every_fixed_answer_fits_three_parts_unclipped_in_both_languages(app):
    """The answers' own words (receipt code and number at their longest) need no clipping: only a handler's
    long outcome is cut."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    code = rules.format_receipt("9" * rules.RECEIPT_DIGITS)
    for lang in ("en", "bn"):
        with app.test_request_context(), force_locale(lang):
            longest = max((s.label for s in ComplaintStatus), key=len)
            answers = [
                _("Complaint received. Your receipt code: %(code)s. Keep it secret and safe. To see what happens, "
                  "send STATUS and the code to this number.", code=code),
                _("That factory code is not right. Send REPORT, the code on the factory gate poster, then what "
                  "is wrong. Example: REPORT 250 exit locked"),
                _("Write what is wrong after the factory code. Example: REPORT 250 exit locked"),
                _("To report danger, send REPORT, the factory code and what is wrong. To follow a report, send "
                  "STATUS and your receipt code."),
                _("Complaint %(number)s: %(status)s.", number="C-2026-123456", status=longest),
                _("No complaint has this receipt code. Check the code against your note."),
                services.receipt_problem_message(rules.ReceiptProblem.CHECK),
                services.receipt_problem_message(rules.ReceiptProblem.LENGTH),
            ]
            for answer in answers:
                assert sms.segments(answer) <= sms.MAX_SEGMENTS, (lang, len(answer), answer)
                assert sms.clip(answer) == answer
            if lang == "bn":
                assert sms.segments(answers[0]) >= 2 and not sms.is_gsm7(answers[0])
