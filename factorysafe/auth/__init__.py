"""Accounts, sign-in and the access rules every view uses."""
from flask import Blueprint
from flask_babel import lazy_gettext
from flask_login import LoginManager

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Please sign in to see that page.")
login_manager.localize_callback = str  # translated when it is flashed (the session stores plain text)
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str):
    """The user of a session: ``"<id>:<session token>"`` (``User.get_id``). A token changed since (sign-out,
    new password) or anything else makes the request anonymous."""
    from factorysafe.auth.models import User
    from factorysafe.db import db

    user_id, _, token = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 18 or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not user.has_session_token(token):
        return None
    return user


def init_app(app) -> None:
    login_manager.init_app(app)
    from factorysafe.auth import views  # noqa: F401

    app.register_blueprint(bp)
