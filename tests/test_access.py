"""Every private page checks role and ownership on the server."""


def test_owner_sees_own_factory_but_not_another(client, auth, build):
    mine = build.factory(name="Mine Garments Ltd")
    theirs = build.factory(name="Theirs Knitwear Ltd")
    build.user("owner", email="o@example.test", factories=[mine])
    auth.login("o@example.test")
    assert "Mine Garments Ltd" in client.get(f"/manage/factories/{mine.id}").get_data(as_text=True)
    other = client.get(f"/manage/factories/{theirs.id}")
    assert other.status_code == 403
    assert "Theirs Knitwear Ltd" not in other.get_data(as_text=True)


def test_owner_factory_list_holds_only_their_factories(client, auth, build):
    mine = build.factory(name="Mine Garments Ltd")
    build.factory(name="Theirs Knitwear Ltd")
    build.user("owner", email="o@example.test", factories=[mine])
    auth.login("o@example.test")
    page = client.get("/manage/factories").get_data(as_text=True)
    assert "Mine Garments Ltd" in page and "Theirs Knitwear Ltd" not in page


def test_engineer_sees_every_factory(client, auth, build):
    f = build.factory(name="Any Apparels Ltd")
    build.user("engineer", email="e@example.test")
    auth.login("e@example.test")
    assert client.get(f"/manage/factories/{f.id}").status_code == 200


def test_anonymous_is_sent_to_login_for_private_factory_page(client, build):
    f = build.factory()
    response = client.get(f"/manage/factories/{f.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_missing_factory_is_404(client, auth, build):
    build.user("engineer", email="e@example.test")
    auth.login("e@example.test")
    assert client.get("/manage/factories/999999").status_code == 404


def test_owner_cannot_create_or_edit_factories(client, auth, build):
    mine = build.factory()
    build.user("owner", email="o@example.test", factories=[mine])
    auth.login("o@example.test")
    assert client.get("/manage/factories/new").status_code == 403
    assert client.post(f"/manage/factories/{mine.id}/edit", data={"name": "Renamed", "district": "Dhaka"}).status_code == 403


def test_engineer_creates_factory_and_bad_input_keeps_the_form(app, client, auth, build):
    from factorysafe.db import db
    from factorysafe.factories.models import Factory

    build.user("engineer", email="e@example.test")
    auth.login("e@example.test")
    bad = client.post("/manage/factories/new", data={"name": "Typed Name Ltd", "district": "Gazipur", "latitude": "51.5"})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "Latitude must lie in Bangladesh" in page and 'value="Typed Name Ltd"' in page
    with app.app_context():
        assert db.session.query(Factory).count() == 0
    ok = client.post("/manage/factories/new", data={"name": "Typed Name Ltd", "district": "Gazipur", "latitude": "23.9", "longitude": "90.4"})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.query(Factory).one().name == "Typed Name Ltd"


def test_owner_does_not_see_draft_inspections_in_their_factory_history(client, auth, build):
    import datetime as dt

    mine = build.factory(name="Mine Garments Ltd")
    build.inspection(mine, state="published", inspected_on=dt.date(2025, 1, 5))
    build.inspection(mine, state="draft", inspected_on=dt.date(2025, 9, 9))
    build.user("owner", email="o@example.test", factories=[mine])
    auth.login("o@example.test")
    page = client.get(f"/manage/factories/{mine.id}").get_data(as_text=True)
    assert "2025-01-05" in page and "2025-09-09" not in page
