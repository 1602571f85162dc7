"""Evidence photos are flagged by one definition (``Photo.flagged``: far from the factory or the reference date,
as ``uploads.photo_flags`` stored them) on the queue's list, in its "flagged" filter and on the verify pages; the
distance reads in the page's digits; a corrected action shows one "Corrected" badge on every page that lists it."""
from __future__ import annotations

import re

import sqlalchemy as sa

from factorysafe.db import db
from test_actions_queue import _queue_world


def test_flagged_is_one_rule_for_pages_and_queries(app, build):
    from factorysafe.inspections.models import Photo

    w = _queue_world(build)
    with app.app_context():
        photos = db.session.scalars(sa.select(Photo).order_by(Photo.id)).all()
        in_python = {p.id for p in photos if p.flagged}
        in_sql = set(db.session.scalars(sa.select(Photo.id).where(Photo.flagged)))
        assert in_python == in_sql == {p.id for p in photos if p.action_id == w.action_id}
        for p in photos:
            assert p.flagged == bool(p.far_from_factory or p.far_from_date)
        near = next(p for p in photos if p.action_id == w.elec.action_id)
        near.far_from_date = True  # a photo taken days away from the report: flagged too
        db.session.flush()
        assert near.flagged and near.id in set(db.session.scalars(sa.select(Photo.id).where(Photo.flagged)))
        db.session.rollback()


def test_queue_and_action_page_flag_the_far_photo_in_each_language(app, client, auth, build):
    w = _queue_world(build)
    auth.login("engineer@example.test")
    rows = client.get("/actions/verify").get_data(as_text=True).split('id="queue-list"', 1)[1]
    flagged_rows = [r for r in rows.split("<tr")[1:] if "badge-flag" in r]
    assert len(flagged_rows) == 1 and f"item={w.action_id}" in flagged_rows[0]
    for path, args in (("/actions/verify", {"item": w.action_id}), (f"/actions/{w.action_id}", {})):
        en = client.get(path, query_string={**args, "lang": "en"}).get_data(as_text=True)
        bn = client.get(path, query_string={**args, "lang": "bn"}).get_data(as_text=True)
        assert "Far from factory: 1.9 km" in en
        assert re.search(r"badge-flag[^>]*>[^<]*: ১\.৯ km<", bn), path


def test_corrected_action_shows_one_corrected_badge_on_every_page(app, client, auth, build):
    from helpers_actions import version_of

    w = _queue_world(build)
    auth.login("engineer@example.test")
    r = client.post(f"/actions/verify/{w.action_id}/verify", data={
        "verify-verified_on": "2025-02-10", "verify-version": str(version_of(app, w.action_id))})
    assert r.status_code == 302
    corrected = re.compile(r'<span class="badge badge-(corrected|done)"[^>]*>')
    for lang in ("en", "bn"):
        action = client.get(f"/actions/{w.action_id}?lang={lang}").get_data(as_text=True)
        assert len(corrected.findall(action)) == 1, lang
        cap = client.get(f"/manage/factories/{w.factory.id}/cap?lang={lang}").get_data(as_text=True)
        assert len(corrected.findall(cap)) == 1, lang  # one corrected action, one badge
        public = client.get(f"/factories/{w.factory.id}?lang={lang}").get_data(as_text=True)
        card = public.split(f'id="finding-{w.finding.id}"', 1)[1].split("</article>", 1)[0]
        assert len(corrected.findall(card)) == 1, lang
    assert str(w.action_id) not in re.findall(r'data-action-id="(\d+)"', client.get("/actions/verify").get_data(as_text=True))
