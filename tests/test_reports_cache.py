"""Reports are rendered once per content and served from the cache until something printed changes."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from factorysafe.db import db
from factorysafe.reports import pdf
from factorysafe.reports.labels import Formats
from helpers_reports import add_photo, pdf_text


def _count_renders(monkeypatch):
    calls = []
    real = pdf.render_pdf

    def counting(template, content):
        calls.append((template, content["lang"], content["audience"]))
        return real(template, content)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return calls


def test_second_request_is_served_from_cache_and_a_change_rebuilds(app, client, build, monkeypatch):
    calls = _count_renders(monkeypatch)
    insp = build.inspection(build.factory(name="Delta Fashions Ltd"))
    fnd = build.finding(insp, observation="Exit blocked by cartons.")
    url = f"/inspections/{insp.id}/report.pdf"

    first = client.get(url)
    second = client.get(url)
    assert len(calls) == 1
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert len(calls) == 1

    from factorysafe.inspections.models import Finding

    with app.app_context():
        db.session.get(Finding, fnd.id).observation = "Exit blocked by sewing machines."
        db.session.commit()
    third = client.get(url)
    assert len(calls) == 2
    assert third.headers["ETag"] != first.headers["ETag"]
    assert "sewing machines" in pdf_text(third.data)[0]
    cached = list((Path(app.instance_path) / "reports" / "inspection" / str(insp.id)).glob("*.pdf"))
    assert len(cached) == 1  # the outdated file was removed


def test_languages_and_new_photos_get_their_own_versions(app, client, build, monkeypatch):
    calls = _count_renders(monkeypatch)
    insp = build.inspection(build.factory())
    fnd = build.finding(insp)
    url = f"/inspections/{insp.id}/report.pdf"
    en, bn = client.get(url), client.get(url + "?lang=bn")
    assert en.headers["ETag"] != bn.headers["ETag"]
    client.get(url + "?lang=bn")
    assert len(calls) == 2
    add_photo(app, fnd.id, caption="Blocked exit")
    assert client.get(url).headers["ETag"] != en.headers["ETag"]
    assert len(calls) == 3


def test_cap_cache_rebuilds_when_an_action_is_verified(app, client, build, monkeypatch):
    from factorysafe.actions.models import CorrectiveAction

    calls = _count_renders(monkeypatch)
    factory = build.factory()
    fnd = build.finding(build.inspection(factory))
    url = f"/factories/{factory.id}/cap.pdf"
    before = client.get(url)
    client.get(url)
    assert len(calls) == 1
    with app.app_context():
        action = db.session.get(CorrectiveAction, fnd.action_id)
        action.status, action.verified_on = "corrected", dt.date(2025, 2, 2)
        db.session.commit()
    after = client.get(url)
    assert len(calls) == 2 and after.headers["ETag"] != before.headers["ETag"]
    assert "Corrected" in pdf_text(after.data)[0]


def test_every_fixed_text_of_the_templates_comes_from_the_catalogue_in_bangla():
    """The reports' words are gettext's: every ``_("...")`` of the report templates has a Bangla msgstr,
    and no hand-kept dictionary call (``t("...")``) is left."""
    import re

    from babel.messages.pofile import read_po

    folder = Path(pdf.TEMPLATE_DIR)
    texts, leftovers = set(), []
    for path in folder.glob("*.html"):
        source = path.read_text()
        texts |= set(re.findall(r"""\b_\(["']([^"']+)["']\)""", source))
        leftovers += re.findall(r"""\bt\(["'][^"']+["']\)""", source)
    assert len(texts) > 40, "report templates use _(...)"
    assert leftovers == []
    po = Path(pdf.TRANSLATIONS_DIR) / "bn" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalogue = {m.id: m.string for m in read_po(f) if m.id}
    assert sorted(t for t in texts if not catalogue.get(t)) == []


def test_formats_give_dates_and_numbers_per_language():
    assert Formats("en").date(dt.date(2025, 3, 4)) == "Mar 4, 2025"
    assert "২০২৫" in Formats("bn").date(dt.date(2025, 3, 4))
    assert Formats("bn").num(120) == "১২০"
    assert Formats("en").percent(0.5) == "50 %" and Formats("en").percent(None) == "–"


def test_every_printed_enum_label_has_a_bangla_translation(app):
    import re

    from flask_babel import force_locale

    from factorysafe import labels
    from factorysafe.actions.models import ActionStatus, ExtensionStatus
    from factorysafe.actions.rules import CapStatus
    from factorysafe.inspections.models import Discipline, InspectionType, Severity

    values = [*Discipline, *InspectionType, *ActionStatus, *CapStatus, *Severity, *ExtensionStatus]
    with app.test_request_context("/"), force_locale("bn"):
        bangla = {v: labels.label(v) for v in values}
        assert labels.label(Discipline.FIRE) == "অগ্নি"
    untranslated = [v for v, text in bangla.items() if not re.search("[\u0980-\u09FF]", text)]
    assert untranslated == []
