"""Races on deadline extensions, settled by the database: two simultaneous requests for one action, or a
simultaneous approve and decline, never both succeed; the loser gets a 409 and only one event is written."""
import threading

import pytest
import sqlalchemy as sa

from factorysafe.db import db
from helpers_actions import World, action_row, audit_verbs, version_of_world


@pytest.fixture
def world(build):
    return World(build)


def _open_requests(app, action_id):
    from factorysafe.actions.models import DeadlineExtension, ExtensionStatus

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(DeadlineExtension).where(
            DeadlineExtension.action_id == action_id, DeadlineExtension.status == ExtensionStatus.REQUESTED))


def _race(app, work):
    """Run ``work(name)`` in two threads with their own sessions; both load their objects, then meet at
    the barrier and write at once. Returns {name: "ok" or the refusal's class name}."""
    from factorysafe.errors import refusal

    results = {}
    barrier = threading.Barrier(2, timeout=30)

    def run(name):
        with app.app_context():
            try:
                work(name, barrier)
                db.session.commit()
                results[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - the loser's refusal is the point
                db.session.rollback()
                results[name] = type(exc).__name__ if refusal(exc) is not None else f"BUG {exc!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_simultaneous_extension_requests_leave_one_open_request(app, world):
    import datetime as dt

    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User

    def ask(name, barrier):
        a = db.session.get(CorrectiveAction, world.action_id)
        by = db.session.get(User, world.owner.id)
        list(a.extensions)  # both have seen "no open request" before either writes
        seen = a.version
        barrier.wait()
        services.request_extension(a, dt.date(2025, 6, 1), f"reason {name}", by=by, version=seen)

    results = _race(app, ask)
    assert sorted(results.values()).count("ok") == 1, results
    assert not any(r.startswith("BUG") for r in results.values()), results
    assert _open_requests(app, world.action_id) == 1
    assert audit_verbs(app, world.action_id) == ["request_extension"]


def test_simultaneous_approve_and_decline_only_one_wins(app, world, build):
    import datetime as dt

    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction, DeadlineExtension, ExtensionStatus
    from factorysafe.auth.models import User

    second_engineer = build.user("engineer", "engineer2@example.test")
    with app.app_context():
        a = db.session.get(CorrectiveAction, world.action_id)
        ext = services.request_extension(a, dt.date(2025, 6, 1), "Parts on order.",
                                         by=db.session.get(User, world.owner.id), version=a.version)
        db.session.commit()
        ext_id, original = ext.id, a.deadline

    def decide(name, barrier):
        ext = db.session.get(DeadlineExtension, ext_id)
        by = db.session.get(User, world.engineer.id if name == "a" else second_engineer.id)
        seen = ext.action.version
        barrier.wait()
        services.decide_extension(ext, name == "a", "" if name == "a" else "Not convinced.", by=by, version=seen)

    results = _race(app, decide)
    assert sorted(results.values()).count("ok") == 1, results
    assert not any(r.startswith("BUG") for r in results.values()), results
    winner = "approve" if results["a"] == "ok" else "decline"
    verbs = audit_verbs(app, world.action_id)
    assert verbs == ["request_extension", f"{winner}_extension"], verbs
    with app.app_context():
        ext = db.session.get(DeadlineExtension, ext_id)
        assert ext.status == (ExtensionStatus.APPROVED if winner == "approve" else ExtensionStatus.DECLINED)
    assert action_row(app, world.action_id)["deadline"] == (dt.date(2025, 6, 1) if winner == "approve" else original)


# --- the same races, made deterministic: the other write lands between our checks and our write --------
def _someone_else_meanwhile(app, monkeypatch, sql, params, after="check_version"):
    """Once the service has passed ``after`` (its checks), another connection commits ``sql``; our own write
    comes next. ``after="_bump"``: just before the service's first write."""
    from factorysafe.actions import services

    real = getattr(services, after)
    done = []

    def someone_writes_first(*args):
        if after == "check_version":
            real(*args)
        if not done:
            done.append(True)
            with db.engine.begin() as other:
                for statement in sql:
                    other.execute(sa.text(statement), params)
        if after != "check_version":
            real(*args)

    monkeypatch.setattr(services, after, someone_writes_first)


def test_request_racing_another_request_gets_409_and_writes_nothing(app, client, auth, world, monkeypatch):
    _someone_else_meanwhile(app, monkeypatch, [
        "INSERT INTO deadline_extensions (action_id, requested_at, reason, previous_deadline, requested_deadline, "
        "status, decision_comment) VALUES (:a, '2025-02-01 10:00:00', 'theirs', '2025-02-12', '2025-05-01', "
        "'requested', '')",
        "UPDATE corrective_actions SET version = version + 1 WHERE id = :a"], {"a": world.action_id}, after="_bump")
    auth.login("owner@example.test")
    r = client.post(f"/actions/{world.action_id}/extensions", data={
        "extension-new_deadline": "2025-06-01", "extension-reason": "Mine, typed on site.",
        "extension-version": version_of_world(world)})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    # the page says why and shows the request that won (a second one cannot be made while it is open)
    assert "Someone else changed this action" in html and "theirs" in html
    assert _open_requests(app, world.action_id) == 1
    assert audit_verbs(app, world.action_id) == []


def test_the_database_holds_one_open_request_even_without_the_version_bump(app, client, auth, world, monkeypatch):
    """A writer that does not bump the version (a script, an old worker): the partial unique index refuses."""
    _someone_else_meanwhile(app, monkeypatch, [
        "INSERT INTO deadline_extensions (action_id, requested_at, reason, previous_deadline, requested_deadline, "
        "status, decision_comment) VALUES (:a, '2025-02-01 10:00:00', 'theirs', '2025-02-12', '2025-05-01', "
        "'requested', '')"], {"a": world.action_id}, after="_bump")
    auth.login("owner@example.test")
    r = client.post(f"/actions/{world.action_id}/extensions", data={
        "extension-new_deadline": "2025-06-01", "extension-reason": "Mine.", "extension-version": version_of_world(world)})
    assert r.status_code == 409
    assert "already waiting for a decision" in r.get_data(as_text=True)
    assert _open_requests(app, world.action_id) == 1
    assert audit_verbs(app, world.action_id) == []


def test_decision_racing_another_decision_gets_409_and_one_event(app, client, auth, world, monkeypatch):
    import datetime as dt

    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction, DeadlineExtension
    from factorysafe.auth.models import User

    with app.app_context():
        a = db.session.get(CorrectiveAction, world.action_id)
        ext = services.request_extension(a, dt.date(2025, 6, 1), "Parts on order.",
                                         by=db.session.get(User, world.owner.id), version=a.version)
        db.session.commit()
        ext_id = ext.id
    # someone declines it between our checks and our write (without touching the action's version)
    _someone_else_meanwhile(app, monkeypatch, [
        "UPDATE deadline_extensions SET status = 'declined', decision_comment = 'theirs' WHERE id = :e"], {"e": ext_id})
    auth.login("engineer@example.test")
    r = client.post(f"/actions/extensions/{ext_id}/decide", data={
        f"decide-{ext_id}-decision": "approve", f"decide-{ext_id}-comment": "Mine.",
        f"decide-{ext_id}-version": version_of_world(world)})
    assert r.status_code == 409
    assert "already been decided" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DeadlineExtension, ext_id).decision_comment == "theirs"
    assert action_row(app, world.action_id)["deadline"] == dt.date(2025, 2, 12)
    assert audit_verbs(app, world.action_id) == ["request_extension"]


