"""The whole life of a corrective action through HTTP, for each role, with every forbidden move."""
import datetime as dt
import io

import pytest

from helpers_actions import World, action_row, audit_verbs, jpeg_bytes, version_of

D = dt.date


@pytest.fixture
def world(build):
    return World(build)


def url(world, suffix=""):
    return f"/actions/{world.action_id}{suffix}"


def plan_data(app, world, text="Remove the cartons and mark the exit path.", **kw):
    return {"plan-planned_action": text, "plan-responsible_person": "Mr. Karim, compliance",
            "plan-target_date": "2025-02-01", "plan-version": str(version_of(app, world.action_id)), **kw}


def report_data(app, world, note="Cartons removed; exit marked.", photos=1):
    data = {"report-note": note, "report-version": str(version_of(app, world.action_id))}
    if photos:
        data["report-photos"] = [(io.BytesIO(jpeg_bytes((i * 40, 90, 30))), f"fix{i}.jpg") for i in range(photos)]
    return data


def verify_data(app, world, on="2025-03-01"):
    return {"verify-verified_on": on, "verify-note": "Checked at follow-up.",
            "verify-version": str(version_of(app, world.action_id))}


def test_whole_life_owner_plans_reports_engineer_rejects_then_verifies(app, client, auth, world):
    auth.login("owner@example.test")
    page = client.get(url(world))
    assert page.status_code == 200 and b"Report the fix" in page.data and b"Verify the fix" not in page.data

    r = client.post(url(world, "/plan"), data=plan_data(app, world))
    assert r.status_code == 302
    assert action_row(app, world.action_id)["planned_action"] == "Remove the cartons and mark the exit path."

    r = client.post(url(world, "/comments"), data={"comment-body": "Work starts Monday."})
    assert r.status_code == 302

    r = client.post(url(world, "/report-fix"), data=report_data(app, world, photos=2),
                    content_type="multipart/form-data")
    assert r.status_code == 302
    row = action_row(app, world.action_id)
    assert row["status"] == "pending_verification" and row["fix_note"] == "Cartons removed; exit marked."
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.db import db
    with app.app_context():
        assert len(db.session.get(CorrectiveAction, world.action_id).evidence) == 2

    auth.logout()
    auth.login("engineer@example.test")
    page = client.get(url(world))
    assert b"Verify the fix" in page.data and b"Work starts Monday." in page.data
    r = client.post(url(world, "/reject"), data={"reject-reason": "Gate still padlocked at night.",
                                                 "reject-version": str(version_of(app, world.action_id))})
    assert r.status_code == 302
    row = action_row(app, world.action_id)
    assert row["status"] == "in_progress" and row["rejection_reason"] == "Gate still padlocked at night."

    auth.logout()
    auth.login("owner@example.test")
    r = client.post(url(world, "/report-fix"), data=report_data(app, world, note="Padlock removed.", photos=0),
                    content_type="multipart/form-data")
    assert r.status_code == 302
    auth.logout()
    auth.login("engineer@example.test")
    today = dt.date.today().isoformat()
    r = client.post(url(world, "/verify"), data=verify_data(app, world, on=today))
    assert r.status_code == 302
    row = action_row(app, world.action_id)
    assert row["status"] == "corrected" and row["verified_on"] == dt.date.today() and row["verified_by_id"] == world.engineer.id

    page = client.get(url(world)).get_data(as_text=True)
    assert "Corrected" in page and f"Verified on {today}" in page
    # the history tells each step in a sentence, with who did it, never the stored field names
    for sentence in ("The factory updated its plan (the planned action, the responsible person, the target date).",
                     "A comment was added.", "The factory reported it fixed, with 2 photos.",
                     "An engineer did not accept the reported fix; the work goes on.",
                     "The factory reported it fixed, with no photo.", f"An engineer verified the fix: corrected on {today}."):
        assert sentence in page
    history = page[page.index('id="action-history"'):]
    for raw in ("evidence_photo_ids", "pending_verification", "in_progress", "verified_by_id", "→"):
        assert raw not in history
    bangla = client.get(url(world) + "?lang=bn").get_data(as_text=True)
    bangla_history = bangla[bangla.index('id="action-history"'):]
    assert "কারখানা জানিয়েছে এটি মেরামত করা হয়েছে, 2টি ছবিসহ।" in bangla_history
    assert "The factory" not in bangla_history and "evidence_photo_ids" not in bangla_history
    assert audit_verbs(app, world.action_id) == ["update_plan", "add_comment", "report_fix", "reject_fix",
                                                 "report_fix", "verify_fix"]


def test_owner_can_never_set_corrected(app, client, auth, world):
    auth.login("owner@example.test")
    client.post(url(world, "/report-fix"), data=report_data(app, world), content_type="multipart/form-data")
    before = action_row(app, world.action_id)
    for path, data in [("/verify", verify_data(app, world)),
                       ("/reject", {"reject-reason": "x", "reject-version": str(before["version"])})]:
        r = client.post(url(world, path), data=data)
        assert r.status_code == 403
    assert action_row(app, world.action_id) == before


def test_owner_never_touches_another_factorys_action(app, client, auth, world):
    auth.login("other@example.test")
    before = action_row(app, world.action_id)
    n_events = len(audit_verbs(app))
    for path, data in [("/plan", plan_data(app, world, "hijack")),
                       ("/report-fix", {"report-note": "hijack", "report-version": str(before["version"])}),
                       ("/comments", {"comment-body": "hijack"}),
                       ("/extensions", {"extension-new_deadline": "2026-01-01", "extension-reason": "hijack"})]:
        r = client.post(url(world, path), data=data)
        assert r.status_code == 403, path
    assert client.get(f"/manage/factories/{world.factory.id}/cap").status_code == 403
    assert action_row(app, world.action_id) == before and len(audit_verbs(app)) == n_events
    # the published action is public, read-only: no forms, no comments, no history, no emails
    page = client.get(url(world)).get_data(as_text=True)
    assert "Report the fix" not in page and "History" not in page and "engineer@example.test" not in page


