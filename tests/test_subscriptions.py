"""Follow a factory (issue 14, part 8): double opt-in, one-click unsubscribe, daily digests through the outbox."""
from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from factorysafe.db import db

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "FOLLOW_RATE_LIMIT": "20/minute"}


@pytest.fixture
def world(build):
    """A public factory on track (one action due in 5 days) and a factory with a draft inspection only."""
    f = build.factory(name="Follow Garments Ltd", cap_agreed_on=TODAY - 30 * DAY)
    i = build.inspection(f, inspected_on=TODAY - 20 * DAY)
    build.finding(i, "fire", deadline=TODAY + 5 * DAY)
    hidden = build.factory(name="Draft Only Knit Ltd")
    build.inspection(hidden, state="draft")
    return {"factory": f.id, "hidden": hidden.id}


def outbox(app) -> list:
    from factorysafe.actions.models import OutboxMessage

    with app.app_context():
        return [dict(recipient=m.recipient, subject=m.subject, body=m.body, headers=json.loads(m.headers or "{}"),
                     key=m.dedupe_key)
                for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def subscriptions(app) -> list:
    from factorysafe.subscriptions.models import Subscription

    with app.app_context():
        return [(s.email, s.lang, s.confirmed_at is not None) for s in db.session.scalars(sa.select(Subscription))]


def link(body: str, kind: str) -> str:
    url = re.search(rf"https?://\S+/follow/{kind}/\S+", body).group(0)
    return urlsplit(url).path


def follow(client, factory_id, email, lang="en"):
    return client.post(f"/factories/{factory_id}/follow", data={"email": email, "lang": lang})


def notify(runner, day: dt.date):
    r = runner.invoke(args=["notify-followers", "--today", day.isoformat()])
    assert r.exit_code == 0, r.output
    return r.output


def test_factory_page_has_the_follow_form(client, world):
    html = client.get(f"/factories/{world['factory']}").get_data(as_text=True)
    assert f'action="/factories/{world["factory"]}/follow"' in html and 'name="email"' in html
    assert "Follow this factory" in html


def test_round_trip_confirm_notify_unsubscribe(app, client, runner, world):
    fid = world["factory"]
    r = follow(client, fid, "  Reader@Example.COM ")
    assert r.status_code == 200 and "Check your e-mail" in r.get_data(as_text=True)
    assert subscriptions(app) == [("reader@example.com", "en", False)]
    [mail] = outbox(app)
    assert mail["recipient"] == "reader@example.com" and mail["subject"].startswith("Confirm: follow Follow Garments")
    unsubscribe_path = link(mail["body"], "unsubscribe")
    assert mail["headers"]["List-Unsubscribe"].endswith(unsubscribe_path + ">")
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # unconfirmed: never notified, even when something changes
    assert "0 new message(s)" in notify(runner, TODAY + 10 * DAY)
    assert len(outbox(app)) == 1

    r = client.get(link(mail["body"], "confirm"))
    assert r.status_code == 200 and "You follow Follow Garments Ltd" in r.get_data(as_text=True)
    assert subscriptions(app) == [("reader@example.com", "en", True)]
    assert "0 new message(s)" in notify(runner, TODAY)  # nothing changed since confirming

    # the action's deadline passes: the factory falls behind schedule
    assert "1 new message(s)" in notify(runner, TODAY + 10 * DAY)
    digest = outbox(app)[-1]
    assert digest["recipient"] == "reader@example.com" and "Follow Garments Ltd" in digest["subject"]
    assert '"On track" to "Behind schedule"' in digest["body"]
    assert "1 more corrective action(s) passed the deadline" in digest["body"]
    assert f"/factories/{fid}?lang=en" in digest["body"] and unsubscribe_path in digest["body"]
    assert digest["headers"]["List-Unsubscribe"] == mail["headers"]["List-Unsubscribe"]
    assert "0 new message(s)" in notify(runner, TODAY + 10 * DAY)  # once a day; nothing new

    # a report is published: heard the next day
    with app.app_context():
        from factorysafe.inspections.models import Inspection

        db.session.add(Inspection(factory_id=fid, type="follow_up", inspected_on=TODAY, state="published"))
        db.session.commit()
    assert "1 new message(s)" in notify(runner, TODAY + 11 * DAY)
    assert "1 new inspection report(s) published" in outbox(app)[-1]["body"]

    # GET shows a button and ends nothing (link checkers); a POST without any session ends it (RFC 8058)
    page = client.get(unsubscribe_path)
    assert page.status_code == 200 and f'<form method="post" action="{unsubscribe_path}">' in page.get_data(as_text=True)
    assert subscriptions(app) == [("reader@example.com", "en", True)]
    stranger = app.test_client()
    r = stranger.post(unsubscribe_path, data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200 and "E-mails stopped" in r.get_data(as_text=True)
    assert subscriptions(app) == []
    assert stranger.post(unsubscribe_path).status_code == 200  # twice: same answer
    assert "does not follow the factory any more" in client.get(unsubscribe_path).get_data(as_text=True)
    with app.app_context():
        from factorysafe.audit import AuditEvent

        verbs = db.session.scalars(sa.select(AuditEvent.verb).where(AuditEvent.subject_type == "subscriptions")).all()
        bodies = " ".join(str(e.before) + str(e.after) + e.note for e in db.session.scalars(sa.select(AuditEvent)))
    assert verbs == ["follow_requested", "follow_confirmed", "follow_ended"]
    assert "reader@example.com" not in bodies  # no address in the audit trail


def test_same_answer_for_an_address_already_following(app, client, world):
    fid = world["factory"]
    follow(client, fid, "known@example.com")
    client.get(link(outbox(app)[0]["body"], "confirm"))
    known = follow(client, fid, "known@example.com")
    new = follow(client, fid, "new@example.com")
    assert known.status_code == new.status_code == 200
    assert known.get_data() == new.get_data()
    # the confirmed address gets nothing more; a pending one at most one confirmation a day
    assert [m["recipient"] for m in outbox(app)] == ["known@example.com", "new@example.com"]
    follow(client, fid, "new@example.com")
    assert len(outbox(app)) == 2


def test_bangla_subscriber_gets_bangla_mails(app, client, runner, world):
    follow(client, world["factory"], "bn@example.com", lang="bn")
    confirm_mail = outbox(app)[0]
    assert "নিশ্চিত" in confirm_mail["subject"] and "নিশ্চিত" in confirm_mail["body"]
    client.get(link(confirm_mail["body"], "confirm"))
    notify(runner, TODAY + 10 * DAY)
    digest = outbox(app)[-1]
    assert "সময়সূচির পিছনে" in digest["body"]  # Behind schedule, in the one label table's Bangla
    assert "Behind schedule" not in digest["body"] and "deadline" not in digest["body"]
    assert f"lang=bn" in digest["body"]


def test_unconfirmed_requests_are_forgotten_when_their_link_expires(app, client, runner, world):
    from factorysafe.subscriptions.models import Subscription

    follow(client, world["factory"], "old@example.com")
    follow(client, world["factory"], "recent@example.com")
    confirm_old = link(outbox(app)[0]["body"], "confirm")
    with app.app_context():
        old = db.session.scalars(sa.select(Subscription).where(Subscription.email == "old@example.com")).one()
        old.created_at -= dt.timedelta(hours=app.config["FOLLOW_CONFIRM_HOURS"] + 1)
        db.session.commit()
    notify(runner, TODAY)
    assert subscriptions(app) == [("recent@example.com", "en", False)]
    assert client.get(confirm_old).status_code == 400


def test_bad_input_and_refusals(app, client, world):
    r = follow(client, world["factory"], "not an address")
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert 'value="not an address"' in html and "name@example.com" in html
    assert follow(client, world["hidden"], "x@example.com").status_code == 404
    assert follow(client, 999999, "x@example.com").status_code == 404
    assert client.get("/follow/confirm/garbage").status_code == 400
    assert client.post("/follow/unsubscribe/garbage").status_code == 400
    assert outbox(app) == [] and subscriptions(app) == []
    # a link signed for another purpose is refused
    follow(client, world["factory"], "p@example.com")
    unsubscribe_path = link(outbox(app)[0]["body"], "unsubscribe")
    assert client.get(unsubscribe_path.replace("/unsubscribe/", "/confirm/")).status_code == 400


def test_follow_requests_are_rate_limited_per_client(app, client, world):
    app.config["FOLLOW_RATE_LIMIT"] = "2/minute"
    assert follow(client, world["factory"], "a@example.com").status_code == 200
    assert follow(client, world["factory"], "b@example.com").status_code == 200
    r = follow(client, world["factory"], "c@example.com")
    assert r.status_code == 429
    assert [m["recipient"] for m in outbox(app)] == ["a@example.com", "b@example.com"]


def test_outbox_sends_the_unsubscribe_headers_by_smtp(app, client, runner, world):
    from helpers_actions import SMTPSink

    follow(client, world["factory"], "smtp@example.com")
    with SMTPSink() as sink:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, MAIL_FROM="noreply@factorysafe.test")
        r = runner.invoke(args=["notify-followers", "--today", TODAY.isoformat()])
        assert r.exit_code == 0 and "1 message(s) sent" in r.output, r.output
    from email import message_from_string, policy

    sent = message_from_string(sink.messages[0]["data"], policy=policy.default)
    [queued] = outbox(app)
    assert sent["List-Unsubscribe"] == queued["headers"]["List-Unsubscribe"]
    assert sent["List-Unsubscribe"].startswith("<http") and "/follow/unsubscribe/" in sent["List-Unsubscribe"]
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
