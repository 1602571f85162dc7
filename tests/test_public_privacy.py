"""Nothing from draft or submitted inspections, no private photo, no personal data on any public answer."""
import re

import sqlalchemy as sa

from helpers_maps import SECRETS, public_world


def _all_pages(client, path):
    out, url = [], f"{path}{'&' if '?' in path else '?'}limit=500"
    while url:
        answer = client.get(url).get_json()
        out.append(answer)
        url = answer.get("next")
    return out


def public_answers(client, factory_ids):
    """Every public page, export and API answer, as text."""
    texts = {}
    for path in ("/", "/map", "/map?lang=bn", "/map?lang=en&danger=1", "/open-data", "/exports/factories.csv",
                 "/exports/factories.geojson", "/exports/findings.csv", "/api/v1/openapi.json"):
        r = client.get(path)
        assert r.status_code == 200, path
        texts[path] = r.get_data(as_text=True)
    for fid in factory_ids:
        for lang in ("en", "bn"):
            r = client.get(f"/factories/{fid}?lang={lang}")
            texts[f"/factories/{fid}?lang={lang}"] = r.get_data(as_text=True) if r.status_code == 200 else ""
        texts[f"/api/v1/factories/{fid}"] = client.get(f"/api/v1/factories/{fid}").get_data(as_text=True)
    texts["api factories"] = str(_all_pages(client, "/api/v1/factories"))
    texts["api findings"] = str(_all_pages(client, "/api/v1/findings"))
    return texts


def test_no_draft_private_or_personal_data_on_any_public_answer(app, client, build):
    from factorysafe.auth.models import User
    from factorysafe.db import db
    from factorysafe.demo import seed_demo
    from factorysafe.factories.models import Factory
    from factorysafe.inspections.models import Finding, Inspection, InspectionState, Photo

    world = public_world(app, build)
    with app.app_context():
        seed_demo(16, 12, seed=3, with_photos=True)
        db.session.commit()
        factory_ids = list(db.session.scalars(sa.select(Factory.id)))
        people = [(u.email, u.name) for u in db.session.scalars(sa.select(User))]
        hidden_findings = db.session.execute(
            sa.select(Finding.observation, Finding.id).join(Inspection)
            .where(Inspection.state != InspectionState.PUBLISHED)).all()
        private_photos = list(db.session.scalars(sa.select(Photo.id).where(Photo.private.is_(True))))
        unpublished_photos = list(db.session.scalars(
            sa.select(Photo.id).join(Finding, Finding.id == Photo.finding_id).join(Inspection)
            .where(Inspection.state != InspectionState.PUBLISHED)))
        draft_only = list(db.session.scalars(
            sa.select(Factory.name).where(~Factory.inspections.any(Inspection.state == InspectionState.PUBLISHED))))
    assert private_photos and unpublished_photos and len(hidden_findings) > 2 and len(people) > 5

    texts = public_answers(client, factory_ids)
    everything = "\n".join(texts.values())
    assert "Gazipur Behind Ltd" in everything  # the public data is there
    for secret in (*SECRETS, *draft_only):
        leaks = [where for where, text in texts.items() if secret in text]
        assert not leaks, f"{secret!r} leaks on {leaks}"
    for email, name in people:
        assert email not in everything
        if name:
            assert not re.search(rf"\b{re.escape(name)}\b", everything), name
    assert "@demo.factorysafe.test" not in everything and "@example.test" not in everything
    hidden_ids = {fid for _, fid in hidden_findings}
    assert world["draft_finding"] in hidden_ids
    api_finding_ids = set(int(i) for i in re.findall(r"'finding_id': (\d+)", texts["api findings"]))
    assert api_finding_ids and not api_finding_ids & hidden_ids
    for pid in [*private_photos, *unpublished_photos]:
        assert f"/photos/{pid}/" not in everything


def test_only_public_photos_of_published_findings_are_listed(app, build):
    from factorysafe.maps.pages import public_photos

    world = public_world(app, build)
    with app.app_context():
        listed = public_photos([world["overdue_finding"], world["draft_finding"]])
    ids = {p["id"] for photos in listed.values() for p in photos}
    assert world["public_photo"] in ids
    assert world["private_photo"] not in ids and world["draft_photo"] not in ids


def test_factory_page_links_public_photos_when_photos_are_served(app, client, build):
    world = public_world(app, build)
    html = client.get(f"/factories/{world['behind']}").get_data(as_text=True)
    if "inspections.photo" in app.view_functions:
        assert f"/photos/{world['public_photo']}/thumb" in html
    assert f"/photos/{world['private_photo']}/" not in html and "PRIVATE-PHOTO-CAPTION" not in html
