"""History in words (factorysafe/history.py): every verb audit.record is called with reads as a sentence, in
English and Bangla, never as stored field names."""
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

import factorysafe
from factorysafe import history

SOURCE = Path(factorysafe.__file__).parent
BANGLA = re.compile(r"[\u0980-\u09FF]")
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a stored name: evidence_photo_ids, pending_verification


def recorded_verbs() -> set[str]:
    """Every verb the sources pass to audit.record: literal first arguments, both sides of a conditional one,
    and the inspection verbs that become amend_* after submission (inspections.services._verb)."""
    verbs = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"\brecord\(\s*(\"[a-z_]+\"(?:\s+if\s+\w+\s+else\s+\"[a-z_]+\")?)", text):
            verbs.update(re.findall(r"\"([a-z_]+)\"", m.group(1)))
        for base in re.findall(r"_verb\(\s*\w+\s*,\s*\"([a-z_]+)\"", text):
            verbs.update({base, "amend_" + base.split("_", 1)[1]})
        for prefix, name in re.findall(r"\brecord\(\s*\"([a-z_]+_)\"\s*\+\s*(\w+)\.value", text):
            verbs.discard(prefix)  # caught above as a literal: its real verbs are the prefix and an enum's values
            assert prefix in DYNAMIC, f"tell test_history.DYNAMIC which verbs {prefix!r} + {name}.value makes"
            verbs.update(prefix + v for v in DYNAMIC[prefix]())
    return verbs


def _verdicts():
    from factorysafe.complaints.rules import Verdict

    return [v.value for v in Verdict]


DYNAMIC = {"complaint_": _verdicts}  # verbs built as "prefix" + enum.value


def test_the_grep_finds_the_verbs_it_should():
    verbs = recorded_verbs()
    # a sample from each kind of call, so a broken pattern cannot pass with an empty set
    assert {"report_fix", "approve_extension", "decline_extension", "amend_finding", "update_inspection",
            "order_evacuation", "seed_demo"} <= verbs
    assert len(verbs) >= 35


def test_every_recorded_verb_has_a_sentence():
    missing = recorded_verbs() - set(history.SENTENCES)
    assert not missing, f"add a sentence to factorysafe/history.py for: {sorted(missing)}"


SAMPLES = {
    "update_plan": ({"target_date": None}, {"planned_action": "Move cartons", "target_date": "2025-02-01"}),
    "report_fix": ({"status": "in_progress"}, {"status": "pending_verification", "evidence_photo_ids": [990],
                                               "fix_note": "Done", "reported_fixed_on": "2025-03-01"}),
    "verify_fix": ({"status": "pending_verification"}, {"status": "corrected", "verified_on": "2025-03-04",
                                                         "verified_by_id": 3}),
    "approve_extension": ({"extension_status": "requested", "deadline": "2025-03-01"},
                          {"extension_id": 4, "extension_status": "approved", "deadline": "2025-04-01"}),
    "decline_extension": ({"extension_status": "requested", "deadline": "2025-03-01"},
                          {"extension_id": 4, "extension_status": "declined", "deadline": "2025-03-01"}),
    "request_extension": ({}, {"extension_id": 4, "requested_deadline": "2025-04-01", "reason": "Parts"}),
    "deadline_moved": ({"deadline": "2025-03-01", "original_deadline": "2025-03-01"},
                       {"deadline": "2025-05-01", "original_deadline": "2025-05-01"}),
    "apply_escalation": ({"escalation_stage": 0}, {"escalation_stage": 2, "ineligible_since": None}),
    "order_evacuation": ({}, {"ordered_on": "2025-03-02", "floors": "whole building", "workers_affected": 300}),
    "record_resumption": ({"resumed_on": None}, {"resumed_on": "2025-03-20", "days_closed": 18}),
    "record_column_check": ({}, {"dcr": 1.234, "inputs": {}, "immediate_danger": True}),
    "add_finding": ({}, {"item_number": "F-3", "hazard_code": "FIRE-EXIT-BLOCKED", "severity": "high"}),
    "amend_finding": ({"severity": "low", "immediate_danger": False}, {"severity": "high", "immediate_danger": True,
                                                                       "added_photos": ["ab"]}),
    "amend_inspection": ({"inspected_on": "2025-01-01"}, {"inspected_on": "2025-01-02", "engineers": ["a@b"]}),
    "update_user": ({"role": "owner", "factories": [1], "name": "A"}, {"role": "owner", "factories": [2], "name": "A"}),
}


