"""English and Bangla (Flask-Babel). ``?lang=bn`` or the switch picks the language and is remembered."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
import flask_wtf.i18n
from flask_babel import Babel, get_translations, gettext, ngettext
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


# Audit verbs shown in the history of an action or inspection (``{{ ev.verb|audit_verb }}``); in English
# they read as the verb with spaces ("update plan").
AUDIT_VERBS = {
    "update_plan": _l("update plan"),
    "report_fix": _l("report fix"),
    "verify_fix": _l("verify fix"),
    "reject_fix": _l("reject fix"),
    "add_comment": _l("add comment"),
    "request_extension": _l("request extension"),
    "approve_extension": _l("approve extension"),
    "decline_extension": _l("decline extension"),
    "apply_escalation": _l("apply escalation"),
    "mark_immediate_danger": _l("mark immediate danger"),
    "record_resumption": _l("record resumption"),
    "create_inspection": _l("create inspection"),
    "update_inspection": _l("update inspection"),
    "submit_inspection": _l("submit inspection"),
    "publish_inspection": _l("publish inspection"),
    "review_inspection": _l("review inspection"),
    "add_finding": _l("add finding"),
    "update_finding": _l("update finding"),
    "amend_inspection": _l("amend inspection"),
    "amend_finding": _l("amend finding"),
    "deadline_moved": _l("deadline moved"),
    "follow_requested": _l("asked to follow a factory"),
    "follow_confirmed": _l("confirmed following a factory"),
    "follow_ended": _l("stopped following a factory"),
    "follow_expired": _l("request to follow a factory expired"),
}


def audit_verb(verb: str) -> str:
    """Readable, translated name of an audit verb; an unknown verb is shown with spaces."""
    text = AUDIT_VERBS.get(verb)
    return str(text) if text is not None else verb.replace("_", " ")


BANGLA_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def format_day(value, with_time: bool = False) -> str:
    """A date (or date and time, UTC) as the app prints it everywhere: ISO order, YYYY-MM-DD (never the
    ambiguous mm/dd/yyyy), in Bangla with Bangla digits; "–" for none. The ``|date`` filter."""
    import datetime as dt

    from flask_babel import get_locale

    if value is None or value == "":
        return "–"
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M") if with_time else value.date().isoformat()
    else:
        text = value.isoformat()
    if has_request_context() and str(get_locale() or "") == "bn":
        text = text.translate(BANGLA_DIGITS)
    return text


def _form_translations():
    """WTForms' own messages ("This field is required.") come from this app's catalogue: WTForms ships
    no Bangla, so Flask-WTF's loader (WTForms' locale folder) would leave them in English."""
    return get_translations() if has_request_context() else None


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    flask_wtf.i18n._get_translations = _form_translations
    app.jinja_env.filters["audit_verb"] = audit_verb
    app.jinja_env.filters["date"] = format_day
    from factorysafe import labels

    labels.init_app(app)  # {{ x|label }}: the one table of enum labels

    @app.context_processor
    def inject_locale():
        from flask_babel import get_locale

        return {"current_lang": str(get_locale() or "en")}


# Deadline rules of factorysafe/hazards/catalogue.toml, shown by the public /hazards page (durations
# belong to deadlines, never to severity labels). Enum labels live in ``factorysafe.labels``.
DEADLINE_RULE_LABELS = (_l("immediate"), _l("6 weeks"), _l("3 months"), _l("6 months"))


def _wtforms_messages() -> None:  # never called: marks the WTForms messages our forms can show
    gettext("This field is required.")
    gettext("Invalid input.")
    gettext("Invalid email address.")
    gettext("Not a valid choice.")
    gettext("Not a valid date value.")
    gettext("Not a valid integer value.")
    gettext("Not a valid float value.")
    gettext("Not a valid decimal value.")
    gettext("Number must be at least %(min)s.")
    gettext("Number must be at most %(max)s.")
    gettext("Number must be between %(min)s and %(max)s.")
    gettext("Field must be between %(min)d and %(max)d characters long.")
    ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1)
