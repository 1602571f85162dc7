"""Optimistic locking: two people edit one action; the second gets a conflict, nothing is lost."""
import threading

import pytest

from helpers_actions import World, action_row


@pytest.fixture
def world(build):
    return World(build)


def test_second_of_two_concurrent_plan_edits_gets_a_conflict_with_its_text_kept(app, auth, world, build):
    build.user("owner", "owner2@example.test", factories=[world.factory])
    first, second = app.test_client(), app.test_client()
    first.post("/login", data={"email": "owner@example.test", "password": "correct horse battery"})
    second.post("/login", data={"email": "owner2@example.test", "password": "correct horse battery"})
    # both open the page at version 1
    assert first.get(f"/actions/{world.action_id}").status_code == 200
    v = str(action_row(app, world.action_id)["version"])
    r1 = first.post(f"/actions/{world.action_id}/plan", data={
        "plan-planned_action": "Install fire doors on both stairs.", "plan-responsible_person": "A",
        "plan-version": v})
    assert r1.status_code == 302
    r2 = second.post(f"/actions/{world.action_id}/plan", data={
        "plan-planned_action": "Replace the wooden doors with rated ones.", "plan-responsible_person": "B",
        "plan-version": v})
    assert r2.status_code == 409
    body = r2.get_data(as_text=True)
    assert "Someone else changed this action" in body
    assert "Replace the wooden doors with rated ones." in body  # the typed text is kept in the form
    assert "Install fire doors on both stairs." in body  # and the other person's change is shown
    row = action_row(app, world.action_id)
    assert row["planned_action"] == "Install fire doors on both stairs."
    # the re-rendered form carries the current version: sending it again now succeeds
    r3 = second.post(f"/actions/{world.action_id}/plan", data={
        "plan-planned_action": "Replace the wooden doors with rated ones.", "plan-responsible_person": "B",
        "plan-version": str(row["version"])})
    assert r3.status_code == 302
    assert action_row(app, world.action_id)["planned_action"] == "Replace the wooden doors with rated ones."


def test_engineer_verifying_a_stale_page_gets_a_conflict(app, client, auth, world):
    from helpers_actions import report_fix_via_service

    report_fix_via_service(app, world)
    auth.login("engineer@example.test")
    stale = str(action_row(app, world.action_id)["version"] - 1)
    r = client.post(f"/actions/{world.action_id}/verify", data={"verify-verified_on": "2025-03-01",
                                                               "verify-version": stale})
    assert r.status_code == 409 and action_row(app, world.action_id)["status"] == "pending_verification"


def test_truly_simultaneous_updates_never_both_win(app, world):
    """Two sessions load the same row and flush at once: version_id_col makes one fail (StaleDataError)."""
    from sqlalchemy.orm.exc import StaleDataError

    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User
    from factorysafe.actions import services
    from factorysafe.db import db

    results = {}
    barrier = threading.Barrier(2)

    def edit(name, text):
        with app.app_context():
            a = db.session.get(CorrectiveAction, world.action_id)
            by = db.session.get(User, world.owner.id)
            by.is_authenticated  # noqa: B018
            barrier.wait()
            try:
                services.update_plan(a, text, "", None, by=by, version=a.version)
                db.session.commit()
                results[name] = "ok"
            except (StaleDataError, Exception) as exc:  # SQLite may also answer "database is locked"
                db.session.rollback()
                results[name] = type(exc).__name__
            finally:
                db.session.remove()

    threads = [threading.Thread(target=edit, args=(n, f"plan {n}")) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()).count("ok") == 1, results
    row = action_row(app, world.action_id)
    winner = [n for n, r in results.items() if r == "ok"][0]
    assert row["planned_action"] == f"plan {winner}" and row["version"] == 2
