"""Anchoring the audit chain: a published head and signed daily checkpoints catch a chain cut short or
rewritten with recomputed hashes; deleting a user changes nothing hashed; moved deadlines are events;
``seed-demo --reset`` does not erase real history silently."""
import datetime as dt
import json
from pathlib import Path

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


def _events(app):
    with app.app_context():
        return db.session.execute(sa.select(audit.AuditEvent.id, audit.AuditEvent.hash)
                                  .order_by(audit.AuditEvent.id)).all()


def _head(app) -> str:
    with app.app_context():
        n, h = audit.head()
        return f"{n}:{h}"


def _rewrite_from(app, event_id: int, after: str) -> None:
    """A forger with database access: change one event and recompute its hash and every later one."""
    with app.app_context():
        rows = db.session.scalars(sa.select(audit.AuditEvent).where(audit.AuditEvent.id >= event_id)
                                  .order_by(audit.AuditEvent.id)).all()
        prev = db.session.scalar(sa.select(audit.AuditEvent.hash).where(audit.AuditEvent.id < event_id)
                                 .order_by(audit.AuditEvent.id.desc()).limit(1)) or audit.GENESIS
        new = []
        for ev in rows:
            if ev.id == event_id:
                ev.after = after
            h = audit.event_hash(prev, ev.payload())
            new.append((ev.id, prev, h, ev.after))
            prev = h
        db.session.rollback()
        # prev_hash is UNIQUE: move the rows out of the way first, then write the forged chain
        for i, _p, _h, _a in new:
            db.session.execute(sa.text("UPDATE audit_events SET prev_hash = :x WHERE id = :i"), {"x": f"tmp{i}", "i": i})
        for i, p, h, a in new:
            db.session.execute(sa.text("UPDATE audit_events SET prev_hash = :p, hash = :h, after = :a WHERE id = :i"),
                               {"p": p, "h": h, "a": a, "i": i})
        db.session.commit()


# --- the published head ----------------------------------------------------------------------------
def test_head_is_published_on_the_open_data_page_and_in_the_api(app, client, world):
    anchor = _head(app)
    count, digest = anchor.split(":")
    r = client.get("/api/v1/audit/head")
    assert r.status_code == 200
    assert r.get_json() == {"events": int(count), "hash": digest, "anchor": anchor}
    page = client.get("/open-data").get_data(as_text=True)
    assert anchor in page and "/api/v1/audit/head" in page
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["paths"]["/api/v1/audit/head"]["get"]["operationId"] == "getAuditHead"
    import jsonschema

    jsonschema.Draft202012Validator({"$ref": "#/components/schemas/AuditHead", "components": spec["components"]}
                                    ).validate(r.get_json())


def test_head_of_an_empty_chain(app, client):
    assert client.get("/api/v1/audit/head").get_json() == {"events": 0, "hash": audit.GENESIS,
                                                          "anchor": f"0:{audit.GENESIS}"}


def test_verify_prints_the_head_and_accepts_it_back(app, runner, world):
    r = runner.invoke(args=["audit", "verify"])
    assert r.exit_code == 0 and r.output.strip().endswith(f"Head: {_head(app)}")
    assert runner.invoke(args=["audit", "verify", "--head", _head(app)]).exit_code == 0


def test_a_kept_head_catches_events_removed_from_the_end(app, runner, world):
    kept = _head(app)
    last = _events(app)[-1][0]
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :i"), {"i": last})
        db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # a shorter chain is a valid chain ...
    r = runner.invoke(args=["audit", "verify", "--head", kept])
    assert r.exit_code == 1 and "removed from its end" in r.output  # ... but not the one published


def test_a_kept_head_catches_a_rewrite_with_all_later_hashes_recomputed(app, runner, world):
    kept = _head(app)
    target = _events(app)[1][0]
    _rewrite_from(app, target, '{"forged": true}')
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the forgery is a valid chain by itself
    r = runner.invoke(args=["audit", "verify", "--head", kept])
    assert r.exit_code == 1 and "rewritten" in r.output


def test_an_older_head_still_verifies_after_more_events(app, runner, world, build):
    kept = _head(app)
    with app.app_context():
        audit.record("test_event", subject_type="test", subject_id=1)
        db.session.commit()
    assert runner.invoke(args=["audit", "verify", "--head", kept]).exit_code == 0


