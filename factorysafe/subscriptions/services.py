"""Following a factory: ask (double opt-in), confirm, unsubscribe, and the daily notification of followers.

Every verb writes its audit event in the caller's transaction and never commits (the view or command does).
The audit events name the subscription by its number only: an e-mail address never enters the audit trail.

Links are signed (``itsdangerous``, the app's ``SECRET_KEY``, a salt per purpose) and carry the subscription's
number and its random ``link_key``: a deleted and re-made subscription never answers to an old link. The
confirmation link works ``FOLLOW_CONFIRM_HOURS``; the unsubscribe link as long as the subscription exists.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale, gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from factorysafe import audit
from factorysafe.actions.models import OutboxMessage
from factorysafe.actions.rules import CapStatus
from factorysafe.db import db, utcnow
from factorysafe.errors import DomainError
from factorysafe.i18n import format_day
from factorysafe.labels import label
from factorysafe.subscriptions import rules
from factorysafe.subscriptions.models import Subscription

CONFIRM, UNSUBSCRIBE = "follow-confirm", "follow-unsubscribe"
LANGS = ("en", "bn")


class LinkInvalid(DomainError):
    """A follow link that is not one of ours, has expired, or names a subscription that no longer exists."""

    status = 400


# --- links ----------------------------------------------------------------------------------------------------
def _serializer(purpose: str):
    """Confirmation links carry their time (they expire); unsubscribe links do not, so each e-mail of one
    subscription carries the same link."""
    kind = URLSafeTimedSerializer if purpose == CONFIRM else URLSafeSerializer
    return kind(current_app.config["SECRET_KEY"], salt=purpose)


def token(sub: Subscription, purpose: str) -> str:
    return _serializer(purpose).dumps([sub.id, sub.link_key])


def from_token(text: str, purpose: str, max_age: int | None = None) -> Subscription | None:
    """The subscription a link names; None when it no longer exists. LinkInvalid when the link is not ours or
    has expired."""
    try:
        serializer = _serializer(purpose)
        sid, key = (serializer.loads(text, max_age=max_age) if isinstance(serializer, URLSafeTimedSerializer)
                    else serializer.loads(text))
    except SignatureExpired:
        raise LinkInvalid(_("This link has expired. Ask again to follow the factory from its page.")) from None
    except (BadSignature, ValueError, TypeError):
        raise LinkInvalid(_("This link is not valid. Check that it was copied whole.")) from None
    sub = db.session.get(Subscription, sid) if isinstance(sid, int) else None
    return sub if sub is not None and secrets.compare_digest(sub.link_key, str(key)) else None


@contextlib.contextmanager
def _url_context():
    """Absolute links also from a command: a request context on ``PUBLIC_BASE_URL`` when there is none."""
    if has_request_context():
        yield
        return
    base = current_app.config["PUBLIC_BASE_URL"] or "http://localhost"
    with current_app.test_request_context("/", base_url=base):
        yield


def _links(sub: Subscription) -> dict:
    from factorysafe.web import external_url

    with _url_context():
        return {
            "confirm": external_url("subscriptions.confirm", token=token(sub, CONFIRM)),
            "unsubscribe": external_url("subscriptions.unsubscribe", token=token(sub, UNSUBSCRIBE)),
            "factory": external_url("maps.factory_page", factory_id=sub.factory_id, lang=sub.lang),
        }


def _queue(sub: Subscription, dedupe_key: str, subject: str, body: str, links: dict) -> OutboxMessage | None:
    """One message in the outbox (None when its key was written already), with RFC 8058 one-click unsubscribe
    headers: a mail program's "Unsubscribe" button POSTs ``List-Unsubscribe=One-Click`` to the link."""
    if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    headers = {"List-Unsubscribe": f"<{links['unsubscribe']}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    msg = OutboxMessage(dedupe_key=dedupe_key, recipient=sub.email, subject=subject, body=body,
                        headers=json.dumps(headers))
    db.session.add(msg)
    return msg


def _footer(links: dict) -> str:
    return "\n\n-- \n" + _("You get this e-mail because this address asked to follow the factory on factorysafe. "
                           "To stop, open: %(url)s", url=links["unsubscribe"])


# --- verbs ----------------------------------------------------------------------------------------------------
def request_follow(factory_id: int, factory_name: str, email: str, lang: str, *, today: dt.date) -> None:
    """Ask to follow a factory. A new or unconfirmed address gets a confirmation e-mail (at most one a day per
    factory); a confirmed one gets nothing. The caller answers the same either way."""
    lang = lang if lang in LANGS else "en"
    sub = db.session.scalar(sa.select(Subscription).where(Subscription.factory_id == factory_id,
                                                          Subscription.email == email))
    if sub is not None and sub.confirmed_at is not None:
        return
    if sub is None:
        sub = Subscription(factory_id=factory_id, email=email, lang=lang, link_key=secrets.token_hex(16))
        db.session.add(sub)
        db.session.flush()
        audit.record("follow_requested", subject_type=Subscription.__tablename__, subject_id=sub.id,
                     after={"lang": lang})
    else:
        sub.lang = lang
    links = _links(sub)
    hours = int(current_app.config["FOLLOW_CONFIRM_HOURS"])
    with force_locale(sub.lang):
        subject = _("Confirm: follow %(factory)s on factorysafe", factory=factory_name)
        body = _("Someone, probably you, asked to hear by e-mail when the safety status of %(factory)s changes, "
                 "a deadline passes or an inspection report is published.\n\nTo confirm, open this link within "
                 "%(hours)s hours:\n%(url)s\n\nIf it was not you, do nothing: you will get no other e-mail.",
                 factory=factory_name, hours=hours, url=links["confirm"]) + _footer(links)
    _queue(sub, f"follow-confirm|{sub.id}|{today.isoformat()}", subject, body, links)


