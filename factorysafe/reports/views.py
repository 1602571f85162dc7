"""The two report URLs. Access is decided in ``content``; rendering and caching in ``pdf``."""
from __future__ import annotations

from flask import abort, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from factorysafe import limits, policy
from factorysafe.db import db
from factorysafe.factories.models import Factory
from factorysafe.inspections.models import Inspection
from factorysafe.reports import content, pdf
from factorysafe.reports.blueprint import bp
from factorysafe.reports.labels import LANGS, Formats
from factorysafe.web import today


def _lang() -> str:
    """The report's language: ``?lang=bn`` or English. Not the session's: one URL, one document."""
    lang = request.args.get("lang", "en")
    return lang if lang in LANGS else "en"


def _count_render() -> None:
    """A PDF is about to be rendered (seconds of CPU): anonymous visitors may start only so many per IP."""
    if not current_user.is_authenticated:
        limits.guard("PDF_RENDER_RATE_LIMIT", message=_("Too many reports were made from your address just now. "
                                                        "Please wait a minute, then try again."))


def _send(kind: str, object_id: int, template: str, data: dict, download_name: str):
    path, fp = pdf.cached_report(kind, object_id, template, data, before_render=_count_render)
    try:
        file = open(path, "rb")
    except FileNotFoundError:  # replaced by a newer version between the two lines: make it again
        path, fp = pdf.cached_report(kind, object_id, template, data, before_render=_count_render)
        file = open(path, "rb")
    response = send_file(file, mimetype="application/pdf", download_name=download_name, as_attachment=False,
                         conditional=True, etag=fp, max_age=0)
    # The same URL gives signed-in engineers and owners a private version: never store it in shared caches.
    public = data["audience"] == policy.PUBLIC
    response.headers["Cache-Control"] = "public, no-cache" if public else "private, no-cache"
    response.vary.add("Cookie")
    return response


@bp.route("/inspections/<int:inspection_id>/report.pdf")
def inspection_report(inspection_id: int):
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None:
        abort(404)
    audience = content.inspection_audience(current_user, inspection)
    if audience is None:
        abort(404)
    lang = _lang()
    data = content.inspection_content(inspection.id, audience, lang,
                                      people=policy.may_see_people(current_user, inspection.factory_id))
    name = f"inspection-{inspection.id}-{inspection.inspected_on.isoformat()}-{lang}.pdf"
    return _send("inspection", inspection.id, "inspection.html", data, name)


@bp.route("/factories/<int:factory_id>/cap.pdf")
def cap_report(factory_id: int):
    factory = db.session.get(Factory, factory_id)
    if factory is None:
        abort(404)
    audience = content.cap_audience(current_user, factory)
    if audience is None:
        abort(404)
    lang = _lang()
    data = content.cap_content(factory.id, audience, lang, today(), policy.visible_states(current_user, factory.id))
    return _send("cap", factory.id, "cap.html", data, f"cap-factory-{factory.id}-{lang}.pdf")


# --- progress charts, drawn where a template asks (factory page, map, CAP PDF) ---------------------------------
@bp.app_template_global("factory_progress_chart")
def factory_progress_chart(factory_id: int):
    """The public factory page's chart: published inspections only (the page is cached per factory and day)."""
    from flask_babel import get_locale
    from markupsafe import Markup

    from factorysafe.reports import charts

    history = charts.factory_history(factory_id, today(), policy.PUBLIC_STATES)
    return Markup(charts.chart_svg(history, str(get_locale() or "en"), element_id="factory-progress-chart"))


@bp.route("/map/progress.svg")
def programme_progress_chart():
    """The map's chart of every public factory, as an image the page loads after itself (``loading=lazy``): the
    months come from one grouped query over every published finding (seconds on a large programme, once a day),
    which must never hold up the map. Kept in the shared cache for the public data set's content (which changes
    whenever any factory's progress does), the language and the day; revalidated by ETag."""
    from flask import Response, request
    from flask_babel import get_locale

    from factorysafe.cache import cache, key
    from factorysafe.maps import services
    from factorysafe.reports import charts

    day, lang = today(), str(get_locale() or "en")
    data_key = services.public_data(day).key
    etag = f"{data_key}-{lang}-{day.isoformat()}"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        ck = key("programme-progress-chart", data_key, lang, day.isoformat())
        svg = cache.get(ck)
        if svg is None:
            svg = charts.chart_svg(charts.programme_history(day), lang, programme=True,
                                   element_id="programme-progress-chart")
            cache.set(ck, svg)
        response = Response(svg, mimetype="image/svg+xml")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.no_cache = True
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.app_template_global("report_progress_chart")
def report_progress_chart(history: dict, lang: str):
    """The CAP PDF's chart from the history in its content (``content.cap_content``), figures in its digits."""
    from markupsafe import Markup

    from factorysafe.reports import charts

    return Markup(charts.chart_svg(history, lang, element_id="cap-progress-chart", digits=Formats(lang).num))