def event(verb, before=None, after=None, note=""):
    return SimpleNamespace(verb=verb, before_data=before or {}, after_data=after or {}, note=note)


@pytest.mark.parametrize("lang", ["en", "bn"])
def test_each_verb_reads_as_a_sentence_without_stored_names(app, lang):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(lang):
        for verb in sorted(recorded_verbs()):
            before, after = SAMPLES.get(verb, ({}, {}))
            line = history.describe(event(verb, before, after, note="Typed by a person."))
            assert line.text and not RAW.search(line.text), (verb, line.text)
            assert "→" not in line.text and "{" not in line.text and "%(" not in line.text, (verb, line.text)
            if lang == "bn":
                assert BANGLA.search(line.text), (verb, line.text)
            # a machine note (English) is never shown; a person's note is
            assert (line.note == "") == (verb in history.MACHINE_NOTES), verb


def test_sentences_say_what_happened(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        said = {verb: history.describe(event(verb, *SAMPLES[verb])).text for verb in SAMPLES}
        assert said["report_fix"] == "The factory reported it fixed, with 1 photo."
        assert said["deadline_moved"] == "An engineer moved the deadline from 2025-03-01 to 2025-05-01."
        assert said["approve_extension"] == ("An engineer approved the extension: the deadline moved from 2025-03-01 "
                                             "to 2025-04-01.")
        assert said["update_user"] == "An administrator changed the account (the factories)."
        assert "the severity" in said["amend_finding"] and "the immediate danger mark" in said["amend_finding"]
        assert history.describe(event("report_fix", *SAMPLES["report_fix"])).note == "Done"
        assert history.describe(event("some_new_verb")).text == "A change was recorded."
    with app.test_request_context(), force_locale("bn"):
        text = history.describe(event("deadline_moved", *SAMPLES["deadline_moved"])).text
        assert "২০২৫-০৩-০১" in text and "২০২৫-০৫-০১" in text and "2025" not in text  # Bangla digits, ISO order


def test_the_factory_history_page_tells_engineers_what_happened_in_sentences(app, client, auth, build):
    import io

    from helpers_actions import World, jpeg_bytes, version_of

    world = World(build)
    url = f"/manage/factories/{world.factory.id}/inspections"
    auth.login("owner@example.test")
    r = client.post(f"/actions/{world.action_id}/report-fix", content_type="multipart/form-data", data={
        "report-note": "Cartons removed.", "report-version": str(version_of(app, world.action_id)),
        "report-photos": [(io.BytesIO(jpeg_bytes()), "fix.jpg")]})
    assert r.status_code == 302
    assert 'id="factory-history"' not in client.get(url).get_data(as_text=True)  # engineers only
    auth.logout()
    auth.login("engineer@example.test")
    html = client.get(url).get_data(as_text=True)
    assert "The factory reported it fixed, with 1 photo." in html and "Cartons removed." in html
    bangla = client.get(url + "?lang=bn").get_data(as_text=True)
    table = bangla[bangla.index('id="factory-history"'):bangla.index("</table>", bangla.index('id="factory-history"'))]
    assert "কারখানা জানিয়েছে এটি মেরামত করা হয়েছে, 1টি ছবিসহ।" in table
    assert "evidence_photo_ids" not in table and "pending_verification" not in table
