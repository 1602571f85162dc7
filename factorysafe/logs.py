"""Request ids and JSON logs.

Every request gets an id: the incoming ``X-Request-ID`` when it looks like one (letters, digits and
``._:+=/-``, at most 128 characters), otherwise a new random one. It is returned in the ``X-Request-ID``
response header and kept in ``g.request_id``.

With ``LOG_JSON`` (on under ``make serve``) every log line is one JSON object on standard error
carrying the request id of the request it was written in, and each request writes one access line
(method, path, status, duration in ms, request id). The path is logged without its query string (which
may carry tokens), and no request or response body is ever logged.

Workers' routes (``ANONYMOUS_PATHS``: reporting danger, a factory's short link, SMS intake) are anonymous by
design: the development server's request line (werkzeug's, which starts with the client's address) is written
for them with "-" in place of the address (:class:`AnonymousClientFilter`). The app's own access line never
holds an address or user agent.
"""
from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,127}")
ACCESS_LOGGER = "factorysafe.access"
#: Paths whose requests must leave no client address in any log line (workers' complaints).
ANONYMOUS_PATHS = ("/report", "/f", "/sms")
_REQUEST_LINE = re.compile(r'"[A-Z]+ (\S+)')
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # werkzeug colours the request line of errors in a terminal


def request_id_from(incoming: str | None) -> str:
    """The incoming id when it is sane, else a fresh one."""
    if incoming and _SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return None


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` (or None outside a request) on every record the handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


def json_formatter() -> logging.Formatter:
    try:
        from pythonjsonlogger.json import JsonFormatter
    except ImportError:  # python-json-logger < 3.1
        from pythonjsonlogger.jsonlogger import JsonFormatter

    return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                         rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         json_ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of writing (as ``logging.lastResort`` does)."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    handler._factorysafe_json = True  # noqa: SLF001 - marks the one handler this module installs
    return handler


def install_json_logging(level: str = "INFO", stream=None) -> logging.Handler:
    """Route the process's logs (root logger) through one JSON handler; idempotent."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_factorysafe_json", False):
            root.removeHandler(handler)
    handler = json_handler(stream)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def is_anonymous_path(path: str) -> bool:
    """Is ``path`` (a query string allowed) one of ``ANONYMOUS_PATHS`` or below one?"""
    path = path.split("?", 1)[0]
    return any(path == p or path.startswith(p + "/") for p in ANONYMOUS_PATHS)


class AnonymousClientFilter(logging.Filter):
    """werkzeug's request lines ("203.0.113.7 - - [date] "GET /report HTTP/1.1" 200 -") of anonymous paths are
    written with "-" for the client's address."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's business, not ours
            return True
        line = _REQUEST_LINE.search(_ANSI.sub("", message))
        if line and is_anonymous_path(line.group(1)):
            record.msg = "-" + message[len(message.split(" ", 1)[0]):] if " " in message else "-"
            record.args = ()
        return True


def install_anonymous_filter() -> None:
    """Once per process: werkzeug's logger anonymises the request lines of ``ANONYMOUS_PATHS``."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, AnonymousClientFilter) for f in logger.filters):
        logger.addFilter(AnonymousClientFilter())


def _start_request() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _finish_request(response):
    if "request_id" not in g:  # a before_request hook answered before ours ran
        _start_request()
    response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def _access_line(response):
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    logging.getLogger(ACCESS_LOGGER).info(
        "request", extra={"method": request.method, "path": request.path, "status": response.status_code,
                          "duration_ms": duration_ms, "request_id": g.get("request_id")})
    return response


def init_app(app) -> None:
    install_anonymous_filter()
    # First of the before_request hooks, so every later hook and view logs with the id.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    if app.config["LOG_JSON"]:
        from flask.logging import default_handler

        install_json_logging(app.config["LOG_LEVEL"])
        app.logger.removeHandler(default_handler)  # the root's JSON handler writes app.logger's lines
        app.after_request(_access_line)
    app.after_request(_finish_request)  # registered last, so it runs first (after_request runs in reverse)
