"""Per-app state: two apps in one process keep their own catalogue, caches and panels; no process-wide switches."""
from __future__ import annotations

import datetime as dt
import gc
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy.orm import Session

from factorysafe import create_app
from factorysafe.db import db
from factorysafe.hazards import catalogue, choices, deadline_for_hazard, defaults_for, get, suggest
from factorysafe.state import state
from tests.helpers_hazards import catalogue_toml, entry_toml

PACKAGE = Path(__file__).resolve().parents[1] / "factorysafe"

TINY = catalogue_toml(
    entry_toml(code='"FIRE-TINY-DOOR"', deadline='"10 days"', title_en='"Tiny door hazard"',
               description_en='"Door of the tiny catalogue is jammed."'),
    entry_toml(code='"ELEC-TINY-CABLE"', discipline='"electrical"', severity='"low"', deadline='"6 months"',
               title_en='"Tiny cable hazard"', description_en='"Loose cable in the tiny catalogue."'),
)


@pytest.fixture
def two_apps(app, app_config, tmp_path):  # app: empties the tables first
    """App A with a tiny catalogue of its own, then app B with the shipped one (created last)."""
    tiny = tmp_path / "tiny.toml"
    tiny.write_text(TINY, encoding="utf-8")
    app_a = create_app({**app_config, "HAZARD_CATALOGUE_PATH": str(tiny), "INSTANCE_PATH": str(tmp_path / "a")})
    app_b = create_app({**app_config, "INSTANCE_PATH": str(tmp_path / "b")})
    yield app_a, app_b
    for a in (app_a, app_b):
        with a.app_context():
            db.session.remove()
            db.engine.dispose()


def test_each_app_sees_its_own_hazard_catalogue(two_apps):
    app_a, app_b = two_apps
    start = dt.date(2025, 1, 1)
    with app_a.app_context():  # created first: the app created after it must not replace its catalogue
        assert [h.code for h in catalogue()] == ["FIRE-TINY-DOOR", "ELEC-TINY-CABLE"]
        assert get("FIRE-EXIT-BLOCKED") is None and get("FIRE-TINY-DOOR").title_en == "Tiny door hazard"
        assert [c for c, _ in choices("en")] == ["FIRE-TINY-DOOR", "ELEC-TINY-CABLE"]
        assert deadline_for_hazard("FIRE-TINY-DOOR", start) == dt.date(2025, 1, 11)
        assert defaults_for("ELEC-TINY-CABLE")["deadline_rule"] == "6 months"
        assert {c for c, _ in suggest("the door is jammed", k=5)} <= {"FIRE-TINY-DOOR", "ELEC-TINY-CABLE"}
        model_a = state().suggester[1]
    with app_b.app_context():
        codes = {h.code for h in catalogue()}
        assert "FIRE-EXIT-BLOCKED" in codes and "FIRE-TINY-DOOR" not in codes
        assert suggest("main exit on 3rd floor blocked by cartons")[0][0] == "FIRE-EXIT-BLOCKED"
        with pytest.raises(KeyError):
            defaults_for("FIRE-TINY-DOOR")
        assert state().suggester[1] is not model_a
    with app_a.app_context():  # still its own after B was used
        assert get("FIRE-EXIT-BLOCKED") is None and state().suggester[1] is model_a
    assert state(app_a).catalogue is not state(app_b).catalogue


def test_each_app_serves_its_own_catalogue_page(two_apps):
    app_a, app_b = two_apps
    page_a = app_a.test_client().get("/hazards").get_data(as_text=True)
    page_b = app_b.test_client().get("/hazards").get_data(as_text=True)
    assert "FIRE-TINY-DOOR" in page_a and "FIRE-EXIT-BLOCKED" not in page_a
    assert "FIRE-EXIT-BLOCKED" in page_b and "FIRE-TINY-DOOR" not in page_b


def test_caches_and_locks_are_not_shared(two_apps):
    a, b = (state(x) for x in two_apps)
    assert a is not b
    for name in ("geo", "map_data", "map_lock", "map_rendered", "render_lock", "suggester_lock", "pdf_lock"):
        assert getattr(a, name) is not getattr(b, name), name
    assert a.geo.joined is not b.geo.joined and a.geo.lock is not b.geo.lock


def test_panels_of_one_app_do_not_leak_into_the_other(two_apps, tmp_path):
    from factorysafe.web import add_dashboard_panel

    app_a, app_b = two_apps
    before_b = state(app_b).panels
    assert before_b and [p.template for p in state(app_a).panels] == [p.template for p in before_b]
    app_a.jinja_env.loader = ChoiceLoader([DictLoader({"test/_extra_panel.html": "<p>EXTRA PANEL {{ p.n }}</p>"}),
                                           app_a.jinja_env.loader])
    add_dashboard_panel(app_a, ("engineer",), "test/_extra_panel.html", lambda user, day: {"n": 41 + 1}, order=1)
    assert state(app_a).panels[0].template == "test/_extra_panel.html"
    assert state(app_b).panels == before_b  # B is untouched

    shown = {}
    for name, a in (("a", app_a), ("b", app_b)):
        with a.app_context():
            from factorysafe.auth.services import create_user

            create_user(f"e-{name}@example.test", "correct horse battery", "engineer", name="E")
            db.session.commit()
        client = a.test_client()
        client.post("/login", data={"email": f"e-{name}@example.test", "password": "correct horse battery"})
        r = client.get("/dashboard")
        assert r.status_code == 200
        shown[name] = r.get_data(as_text=True)
    assert "EXTRA PANEL 42" in shown["a"] and "EXTRA PANEL" not in shown["b"]


def test_no_gc_switching_in_the_package():
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if re.search(r"\bgc\.(disable|freeze)\s*\(", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_gc_stays_enabled_while_the_map_is_built_and_served(app, client, build, monkeypatch):
    from factorysafe.maps import render, services

    factory = build.factory(latitude=23.9, longitude=90.4)
    inspection = build.inspection(factory, inspected_on=dt.date.today() - dt.timedelta(days=5))
    build.finding(inspection, "fire", "high", deadline=dt.date.today() - dt.timedelta(days=1))
    seen = []
    real_build, real_map = services._build, render.build_map

    def watch(real):
        def wrapper(*args, **kwargs):
            seen.append(gc.isenabled())
            out = real(*args, **kwargs)
            seen.append(gc.isenabled())
            return out
        return wrapper

    monkeypatch.setattr(services, "_build", watch(real_build))
    monkeypatch.setattr(render, "build_map", watch(real_map))
    assert gc.isenabled()
    r = client.get("/map")
    assert r.status_code == 200 and factory.name in r.get_data(as_text=True)
    assert len(seen) == 4 and all(seen)  # data set built and map rendered, the collector on throughout
    assert gc.isenabled()


def test_upload_listeners_are_on_the_apps_session_only(app):
    from factorysafe import uploads

    for name, fn in (("before_commit", uploads._files_before_rows), ("after_commit", uploads._forget_after_commit),
                     ("after_transaction_end", uploads._cleanup_after_rollback)):
        assert sa.event.contains(db.session, name, fn), name
        assert not sa.event.contains(Session, name, fn), name
    # A Session of some other code in the process keeps its own info: the photo clean-up does not run there.
    with app.app_context():
        other = Session(sa.create_engine("sqlite://"))
        other.info[uploads._SESSION_KEY] = {"0" * 64}
        other.execute(sa.text("SELECT 1"))
        other.rollback()
        assert other.info[uploads._SESSION_KEY] == {"0" * 64}
        other.close()
