"""One place decides how errors look: an HTML page in the site layout, or JSON under /api/."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
    from flask import current_app

    limit = current_app.config.get("PHOTO_MAX_BYTES", 0) // (1024 * 1024)
    message = message or str(default).format(limit=limit)
    if wants_json_response():
        return jsonify(error={"status": status, "title": title, "message": message}), status
    return render_template("error.html", status=status, title=title, message=message), status


@bp.app_errorhandler(CSRFError)
def csrf_error(e):
    return error_response(400, _("The form expired or was sent from another site. Reload the page and send it again."))


@bp.app_errorhandler(HTTPException)
def http_error(e: HTTPException):
    if e.code == 401:
        from flask_login import current_user

        from factorysafe.auth import login_manager

        if not wants_json_response() and not current_user.is_authenticated:
            return login_manager.unauthorized()
    custom = e.description if getattr(e, "show_message", False) else None
    return error_response(e.code or 500, custom)


@bp.app_errorhandler(InternalServerError)
def internal_error(e):
    db.session.rollback()
    return error_response(500)


@bp.app_errorhandler(Exception)
def unhandled(e):
    if isinstance(e, HTTPException):
        return http_error(e)
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s", request.path)
    db.session.rollback()
    return error_response(500)


class UserFacingError(HTTPException):
    """Raise with a message a user can read; shown as the page's message."""

    show_message = True

    def __init__(self, message: str, code: int = 400):
        super().__init__(description=message)
        self.code = code


def init_app(app) -> None:
    app.register_blueprint(bp)
