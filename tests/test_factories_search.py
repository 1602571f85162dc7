"""Finding a factory by what a person types: Bangla or Latin letters, typos, address, upazila, registration number.

One matcher (``factories.rules``) behind the SQL search (``factories.queries.search``, pg_trgm on PostgreSQL),
the public map's in-memory filter and the API's ``q``; the property test checks they agree on random data."""
import datetime as dt

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from factorysafe.db import db
from factorysafe.factories import queries, rules
from factorysafe.factories.models import Factory
from factorysafe.inspections.models import Inspection
from factorysafe.maps import services

TODAY = dt.date.today()


# --- the pure rules ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Ha-Meem  Garments Ltd.", "ha meem garments ltd"),
    ("HA MEEM", "ha meem"),
    ("DIFE/১২৩-45", "dife 123 45"),
    ("ক্রিস্টাল গার্মেন্টস", "করিসটাল গারমেনটস"),  # hasanta dropped: a conjunct typed either way is one word
    ("ক্‌রিস্টাল", "করিসটাল"),  # hasanta with a zero-width non-joiner
    ("রূপালী", "রূপালী"),
    ("Plot 12, Road 3 — Savar!", "plot 12 road 3 savar"),
    ("", ""),
    (None, ""),
])
def test_normalise(text, expected):
    assert rules.normalise(text) == expected


def test_score_substring_typo_and_misses():
    text = rules.factory_search_text("Crystal Garments Ltd", "ক্রিস্টাল গার্মেন্টস লিমিটেড", "Plot 4, Road 2, Savar",
                                     "Savar", "Dhaka", "DHA-10042")
    q = rules.normalise
    assert rules.score(q("Crystal"), text) == 3  # the text starts with it
    assert rules.score(q("garments"), text) == 2
    assert 1 < rules.score(q("Cristal"), text) < 2  # one typo: 5 of 11 trigrams shared
    assert rules.similarity("cristal", "crystal") == pytest.approx(5 / 11)
    assert rules.matches(q("ক্রিস্টাল"), text) and rules.matches(q("ক্রিষ্টাল"), text)  # স / ষ confused
    assert rules.matches(q("dha 10042"), text) and rules.matches(q("১০০৪২"), text)
    assert rules.matches(q("savar crystal"), text)  # words in any order
    assert not rules.matches(q("Babylon"), text)
    assert not rules.matches(q("crystal babylon"), text)  # every word must be found
    assert rules.matches("", text)


# --- search through the database -----------------------------------------------------------------------------
def _public_factory(build, **values) -> int:
    f = build.factory(**values)
    build.inspection(f)
    return f.id


@pytest.fixture
def world(app, build):
    return {
        "crystal": _public_factory(build, name="Crystal Garments Ltd", name_bn="ক্রিস্টাল গার্মেন্টস লিমিটেড",
                                   registration_no="DHA-10042", address="Plot 4, Road 2, Baipayl",
                                   district="Dhaka", upazila="Savar"),
        "babylon": _public_factory(build, name="Babylon Knitwear Ltd", name_bn="ব্যাবিলন নিটওয়্যার লিমিটেড",
                                   registration_no="GAZ-20077", address="Holding 9, Board Bazar",
                                   district="Gazipur", upazila="Tongi"),
        "hidden": build.factory(name="Crystal Hidden Apparels", district="Dhaka", upazila="Savar").id,  # no inspection
    }


@pytest.mark.parametrize("q, found", [
    ("Cristal", ["crystal"]),
    ("crystal garments", ["crystal"]),
    ("ক্রিস্টাল", ["crystal"]),
    ("ব্যাবিলন", ["babylon"]),
    ("ব্যবিলন", ["babylon"]),  # a Bangla vowel sign left out
    ("Baipayl", ["crystal"]),  # address
    ("board bazar", ["babylon"]),
    ("Savar", ["crystal"]),  # upazila (the hidden factory in Savar is not public)
    ("tongi", ["babylon"]),
    ("DHA-10042", ["crystal"]),  # registration number
    ("gaz 20077", ["babylon"]),
    ("Ltd", ["babylon", "crystal"]),
    ("Zzyzx", []),
    ("!!!", []),
])
def test_search_finds_by_any_field_in_either_script(app, world, q, found):
    with app.app_context():
        got = [f.id for f in queries.search(q)]
        assert sorted(got) == sorted(world[k] for k in found)
        if rules.normalise(q):  # (the map shows every factory for a query of punctuation only)
            data = services.build_public_data(TODAY)
            assert sorted(r["id"] for r in services.filter_factories(data.factories, q=q)) == sorted(got)


def test_search_ranks_limits_and_scopes(app, world):
    with app.app_context():
        assert [f.id for f in queries.search("crystal", public_only=False)] == [world["crystal"], world["hidden"]]
        assert [f.id for f in queries.search("crystal", public_only=False, limit=1)] == [world["crystal"]]
        assert queries.search("crystal", limit=0) == []
        assert [f.id for f in queries.search("crystal", public_only=False,
                                             where=Factory.district == "Gazipur")] == []
        # both contain "ltd" (equal scores): by name
        assert queries.search_ids("ltd", limit=None) == [world["babylon"], world["crystal"]]
        # both texts start with "crystal" (equal scores): by name
        assert queries.search_ids("crystal", public_only=False) == [world["crystal"], world["hidden"]]


