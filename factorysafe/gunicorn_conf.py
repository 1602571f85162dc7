"""gunicorn settings for ``make serve`` (``gunicorn -c python:factorysafe.gunicorn_conf``).

Bind address, workers, threads and timeout come from the app's settings (``SERVE_BIND``,
``SERVE_WORKERS``, ``SERVE_THREADS``, ``SERVE_TIMEOUT``), layered as the app layers them: defaults in
``config.Defaults``, then ``instance/config.py``, then the environment (``FACTORYSAFE_SERVE_WORKERS=8``).
The app writes its own JSON access line per request (with its request id), so gunicorn's access log is
off; gunicorn's own messages are JSON too when ``LOG_JSON`` is on (the default here).
"""
from __future__ import annotations

import os

from flask import Config, Flask

from factorysafe.config import Defaults, from_environment


def settings() -> Config:
    """The app's settings without building the app (the same layers as ``create_app``)."""
    instance_path = os.environ.get("FACTORYSAFE_INSTANCE_PATH") or Flask("factorysafe").instance_path
    config = Config(instance_path)
    config.from_object(Defaults)
    config["LOG_JSON"] = True  # on under gunicorn unless configured off
    config.from_pyfile("config.py", silent=True)
    from_environment(config)
    return config


def gunicorn_settings(config) -> dict:
    """gunicorn's settings from the app's (module-level names below; gunicorn reads a name ``config`` as
    its own setting, so the app's settings are never bound to that name here)."""
    json_logs = bool(config["LOG_JSON"])
    level = str(config["LOG_LEVEL"])
    out = {
        "wsgi_app": "factorysafe.wsgi:app",
        "bind": [str(config["SERVE_BIND"])],
        "workers": int(config["SERVE_WORKERS"]),
        "threads": int(config["SERVE_THREADS"]),
        "worker_class": "gthread",
        "preload_app": bool(config["SERVE_PRELOAD"]),
        "timeout": int(config["SERVE_TIMEOUT"]),
        "graceful_timeout": 30,
        "forwarded_allow_ips": "127.0.0.1,::1",  # trust X-Forwarded-* from a reverse proxy on this host
        "accesslog": None,  # the app logs one JSON access line per request
        "errorlog": "-",
        "loglevel": level.lower(),
        "logconfig_dict": {},  # gunicorn's own logging, unless JSON
        "json_logs": json_logs,
    }
    if json_logs:
        out["logconfig_dict"] = {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": "factorysafe.logs.json_formatter"}},
            "filters": {"request_id": {"()": "factorysafe.logs.RequestIdFilter"}},
            "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                                     "filters": ["request_id"], "stream": "ext://sys.stderr"}},
            "loggers": {"gunicorn.error": {"level": level, "handlers": ["console"], "propagate": False}},
            # gunicorn's defaults would give the root logger a handler too: the app installs the root's
            # one JSON handler itself (factorysafe.logs), so each line is written once.
            "root": {"level": level, "handlers": []},
        }
    return out


_settings = gunicorn_settings(settings())
wsgi_app = _settings["wsgi_app"]
bind = _settings["bind"]
workers = _settings["workers"]
threads = _settings["threads"]
worker_class = _settings["worker_class"]
preload_app = _settings["preload_app"]
timeout = _settings["timeout"]
graceful_timeout = _settings["graceful_timeout"]
forwarded_allow_ips = _settings["forwarded_allow_ips"]
accesslog = _settings["accesslog"]
errorlog = _settings["errorlog"]
loglevel = _settings["loglevel"]
logconfig_dict = _settings["logconfig_dict"]

