"""Accounts for real users: administrators invite people (a one-time link by e-mail), set their role and
factories, deactivate and reactivate them; people accept an invitation, reset a forgotten password and change
their own, under the password rules; every change is audited."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from factorysafe.db import db
from helpers_i18n import english_words, visible_text

GOOD = "sturdy river lantern 42"


# --- helpers -------------------------------------------------------------------------------------------
def outbox(app, email):
    from factorysafe.actions.models import OutboxMessage

    with app.app_context():
        return [(m.subject, m.body) for m in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id))]


def link_in_last_mail(app, email, kind):
    subject, body = outbox(app, email)[-1]
    m = re.search(rf"http://localhost(/{kind}/[A-Za-z0-9_-]+)\s", body)
    assert m, body
    return m.group(1)


def user_row(app, email):
    from factorysafe.auth.models import User

    with app.app_context():
        u = db.session.scalar(sa.select(User).where(User.email == email))
        return None if u is None else {"id": u.id, "active": u.active, "role": u.role.value, "name": u.name,
                                       "factories": [f.id for f in u.factories], "hash": u.password_hash}


def verbs(app, user_id):
    from factorysafe.audit import AuditEvent

    with app.app_context():
        return [v for (v,) in db.session.execute(sa.select(AuditEvent.verb).where(
            AuditEvent.subject_type == "users", AuditEvent.subject_id == user_id).order_by(AuditEvent.id))]


def expire_tokens(app, email):
    from factorysafe.auth.models import AccountToken, User

    with app.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.email == email))
        db.session.execute(sa.update(AccountToken).where(AccountToken.user_id == uid)
                           .values(expires_at=dt.datetime(2020, 1, 1)))
        db.session.commit()


@pytest.fixture
def admin(build, auth):
    a = build.user("admin", email="admin@example.test")
    auth.login(a.email)
    return a


# --- inviting and accepting ------------------------------------------------------------------------------
def test_invite_accept_and_sign_in(app, client, auth, build, admin):
    f = build.factory(name="Invited Knit Ltd")
    r = client.post("/admin/users/invite", data={"email": " New.Owner@Example.test ", "name": "Rina Akter",
                                                 "role": "owner", "factories": str(f.id)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/users")
    assert "Invitation sent to new.owner@example.test" in client.get("/admin/users").get_data(as_text=True)
    row = user_row(app, "new.owner@example.test")
    assert row["active"] is False and row["factories"] == [f.id] and row["role"] == "owner"
    (subject, body), = outbox(app, "new.owner@example.test")
    assert "invited" in subject and re.search("[\u0980-\u09FF]", subject + body)  # English and Bangla
    link = link_in_last_mail(app, "new.owner@example.test", "invite")
    from factorysafe.auth.models import AccountToken
    from factorysafe.auth.rules import token_digest

    with app.app_context():  # only the hash of the link's token is stored
        stored = db.session.scalar(sa.select(AccountToken.token_hash))
    assert stored == token_digest(link.rsplit("/", 1)[1]) and link.rsplit("/", 1)[1] not in stored
    auth.logout()

    assert auth.login("new.owner@example.test", "anything at all").status_code == 401  # not active yet
    page = client.get(link)
    assert page.status_code == 200 and "new.owner@example.test" in page.get_data(as_text=True)
    assert 'name="referrer" content="no-referrer"' in page.get_data(as_text=True)
    weak = client.post(link, data={"password": "password123", "confirm": "password123"})
    assert weak.status_code == 400 and "most common passwords" in weak.get_data(as_text=True)
    assert user_row(app, "new.owner@example.test")["active"] is False  # the link still works after a refusal
    differ = client.post(link, data={"password": GOOD, "confirm": GOOD + "x"})
    assert differ.status_code == 400 and "The two passwords differ" in differ.get_data(as_text=True)
    done = client.post(link, data={"password": GOOD, "confirm": GOOD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert auth.login("new.owner@example.test", GOOD).status_code == 302
    assert "Invited Knit Ltd" in client.get("/dashboard").get_data(as_text=True)
    auth.logout()
    again = client.post(link, data={"password": "another fine passphrase", "confirm": "another fine passphrase"})
    assert again.status_code == 410 and "already" in again.get_data(as_text=True)
    assert verbs(app, row["id"]) == ["invite_user", "accept_invite"]


def test_invite_refusals_keep_the_form(app, client, build, admin):
    build.user("engineer", email="taken@example.test")
    f = build.factory()
    dup = client.post("/admin/users/invite", data={"email": "taken@example.test", "name": "Typed Name", "role": "engineer"})
    html = dup.get_data(as_text=True)
    assert dup.status_code == 409 and "already exists" in html and 'value="Typed Name"' in html
    wrong = client.post("/admin/users/invite", data={"email": "e2@example.test", "role": "engineer", "factories": str(f.id)})
    assert wrong.status_code == 400 and "Only factory owners" in wrong.get_data(as_text=True)
    junk = client.post("/admin/users/invite", data={"email": "o@example.test", "role": "owner", "factories": "12; drop"})
    assert junk.status_code == 400 and "separated by commas" in junk.get_data(as_text=True)
    assert 'value="12; drop"' in junk.get_data(as_text=True)
    missing = client.post("/admin/users/invite", data={"email": "o@example.test", "role": "owner", "factories": "424242"})
    assert missing.status_code == 400 and "no factory with id 424242" in missing.get_data(as_text=True)
    bad_role = client.post("/admin/users/invite", data={"email": "o@example.test", "role": "superuser"})
    assert bad_role.status_code == 400
    not_email = client.post("/admin/users/invite", data={"email": "not an address", "role": "engineer"})
    assert not_email.status_code == 400 and "not an email address" in not_email.get_data(as_text=True)
    assert user_row(app, "o@example.test") is None and user_row(app, "e2@example.test") is None
    assert outbox(app, "o@example.test") == []


def test_only_administrators_manage_users(client, auth, build):
    engineer = build.user("engineer", email="eng@example.test")
    assert client.get("/admin/users").status_code == 302  # a visitor is asked to sign in
    auth.login(engineer.email)
    for url in ("/admin/users", "/admin/users/invite", f"/admin/users/{engineer.id}"):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/users/invite", data={"email": "x@example.test", "role": "admin"}).status_code == 403
    assert client.post(f"/admin/users/{engineer.id}/deactivate").status_code == 403


def test_user_list_pages_and_search(app, client, build, admin, monkeypatch):
    from factorysafe.auth import admin_views

    for i in range(3):
        build.user("engineer", email=f"e{i}@example.test")
    monkeypatch.setattr(admin_views, "PAGE_SIZE", 2)
    first = client.get("/admin/users").get_data(as_text=True)
    assert "admin@example.test" in first and "e0@example.test" in first and "e2@example.test" not in first
    nxt = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(nxt).get_data(as_text=True)
    assert "e1@example.test" in second and "e2@example.test" in second and "e0@example.test" not in second
    assert 'rel="next"' not in second
    found = client.get("/admin/users?q=E2").get_data(as_text=True)
    assert "e2@example.test" in found and "e1@example.test" not in found
    assert client.get("/admin/users?q=%25_%25").status_code == 200  # wildcards are searched as typed
    assert client.get("/admin/users/999999").status_code == 404


def test_admin_sets_role_and_factories(app, client, build, admin):
    f1, f2 = build.factory(), build.factory()
    u = build.user("engineer", email="change@example.test")
    page = client.get(f"/admin/users/{u.id}").get_data(as_text=True)
    assert 'value="engineer" selected' in page or 'selected value="engineer"' in page
    r = client.post(f"/admin/users/{u.id}", data={"name": "Karim", "role": "owner", "factories": f"{f1.id}, {f2.id}"})
    assert r.status_code == 302
    row = user_row(app, "change@example.test")
    assert row["role"] == "owner" and sorted(row["factories"]) == sorted([f1.id, f2.id]) and row["name"] == "Karim"
    assert client.get(f"/admin/users/{u.id}").get_data(as_text=True).count(f'value="{f1.id}, {f2.id}"') == 1
    back = client.post(f"/admin/users/{u.id}", data={"name": "Karim", "role": "engineer", "factories": str(f1.id)})
    assert back.status_code == 400 and "Only factory owners" in back.get_data(as_text=True)
    assert verbs(app, u.id) == ["create_user", "update_user"]


def test_deactivate_ends_access_and_reactivate_restores_it(app, build, admin, client):
    u = build.user("engineer", email="leaving@example.test")
    other = app.test_client()
    other.post("/login", data={"email": "leaving@example.test", "password": "correct horse battery"})
    assert other.get("/dashboard").status_code == 200
    assert client.post(f"/admin/users/{u.id}/deactivate").status_code == 302
    assert user_row(app, "leaving@example.test")["active"] is False
    assert other.get("/dashboard").status_code == 302  # the open session no longer works
    assert other.post("/login", data={"email": "leaving@example.test", "password": "correct horse battery"}).status_code == 401
    again = client.post(f"/admin/users/{u.id}/deactivate")
    assert again.status_code == 409 and "already deactivated" in again.get_data(as_text=True)
    assert client.post(f"/admin/users/{u.id}/reactivate").status_code == 302
    assert other.get("/dashboard").status_code == 302  # reactivation does not revive a session from before
    assert other.post("/login", data={"email": "leaving@example.test", "password": "correct horse battery"}).status_code == 302
    assert verbs(app, u.id) == ["create_user", "deactivate_user", "reactivate_user"]


def test_an_admin_cannot_deactivate_themselves_nor_remove_the_last_admin(app, client, build, admin):
    me = client.post(f"/admin/users/{admin.id}/deactivate")
    assert me.status_code == 409 and "your own account" in me.get_data(as_text=True)
    demote = client.post(f"/admin/users/{admin.id}", data={"role": "engineer", "name": "Me"})
    assert demote.status_code == 409 and "last active administrator" in demote.get_data(as_text=True)
    assert user_row(app, "admin@example.test")["role"] == "admin" and user_row(app, "admin@example.test")["active"]
    second = build.user("admin", email="admin2@example.test")
    assert client.post(f"/admin/users/{admin.id}", data={"role": "engineer"}).status_code == 302  # another admin remains
    assert client.get("/admin/users").status_code == 403  # and I am no longer one
    from factorysafe.auth import services
    from factorysafe.auth.models import User

    with app.app_context():  # the service refuses too, whoever asks
        last = db.session.get(User, second.id)
        with pytest.raises(services.AccountError, match="last active administrator"):
            services.deactivate_user(last, by=None)


def test_resend_invite_replaces_the_link_and_deactivation_revokes_it(app, client, build, admin):
    client.post("/admin/users/invite", data={"email": "late@example.test", "role": "engineer"})
    first = link_in_last_mail(app, "late@example.test", "invite")
    uid = user_row(app, "late@example.test")["id"]
    reactivate = client.post(f"/admin/users/{uid}/reactivate")
    assert reactivate.status_code == 409 and "not accepted its invitation" in reactivate.get_data(as_text=True)
    assert client.post(f"/admin/users/{uid}/resend-invite").status_code == 302
    second = link_in_last_mail(app, "late@example.test", "invite")
    assert second != first and client.get(first).status_code == 410 and client.get(second).status_code == 200
    assert client.post(f"/admin/users/{uid}/deactivate").status_code == 302
    assert client.get(second).status_code == 410
    assert verbs(app, uid) == ["invite_user", "resend_invite", "deactivate_user"]


def test_bad_links_say_why_in_the_users_language(app, client, build, admin):
    client.post("/admin/users/invite", data={"email": "slow@example.test", "role": "engineer"})
    link = link_in_last_mail(app, "slow@example.test", "invite")
    expire_tokens(app, "slow@example.test")
    expired = client.get(link)
    assert expired.status_code == 410 and "This link has expired." in expired.get_data(as_text=True)
    posted = client.post(link, data={"password": GOOD, "confirm": GOOD})
    assert posted.status_code == 410 and user_row(app, "slow@example.test")["active"] is False
    unknown = client.get("/invite/not-a-real-token")
    assert unknown.status_code == 400 and "not valid" in unknown.get_data(as_text=True)
    assert client.get("/password/reset/" + "x" * 5000).status_code == 400
    bn = client.get("/invite/not-a-real-token?lang=bn")
    assert bn.status_code == 400 and english_words(bn.get_data(as_text=True), ("admin@example.test",)) == set()


# --- forgetting, resetting and changing a password ----------------------------------------------------------
def test_forgot_password_answers_the_same_whoever_asks(app, client, build):
    build.user("engineer", email="known@example.test")
    gone = build.user("engineer", email="gone@example.test")
    from factorysafe.auth.models import User

    with app.app_context():
        db.session.get(User, gone.id).active = False
        db.session.commit()
    assert client.get("/password/forgot").status_code == 200
    answers = [visible_text(client.post("/password/forgot", data={"email": e}).get_data(as_text=True))
               for e in ("known@example.test", "nobody@example.test", "gone@example.test", "not an address")]
    assert len(set(answers)) == 1 and "Check your e-mail" in answers[0]
    assert len(outbox(app, "known@example.test")) == 1
    assert outbox(app, "nobody@example.test") == [] and outbox(app, "gone@example.test") == []
    empty = client.post("/password/forgot", data={"email": ""})
    assert empty.status_code == 400


def test_forgot_password_and_link_forms_are_rate_limited_per_connection(app, client, build):
    """Over ACCOUNT_LINK_RATE_LIMIT (10 a minute by default) the form answers 429, as typed, and sends nothing."""
    build.user("owner", email="often@example.test")
    for _ in range(10):
        assert client.post("/password/forgot", data={"email": "often@example.test"}).status_code == 200
    sent = len(outbox(app, "often@example.test"))
    r = client.post("/password/forgot", data={"email": "often@example.test"})
    assert r.status_code == 429
    page = r.get_data(as_text=True)
    assert "Too many requests" in page and 'value="often@example.test"' in page
    assert len(outbox(app, "often@example.test")) == sent
    bn = client.post("/password/forgot?lang=bn", data={"email": "often@example.test"})
    assert bn.status_code == 429 and "Too many requests" not in bn.get_data(as_text=True)


def test_reset_link_sets_a_new_password_once(app, client, auth, build):
    u = build.user("owner", email="forgetful@example.test")
    client.post("/password/forgot", data={"email": "Forgetful@Example.test"})
    link = link_in_last_mail(app, "forgetful@example.test", "password/reset")
    client.post("/password/forgot", data={"email": "forgetful@example.test"})
    assert len(outbox(app, "forgetful@example.test")) == 1  # at most one e-mail a minute
    personal = client.post(link, data={"password": "forgetful@example.test", "confirm": "forgetful@example.test"})
    assert personal.status_code == 400 and "e-mail address or your name" in personal.get_data(as_text=True)
    assert client.post(link, data={"password": GOOD, "confirm": GOOD}).status_code == 302
    assert auth.login("forgetful@example.test").status_code == 401  # the old password no longer works
    assert auth.login("forgetful@example.test", GOOD).status_code == 302
    auth.logout()
    reused = client.post(link, data={"password": "a different passphrase", "confirm": "a different passphrase"})
    assert reused.status_code == 410 and "already used" in reused.get_data(as_text=True)
    assert verbs(app, u.id) == ["create_user", "request_password_reset", "reset_password"]


def test_an_expired_reset_link_offers_a_new_one(app, client, build):
    build.user("owner", email="late@example.test")
    client.post("/password/forgot", data={"email": "late@example.test"})
    link = link_in_last_mail(app, "late@example.test", "password/reset")
    expire_tokens(app, "late@example.test")
    r = client.get(link)
    assert r.status_code == 410 and 'href="/password/forgot"' in r.get_data(as_text=True)


def test_links_use_the_public_base_url_when_set(app, client, build):
    app.config["PUBLIC_BASE_URL"] = "https://factorysafe.example.org/"
    build.user("owner", email="o@example.test")
    client.post("/password/forgot", data={"email": "o@example.test"}, headers={"Host": "evil.example"})
    _subject, body = outbox(app, "o@example.test")[-1]
    assert "https://factorysafe.example.org/password/reset/" in body and "evil.example" not in body


def test_change_own_password(app, client, auth, build):
    build.user("engineer", email="me@example.test")
    assert client.get("/account/password").status_code == 302  # sign in first
    auth.login("me@example.test")
    assert "Change your password" in client.get("/dashboard").get_data(as_text=True)
    wrong = client.post("/account/password", data={"current": "not it at all", "password": GOOD, "confirm": GOOD})
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    short = client.post("/account/password", data={"current": "correct horse battery", "password": "short1",
                                                   "confirm": "short1"})
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    ok = client.post("/account/password", data={"current": "correct horse battery", "password": GOOD, "confirm": GOOD})
    assert ok.status_code == 302
    assert client.get("/dashboard").status_code == 200  # still signed in
    auth.logout()
    assert auth.login("me@example.test").status_code == 401 and auth.login("me@example.test", GOOD).status_code == 302


def test_account_pages_in_bangla(app, client, build, admin):
    names = ("admin@example.test",)
    for url in ("/admin/users", "/admin/users/invite", f"/admin/users/{admin.id}", "/account/password",
                "/password/forgot"):
        r = client.get(url + "?lang=bn")
        assert r.status_code == 200, url
        assert english_words(r.get_data(as_text=True), names) == set(), url
    refused = client.post("/admin/users/invite?lang=bn", data={"email": "admin@example.test", "role": "engineer"})
    assert refused.status_code == 409 and english_words(refused.get_data(as_text=True), names) == set()
    weak = client.post("/account/password?lang=bn", data={"current": "correct horse battery",
                                                          "password": "qwertyuiop", "confirm": "qwertyuiop"})
    assert weak.status_code == 400 and english_words(weak.get_data(as_text=True), names) == set()
    assert "qwertyuiop" not in weak.get_data(as_text=True)  # passwords are never echoed back
    sent = client.post("/password/forgot?lang=bn", data={"email": "admin@example.test"})
    assert english_words(sent.get_data(as_text=True), names) == set()


def test_invitations_are_sent_by_smtp_when_configured_and_wait_in_the_outbox_when_it_fails(app, client, admin):
    import email
    import email.policy
    import socket

    from factorysafe.actions.models import OutboxMessage
    from helpers_actions import SMTPSink

    with SMTPSink() as sink:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, MAIL_FROM="noreply@factorysafe.test")
        assert client.post("/admin/users/invite", data={"email": "mailed@example.test", "role": "engineer"}).status_code == 302
        assert [m["to"] for m in sink.messages] == [["mailed@example.test"]]
        mail = email.message_from_string(sink.messages[0]["data"], policy=email.policy.default)
        assert "/invite/" in mail.get_content() and "factorysafe" in mail["Subject"]
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        app.config["SMTP_PORT"] = s.getsockname()[1]
        r = client.post("/admin/users/invite", data={"email": "queued@example.test", "role": "engineer"})
    assert r.status_code == 302 and user_row(app, "queued@example.test") is not None
    with app.app_context():
        unsent = db.session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.sent_at.is_(None))).all()
    assert unsent == ["queued@example.test"]


def test_a_link_works_once_even_when_two_requests_race(app, client, admin):
    """Both requests read the token as unused; the conditional UPDATE lets only the first one use it."""
    from factorysafe.auth import services
    from factorysafe.auth.models import TokenPurpose

    client.post("/password/forgot", data={"email": "admin@example.test"})
    token = link_in_last_mail(app, "admin@example.test", "password/reset").rsplit("/", 1)[1]
    with app.app_context():
        first = services.token_for(token, TokenPurpose.RESET)  # the racing request found the token unused
        services.reset_password(token, GOOD)
        db.session.commit()
        with pytest.raises(services.TokenError) as refused:
            services._use(first)  # the racing request, which checked the token before this commit
        assert refused.value.status == 410
