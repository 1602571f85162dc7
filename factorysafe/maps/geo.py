"""Geography apart from views: the district polygons (loaded once per app) and the spatial join of factories to them.

The caches live in the app's state (``app.extensions["factorysafe"].geo``, see ``factorysafe.state``), so these
functions need an app context.
"""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from factorysafe.state import state

DATA = Path(__file__).with_name("data")
DISTRICTS_FILE = DATA / "bd_districts.geojson"
UPAZILAS_FILE = DATA / "bd_upazilas.geojson"
# The boundary files the browser fetches (``/map/geo/<name>.geojson?v=<hash>``, cached a year): name -> file.
LAYER_FILES = {"districts": DISTRICTS_FILE, "upazilas": UPAZILAS_FILE}


def districts() -> gpd.GeoDataFrame:
    """Bangladesh's 64 districts (simplified, EPSG:4326), read once per app."""
    cache = state().geo
    if cache.districts is None:
        with cache.lock:
            if cache.districts is None:
                gdf = gpd.read_file(DISTRICTS_FILE)
                cache.districts = gdf.set_crs(4326, allow_override=True)
    return cache.districts


def upazilas() -> gpd.GeoDataFrame:
    """Bangladesh's 507 upazilas, thanas and city corporations (simplified, EPSG:4326), read once per app."""
    cache = state().geo
    if cache.upazilas is None:
        with cache.lock:
            if cache.upazilas is None:
                cache.upazilas = gpd.read_file(UPAZILAS_FILE).set_crs(4326, allow_override=True)
    return cache.upazilas


def join_upazilas(rows: list[dict]) -> dict[int, str]:
    """{factory id: upazila (English name) whose polygon holds the factory}, by ``geopandas.sjoin``; a factory
    outside every polygon (offshore, or a wrong coordinate) is left out."""
    points = points_frame(rows)
    if points.empty:
        return {}
    joined = gpd.sjoin(points, upazilas()[["name_en", "geometry"]], how="inner", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return {int(i): u for i, u in zip(joined["id"], joined["name_en"])}


def district_names_bn() -> dict[str, str]:
    gdf = districts()
    return dict(zip(gdf["ADM2_EN"], gdf["name_bn"]))


def points_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """Factories (dicts with id, latitude, longitude) as a point GeoDataFrame in EPSG:4326."""
    df = pd.DataFrame(rows, columns=["id", "latitude", "longitude"]) if rows else pd.DataFrame(
        {"id": [], "latitude": [], "longitude": []})
    df = df.dropna(subset=["latitude", "longitude"])
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs=4326)


JOIN_CACHE_LIMIT = 200_000
_UNSEEN = object()


def join_districts(rows: list[dict]) -> dict[int, str]:
    """{factory id: district (ADM2_EN) whose polygon holds the factory}, by ``geopandas.sjoin``.

    Only coordinates not seen before are joined: the answer for a point never changes, so a rebuilt data set
    joins just its new or moved factories.
    """
    cache = state().geo
    joined = cache.joined  # (latitude, longitude) -> district; boundaries never change
    out: dict[int, str] = {}
    new = []
    for r in rows:
        lat, lon = r["latitude"], r["longitude"]
        if lat is None or lon is None:
            continue
        district = joined.get((lat, lon), _UNSEEN)
        if district is _UNSEEN:
            new.append(r)
        elif district is not None:
            out[r["id"]] = district
    if new:
        found = _sjoin(new)
        out.update(found)
        with cache.lock:
            if len(joined) + len(new) > JOIN_CACHE_LIMIT:
                joined.clear()
            for r in new:
                joined[(r["latitude"], r["longitude"])] = found.get(r["id"])
    return out


def _sjoin(rows: list[dict]) -> dict[int, str]:
    points = points_frame(rows)
    if points.empty:
        return {}
    joined = gpd.sjoin(points, districts()[["ADM2_EN", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return {int(i): d for i, d in zip(joined["id"], joined["ADM2_EN"]) if isinstance(d, str)}


def district_features() -> dict:
    """The districts' ``__geo_interface__`` (ids, bounding boxes, geometries) as plain JSON-ready dicts, converted
    once per app: the map then adds its per-render properties without another GeoJSON round trip.
    Shared: callers must copy what they change."""
    cache = state().geo
    if cache.features is None:
        gdf = districts()  # outside the lock: districts() takes it too
        with cache.lock:
            if cache.features is None:
                cache.features = json.loads(json.dumps(gdf[["geometry"]].__geo_interface__))
    return cache.features


def district_layer(behind: dict[str, int], total: dict[str, int]) -> gpd.GeoDataFrame:
    """Districts with the count of public factories, how many are behind schedule, and the share (-1 without factories)."""
    gdf = districts().copy()
    gdf["factories"] = [int(total.get(n, 0)) for n in gdf["ADM2_EN"]]
    gdf["behind"] = [int(behind.get(n, 0)) for n in gdf["ADM2_EN"]]
    gdf["share"] = [round(b / t, 3) if t else -1.0 for b, t in zip(gdf["behind"], gdf["factories"])]  # -1: none
    return gdf


def district_geojson(name: str | None) -> str:
    """One district's polygon as GeoJSON text (cached), or ``null``; safe inside a <script> block."""
    if not name:
        return "null"
    shapes = state().geo.shapes
    if name not in shapes:
        gdf = districts()
        rows = gdf[gdf["ADM2_EN"] == name]
        text = rows[["ADM2_EN", "geometry"]].to_json(drop_id=True) if len(rows) else "null"
        shapes[name] = text.replace("<", "\\u003c")
    return shapes[name]
