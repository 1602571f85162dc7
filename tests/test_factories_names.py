"""A factory's Bangla name and registration number: the form saves and checks them, the API, its OpenAPI
document, the CSV and GeoJSON exports and the open-data page carry them, the public page shows the Bangla name
on Bangla pages, and the demo gives every factory both."""
import csv
import io
import json

import sqlalchemy as sa

from factorysafe import demo
from factorysafe.db import db
from factorysafe.factories import rules
from factorysafe.factories.models import Factory

FORM = {"name": "Crystal Garments Ltd", "district": "Dhaka", "upazila": "Savar", "latitude": "23.86",
        "longitude": "90.27"}


def _factory(app, name: str) -> Factory:
    with app.app_context():
        f = db.session.scalars(sa.select(Factory).where(Factory.name == name)).one()
        db.session.expunge(f)
        return f


def test_form_saves_bangla_name_and_registration_number(app, client, auth, build):
    auth.login(build.user("engineer").email)
    page = client.get("/manage/factories/new").get_data(as_text=True)
    assert 'name="name_bn"' in page and 'lang="bn"' in page and 'name="registration_no"' in page
    r = client.post("/manage/factories/new", data={**FORM, "name_bn": "  ক্রিস্টাল গার্মেন্টস লিমিটেড ",
                                                   "registration_no": "DHA-১০০৪২/2019"})
    assert r.status_code == 302
    f = _factory(app, "Crystal Garments Ltd")
    assert f.name_bn == "ক্রিস্টাল গার্মেন্টস লিমিটেড" and f.registration_no == "DHA-১০০৪২/2019"
    assert f.search_text == rules.factory_search_text(f.name, f.name_bn, "", "Savar", "Dhaka", f.registration_no)
    detail = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "ক্রিস্টাল গার্মেন্টস লিমিটেড" in detail and "DHA-১০০৪২/2019" in detail

    r = client.post(f"/manage/factories/{f.id}/edit", data={**FORM, "name_bn": "", "registration_no": ""})
    assert r.status_code == 302
    f = _factory(app, "Crystal Garments Ltd")
    assert f.name_bn == "" and f.registration_no == "" and "১০০৪২" not in f.search_text and "10042" not in f.search_text


def test_form_refuses_a_bangla_name_in_latin_letters_and_a_bad_number(app, client, auth, build):
    auth.login(build.user("engineer").email)
    for values, message in (
        ({"name_bn": "Crystal Garments"}, "Write the Bangla name in Bangla letters"),
        ({"name_bn": "ক্রিস্টাল Garments"}, "Write the Bangla name in Bangla letters"),
        ({"name_bn": "ক" * 201}, "200"),
        ({"registration_no": "DHA<script>"}, "Use letters, digits, spaces and . / - only."),
        ({"registration_no": "1" * 61}, "60"),
    ):
        r = client.post("/manage/factories/new", data={**FORM, **values})
        html = r.get_data(as_text=True)
        assert r.status_code == 400 and message in html, values
        assert "Crystal Garments Ltd" in html  # the form kept as typed
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Factory.id))) == 0  # nothing half-written
    r = client.post("/manage/factories/new?lang=bn", data={**FORM, "name_bn": "Crystal"})
    assert "বাংলা নামটি বাংলা অক্ষরে লিখুন" in r.get_data(as_text=True)


def _public(build, **values) -> int:
    f = build.factory(**values)
    build.inspection(f)
    return f.id