def test_engineer_cannot_do_the_owners_part(app, client, auth, world):
    auth.login("engineer@example.test")
    before = action_row(app, world.action_id)
    for path, data in [("/plan", plan_data(app, world)),
                       ("/report-fix", {"report-note": "done", "report-version": str(before["version"])}),
                       ("/extensions", {"extension-new_deadline": "2026-01-01", "extension-reason": "x"})]:
        assert client.post(url(world, path), data=data).status_code == 403, path
    assert action_row(app, world.action_id) == before


def test_wrong_state_moves_give_409_and_change_nothing(app, client, auth, world):
    auth.login("engineer@example.test")
    before = action_row(app, world.action_id)
    r = client.post(url(world, "/verify"), data=verify_data(app, world))  # not reported yet
    assert r.status_code == 409 and b"pending verification" in r.data
    r = client.post(url(world, "/reject"), data={"reject-reason": "no", "reject-version": str(before["version"])})
    assert r.status_code == 409
    assert action_row(app, world.action_id) == before
    auth.logout()
    auth.login("owner@example.test")
    client.post(url(world, "/report-fix"), data=report_data(app, world, photos=0), content_type="multipart/form-data")
    again = client.post(url(world, "/report-fix"), data=report_data(app, world, photos=0), content_type="multipart/form-data")
    assert again.status_code == 409
    assert audit_verbs(app, world.action_id) == ["report_fix"]


def test_bad_input_is_refused_with_the_text_kept(app, client, auth, world):
    auth.login("owner@example.test")
    r = client.post(url(world, "/report-fix"), data=report_data(app, world, note=""), content_type="multipart/form-data")
    assert r.status_code == 400
    data = report_data(app, world, note="Removed the gate, see photo.", photos=0)
    data["report-photos"] = [(io.BytesIO(b"not an image at all"), "fix.jpg")]
    r = client.post(url(world, "/report-fix"), data=data, content_type="multipart/form-data")
    assert r.status_code == 400 and b"Photo not accepted" in r.data and b"Removed the gate, see photo." in r.data
    assert action_row(app, world.action_id)["status"] == "in_progress"
    auth.logout()
    auth.login("engineer@example.test")
    auth.logout()


def test_anonymous_sees_published_action_read_only_and_nothing_unpublished(app, client, build, world):
    page = client.get(url(world))
    assert page.status_code == 200 and b"Main exit blocked" in page.data and b"Report the fix" not in page.data
    assert client.post(url(world, "/plan"), data=plan_data(app, world)).status_code in (302, 401)
    assert action_row(app, world.action_id)["planned_action"] == ""
    draft = build.inspection(world.factory, state="submitted")
    hidden = build.finding(draft)
    assert client.get(f"/actions/{hidden.action_id}").status_code == 404
    assert client.get("/actions/999999").status_code == 404


def test_verification_date_cannot_be_in_the_future(app, client, auth, world):
    auth.login("owner@example.test")
    client.post(url(world, "/report-fix"), data=report_data(app, world, photos=0), content_type="multipart/form-data")
    auth.logout()
    auth.login("engineer@example.test")
    r = client.post(url(world, "/verify"), data=verify_data(app, world, on="2999-01-01"))
    assert r.status_code == 400 and action_row(app, world.action_id)["status"] == "pending_verification"


def test_admin_verifies_and_decides_like_an_engineer_but_cannot_plan(app, client, auth, world):
    from helpers_actions import report_fix_via_service

    report_fix_via_service(app, world)
    auth.login("admin@example.test")
    before = action_row(app, world.action_id)
    assert client.post(url(world, "/plan"), data=plan_data(app, world)).status_code == 403
    assert action_row(app, world.action_id) == before
    r = client.post(url(world, "/verify"), data=verify_data(app, world, on=dt.date.today().isoformat()))
    assert r.status_code == 302 and action_row(app, world.action_id)["verified_by_id"] == world.admin.id


def test_a_corrected_action_is_closed_to_plan_changes_and_extensions(app, client, auth, world):
    from helpers_actions import report_fix_via_service

    report_fix_via_service(app, world)
    auth.login("engineer@example.test")
    client.post(url(world, "/verify"), data=verify_data(app, world, on=dt.date.today().isoformat()))
    auth.logout()
    auth.login("owner@example.test")
    before = action_row(app, world.action_id)
    assert before["status"] == "corrected"
    assert client.post(url(world, "/plan"), data=plan_data(app, world, "rewrite history")).status_code == 409
    r = client.post(url(world, "/extensions"), data={"extension-new_deadline": "2030-01-01", "extension-reason": "late",
                                                     "extension-version": str(before["version"])})
    assert r.status_code == 409
    assert client.post(url(world, "/report-fix"), data=report_data(app, world, photos=0),
                       content_type="multipart/form-data").status_code == 409
    assert action_row(app, world.action_id) == before


@pytest.mark.parametrize("command", [["reminders", "--help"], ["audit", "verify", "--help"]])
def test_commands_have_help(runner, command):
    r = runner.invoke(args=command)
    assert r.exit_code == 0 and "Usage" in r.output
