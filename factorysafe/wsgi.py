"""The WSGI entry point of ``make serve`` (gunicorn ``factorysafe.wsgi:app``).

JSON logs are on here unless configured off (``LOG_JSON = False`` in ``instance/config.py`` or
``FACTORYSAFE_LOG_JSON=false``): the same layering as ``gunicorn_conf.settings``.
"""
from __future__ import annotations

import logging
import os
import time

from factorysafe import create_app
from factorysafe.gunicorn_conf import settings

WARM_PATHS = ("/map", "/map?lang=bn", "/map/markers.json")


def warm_up(app) -> None:
    """Build what every public visitor shares (the public data set, the rendered map in both languages, the
    markers) once, through the pages themselves, before gunicorn forks its workers (``SERVE_PRELOAD``): each
    worker starts with them in memory it shares, instead of building them on its first visitor's request.
    A failure is logged and the server starts anyway (the pages then build on first use)."""
    log = logging.getLogger("factorysafe.serve")
    started = time.perf_counter()
    try:
        client = app.test_client()
        for path in WARM_PATHS:
            client.get(path, headers={"Accept-Encoding": "gzip"})
    except Exception:  # noqa: BLE001 - serving without a warm cache beats not serving
        log.exception("warm-up of the public pages failed")
        return
    finally:
        from factorysafe.db import db

        with app.app_context():
            db.engine.dispose()  # the workers open connections of their own
    log.info("public pages warmed up in %.1f s", time.perf_counter() - started)


os.environ["FACTORYSAFE_LOG_JSON"] = "true" if settings()["LOG_JSON"] else "false"
app = create_app()
if app.config["SERVE_WARM_UP"]:
    warm_up(app)


def _own_connections() -> None:
    """In a process forked from this one (gunicorn's workers with ``preload_app``): open database connections of
    its own, never one the parent may hold."""
    from factorysafe.db import db

    with app.app_context():
        db.engine.dispose(close=False)


os.register_at_fork(after_in_child=_own_connections)
