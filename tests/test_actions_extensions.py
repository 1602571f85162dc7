"""Deadline extensions: the owner asks with a reason, an engineer decides, the history stays public."""
import datetime as dt

import pytest

from helpers_actions import World, action_row, audit_verbs, version_of_world

D = dt.date


@pytest.fixture
def world(build):
    return World(build, deadline=D(2025, 2, 12))


def ask(client, world, new="2025-04-30", reason="Fire doors on order from the supplier."):
    return client.post(f"/actions/{world.action_id}/extensions",
                       data={"extension-new_deadline": new, "extension-reason": reason,
                             "extension-version": version_of_world(world)})


def decide(client, ext_id, decision, comment="", *, world):
    return client.post(f"/actions/extensions/{ext_id}/decide",
                       data={f"decide-{ext_id}-decision": decision, f"decide-{ext_id}-comment": comment,
                             f"decide-{ext_id}-version": version_of_world(world)})


def ext_ids(app, world):
    from factorysafe.actions.queries import extension_history

    with app.app_context():
        return [x["id"] for x in extension_history([world.action_id])[world.action_id]]


def test_approved_extension_moves_the_deadline_and_history_is_public(app, client, auth, world):
    auth.login("owner@example.test")
    assert ask(client, world).status_code == 302
    assert ask(client, world, "2025-05-30").status_code == 409  # one open request at a time
    auth.logout()
    auth.login("engineer@example.test")
    [x1] = ext_ids(app, world)
    assert decide(client, x1, "approve", "Supplier letter seen.", world=world).status_code == 302
    assert action_row(app, world.action_id)["deadline"] == D(2025, 4, 30)
    assert decide(client, x1, "decline", "changed my mind", world=world).status_code == 409
    auth.logout()
    auth.login("owner@example.test")
    assert ask(client, world, "2025-06-30", "Second delay.").status_code == 302
    auth.logout()
    auth.login("engineer@example.test")
    x2 = ext_ids(app, world)[1]
    assert decide(client, x2, "decline", world=world).status_code == 400  # a decline needs a reason
    assert decide(client, x2, "decline", "No reason to wait longer.", world=world).status_code == 302
    assert action_row(app, world.action_id)["deadline"] == D(2025, 4, 30)
    auth.logout()

    from factorysafe.actions.queries import extension_history
    with app.app_context():
        hist = extension_history([world.action_id, 424242])
    assert hist[424242] == []
    assert [(x["previous_deadline"], x["requested_deadline"], x["status"].value) for x in hist[world.action_id]] == [
        (D(2025, 2, 12), D(2025, 4, 30), "approved"), (D(2025, 4, 30), D(2025, 6, 30), "declined")]
    page = client.get(f"/actions/{world.action_id}").get_data(as_text=True)  # anonymous visitor
    assert "Supplier letter seen." in page and "No reason to wait longer." in page and "2025-06-30" in page
    assert "owner@example.test" not in page and "engineer@example.test" not in page
    assert audit_verbs(app, world.action_id) == ["request_extension", "approve_extension", "request_extension",
                                                 "decline_extension"]


def test_extension_must_be_later_and_reasoned(app, client, auth, world):
    auth.login("owner@example.test")
    assert ask(client, world, "2025-02-12").status_code == 400
    assert ask(client, world, "2025-01-01").status_code == 400
    assert ask(client, world, reason="").status_code == 400
    assert ext_ids(app, world) == []


def test_only_engineers_decide_and_only_owners_ask(app, client, auth, world):
    auth.login("engineer@example.test")
    assert ask(client, world).status_code == 403
    auth.logout()
    auth.login("owner@example.test")
    ask(client, world)
    [x] = ext_ids(app, world)
    assert decide(client, x, "approve", "self-approved", world=world).status_code == 403
    assert action_row(app, world.action_id)["deadline"] == D(2025, 2, 12)
