"""Demo accounts (defect 10): marked as such, announced by a banner on every page, and refused on a production
deployment (``PRODUCTION``): seed-demo will not write them and they cannot sign in."""
from __future__ import annotations

import sqlalchemy as sa

from factorysafe.db import db

BANNER = "Demo data — do not use for real inspections."


def seed(runner):
    result = runner.invoke(args=["seed-demo", "--factories", "2", "--findings-per-factory", "3", "--no-photos"])
    assert result.exit_code == 0, result.output
    line = next(l for l in result.output.splitlines() if l.strip().startswith("engineer"))
    _role, email, password = line.split()
    return email, password


def test_seed_demo_marks_its_accounts_and_every_page_says_demo(app, client, runner, build):
    build.user("engineer", email="real@example.test")
    assert BANNER not in client.get("/").get_data(as_text=True)  # also caches "no demo accounts"
    email, password = seed(runner)
    from factorysafe.auth.models import User

    with app.app_context():
        flags = dict(db.session.execute(sa.select(User.email, User.is_demo)).all())
    assert flags.pop("real@example.test") is False and flags and all(flags.values())
    for url in ("/", "/login", "/hazards", "/no-such-page"):
        assert BANNER in client.get(url).get_data(as_text=True), url
    assert "ডেমো" in client.get("/?lang=bn").get_data(as_text=True)
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302  # not production


class TestProduction:
    def test_seed_demo_refuses_and_writes_nothing(self, app, runner, build):
        build.factory(name="Real Garments Ltd")
        app.config["PRODUCTION"] = True
        for args in (["seed-demo"], ["seed-demo", "--reset"], ["seed-demo", "--if-empty"]):
            result = runner.invoke(args=args)
            assert result.exit_code != 0 and "production deployment" in result.output, args
        from factorysafe.models import Factory, User

        with app.app_context():
            assert [f.name for f in db.session.scalars(sa.select(Factory))] == ["Real Garments Ltd"]
            assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0

    def test_demo_accounts_cannot_sign_in(self, app, client, runner, build):
        email, password = seed(runner)
        signed_in = app.test_client()
        assert signed_in.post("/login", data={"email": email, "password": password}).status_code == 302
        build.user("engineer", email="real@example.test")
        app.config["PRODUCTION"] = True
        refused = client.post("/login", data={"email": email, "password": password})
        assert refused.status_code == 400 and "Demo accounts cannot sign in" in refused.get_data(as_text=True)
        bn = client.post("/login?lang=bn", data={"email": email, "password": password})
        assert bn.status_code == 400 and "Demo accounts" not in bn.get_data(as_text=True)
        assert client.get("/dashboard").status_code == 302
        # a demo session opened before the deployment became production ends
        assert signed_in.get("/dashboard").status_code == 302
        assert client.post("/login", data={"email": "real@example.test",
                                           "password": "correct horse battery"}).status_code == 302
