"""English and Bangla (Flask-Babel). ``?lang=bn`` or the switch picks the language and is remembered."""
from __future__ import annotations

from flask import current_app, has_app_context, has_request_context, request, session
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


def current_lang() -> str:
    """The language of this request ("en" or "bn"); the default language outside one."""
    from flask_babel import get_locale

    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def url_in_lang(endpoint: str, **values) -> str:
    """``url_for`` for this URL in the current language: ``lang=bn`` is carried when the page is not in the
    default language, so a PDF, a next page or a filtered list opens in the language the reader chose (the
    reports read ``?lang=`` only, never the session). Templates: ``{{ lang_url('maps.factory_page', ...) }}``."""
    from flask import url_for

    lang = current_lang()
    if lang != current_app.config["BABEL_DEFAULT_LOCALE"]:
        values.setdefault("lang", lang)
    return url_for(endpoint, **values)


def switch_lang_url(lang: str) -> str:
    """This page in another language, keeping its other query arguments (filters, page)."""
    from urllib.parse import urlencode

    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    return f"{request.path}?{urlencode(args)}"


BANGLA_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def bangla_digits(text) -> str:
    """``text`` with Bangla digits (০-৯) for the ASCII ones: the one table (the ``|bangla_digits`` filter)."""
    return str(text).translate(BANGLA_DIGITS)


def local_digits(text, lang: str | None = None) -> str:
    """``text`` with the digits of ``lang`` (default: the current locale's): Bangla digits in Bangla (the
    ``|local_digits`` filter, for numbers such as a photo's distance in km)."""
    if lang is None:
        from flask_babel import get_locale

        lang = str(get_locale() or "") if has_app_context() else ""
    return bangla_digits(text) if lang == "bn" else str(text)


def format_day(value, with_time: bool = False, lang: str | None = None) -> str:
    """A date (or date and time, UTC) as the app prints it everywhere: ISO order, YYYY-MM-DD (never the
    ambiguous mm/dd/yyyy), in Bangla with Bangla digits; "–" for none. The ``|date`` filter, and the one
    function for dates in flash messages, e-mails and history sentences. ``lang`` defaults to the current
    locale (the request's, or ``force_locale``'s in e-mails); an ISO string (an audit payload) is read first."""
    import datetime as dt

    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M") if with_time else value.date().isoformat()
    else:
        text = value.isoformat()
    return local_digits(text, lang)


def _form_translations():
    """WTForms' own messages ("This field is required.") come from this app's catalogue: WTForms ships
    no Bangla, so Flask-WTF's loader (WTForms' locale folder) would leave them in English."""
    return get_translations() if has_request_context() else None


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    flask_wtf.i18n._get_translations = _form_translations
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["bangla_digits"] = bangla_digits
    app.jinja_env.filters["local_digits"] = local_digits
    from factorysafe import labels

    labels.init_app(app)  # {{ x|label }}: the one table of enum labels
    app.jinja_env.globals["lang_url"] = url_in_lang
    app.jinja_env.globals["switch_lang_url"] = switch_lang_url
    from factorysafe import history

    history.init_app(app)  # {{ ev|history }}: an audit event as a sentence

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
