"""The public pages, an owner's pages and the messages of a form come out in Bangla with ``?lang=bn``
(and the choice is remembered), with no English left among the strings a reader depends on."""
import pytest

from helpers_actions import World, action_row, version_of
from helpers_i18n import english_words, visible_text

# Names and texts that are data, not interface: they stay as they were typed.
DATA = ("Rahman Knitwear Ltd", "Other Garments Ltd", "Gazipur", "Dhaka", "Tongi", "Main exit blocked by cartons.",
        "Fix it.", "owner@example.test", "engineer@example.test")


@pytest.fixture
def world(build):
    return World(build)


def bn_page(client, url, status=200):
    r = client.get(url + ("&" if "?" in url else "?") + "lang=bn")
    assert r.status_code == status, r.status_code
    html = r.get_data(as_text=True)
    assert 'lang="bn"' in html
    return html


def assert_bangla(html, present, absent, allowed=()):
    text = visible_text(html)
    for s in present:
        assert s in text, f"missing Bangla {s!r}"
    for s in absent:
        assert s not in text, f"English left: {s!r}"
    assert english_words(html, DATA + tuple(allowed)) == set()


def test_login_page_in_bangla(client):
    html = bn_page(client, "/login")
    assert_bangla(html, ["ইমেইল", "পাসওয়ার্ড", "সাইন ইন"], ["Email", "Password", "Sign in", "Engineers, factory owners"])


def test_wrong_password_message_in_bangla_and_english_by_default(client, world):
    r = client.post("/login?lang=bn", data={"email": "owner@example.test", "password": "wrong password!"})
    assert r.status_code == 401
    assert "ইমেইল বা পাসওয়ার্ড ভুল।" in r.get_data(as_text=True)
    english = client.post("/login?lang=en", data={"email": "owner@example.test", "password": "wrong password!"})
    assert "Wrong email or password." in english.get_data(as_text=True)


def test_not_found_page_in_bangla(client):
    html = bn_page(client, "/no-such-page", status=404)
    assert_bangla(html, ["পাওয়া যায়নি", "এমন কোনো পাতা নেই, অথবা এটি জনসাধারণের জন্য উন্মুক্ত নয়।"],
                  ["Not found", "There is no such page", "Back to the start page"])


def test_json_errors_follow_the_language_too(client):
    r = client.get("/api/no-such-thing?lang=bn")
    assert r.status_code == 404 and r.get_json()["error"]["title"] == "পাওয়া যায়নি"


def test_hazard_catalogue_in_bangla(client):
    html = bn_page(client, "/hazards")
    # standards named in the guidance keep their Latin abbreviations
    assert_bangla(html, ["ঝুঁকির তালিকা", "অগ্নি", "৬ সপ্তাহ", "অবিলম্বে", "উচ্চ"],
                  ["Hazard catalogue", "6 weeks", "3 months", "High (6 weeks)", "Priority 1 (immediate)", "উচ্চ (৬ সপ্তাহ)"],
                  allowed=("NFPA", "IEC", "MCB", "MCCB", "RCD"))


def test_public_action_page_in_bangla(client, world):
    html = bn_page(client, f"/actions/{world.action_id}")
    assert_bangla(html, ["কাজ চলছে", "উচ্চ", "বাধ্যতামূলক সময়সীমা", "পর্যবেক্ষণ"],
                  ["In progress", "High (6 weeks)", "উচ্চ (৬ সপ্তাহ)", "Binding deadline", "Fire", "Observation"])


def test_owner_dashboard_in_bangla(client, auth, world):
    auth.login("owner@example.test")
    html = bn_page(client, "/dashboard")
    assert_bangla(html, ["কারখানার মালিক", "এরপর কী করবেন", "সংশোধনমূলক কাজ", "প্রকাশিত"],
                  ["Factory owner", "What to do next", "Behind schedule", "In progress", "Published", "Initial"])


