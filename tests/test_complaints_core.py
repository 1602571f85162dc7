"""Complaints: the pure rules (receipt and factory codes, transitions, the public record) and the service verbs."""
from __future__ import annotations

import datetime as dt
import io
import math

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from factorysafe.complaints import queries, rules, services
from factorysafe.complaints.models import Complaint
from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus, ReceiptProblem, Verdict
from factorysafe.db import db
from factorysafe.auth.models import User
from factorysafe.factories.models import Factory
from tests.helpers_photos import jpeg

TODAY = dt.date(2026, 11, 29)


# --- pure rules ----------------------------------------------------------------------------------
def test_receipt_has_at_least_64_bits_and_reads_in_groups_of_three():
    assert rules.RECEIPT_BITS >= 64
    assert math.isclose(rules.RECEIPT_BITS, 66.44, abs_tol=0.01)
    code = rules.new_receipt_code()
    assert len(code) == 21 and code.isdigit() and rules.damm_valid(code)
    shown = rules.format_receipt(code)
    assert [len(g) for g in shown.split(" ")] == [3] * 7


@given(st.integers(0, 10 ** 20 - 1), st.integers(0, 20), st.integers(1, 9))
def test_any_single_wrong_digit_is_caught(body, position, delta):
    code = rules.new_receipt_code(randbelow=lambda n: body)
    wrong = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1:]
    assert rules.parse_receipt(wrong) == (None, ReceiptProblem.CHECK)
    assert rules.parse_receipt(code) == (code, None)


@given(st.integers(0, 10 ** 20 - 1), st.integers(0, 19))
def test_any_swap_of_neighbouring_digits_is_caught(body, position):
    code = rules.new_receipt_code(randbelow=lambda n: body)
    if code[position] == code[position + 1]:
        return
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
    assert rules.parse_receipt(swapped)[1] == ReceiptProblem.CHECK


def test_receipt_as_typed_bangla_digits_spaces_dashes():
    code = rules.new_receipt_code()
    bangla = rules.format_receipt(code).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert rules.parse_receipt(bangla) == (code, None)
    assert rules.parse_receipt("-".join(code[i:i + 3] for i in range(0, 21, 3))) == (code, None)
    assert rules.parse_receipt("") == (None, ReceiptProblem.EMPTY)
    assert rules.parse_receipt("123 456") == (None, ReceiptProblem.LENGTH)
    assert rules.parse_receipt("abc" * 7) == (None, ReceiptProblem.LENGTH)


@given(st.integers(1, 10 ** 9))
def test_factory_codes_round_trip_and_refuse_typos(factory_id):
    code = rules.factory_code(factory_id)
    assert rules.parse_factory_code(code) == factory_id
    last = code[-1]
    assert rules.parse_factory_code(code[:-1] + str((int(last) + 1) % 10)) is None


def test_transitions_closed_only_reopen():
    for closed in rules.CLOSED_STATUSES:
        assert rules.TRANSITIONS[closed] == {ComplaintStatus.UNDER_REVIEW}
    assert rules.may_move(ComplaintStatus.RECEIVED, ComplaintStatus.RESOLVED)
    assert not rules.may_move(ComplaintStatus.UNDER_REVIEW, ComplaintStatus.RECEIVED)
    assert rules.may_give_verdict(ComplaintStatus.RESOLVED, None)
    assert not rules.may_give_verdict(ComplaintStatus.RESOLVED, Verdict.CONFIRMED)
    assert not rules.may_give_verdict(ComplaintStatus.UNDER_REVIEW, None)


def test_month_span_and_public_number():
    assert rules.month_span("2026-12") == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    assert rules.month_span("2026-13") is None and rules.month_span("x") is None
    assert rules.public_number(42, dt.date(2026, 3, 1)) == "C-2026-0042"


def test_phone_digest_is_keyed_and_normalised():
    a = rules.phone_digest("+880 1711-000000", b"k1")
    assert a == rules.phone_digest("01711000000", b"k1") != rules.phone_digest("01711000000", b"k2")
    assert "1711" not in a