@pytest.mark.parametrize("bad", ["12", "x:abc", "3:" + "g" * 64, "3:" + "a" * 63])
def test_a_malformed_head_is_a_usage_error(runner, world, bad):
    r = runner.invoke(args=["audit", "verify", "--head", bad])
    assert r.exit_code == 2 and "COUNT:HASH" in r.output


# --- signed daily checkpoints -----------------------------------------------------------------------
def _checkpoint(runner, day="2026-11-29"):
    return runner.invoke(args=["audit", "checkpoint", "--today", day])


def test_checkpoint_is_written_once_a_day_and_signed_with_a_key_outside_the_database(app, runner, world):
    r = _checkpoint(runner)
    assert r.exit_code == 0 and "written" in r.output and _head(app) in r.output
    with app.app_context():
        audit.record("test_event", subject_type="test", subject_id=1)
        db.session.commit()
    again = _checkpoint(runner)
    assert again.exit_code == 0 and "already written" in again.output
    with app.app_context():
        [cp] = db.session.scalars(sa.select(audit.AuditCheckpoint)).all()
        assert cp.day == dt.date(2026, 11, 29) and cp.event_count == len(_events(app)) - 1
        assert cp.signature == audit.checkpoint_signature(cp.day, cp.event_count, cp.head_hash)
        key = app.config["AUDIT_SIGNING_KEY"]
        # the key is generated once into the instance folder (like the secret key), never stored in a table
        key_file = Path(app.instance_path) / "audit_signing_key"
        assert key_file.read_text().strip() == key and oct(key_file.stat().st_mode)[-3:] == "600"
        dump = json.dumps([list(r) for t in db.metadata.sorted_tables for r in db.session.execute(sa.select(t))],
                          default=str)
        assert key not in dump
    r = runner.invoke(args=["audit", "verify"])
    assert r.exit_code == 0 and "1 signed checkpoint(s) match" in r.output


def test_a_checkpoint_catches_truncation_and_rewriting_without_any_kept_head(app, runner, world):
    assert _checkpoint(runner).exit_code == 0
    target = _events(app)[0][0]
    _rewrite_from(app, target, '{"forged": true}')
    r = runner.invoke(args=["audit", "verify"])
    assert r.exit_code == 1 and "checkpoint of 2026-11-29" in r.output and "rewritten" in r.output


def test_a_checkpoint_catches_events_removed_from_the_end(app, runner, world):
    assert _checkpoint(runner).exit_code == 0
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :i"), {"i": _events(app)[-1][0]})
        db.session.commit()
    r = runner.invoke(args=["audit", "verify"])
    assert r.exit_code == 1 and "removed from its end" in r.output


def test_a_forged_checkpoint_fails_its_signature(app, runner, world):
    """Rewriting the chain and the checkpoint to match needs the key: without it the signature fails."""
    assert _checkpoint(runner).exit_code == 0
    target = _events(app)[0][0]
    _rewrite_from(app, target, '{"forged": true}')
    with app.app_context():
        n, h = audit.head()
        forged = audit.checkpoint_signature(dt.date(2026, 11, 29), n, h, key=b"a guessed key")
        db.session.execute(sa.text("UPDATE audit_checkpoints SET head_hash = :h, signature = :s"), {"h": h, "s": forged})
        db.session.commit()
    r = runner.invoke(args=["audit", "verify"])
    assert r.exit_code == 1 and "does not carry a valid signature" in r.output


def test_a_checkpoint_needs_the_same_key_to_verify(app_config, runner, world):
    from factorysafe import create_app

    assert _checkpoint(runner).exit_code == 0
    other = create_app({**app_config, "AUDIT_SIGNING_KEY": "another deployment's key"})
    r = other.test_cli_runner().invoke(args=["audit", "verify"])
    assert r.exit_code == 1 and "valid signature" in r.output
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_checkpoint_rejects_a_malformed_day(runner):
    r = _checkpoint(runner, "29/11/2026")
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output


# --- deleting a user ---------------------------------------------------------------------------------
def test_deleting_a_user_keeps_the_chain_valid(app, runner, world):
    """The FK actor_id is set to NULL, but the hashed id is actor_ref, which stays (no false break)."""
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(audit.AuditEvent)
                                   .where(audit.AuditEvent.actor_id == world.owner.id))
        assert before >= 1
        db.session.execute(sa.text("DELETE FROM factory_owners WHERE user_id = :u"), {"u": world.owner.id})
        db.session.execute(sa.text("DELETE FROM users WHERE id = :u"), {"u": world.owner.id})
        db.session.commit()
        ev = db.session.scalars(sa.select(audit.AuditEvent).where(audit.AuditEvent.verb == "report_fix")).one()
        assert ev.actor_id is None and ev.actor_ref == world.owner.id and ev.actor_email == "owner@example.test"
    r = runner.invoke(args=["audit", "verify"])
    assert r.exit_code == 0, r.output


