"""Public pages: the safety map, a factory's page and the open-data page. No login; published data only."""
from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import get_locale

from factorysafe.actions.rules import CapStatus
from factorysafe.maps import geo, labels, pages, render, services
from factorysafe.maps.blueprint import bp
from factorysafe.maps.services import DISCIPLINES
from factorysafe.state import state
from factorysafe.web import today

LIST_LIMIT = 50


@bp.app_context_processor
def inject_labels():
    return {"public_label": labels.label, "cap_colours": labels.CAP_COLOURS, "discipline_label": labels.discipline_label,
            "public_ext": lambda s: str(labels.EXTENSION_STATUS.get(s, s)), "district_name": _district_name}


def _district_name(name: str) -> str:
    if _lang() == "bn":
        return geo.district_names_bn().get(name) or name
    return name


def _lang() -> str:
    return str(get_locale() or "en")


def _filters() -> dict:
    args = request.args
    status = args.get("status", "")
    discipline = args.get("discipline", "")
    return {
        "q": args.get("q", "").strip()[:100],
        "status": status if status in services.STATUSES else "",
        "discipline": discipline if discipline in DISCIPLINES else "",
        "district": args.get("district", "").strip()[:60],
        "danger": args.get("danger") in ("1", "on", "true"),
    }


def _map_parts(data, lang: str) -> dict:
    """The rendered folium map, kept per data set, language and tile setting in the app's state."""
    app_state = state()
    cache = app_state.map_rendered
    key = (data.key, data.today, lang, current_app.config["MAP_TILE_URL"])
    parts = cache.get(key)
    if parts is None:
        with app_state.render_lock:
            parts = cache.get(key)
            if parts is None:
                parts = render.build_map(data, lang)
                if len(cache) > 8:
                    cache.clear()
                cache[key] = parts
    return parts


@bp.route("/map")
def safety_map():
    day = today()
    data = services.public_data(day)
    lang = _lang()
    parts = _map_parts(data, lang)
    f = _filters()
    matches = services.filter_factories(data.factories, district=f["district"], cap_status=f["status"],
                                        discipline=f["discipline"], q=f["q"], danger=f["danger"])
    districts = parts["districts"]
    bn = geo.district_names_bn() if lang == "bn" else {}
    return render_template(
        "maps/map.html", parts=parts, filters=f, matches=matches[:LIST_LIMIT], match_count=len(matches),
        total=len(data.factories), districts=[(d, bn.get(d, d)) for d in districts], statuses=list(CapStatus),
        disciplines=DISCIPLINES, i18n=parts["i18n"], share_classes=render.SHARE_CLASSES,
    )


@bp.route("/factories/<int:factory_id>")
def factory_page(factory_id: int):
    day = today()
    summary = services.public_factory(day, factory_id)
    if summary is None:
        abort(404)
    context = pages.factory_context(factory_id, summary, day)
    return render_template("maps/factory.html", f=summary, day=day, disciplines=DISCIPLINES,
                           district_geojson=geo.district_geojson(summary["boundary_district"] or summary["district"]),
                           **context)


@bp.route("/open-data")
def open_data():
    from factorysafe.maps import exports

    return render_template("maps/open_data.html", factory_columns=exports.FACTORY_COLUMNS,
                           finding_columns=exports.FINDING_COLUMNS, statuses=list(CapStatus), disciplines=DISCIPLINES)
