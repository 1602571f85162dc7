"""English and Bangla (Flask-Babel). ``?lang=bn`` or the switch picks the language and is remembered."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import Babel

babel = Babel()


def select_locale() -> str:
    if not has_request_context():  # CLI, background work: messages stay in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang")
    if wanted in languages:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def inject_locale():
        from flask_babel import get_locale

        return {"current_lang": str(get_locale() or "en")}
