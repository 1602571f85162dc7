"""English and Bangla (Flask-Babel). ``?lang=bn`` or the switch picks the language and is remembered."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import Babel
from flask_babel import lazy_gettext as _l

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


# Enum labels that templates translate with ``_(x.label)`` and that no other module marks for
# extraction (the maps helper marks disciplines, severities, statuses and inspection types).
# Keep them in step with the ``label`` properties of InspectionState, Role and ExtensionStatus.
EXTRA_LABELS = (
    _l("Draft"), _l("Submitted"), _l("Published"),
    _l("Administrator"), _l("Engineer"), _l("Factory owner"),
    _l("Requested"), _l("Approved"), _l("Declined"),
    # deadline rules of factorysafe/hazards/catalogue.toml, shown by the public /hazards page
    _l("immediate"), _l("6 weeks"), _l("3 months"), _l("6 months"),
)
