"""Account operations: the only place that creates or changes users.

Each operation is a verb that checks the rules (``factorysafe.auth.rules``), changes the account and writes
one audit event in the same transaction. It never commits: the caller (a view, a CLI command) does, and
then calls :func:`deliver_mail` when an e-mail was queued. Refusals raise :class:`AccountError` (a
``DomainError``: HTTP status and a message in the user's language; ``field`` names the form field it is
about, when there is one). Nothing is changed when one is raised.

E-mailed links (invitations, password resets) carry a random token; only its SHA-256 is stored, in
``account_tokens``, with its expiry; using one marks it used, in one conditional UPDATE, so it works once
even when two requests race.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import smtplib

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from factorysafe import audit
from factorysafe.auth import rules
from factorysafe.auth.models import AccountToken, Role, TokenPurpose, User
from factorysafe.auth.rules import AccountState, TokenState
from factorysafe.db import db, utcnow
from factorysafe.errors import DomainError

MIN_PASSWORD_LENGTH = rules.MIN_PASSWORD_LENGTH  # where it used to live
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: A new reset e-mail for the same account is not sent sooner than this after the last one.
RESET_RESEND_SECONDS = 60


class AccountError(DomainError):
    """A user-readable reason an account operation was refused."""

    def __init__(self, message, status: int | None = None, field: str | None = None):
        super().__init__(message, status)
        self.field = field


class TokenError(AccountError):
    """An e-mailed link that does not work (any more): unknown 400, used or expired 410."""


# --- checks ----------------------------------------------------------------------------------------------
def _normal_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError(_("That is not an email address."), field="email")
    return email


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise AccountError(_("Unknown role %(role)s: choose one of %(roles)s.", role=repr(role),
                             roles=", ".join(r.value for r in Role)), field="role") from None


def _factories(factory_ids, role: Role) -> list:
    from factorysafe.factories.models import Factory

    factories = []
    for fid in dict.fromkeys(factory_ids):
        factory = db.session.get(Factory, fid)
        if factory is None:
            raise AccountError(_("There is no factory with id %(id)s.", id=fid), field="factories")
        factories.append(factory)
    if factories and role != Role.OWNER:
        raise AccountError(_("Only factory owners are linked to factories."), field="factories")
    return factories


def _unused_email(email: str) -> None:
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError(_("An account for %(email)s already exists.", email=email), 409, field="email")


def check_password(password: str, *, email: str, name: str = "", field: str = "password") -> None:
    """Refuse a password that breaks a rule of ``factorysafe.auth.rules`` (the message says which)."""
    problem = rules.password_problem(password or "", email=email, name=name)
    if problem is not None:
        raise AccountError(rules.password_message(problem), field=field)


def _active_admin_ids(lock: bool = False) -> list[int]:
    stmt = sa.select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
    if lock and db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return list(db.session.scalars(stmt))


def _keep_an_admin(user: User, stays_active_admin: bool) -> None:
    admins = _active_admin_ids(lock=True)
    is_active_admin = user.id in admins
    if rules.leaves_no_admin(len(admins), is_active_admin, stays_active_admin):
        raise AccountError(_("This is the last active administrator: make another account an administrator first."), 409)


def state_of(user: User) -> AccountState:
    return rules.account_state(user.active, user.password_hash)


# --- creating and inviting -----------------------------------------------------------------------------
def create_user(email: str, password: str, role: Role | str, *, name: str = "", factory_ids=(), actor=None) -> User:
    """An active account with a password (``flask create-user``, tests)."""
    email = _normal_email(email)
    role = _role(role)
    check_password(password, email=email, name=name)
    _unused_email(email)
    factories = _factories(factory_ids, role)
    user = User(email=email, name=name, role=role)
    user.set_password(password)
    user.factories = factories
    db.session.add(user)
    audit.record("create_user", user, actor=actor, after={"email": email, "role": role.value,
                                                           "factories": [f.id for f in factories]})
    return user


def invite_user(email: str, role: Role | str, *, name: str = "", factory_ids=(), by) -> User:
    """An inactive account without a usable password, and an e-mail with a one-time link to accept."""
    email = _normal_email(email)
    role = _role(role)
    name = (name or "").strip()
    _unused_email(email)
    factories = _factories(factory_ids, role)
    user = User(email=email, name=name, role=role, active=False, password_hash=rules.UNUSABLE_PASSWORD)
    user.factories = factories
    db.session.add(user)
    db.session.flush()
    _send_invitation(user, by)
    audit.record("invite_user", user, actor=by, after={"email": email, "role": role.value,
                                                        "factories": [f.id for f in factories]})
    return user


def resend_invite(user: User, *, by) -> User:
    """A new invitation link (the earlier ones stop working), for an account that has not accepted yet."""
    if state_of(user) != AccountState.INVITED:
        raise AccountError(_("This account has already accepted its invitation."), 409)
    _send_invitation(user, by)
    audit.record("resend_invite", user, actor=by)
    return user


def _send_invitation(user: User, by) -> None:
    from factorysafe.labels import label

    hours = int(current_app.config["INVITE_TOKEN_HOURS"])
    token, row = _issue_token(user, TokenPurpose.INVITE, dt.timedelta(hours=hours))
    link = _link("accounts.accept_invite", token)
    inviter = getattr(by, "name", "") or getattr(by, "email", "") or "factorysafe"
    _queue_mail(user.email, row, lambda: (
        _("factorysafe: you are invited"),
        _("%(inviter)s invited you to factorysafe as %(role)s. Open this link within %(days)s days to choose your "
          "password and activate your account:", inviter=inviter, role=label(user.role), days=max(1, hours // 24))
        + f"\n\n{link}\n\n"
        + _("The link works once. If you did not expect this invitation, ignore this message.")))


# --- accepting an invitation, resetting and changing a password ----------------------------------------
def _password_by_link(token: str, purpose: TokenPurpose, password: str, state: AccountState, refused) -> User:
    """Use the link ``token`` to set ``password`` on an account in ``state`` (else 410 with ``refused()``)."""
    row = token_for(token, purpose)
    user = row.user
    if state_of(user) != state:
        raise TokenError(refused(), 410)
    check_password(password, email=user.email, name=user.name)
    _use(row)
    user.set_password(password)
    return user


def accept_invite(token: str, password: str) -> User:
    """Set the first password of an invited account and activate it (the link then stops working)."""
    user = _password_by_link(token, TokenPurpose.INVITE, password, AccountState.INVITED, lambda: _(
        "This invitation was already accepted. Sign in with your e-mail address and password."))
    user.active = True
    audit.record("accept_invite", user, actor=user)
    return user


def request_password_reset(email: str) -> bool:
    """Queue an e-mail with a reset link when ``email`` names an active account; say nothing either way to
    the person asking (the view answers the same page). True when a message was queued."""
    try:
        email = _normal_email(email)
    except AccountError:
        return False
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or state_of(user) != AccountState.ACTIVE:
        return False
    recent = utcnow() - dt.timedelta(seconds=RESET_RESEND_SECONDS)
    if db.session.scalar(sa.select(AccountToken.id).where(
            AccountToken.user_id == user.id, AccountToken.purpose == TokenPurpose.RESET,
            AccountToken.created_at > recent)) is not None:
        return False  # one e-mail a minute at most: the form cannot be used to flood an inbox
    minutes = int(current_app.config["RESET_TOKEN_MINUTES"])
    token, row = _issue_token(user, TokenPurpose.RESET, dt.timedelta(minutes=minutes))
    link = _link("accounts.reset_password", token)
    _queue_mail(user.email, row, lambda: (
        _("factorysafe: reset your password"),
        _("Someone, hopefully you, asked to reset the password of your factorysafe account. Open this link within "
          "%(minutes)s minutes to choose a new password:", minutes=minutes)
        + f"\n\n{link}\n\n"
        + _("The link works once. If you did not ask for it, ignore this message: your password stays as it is.")))
    audit.record("request_password_reset", user)
    return True


def reset_password(token: str, password: str) -> User:
    user = _password_by_link(token, TokenPurpose.RESET, password, AccountState.ACTIVE,
                             lambda: _("This account is not active: ask an administrator."))
    audit.record("reset_password", user, actor=user)
    return user


def change_password(user: User, current: str, new: str) -> User:
    """A signed-in user's own password, which they must know."""
    if not user.check_password(current or ""):
        raise AccountError(_("That is not your current password."), field="current")
    check_password(new, email=user.email, name=user.name, field="password")
    user.set_password(new)
    _revoke_tokens(user, TokenPurpose.RESET)
    audit.record("change_password", user, actor=user)
    return user


