"""/healthz (alive, no dependencies) and /readyz (database, Redis when configured, disk)."""
from __future__ import annotations

import os
import shutil
from collections import namedtuple

from factorysafe import create_app

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
NOWHERE_DB = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def test_healthz_is_alive_without_touching_anything(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": NOWHERE_DB, "REDIS_URL": "redis://127.0.0.1:1/0"})
    r = app.test_client().get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}


def test_readyz_passes_every_check(client, app):
    r = client.get("/readyz")
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["status"] == "ok" and set(body["checks"]) == {"database", "redis", "disk"}
    with app.app_context():
        from factorysafe.db import db

        assert body["checks"]["database"] == {"ok": True, "detail": db.engine.dialect.name}
    assert body["checks"]["redis"]["ok"] and "not configured" in body["checks"]["redis"]["detail"]
    assert body["checks"]["disk"]["ok"] and body["checks"]["disk"]["free_mb"] > 0


def test_readyz_names_an_unreachable_database(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": NOWHERE_DB})
    r = app.test_client().get("/readyz")
    body = r.get_json()
    assert r.status_code == 503 and body["status"] == "error" and body["failing"] == ["database"]
    assert body["checks"]["database"]["ok"] is False and "unreachable" in body["checks"]["database"]["detail"]
    assert "nobody" not in r.get_data(as_text=True)  # no connection string in the answer


def test_readyz_pings_redis_when_configured(app_config):
    app = create_app({**app_config, "REDIS_URL": REDIS_URL})
    body = app.test_client().get("/readyz").get_json()
    assert body["status"] == "ok" and body["checks"]["redis"] == {"ok": True, "detail": "PONG"}


def test_readyz_names_an_unreachable_redis(app_config):
    app = create_app({**app_config, "REDIS_URL": "redis://127.0.0.1:1/0"})
    r = app.test_client().get("/readyz")
    assert r.status_code == 503 and r.get_json()["failing"] == ["redis"]


def test_readyz_fails_below_the_free_space_setting(app_config, monkeypatch):
    app = create_app({**app_config, "READY_MIN_FREE_MB": 2048})
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: Usage(10 << 30, (10 << 30) - (100 << 20), 100 << 20))
    r = app.test_client().get("/readyz")
    body = r.get_json()
    assert r.status_code == 503 and body["failing"] == ["disk"]
    assert body["checks"]["disk"]["detail"] == "100 MB free, below 2048 MB"


def test_readyz_fails_when_the_instance_folder_is_gone(app_config):
    app = create_app(app_config)
    shutil.rmtree(app.instance_path)
    r = app.test_client().get("/readyz")
    assert r.status_code == 503 and r.get_json()["failing"] == ["disk"]
    assert "not writable" in r.get_json()["checks"]["disk"]["detail"]