def test_a_stale_page_cannot_decide_after_a_colleague_did(app, client, auth, world, build):
    """Two engineers open the request; the first approves; the second's decline (same page version) is a 409."""
    import datetime as dt

    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User

    with app.app_context():
        a = db.session.get(CorrectiveAction, world.action_id)
        ext = services.request_extension(a, dt.date(2025, 6, 1), "Parts on order.",
                                         by=db.session.get(User, world.owner.id), version=a.version)
        db.session.commit()
        ext_id = ext.id
    seen = version_of_world(world)
    build.user("engineer", "engineer2@example.test")
    other = app.test_client()
    other.post("/login", data={"email": "engineer2@example.test", "password": "correct horse battery"})
    assert other.post(f"/actions/extensions/{ext_id}/decide", data={
        f"decide-{ext_id}-decision": "approve", f"decide-{ext_id}-version": seen}).status_code == 302
    auth.login("engineer@example.test")
    r = client.post(f"/actions/extensions/{ext_id}/decide?lang=bn", data={
        f"decide-{ext_id}-decision": "decline", f"decide-{ext_id}-comment": "No.", f"decide-{ext_id}-version": seen})
    assert r.status_code == 409
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("bn"):
        bangla = str(services.CONFLICT_MESSAGE)
    assert bangla != str(services.CONFLICT_MESSAGE._args[0]) and bangla in r.get_data(as_text=True)
    assert audit_verbs(app, world.action_id) == ["request_extension", "approve_extension"]