# --- administration --------------------------------------------------------------------------------------
def update_user(user: User, *, role: Role | str, factory_ids=(), name: str | None = None, by) -> User:
    """Role, factories (owners only) and name of an account."""
    role = _role(role)
    factories = _factories(factory_ids, role)
    if role != Role.ADMIN:
        _keep_an_admin(user, stays_active_admin=False)
    before = {"role": user.role.value, "factories": [f.id for f in user.factories], "name": user.name}
    user.role = role
    user.factories = factories
    if name is not None:
        user.name = name.strip()
    after = {"role": role.value, "factories": [f.id for f in factories], "name": user.name}
    if after != before:
        audit.record("update_user", user, actor=by, before=before, after=after)
    return user


def deactivate_user(user: User, *, by) -> User:
    """The account can no longer sign in; its sessions end and its e-mailed links stop working."""
    if by is not None and user.id == by.id:
        raise AccountError(_("You cannot deactivate your own account."), 409)
    if state_of(user) == AccountState.DEACTIVATED:
        raise AccountError(_("This account is already deactivated."), 409)
    _keep_an_admin(user, stays_active_admin=False)
    before = state_of(user).value
    user.active = False
    if before == AccountState.INVITED:
        user.password_hash = rules.REVOKED_INVITATION  # deactivated, no longer "invited"
    _revoke_tokens(user)
    _end_sessions(user)
    audit.record("deactivate_user", user, actor=by, before={"state": before}, after={"state": "deactivated"})
    return user