def test_api_exports_and_open_data_carry_the_names(client, build):
    fid = _public(build, name="Crystal Garments Ltd", name_bn="ক্রিস্টাল গার্মেন্টস লিমিটেড", registration_no="DHA-10042")
    other = _public(build, name="Plain Ltd")
    spec = client.get("/api/v1/openapi.json").get_json()
    for schema in ("Factory", "FactoryDetail"):
        props = spec["components"]["schemas"][schema]["properties"]
        assert props["name_bn"]["type"] == "string" and props["registration_no"]["type"] == "string"
        assert {"name_bn", "registration_no"} <= set(spec["components"]["schemas"][schema]["required"])
    items = {i["id"]: i for i in client.get("/api/v1/factories").get_json()["items"]}
    assert items[fid]["name_bn"] == "ক্রিস্টাল গার্মেন্টস লিমিটেড" and items[fid]["registration_no"] == "DHA-10042"
    assert items[other]["name_bn"] == "" and items[other]["registration_no"] == ""
    assert client.get(f"/api/v1/factories/{fid}").get_json()["name_bn"] == "ক্রিস্টাল গার্মেন্টস লিমিটেড"

    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(client.get("/exports/factories.csv").get_data(as_text=True)))}
    assert rows[fid]["name_bn"] == "ক্রিস্টাল গার্মেন্টস লিমিটেড" and rows[fid]["registration_no"] == "DHA-10042"
    features = json.loads(client.get("/exports/factories.geojson", headers={"Accept-Encoding": "identity"}).get_data())
    props = next(f["properties"] for f in features["features"] if f["properties"]["id"] == fid)
    assert props["name_bn"] == "ক্রিস্টাল গার্মেন্টস লিমিটেড" and props["registration_no"] == "DHA-10042"
    html = client.get("/open-data").get_data(as_text=True)
    assert "<code>name_bn</code>" in html and "<code>registration_no</code>" in html
    assert "search_text" not in html and "search_text" not in client.get("/exports/factories.csv").get_data(as_text=True)


def test_public_page_heading_and_map_list_in_bangla(client, build):
    fid = _public(build, name="Crystal Garments Ltd", name_bn="ক্রিস্টাল গার্মেন্টস লিমিটেড")
    plain = _public(build, name="Plain Ltd")
    bn = client.get(f"/factories/{fid}?lang=bn").get_data(as_text=True)
    h1 = bn.split("<h1>")[1].split("</h1>")[0]
    assert h1.index("ক্রিস্টাল গার্মেন্টস লিমিটেড") < h1.index("Crystal Garments Ltd")  # Bangla first, Latin beside
    en = client.get(f"/factories/{fid}?lang=en").get_data(as_text=True)
    assert "ক্রিস্টাল" not in en.split("<h1>")[1].split("</h1>")[0]
    assert "Plain Ltd" in client.get(f"/factories/{plain}?lang=bn").get_data(as_text=True).split("<h1>")[1]
    rows = json.loads(client.get("/map/markers.json", headers={"Accept-Encoding": "identity"}).get_data())["rows"]
    assert {r[2]: r[10] for r in rows} == {fid: "ক্রিস্টাল গার্মেন্টস লিমিটেড", plain: ""}
    html = client.get("/map?lang=bn").get_data(as_text=True)
    assert "ক্রিস্টাল গার্মেন্টস লিমিটেড</a>" in html.split('id="map-results"')[1]


# --- the demo ------------------------------------------------------------------------------------------------
def test_demo_names_are_composed_from_parts_with_bangla_forms():
    assert set(demo.NAME_A) | set(demo.NAME_B) <= set(demo.NAME_BN)
    assert demo.demo_names("Crystal", "Garments Ltd") == ("Crystal Garments Ltd", "ক্রিস্টাল গার্মেন্টস লিমিটেড")
    assert demo.demo_names("Ha-Meem", "Denim Ltd", unit=17) == ("Ha-Meem Denim Ltd (Unit 17)", "হা-মীম ডেনিম লিমিটেড (ইউনিট ১৭)")
    for part, bn in demo.NAME_BN.items():
        assert bn.strip() and not any("a" <= c.lower() <= "z" for c in bn), part  # Bangla script only
        assert all("\u0980" <= c <= "\u09ff" or c in " -" for c in bn), part


def test_demo_gives_every_factory_a_bangla_name_and_a_registration_number(app, client):
    with app.app_context():
        demo.seed_demo(n_factories=12, findings_per_factory=4, seed=3, with_photos=False)
        db.session.commit()
        rows = db.session.execute(sa.select(Factory.id, Factory.name, Factory.name_bn, Factory.registration_no,
                                            Factory.search_text, Factory.address, Factory.upazila,
                                            Factory.district)).all()
    assert len(rows) == 12
    assert len({r.registration_no for r in rows}) == 12
    for r in rows:
        assert r.name_bn and r.registration_no, r
        assert r.search_text == rules.factory_search_text(r.name, r.name_bn, r.address, r.upazila, r.district,
                                                          r.registration_no)
    items = client.get("/api/v1/factories", query_string={"limit": 500}).get_json()["items"]
    assert items and all(i["name_bn"] and i["registration_no"] for i in items)
    for item in items[:3]:  # a worker finds the factory by its Bangla name
        assert item["id"] in client.get("/map/search.json", query_string={"q": item["name_bn"]}).get_json()["ids"]