def test_owner_cap_and_factory_pages_in_bangla(client, auth, world):
    auth.login("owner@example.test")
    cap = bn_page(client, f"/manage/factories/{world.factory.id}/cap")
    assert_bangla(cap, ["সময়সূচির পিছনে", "শুধু মেয়াদোত্তীর্ণ", "অগ্নি"], ["Behind schedule", "Overdue only", "Overall", "Fire"])
    detail = bn_page(client, f"/manage/factories/{world.factory.id}")
    assert_bangla(detail, ["পরিদর্শনের ইতিহাস", "প্রকাশিত"], ["Inspection history", "Published", "Structural"])


def test_engineer_pages_in_bangla(client, auth, world):
    auth.login("engineer@example.test")
    assert_bangla(bn_page(client, "/dashboard"), ["প্রকৌশলী", "যাচাইয়ের সারি"], ["Engineer", "Verification queue"])
    assert_bangla(bn_page(client, f"/inspections/{world.inspection.id}"), ["পরিদর্শন", "অগ্নি"],
                  ["Published", "Electrical", "Corrective action"])
    assert_bangla(bn_page(client, "/inspections/new"), ["পরিদর্শনের ধরন", "প্রকৌশলী দল"],
                  ["Inspection type", "Team of engineers", "Follow-up"])


def test_flash_and_form_messages_after_a_plan_in_bangla(app, client, auth, world):
    auth.login("owner@example.test")
    bn_page(client, f"/actions/{world.action_id}")  # the choice of Bangla is remembered in the session
    empty = client.post(f"/actions/{world.action_id}/plan",
                        data={"plan-planned_action": "", "plan-version": str(version_of(app, world.action_id))})
    assert empty.status_code == 400
    assert_bangla(empty.get_data(as_text=True), ["চিহ্নিত ঘরগুলো ঠিক করুন।", "পরিকল্পিত ব্যবস্থা"],
                  ["Please correct the marked fields.", "Planned action", "Save plan"])
    r = client.post(f"/actions/{world.action_id}/plan", follow_redirects=True, data={
        "plan-planned_action": "কার্টন সরানো হবে", "plan-responsible_person": "করিম",
        "plan-target_date": "2025-02-01", "plan-version": str(version_of(app, world.action_id))})
    assert r.status_code == 200
    assert_bangla(r.get_data(as_text=True), ["পরিকল্পনা সংরক্ষিত হয়েছে।"], ["Plan saved."])
    assert action_row(app, world.action_id)["planned_action"] == "কার্টন সরানো হবে"


def test_service_refusal_in_bangla(app, client, auth, world):
    """A rule refused in the service layer (verification before a fix was reported) reads in Bangla."""
    auth.login("engineer@example.test")
    r = client.post(f"/actions/{world.action_id}/verify?lang=bn", data={
        "verify-verified_on": "2025-03-01", "verify-version": str(version_of(app, world.action_id))})
    assert r.status_code == 409
    text = visible_text(r.get_data(as_text=True))
    assert "শুধু যাচাইয়ের অপেক্ষায় থাকা মেরামত যাচাই করা যায়; এই কাজটি এখন: কাজ চলছে।" in text
    assert "Only a fix pending verification" not in text


def test_sign_in_prompt_in_bangla(client, world):
    client.get("/login?lang=bn")
    r = client.get("/dashboard", follow_redirects=True)
    assert "ওই পাতা দেখতে সাইন ইন করুন।" in r.get_data(as_text=True)


def test_services_outside_a_request_keep_english(app, world):
    """CLI and background work have no request: messages fall back to English instead of failing."""
    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User
    from factorysafe.db import db

    with app.app_context():
        action = db.session.get(CorrectiveAction, world.action_id)
        engineer = db.session.get(User, world.engineer.id)
        with pytest.raises(services.ActionError) as exc:
            services.add_comment(action, "", by=engineer)
        assert exc.value.message == "Write a comment first."