def test_search_text_follows_every_change(app, build, world):
    from factorysafe.factories.services import update_factory

    with app.app_context():
        f = db.session.get(Factory, world["babylon"])
        update_factory(f, {"name_bn": "বেবিলন", "registration_no": "GAZ-1"})
        db.session.commit()
        assert "বেবিলন" in f.search_text and "gaz 1" in f.search_text
        assert [x.id for x in queries.search("gaz 1")] == [world["babylon"]]
        assert queries.search("gaz-20077") == []


def test_map_api_and_engineers_list_use_the_search(client, auth, build, world):
    r = client.get("/api/v1/factories", query_string={"q": "ক্রিস্টাল"})
    assert [i["id"] for i in r.get_json()["items"]] == [world["crystal"]]
    r = client.get("/api/v1/factories", query_string={"q": "cristal garmnts"})
    assert [i["id"] for i in r.get_json()["items"]] == [world["crystal"]]
    html = client.get("/map", query_string={"q": "ক্রিস্টাল", "lang": "bn"}).get_data(as_text=True)
    results = html.split('id="map-results"')[1].split("</ul>")[0]
    assert "ক্রিস্টাল গার্মেন্টস লিমিটেড" in results and "ব্যাবিলন" not in results
    ids = client.get("/map/search.json", query_string={"q": "Cristal"}).get_json()
    assert ids == {"q": "Cristal", "ids": [world["crystal"]]}
    assert client.get("/map/search.json").get_json()["ids"] == []

    auth.login(build.user("engineer").email)
    html = client.get("/manage/factories", query_string={"q": "Cristal"}).get_data(as_text=True)
    assert "Crystal Garments Ltd" in html and "Crystal Hidden Apparels" in html and "Babylon" not in html
    html = client.get("/manage/factories", query_string={"q": "20077"}).get_data(as_text=True)
    assert "Babylon Knitwear Ltd" in html and "Crystal" not in html
    auth.logout()
    owner = build.user("owner", factories=[world["babylon"]])
    auth.login(owner.email)
    html = client.get("/manage/factories", query_string={"q": "Ltd"}).get_data(as_text=True)
    assert "Babylon Knitwear Ltd" in html and "Crystal" not in html  # an owner finds only their own


# --- the property: the SQL search and the in-memory matcher agree ------------------------------------------------
LATIN = "abcdeiklmnorstuy"
BANGLA = "কখগচজটডতদনপবমরলসহািীুেোংঁ্য়"
_word = st.one_of(st.text(LATIN, min_size=1, max_size=8), st.text(BANGLA, min_size=1, max_size=6),
                  st.text("0123456789০১২৩৪৫", min_size=1, max_size=5))
_name = st.lists(_word, min_size=1, max_size=3).map(" ".join)


@st.composite
def _typed(draw, names):
    """What a person types: part of a name with a letter changed, dropped or added, or any word."""
    if draw(st.booleans()):
        return draw(_name)
    name = draw(st.sampled_from(names))
    start = draw(st.integers(0, max(0, len(name) - 1)))
    part = list(name[start:start + draw(st.integers(1, 12))])
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(part)))
        edit = draw(st.sampled_from(["swap", "drop", "add"]))
        letter = draw(st.sampled_from(LATIN + BANGLA + "- "))
        if edit == "add" or not part:
            part.insert(i, letter)
        elif edit == "drop":
            del part[min(i, len(part) - 1)]
        else:
            part[min(i, len(part) - 1)] = letter
    return "".join(part)


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), names=st.lists(_name, min_size=1, max_size=6))
def test_sql_search_and_in_memory_matcher_agree(app, data, names):
    queries_typed = [data.draw(_typed(names)) for _ in range(4)]
    assume(any(rules.normalise(q) for q in queries_typed))
    with app.app_context():
        db.session.execute(sa.delete(Factory))
        db.session.commit()
        for i, name in enumerate(names):
            bn = i % 2 == 1
            f = Factory(name=f"F{i}" if bn else name, name_bn=name if bn else "", district="Dhaka",
                        upazila=data.draw(_name) if i == 0 else "", registration_no=f"R-{i}")
            db.session.add(f)
            db.session.flush()
            db.session.add(Inspection(factory_id=f.id, type="initial", inspected_on=TODAY, state="published"))
        db.session.commit()
        public = services.build_public_data(TODAY).factories
        texts = {r["id"]: r["search_text"] for r in public}
        assert len(texts) == len(names)
        for q in queries_typed:
            if not rules.normalise(q):
                continue
            in_memory = {r["id"] for r in services.filter_factories(public, q=q)}
            sql = queries.search_ids(q, limit=None)
            assert set(sql) == in_memory, (q, texts)
            by_rule = {fid for fid, text in texts.items() if rules.matches(rules.normalise(q), text)}
            assert in_memory == by_rule
            scores = [rules.score(rules.normalise(q), texts[fid]) for fid in sql]
            assert scores == sorted(scores, reverse=True)  # best first
