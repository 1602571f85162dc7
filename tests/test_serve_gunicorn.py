"""make serve: gunicorn with the app's SERVE_* settings, JSON access logs with request ids."""
from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from factorysafe import gunicorn_conf


def test_gunicorn_settings_come_from_the_app_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("FACTORYSAFE_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text("SERVE_THREADS = 7\n")
    monkeypatch.setenv("FACTORYSAFE_SERVE_WORKERS", "5")
    monkeypatch.setenv("FACTORYSAFE_SERVE_BIND", '"0.0.0.0:9000"')
    try:
        conf = importlib.reload(gunicorn_conf)
        assert (conf.workers, conf.threads, conf.bind, conf.timeout) == (5, 7, ["0.0.0.0:9000"], 120)
        assert conf.wsgi_app == "factorysafe.wsgi:app" and conf.accesslog is None
        assert conf.preload_app is True
        assert conf._settings["json_logs"] is True and conf.logconfig_dict["loggers"]["gunicorn.error"]
        monkeypatch.setenv("FACTORYSAFE_LOG_JSON", "false")
        conf = importlib.reload(gunicorn_conf)
        assert conf._settings["json_logs"] is False and conf.logconfig_dict == {}
        assert not hasattr(conf, "config")  # gunicorn would take it for its own "config" setting
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_app_with_json_access_lines(migrated_database, tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": migrated_database, "FACTORYSAFE_INSTANCE_PATH": str(tmp_path / "instance"),
           "FACTORYSAFE_SECRET_KEY": "serve-test", "FACTORYSAFE_SERVE_BIND": f'"127.0.0.1:{port}"',
           "FACTORYSAFE_SERVE_WORKERS": "1", "FACTORYSAFE_SERVE_THREADS": "2"}
    env.pop("REDIS_URL", None)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as err:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "python:factorysafe.gunicorn_conf"],
                                  env=env, stdout=err, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    assert json.load(r) == {"status": "ok"}
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        request = urllib.request.Request(base + "/readyz?token=do-not-log", headers={"X-Request-ID": "probe-42"})
        with urllib.request.urlopen(request, timeout=10) as r:
            assert r.status == 200 and r.headers["X-Request-ID"] == "probe-42"
            assert json.load(r)["checks"]["database"]["ok"] is True
        with urllib.request.urlopen(base + "/open-data", timeout=10) as r:
            # the production Server header names no versions (gunicorn's, nor Python's)
            assert r.status == 200 and r.headers.get_all("Server") == ["gunicorn"]
            assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    text = log.read_text()
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    access = [r for r in records if r.get("logger") == "factorysafe.access" and r["path"] == "/readyz"]
    assert len(access) == 1, text
    assert access[0]["request_id"] == "probe-42" and access[0]["status"] == 200 and access[0]["method"] == "GET"
    assert any(r.get("logger") == "gunicorn.error" and "Booting worker" in r["message"] for r in records), text
    assert any(r.get("logger") == "factorysafe.serve" and "warmed up" in r["message"] for r in records), text
    assert "do-not-log" not in text
