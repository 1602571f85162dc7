"""Public pages: the safety map, a factory's page and the open-data page. No login; published data only."""
from __future__ import annotations

import gzip
import hashlib

from flask import Response, abort, current_app, jsonify, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from factorysafe.actions.rules import CapStatus, HeadlineStatus
from factorysafe.cache import cache, factory_key, key as cache_key
from factorysafe import assets
from factorysafe.maps import geo, labels, pages, palette, render, services
from factorysafe.maps.blueprint import bp
from factorysafe.maps.services import DISCIPLINES
from factorysafe.state import state
from factorysafe.web import today

LIST_LIMIT = 50


@bp.app_context_processor
def inject_labels():
    return {"public_label": labels.label, "status_colours": labels.HEADLINE_COLOURS, "map_palette": palette,
            "discipline_label": labels.discipline_label,
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
        "status": status if status in services.HEADLINE_STATUSES else "",
        "discipline": discipline if discipline in DISCIPLINES else "",
        "district": args.get("district", "").strip()[:60],
        "danger": args.get("danger") in ("1", "on", "true"),
    }


def _map_parts(data, lang: str) -> dict:
    """The rendered folium map (district shading, marker layer that fetches ``/map/markers.json``), kept per
    district figures, language and tile setting in the app's state: a changed factory re-renders it only when
    a district's share behind schedule or the list of districts changes."""
    app_state = state()
    rendered = app_state.map_rendered
    key = (render.map_key(data), lang, current_app.config["MAP_TILE_URL"], url_for("maps.map_markers"))
    parts = rendered.get(key)
    if parts is None:
        with app_state.render_lock:
            parts = rendered.get(key)
            if parts is None:
                parts = render.build_map(data, lang)
                if len(rendered) > 8:
                    rendered.clear()
                rendered[key] = parts
    return parts


@bp.route("/map")
def safety_map():
    day = today()
    data = services.public_data(day)
    lang = _lang()
    parts = _map_parts(data, lang)
    f = _filters()
    matches = services.filter_factories(data.factories, district=f["district"],
                                        discipline=f["discipline"], q=f["q"], danger=f["danger"], status=f["status"])
    districts = parts["districts"]
    bn = geo.district_names_bn() if lang == "bn" else {}
    return render_template(
        "maps/map.html", parts=parts, filters=f, matches=matches[:LIST_LIMIT], match_count=len(matches),
        total=len(data.factories), districts=[(d, bn.get(d, d)) for d in districts], statuses=list(HeadlineStatus),
        disciplines=DISCIPLINES, i18n=parts["i18n"], share_classes=palette.SHARE_CLASSES,
        no_factory_colour=palette.NO_FACTORY_COLOUR, palette=palette,
    )


@bp.route("/map/geo/<name>.geojson")
def map_layer(name: str):
    """A boundary file (districts, upazilas) as GeoJSON: compressed once, cached a year under its hashed URL."""
    path = geo.LAYER_FILES.get(name)
    if path is None:
        abort(404)
    return assets.send_versioned(str(path))


def markers_payload(data) -> tuple[bytes, bytes]:
    """The markers of a data set as compact JSON, plain and gzip-compressed, in the shared cache by content."""
    ck = cache_key("map-markers", data.key)
    entry = cache.get(ck)
    if entry is None:
        body = render.markers_json(data)
        entry = (body, gzip.compress(body, 6))
        # content-addressed, so never stale: MAP_CACHE_SECONDS only bounds how long an unused payload is kept
        cache.set(ck, entry, timeout=int(current_app.config["MAP_CACHE_SECONDS"]))
    return entry


@bp.route("/map/markers.json")
def map_markers():
    """Every public factory's marker: {"districts": [name], "rows": [[lat, lon, id, name, status index, danger,
    open[4], overdue[4], district index, evacuation date or 0]]}. ETag by content; gzip when accepted."""
    data = services.public_data(today())
    zipped = "gzip" in request.accept_encodings
    etag = f"{data.key}-gz" if zipped else data.key
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        plain, compressed = markers_payload(data)
        response = Response(compressed if zipped else plain, mimetype="application/json")
        if zipped:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    response.headers["Vary"] = "Accept-Encoding"
    response.cache_control.public = True
    response.cache_control.no_cache = True  # revalidate: a 304 costs one indexed query
    return response


@bp.route("/map/search.json")
def map_search():
    """The ids of the public factories the text ``q`` finds (``services.filter_factories``, the one matcher of the
    map, the API and ``factories.queries.search``): the map's search box asks here, so it is as forgiving of
    spelling, and finds Bangla names, addresses, upazilas and registration numbers, like the server."""
    q = request.args.get("q", "").strip()[:100]
    data = services.public_data(today())
    ids = [r["id"] for r in services.filter_factories(data.factories, q=q)] if q else []
    response = jsonify({"q": q, "ids": ids})
    response.set_etag(hashlib.blake2b(f"{data.key}\0{q}".encode(), digest_size=12).hexdigest())
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)


@bp.route("/factories/<int:factory_id>")
def factory_page(factory_id: int):
    day = today()
    lang = _lang()
    # Visitors all see the same page: kept per factory, language and day until the factory's status row changes
    # (``status`` forgets it after the commit). Signed-in users and pending messages get it rendered afresh.
    ck = None
    if not current_user.is_authenticated and not session.get("_flashes"):
        ck = factory_key(factory_id, "page", lang, day.isoformat())
        html = cache.get(ck)
        if html is not None:
            return html
    summary = services.public_factory(day, factory_id)
    if summary is None:
        abort(404)
    context = pages.factory_context(factory_id, summary, day, lang)
    html = render_template("maps/factory.html", f=summary, day=day, disciplines=DISCIPLINES,
                           district_geojson=geo.district_geojson(summary["boundary_district"] or summary["district"]),
                           **context)
    if ck is not None:
        cache.set(ck, html)
    return html


@bp.route("/open-data")
def open_data():
    from factorysafe.maps import exports

    from factorysafe import audit

    events, head = audit.head()
    return render_template("maps/open_data.html", factory_columns=exports.FACTORY_COLUMNS,
                           finding_columns=exports.FINDING_COLUMNS, statuses=list(CapStatus), disciplines=DISCIPLINES,
                           audit_events=events, audit_head=head)
