"""Dates and numbers of the printed reports in the report's language.

The reports' words come from the gettext catalogue like every page's (the PDF is rendered inside
``flask_babel.force_locale(lang)``) and enum labels from ``factorysafe.labels``; only the formatting
of dates and numbers (Bangla digits) lives here. The report's language is chosen by ``?lang=`` alone
(default English), never by the visitor's session, so one URL always gives one document.
"""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date as _babel_format_date

from factorysafe.i18n import bangla_digits

LANGS = ("en", "bn")


class Formats:
    """``fmt.date(...)``, ``fmt.num(...)``, ``fmt.percent(...)`` in the report's language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGS else "en"

    def num(self, value) -> str:
        s = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
        return bangla_digits(s) if self.lang == "bn" else s

    def date(self, value: dt.date | dt.datetime | str | None, fmt: str = "medium") -> str:
        if not value:
            return "–"
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        day = value.date() if isinstance(value, dt.datetime) else value
        text = _babel_format_date(day, fmt, locale=self.lang)
        if isinstance(value, dt.datetime):
            text += value.strftime(" %H:%M")
        return self.num(text)

    def percent(self, rate: float | None) -> str:
        from factorysafe.actions.rules import progress_percent

        return "–" if rate is None else self.num(str(progress_percent(rate))) + " %"
