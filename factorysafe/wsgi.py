"""The WSGI entry point of ``make serve`` (gunicorn ``factorysafe.wsgi:app``).

JSON logs are on here unless configured off (``LOG_JSON = False`` in ``instance/config.py`` or
``FACTORYSAFE_LOG_JSON=false``): the same layering as ``gunicorn_conf.settings``.
"""
from __future__ import annotations

import os

from factorysafe import create_app
from factorysafe.gunicorn_conf import settings

os.environ["FACTORYSAFE_LOG_JSON"] = "true" if settings()["LOG_JSON"] else "false"
app = create_app()
