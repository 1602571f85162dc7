"""The audit trail: every action change is an event; tampering is detected by ``flask audit verify``."""
import threading

import pytest
import sqlalchemy as sa

from factorysafe import audit
from factorysafe.db import db
from helpers_actions import World, report_fix_via_service


@pytest.fixture
def world(build):
    w = World(build)
    report_fix_via_service(build.app, w)
    return w


def events(app):
    with app.app_context():
        return db.session.execute(sa.select(audit.AuditEvent.id, audit.AuditEvent.verb).order_by(audit.AuditEvent.id)).all()


def test_intact_chain_verifies(app, runner, world):
    r = runner.invoke(args=["audit", "verify"])
    assert r.exit_code == 0 and "intact" in r.output
    assert "report_fix" in [v for _i, v in events(app)]


def test_changing_one_stored_event_is_detected_and_named(app, runner, world):
    evs = events(app)
    target = [i for i, v in evs if v == "report_fix"][0]
    with app.app_context():
        db.session.execute(sa.text("UPDATE audit_events SET note = 'nothing to see' WHERE id = :i"), {"i": target})
        db.session.commit()
    r = runner.invoke(args=["audit", "verify"])
    assert r.exit_code == 1 and f"event {target}" in r.output and "changed" in r.output


def test_changing_the_hashes_too_is_still_detected(app, runner, world):
    """Recomputing the edited event's own hash breaks the link to the next event."""
    evs = events(app)
    target = evs[-2][0]
    with app.app_context():
        ev = db.session.get(audit.AuditEvent, target)
        ev.after = '{"forged": true}'
        new_hash = audit.event_hash(ev.prev_hash, ev.payload())
        db.session.rollback()
        db.session.execute(sa.text("UPDATE audit_events SET after = :a, hash = :h WHERE id = :i"),
                           {"a": '{"forged": true}', "h": new_hash, "i": target})
        db.session.commit()
    r = runner.invoke(args=["audit", "verify"])
    assert r.exit_code == 1 and f"event {evs[-1][0]}" in r.output


def test_removing_one_stored_event_is_detected_and_named(app, runner, world):
    evs = events(app)
    removed, following = evs[1][0], evs[2][0]
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :i"), {"i": removed})
        db.session.commit()
    r = runner.invoke(args=["audit", "verify"])
    assert r.exit_code == 1 and f"event {following}" in r.output and "removed" in r.output


def test_concurrent_appends_keep_one_chain(app):
    """Threads appending at once (separate connections) never fork the chain."""
    errors = []

    def append(n):
        try:
            with app.app_context():
                for k in range(10):
                    audit.record("test_append", subject_type="test", subject_id=n * 100 + k)
                    db.session.commit()
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            with app.app_context():
                db.session.remove()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(audit.AuditEvent.verb == "test_append")) == 40
        assert audit.verify_chain() is None


def test_a_refused_operation_writes_no_event(app, client, auth, world):
    n = len(events(app))
    auth.login("owner@example.test")
    client.post(f"/actions/{world.action_id}/verify", data={"verify-verified_on": "2025-03-01"})
    assert len(events(app)) == n


def test_removing_events_from_the_end_is_caught_with_a_recorded_head(app, runner, world):
    first = runner.invoke(args=["audit", "verify"])
    head = first.output.strip().rsplit("Head: ", 1)[1]
    assert runner.invoke(args=["audit", "verify", "--head", head]).exit_code == 0
    with app.app_context():
        last = db.session.scalar(sa.select(sa.func.max(audit.AuditEvent.id)))
        db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :i"), {"i": last})
        db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # a shorter chain is still a valid chain ...
    r = runner.invoke(args=["audit", "verify", "--head", head])
    assert r.exit_code == 1 and "removed from its end" in r.output  # ... but not the one recorded earlier