# --- a moved inspection date moves deadlines: an event on each action ---------------------------------
def test_changing_the_inspection_date_records_deadline_moved_on_each_moved_action(app, client, auth, build):
    from factorysafe.actions.models import CorrectiveAction, DeadlineExtension
    from factorysafe.inspections.models import Inspection

    factory = build.factory()
    eng = build.user("engineer", "eng@example.test")
    insp = build.inspection(factory, state="draft", inspected_on=dt.date(2025, 1, 1), engineer=eng)
    moved = build.finding(insp, severity="medium", hazard_code=None)
    extended = build.finding(insp, severity="high", hazard_code=None)
    with app.app_context():  # an approved extension fixes that action's deadline: it does not move
        a = db.session.get(CorrectiveAction, extended.action_id)
        db.session.add(DeadlineExtension(action_id=a.id, reason="r", previous_deadline=a.deadline,
                                         requested_deadline=a.deadline + dt.timedelta(days=30), status="approved"))
        db.session.commit()
        old = db.session.get(CorrectiveAction, moved.action_id).deadline
        version = db.session.get(Inspection, insp.id).version
    auth.login("eng@example.test")
    r = client.post(f"/inspections/{insp.id}/edit", data={
        "type": "initial", "inspected_on": "2025-03-01", "disciplines": ["fire"], "version": version,
        "engineer_ids": [eng.id]})
    assert r.status_code == 302
    with app.app_context():
        new = db.session.get(CorrectiveAction, moved.action_id).deadline
        assert new > old
        events = db.session.scalars(sa.select(audit.AuditEvent).where(audit.AuditEvent.verb == "deadline_moved")).all()
        assert [(e.subject_type, e.subject_id) for e in events] == [("corrective_actions", moved.action_id)]
        assert events[0].before_data["deadline"] == old.isoformat()
        assert events[0].after_data["deadline"] == new.isoformat()
        assert events[0].actor_email == "eng@example.test" and "2025-03-01" in events[0].note
        assert audit.verify_chain() is None
    # the action's own history shows it
    from factorysafe.actions import queries

    with app.app_context():
        assert "deadline_moved" in [e.verb for e in queries.action_history(moved.action_id)]


# --- seed-demo --reset -----------------------------------------------------------------------------
def _seed(runner, *extra):
    return runner.invoke(args=["seed-demo", "--factories", "2", "--findings-per-factory", "3", "--no-photos", *extra])


def test_reset_erases_a_chain_written_only_by_the_demo_seeding(app, runner):
    assert _seed(runner).exit_code == 0
    r = _seed(runner, "--reset")
    assert r.exit_code == 0, r.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(audit.AuditEvent.verb == "seed_demo")) == 1
        assert audit.verify_chain() is None


def test_reset_refuses_to_erase_real_events_unless_forced(app, runner, build):
    assert _seed(runner).exit_code == 0
    with app.app_context():  # real work after the demo was seeded
        audit.record("update_factory", subject_type="factories", subject_id=1, note="a real change")
        db.session.commit()
        kept = audit.head()
    r = _seed(runner, "--reset")
    assert r.exit_code == 1 and "1 event(s) not written by the demo seeding" in r.output and "--force" in r.output
    with app.app_context():
        assert audit.head() == kept  # nothing erased
    r = _seed(runner, "--reset", "--force")
    assert r.exit_code == 0, r.output
    with app.app_context():
        first = db.session.scalars(sa.select(audit.AuditEvent).order_by(audit.AuditEvent.id)).first()
        assert first.verb == "reset_database" and f"{kept[0]}:{kept[1]}" in first.note
        assert audit.verify_chain() is None
    # the forced reset is itself on record: the next --reset needs --force again
    assert _seed(runner, "--reset").exit_code == 1


def test_force_only_goes_with_reset(runner):
    r = _seed(runner, "--force")
    assert r.exit_code == 2 and "--force only goes with --reset" in r.output