def reactivate_user(user: User, *, by) -> User:
    state = state_of(user)
    if state == AccountState.INVITED:
        raise AccountError(_("This account has not accepted its invitation yet: send the invitation again."), 409)
    if state == AccountState.ACTIVE:
        raise AccountError(_("This account is already active."), 409)
    user.active = True
    audit.record("reactivate_user", user, actor=by, before={"state": state.value}, after={"state": "active"})
    return user


def _end_sessions(user: User) -> None:
    """End every session of ``user``: the sign-in cookies carry the old session token, which no longer matches."""
    user.rotate_session()


# --- tokens and mail -------------------------------------------------------------------------------------
def _issue_token(user: User, purpose: TokenPurpose, lifetime: dt.timedelta) -> tuple[str, AccountToken]:
    """A new link secret for ``user``; earlier unused ones of the same purpose stop working."""
    _revoke_tokens(user, purpose)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = AccountToken(user_id=user.id, purpose=purpose, token_hash=rules.token_digest(token),
                       created_at=now, expires_at=now + lifetime)
    db.session.add(row)
    db.session.flush()
    return token, row


def _revoke_tokens(user: User, purpose: TokenPurpose | None = None) -> None:
    stmt = sa.update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
    if purpose is not None:
        stmt = stmt.where(AccountToken.purpose == purpose)
    db.session.execute(stmt.values(used_at=utcnow()), execution_options={"synchronize_session": False})


def token_for(token: str, purpose: TokenPurpose) -> AccountToken:
    """The stored token of a link, still usable; else a :class:`TokenError` saying why not."""
    row = None
    if token and len(token) <= 200:
        row = db.session.scalar(sa.select(AccountToken).where(AccountToken.token_hash == rules.token_digest(token),
                                                              AccountToken.purpose == purpose))
    if row is None:
        raise TokenError(_("This link is not valid. Check that you opened the whole link from the e-mail."), 400)
    state = rules.token_state(row.expires_at, row.used_at, utcnow())
    if state == TokenState.USED:
        raise TokenError(_("This link was already used, or a newer one was sent. Each link works once."), 410)
    if state == TokenState.EXPIRED:
        raise TokenError(_("This link has expired."), 410)
    return row


def _use(row: AccountToken) -> None:
    """Mark the token used; only one of two racing requests succeeds."""
    done = db.session.execute(sa.update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
                              .values(used_at=utcnow()), execution_options={"synchronize_session": False})
    if done.rowcount != 1:
        raise TokenError(_("This link was already used, or a newer one was sent. Each link works once."), 410)


def _link(endpoint: str, token: str) -> str:
    """The address to e-mail: under ``PUBLIC_BASE_URL`` when set (a request's Host header is not trusted
    for links sent by mail), else the address of the current request."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        return base.rstrip("/") + url_for(endpoint, token=token)
    return url_for(endpoint, token=token, _external=True)


def _queue_mail(recipient: str, row: AccountToken, compose) -> None:
    """A bilingual message (English, then Bangla) in the outbox the reminders use."""
    from factorysafe.actions.models import OutboxMessage
    from factorysafe.actions.services import _bilingual

    subject, body = _bilingual(compose)
    db.session.add(OutboxMessage(dedupe_key=f"account|{row.purpose.value}|{row.token_hash}", recipient=recipient,
                                 subject=subject, body=body))


def deliver_mail() -> None:
    """After the commit: send the outbox (a background job when Redis is configured). No SMTP configured:
    nothing is sent and the messages wait in the outbox. A failing SMTP server is logged, not shown: the
    message stays in the outbox and ``flask reminders`` sends it later."""
    from redis.exceptions import RedisError

    from factorysafe import jobs

    if not current_app.config["SMTP_HOST"]:
        return
    try:
        jobs.enqueue("factorysafe.actions.services:send_outbox")
    except (OSError, smtplib.SMTPException, RedisError):
        db.session.rollback()
        current_app.logger.warning("Sending account e-mail failed; it stays in the outbox.", exc_info=True)