def confirm(text: str) -> Subscription:
    """Confirm a subscription from its e-mailed link; from now on it hears of changes after today's state."""
    sub = from_token(text, CONFIRM, max_age=int(current_app.config["FOLLOW_CONFIRM_HOURS"]) * 3600)
    if sub is None:
        raise LinkInvalid(_("This link is not valid any more. Ask again to follow the factory from its page."))
    if sub.confirmed_at is None:
        sub.confirmed_at = utcnow()
        row = _public_rows(None, [sub.factory_id]).get(sub.factory_id)
        sub.last_state = json.dumps(rules.snapshot(row)) if row else ""
        audit.record("follow_confirmed", subject_type=Subscription.__tablename__, subject_id=sub.id)
    return sub


def unsubscribe(text: str) -> int | None:
    """End a subscription from its link (deleting the row: the address is not kept). The factory's number, or
    None when it had ended already."""
    sub = from_token(text, UNSUBSCRIBE)
    if sub is None:
        return None
    factory_id = sub.factory_id
    audit.record("follow_ended", subject_type=Subscription.__tablename__, subject_id=sub.id)
    db.session.delete(sub)
    db.session.flush()
    return factory_id


def _public_rows(today: dt.date | None, factory_ids) -> dict[int, dict]:
    """The factories' public rows (the status read model, published data only)."""
    from factorysafe.maps import services as public
    from factorysafe.web import today as clock

    return public.build_public_data(today or clock(), list(factory_ids)).by_id


def forget_unconfirmed() -> int:
    """Delete the requests whose confirmation link has expired (their addresses are not kept); how many."""
    hours = int(current_app.config["FOLLOW_CONFIRM_HOURS"])
    stale = db.session.scalars(sa.select(Subscription).where(
        Subscription.confirmed_at.is_(None), Subscription.created_at < utcnow() - dt.timedelta(hours=hours))).all()
    for sub in stale:
        audit.record("follow_expired", subject_type=Subscription.__tablename__, subject_id=sub.id)
        db.session.delete(sub)
    return len(stale)


def notify_followers(today: dt.date) -> list[OutboxMessage]:
    """One digest per confirmed subscription and day, in its language, of what changed since the last one
    (CAP status, actions newly overdue, inspections published, an evacuation); unconfirmed ones hear nothing
    (and are deleted once their link has expired)."""
    forget_unconfirmed()
    subs = db.session.scalars(sa.select(Subscription).where(Subscription.confirmed_at.is_not(None))
                              .order_by(Subscription.factory_id, Subscription.id)).all()
    rows = _public_rows(today, {s.factory_id for s in subs}) if subs else {}
    new = []
    for sub in subs:
        row = rows.get(sub.factory_id)
        if row is None:  # no longer public: nothing to tell
            continue
        now = rules.snapshot(row)
        events = rules.changes(json.loads(sub.last_state) if sub.last_state else None, now)
        if not events:
            sub.last_state = json.dumps(now)
            continue
        if sub.last_sent_on == today:
            continue  # one a day: these changes go into tomorrow's
        links = _links(sub)
        with force_locale(sub.lang):
            subject, body = _digest(row["name"], events, links, today)
        msg = _queue(sub, f"follow|{sub.id}|{today.isoformat()}", subject, body + _footer(links), links)
        if msg is not None:
            new.append(msg)
        sub.last_state, sub.last_sent_on = json.dumps(now), today
    db.session.flush()
    return new


def _digest(name: str, events: list[tuple[str, dict]], links: dict, today: dt.date) -> tuple[str, str]:
    """(subject, body) in the current language."""
    lines = []
    for kind, v in events:
        if kind == "status":
            lines.append(_("- Its status changed from \"%(before)s\" to \"%(after)s\".",
                           before=label(CapStatus(v["before"])) if v["before"] else "–",
                           after=label(CapStatus(v["after"]))))
        elif kind == "overdue":
            lines.append(_("- %(n)s more corrective action(s) passed the deadline without a verified fix "
                           "(%(total)s overdue in all).", n=v["n"], total=v["total"]))
        elif kind == "published":
            lines.append(_("- %(n)s new inspection report(s) published.", n=v["n"]))
        elif kind == "evacuation":
            lines.append(_("- An evacuation is in force: engineers found an immediate danger.") if v["in_force"]
                         else _("- The evacuation has ended."))
    subject = _("%(factory)s: safety news from factorysafe", factory=name)
    body = (_("News of %(day)s about %(factory)s:", day=format_day(today), factory=name) + "\n\n" + "\n".join(lines)
            + "\n\n" + _("See the factory's page: %(url)s", url=links["factory"]))
    return subject, body
