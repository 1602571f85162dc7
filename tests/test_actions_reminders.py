"""``flask reminders``: one message per recipient a day, SMTP only when configured, idempotent."""
import datetime as dt
import smtplib

import sqlalchemy as sa

from factorysafe.db import db
from helpers_actions import SMTPSink, World

D = dt.date


def outbox(app):
    from factorysafe.actions.models import OutboxMessage

    with app.app_context():
        return [(m.recipient, m.subject, m.body, m.sent_at) for m in
                db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def setup_world(build):
    w = World(build, deadline=D(2025, 3, 1))  # overdue on 2025-03-10
    build.finding(w.inspection, deadline=D(2025, 3, 15), observation="Fire alarm missing on 3rd floor.")  # due soon
    build.finding(w.inspection, deadline=D(2025, 6, 1), observation="Far away.")  # not yet
    build.finding(w.inspection, deadline=D(2025, 1, 1), status="corrected", observation="Done long ago.")
    other = build.inspection(w.other_factory)
    build.finding(other, deadline=D(2025, 3, 12), status="pending_verification", observation="Reported.")
    return w


def test_one_message_per_recipient_and_nothing_new_the_second_time(app, runner, build, monkeypatch):
    setup_world(build)

    def no_smtp(*a, **k):
        raise AssertionError("no SMTP connection may be made when SMTP_HOST is not configured")

    monkeypatch.setattr(smtplib, "SMTP", no_smtp)
    r = runner.invoke(args=["reminders", "--today", "2025-03-10"])
    assert r.exit_code == 0, r.output
    msgs = outbox(app)
    by = {m[0]: m for m in msgs}
    assert set(by) == {"owner@example.test", "engineer@example.test", "admin@example.test"}
    owner_body = by["owner@example.test"][2]
    assert "OVERDUE since 2025-03-01" in owner_body and "due 2025-03-15" in owner_body
    assert "Far away" not in owner_body and "Done long ago" not in owner_body
    assert "1 reported fix(es) wait for verification" in by["engineer@example.test"][2]
    # every e-mail reads in both languages: English first, then Bangla
    assert "সময়সীমা পেরিয়েছে ২০২৫-০৩-০১ থেকে" in owner_body and "সময়সীমা ২০২৫-০৩-১৫" in owner_body
    assert "অনুস্মারক" in owner_body and "যাচাইয়ের অপেক্ষায়" in by["engineer@example.test"][2]
    assert " / factorysafe:" in by["owner@example.test"][1]
    assert all(m[3] is None for m in msgs) and "none sent" in r.output
    again = runner.invoke(args=["reminders", "--today", "2025-03-10"])
    assert again.exit_code == 0 and "0 new message(s)" in again.output and outbox(app) == msgs
    next_day = runner.invoke(args=["reminders", "--today", "2025-03-11"])
    assert "3 new message(s)" in next_day.output


def test_sends_by_smtp_when_configured_once(app, runner, build):
    setup_world(build)
    with SMTPSink() as sink:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, MAIL_FROM="noreply@factorysafe.test")
        r = runner.invoke(args=["reminders", "--today", "2025-03-10"])
        assert r.exit_code == 0, r.output
        assert "3 message(s) sent" in r.output
        assert sorted(m["to"][0] for m in sink.messages) == ["admin@example.test", "engineer@example.test",
                                                            "owner@example.test"]
        owner_mail = [m for m in sink.messages if m["to"] == ["owner@example.test"]][0]["data"]
        assert "Subject: factorysafe: 2 corrective action(s) due or overdue (1 overdue)" in owner_mail
        r2 = runner.invoke(args=["reminders", "--today", "2025-03-10"])
        assert r2.exit_code == 0 and "0 message(s) sent" in r2.output
        assert len(sink.messages) == 3
    assert all(m[3] is not None for m in outbox(app))


def test_bad_date_is_refused(runner):
    r = runner.invoke(args=["reminders", "--today", "10/03/2025"])
    assert r.exit_code != 0 and "YYYY-MM-DD" in r.output
