"""One place decides how errors look: an HTML page in the site layout, or JSON under /api/.

Domain errors (:class:`DomainError` and its subclasses, raised by services) carry their HTTP status and
a message for the user in the user's language; an edit conflict (``StaleDataError``, or SQLite's
"database is locked" for a write made stale by another writer) is a 409. A view that re-shows a form
with the typed text kept asks :func:`refusal` for the status and message; anything else that escapes
a view is rendered here, after the session is rolled back, so nothing is half-saved."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from factorysafe.db import db

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you sent and try again.")),
    401: (_l("Sign-in needed"), _l("Please sign in to see this page.")),
    403: (_l("Not allowed"), _l("Your account may not see or change this.")),
    404: (_l("Not found"), _l("There is no such page, or it is not public.")),
    405: (_l("Not allowed"), _l("That action is not possible here.")),
    409: (_l("Conflict"), _l("Someone else changed this in the meantime. Reload to see their change, then try again.")),
    413: (_l("Too large"), _l("The upload is too large. Photos may be at most {limit} MB each; send fewer at once.")),
    429: (_l("Too many requests"), _l("Too many requests from your address. Please wait a minute, then try again.")),
    500: (_l("Something went wrong"), _l("The error was logged and nothing was half-saved. Please try again.")),
}


def wants_json_response() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, message: str | None = None):
    title, default = MESSAGES.get(status, (_l("Error"), _l("Something went wrong.")))
    title = str(title)

    limit = current_app.config["PHOTO_MAX_BYTES"] // (1024 * 1024)
    message = message or str(default).format(limit=limit)
    if wants_json_response():
        return jsonify(error={"status": status, "title": title, "message": message}), status
    return render_template("error.html", status=status, title=title, message=message), status


class DomainError(Exception):
    """A refused operation: ``status`` is the HTTP status, ``message`` what the user reads (translated
    when raised, inside the request). Nothing was changed when it is raised."""

    status = 400

    def __init__(self, message, status: int | None = None):
        super().__init__(str(message))
        self.message = str(message)
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message


class Conflict(DomainError):
    status = 409


VERSION_MISSING_MESSAGE = _l("The form did not say which version of this record it was based on, so nothing was "
                             "changed. Reload the page and send the form again.")


class MissingVersion(DomainError):
    """A state change without the (whole-number) version the user saw: refused, never applied to whatever
    the record is now."""

    status = 400


def require_version(value) -> int:
    """The version a form or caller based a change on, as an int; :class:`MissingVersion` if absent or malformed."""
    if isinstance(value, bool):
        raise MissingVersion(_(str(VERSION_MISSING_MESSAGE)))
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise MissingVersion(_(str(VERSION_MISSING_MESSAGE)))
    return int(text)


CONFLICT_MESSAGE = _l("Someone else changed this while you were editing it. Your entries are kept below: check them "
                      "against the saved values and save again.")


def refusal(exc: BaseException) -> DomainError | None:
    """The domain error ``exc`` stands for (itself, or a 409 for an edit conflict), or None when it is
    not a refusal (a bug: let it propagate)."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, StaleDataError) or (isinstance(exc, OperationalError) and "locked" in str(exc)):
        return Conflict(_(str(CONFLICT_MESSAGE)))
    return None


def rolled_back(exc: BaseException) -> DomainError:
    """After a write that raised ``exc``: roll the transaction back and return the refusal ``exc`` stands for
    (``refusal``); anything that is not a refusal is raised again (a bug: the handlers below answer it)."""
    db.session.rollback()
    refused = refusal(exc)
    if refused is None:
        raise exc
    return refused


@bp.app_errorhandler(DomainError)
def domain_error(e: DomainError):
    db.session.rollback()
    return error_response(e.status, e.message)


@bp.app_errorhandler(StaleDataError)
def stale_data(e):
    db.session.rollback()
    return error_response(409, str(refusal(e)))


@bp.app_errorhandler(CSRFError)
def csrf_error(e):
    return error_response(400, _("The form expired or was sent from another site. Reload the page and send it again."))


@bp.app_errorhandler(SecurityError)
def untrusted_host(e):
    """A ``Host`` not in ``TRUSTED_HOSTS``: no URL of this site can be built for it, so no page layout."""
    message = _("This site does not answer to that host name.")
    if wants_json_response():
        return jsonify(error={"status": 400, "title": str(MESSAGES[400][0]), "message": message}), 400
    return message, 400, {"Content-Type": "text/plain; charset=utf-8"}


@bp.app_errorhandler(HTTPException)
def http_error(e: HTTPException):
    if e.code == 401:
        from flask_login import current_user

        if not wants_json_response() and not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # Flask-Login's, set on the app by auth.init_app
    custom = e.description if getattr(e, "show_message", False) else None
    body, status = error_response(e.code or 500, custom)
    response = current_app.make_response((body, status))
    # the exception's own headers stay: Allow on a 405 (RFC 9110), Retry-After on a 429 or 503, ...
    for name, value in e.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


@bp.app_errorhandler(InternalServerError)
def internal_error(e):
    db.session.rollback()
    return error_response(500)


@bp.app_errorhandler(Exception)
def unhandled(e):
    if isinstance(e, HTTPException):
        return http_error(e)
    if isinstance(e, OperationalError) and refusal(e) is not None:  # SQLite: a write made stale by another
        db.session.rollback()
        return error_response(409, str(refusal(e)))

    current_app.logger.exception("Unhandled error on %s", request.path)
    db.session.rollback()
    return error_response(500)


class UserFacingError(DomainError):
    """Raise with a message a user can read; shown as the page's message (or the JSON error's)."""


def init_app(app) -> None:
    app.register_blueprint(bp)
