"""Reports are rendered once per content and served from the cache until something printed changes."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from factorysafe.db import db
from factorysafe.reports import pdf
from factorysafe.reports.labels import BN, Texts
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


def test_every_fixed_text_of_the_templates_has_a_bangla_translation():
    import re

    folder = Path(pdf.TEMPLATE_DIR)
    texts = set()
    for path in folder.glob("*.html"):
        texts |= set(re.findall(r"""\bt\(["']([^"']+)["']\)""", path.read_text()))
    assert texts, "templates use t(...)"
    assert sorted(t for t in texts if t not in BN) == []


def test_texts_format_dates_and_numbers_per_language():
    assert Texts("en").date(dt.date(2025, 3, 4)) == "Mar 4, 2025"
    assert "২০২৫" in Texts("bn").date(dt.date(2025, 3, 4))
    assert Texts("bn").num(120) == "১২০"
    assert Texts("bn")("Fire") == "অগ্নি"
    assert Texts("en").percent(0.5) == "50 %" and Texts("en").percent(None) == "–"


def test_every_printed_enum_label_has_a_bangla_translation():
    from factorysafe.actions.models import ActionStatus
    from factorysafe.actions.rules import CapStatus
    from factorysafe.inspections.models import Discipline, InspectionType
    from factorysafe.reports.content import _EXTENSION_LABELS
    from factorysafe.reports.labels import SEVERITY_SHORT

    labels = [d.label for d in Discipline] + [t.label for t in InspectionType] + [s.label for s in ActionStatus]
    labels += [c.label for c in CapStatus] + list(SEVERITY_SHORT.values()) + list(_EXTENSION_LABELS.values())
    assert [x for x in labels if x not in BN] == []