# --- services ------------------------------------------------------------------------------------
def test_submit_stores_only_the_receipts_hash_and_finds_it_again(app, build):
    factory = build.factory()
    with app.test_request_context():
        complaint, code = services.submit(category="locked_gate", description="Gate locked at night",
                                          factory=db.session.get(Factory, factory.id), today=TODAY)
        db.session.commit()
        row = db.session.execute(sa.select(Complaint.__table__)).one()._mapping
        assert code not in " ".join(str(v) for v in row.values())
        assert row["receipt_hash"] == rules.receipt_digest(code)
        assert services.find_by_receipt(rules.format_receipt(code)).id == complaint.id
        other = rules.new_receipt_code()
        assert services.find_by_receipt(other) is None
        with pytest.raises(services.InvalidInput):
            services.find_by_receipt(code[:-1] + str((int(code[-1]) + 1) % 10))


def test_photo_is_stripped_of_place_time_and_original(app, build):
    factory = build.factory()
    with app.test_request_context():
        data = jpeg(gps=(23.8, 90.4), taken=dt.datetime(2026, 11, 28, 9, 30))
        complaint, _code = services.submit(category="cracks", description="", factory=db.session.get(Factory, factory.id),
                                           today=TODAY, photo=(io.BytesIO(data), "crack.jpg"))
        db.session.commit()
        from factorysafe.inspections.models import Photo
        from factorysafe.uploads import derivative_path

        photo = db.session.scalars(sa.select(Photo)).one()
        assert photo.complaint_id == complaint.id and photo.private
        assert photo.latitude is None and photo.longitude is None and photo.taken_at is None
        stored = derivative_path(photo, "original").read_bytes()
        assert stored != data and b"Exif" not in stored[:4096]


def test_triage_dispute_reopens_and_counts(app, build):
    factory = build.factory()
    handler = build.user("handler")
    with app.test_request_context():
        handler = db.session.get(User, handler.id)
        complaint, code = services.submit(category="locked_gate", description="", factory=db.session.get(Factory, factory.id),
                                          show_factory=True, today=TODAY)
        services.ask_worker(complaint, "Which gate?", by=handler)
        assert complaint.status == ComplaintStatus.UNDER_REVIEW
        services.worker_reply(complaint, "The back gate")
        with pytest.raises(services.InvalidInput):
            services.set_status(complaint, "resolved", by=handler, version=complaint.version, today=TODAY)
        with pytest.raises(services.InvalidInput):
            services.set_status(complaint, "non_safety", outcome="Wages", by=handler, version=complaint.version,
                                today=TODAY)
        services.set_status(complaint, "resolved", outcome="The gate is unlocked during shifts.", by=handler,
                            version=complaint.version, today=TODAY)
        with pytest.raises(services.WrongState):
            services.worker_reply(complaint, "more")
        services.worker_verdict(complaint, "disputed", "Still locked at night", today=TODAY)
        assert complaint.status == ComplaintStatus.UNDER_REVIEW and complaint.reopened == 1
        with pytest.raises(services.WrongState):
            services.worker_verdict(complaint, "confirmed", today=TODAY)
        db.session.commit()
        rows, total = queries.register()
        assert total == 1 and rows[0]["reopened"] == 1 and rows[0]["factory_name"] == factory.name
        assert queries.counts()["reopened"] == 1
        assert queries.counts(factory.id)["total"] == 1


def test_withheld_factory_is_never_named_nor_counted_on_its_page(app, build):
    factory = build.factory()
    with app.test_request_context():
        services.submit(category="wiring", description="sparks", factory=db.session.get(Factory, factory.id), today=TODAY)
        db.session.commit()
        rows, _ = queries.register()
        assert rows[0]["factory_id"] is None and rows[0]["factory_name"] is None
        assert queries.counts(factory.id)["total"] == 0
        assert queries.counts()["total"] == 1


def test_only_handlers_and_engineers_triage(app, build):
    factory = build.factory()
    owner = build.user("owner", factories=[factory])
    with app.test_request_context():
        complaint, _ = services.submit(category="boiler", description="", factory=db.session.get(Factory, factory.id),
                                       today=TODAY)
        with pytest.raises(services.NotAllowed):
            services.ask_worker(complaint, "?", by=db.session.get(User, owner.id))
        with pytest.raises(services.NotAllowed):
            services.set_status(complaint, "under_review", by=None, version=complaint.version, today=TODAY)
