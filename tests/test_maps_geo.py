"""District polygons, the spatial join and the filters (pure functions over the public data set)."""
import datetime as dt

import pytest

from factorysafe.actions.rules import CapStatus
from factorysafe.maps import geo
from factorysafe.maps import palette
from factorysafe.maps.render import share_colour
from factorysafe.maps.services import filter_factories


@pytest.fixture
def app_context(app):
    """District polygons and the join cache are kept per app (``app.extensions["factorysafe"].geo``)."""
    with app.app_context():
        yield app


@pytest.mark.usefixtures("app_context")
def test_district_file_is_small_valid_and_complete():
    gdf = geo.districts()
    assert len(gdf) == 64 and gdf.crs.to_epsg() == 4326
    assert gdf.geometry.is_valid.all()
    assert geo.DISTRICTS_FILE.stat().st_size < 400_000
    assert (gdf["name_bn"] != "").all()
    assert geo.districts() is gdf  # loaded once


@pytest.mark.usefixtures("app_context")
def test_spatial_join_puts_factories_in_their_district():
    rows = [{"id": 1, "latitude": 24.0, "longitude": 90.42}, {"id": 2, "latitude": 23.86, "longitude": 90.27},
            {"id": 3, "latitude": 22.34, "longitude": 91.83}, {"id": 4, "latitude": None, "longitude": None},
            {"id": 5, "latitude": 10.0, "longitude": 10.0}]
    assert geo.join_districts(rows) == {1: "Gazipur", 2: "Dhaka", 3: "Chittagong"}


@pytest.mark.usefixtures("app_context")
def test_district_layer_shares_and_colours():
    layer = geo.district_layer({"Gazipur": 3}, {"Gazipur": 4, "Dhaka": 2})
    by_name = layer.set_index("ADM2_EN")
    assert by_name.loc["Gazipur", "share"] == 0.75 and by_name.loc["Dhaka", "share"] == 0
    assert by_name.loc["Sylhet", "share"] == -1
    assert share_colour(-1) == palette.NO_FACTORY_COLOUR
    assert share_colour(0.75) == palette.SHARE_CLASSES[3][1] and share_colour(0.1) == palette.SHARE_CLASSES[0][1]


def _row(**kw):
    from factorysafe.actions.rules import HeadlineStatus
    from factorysafe.factories.rules import factory_search_text

    name, district = kw.get("name", "A Ltd"), kw.get("district", "Gazipur")
    kw.setdefault("search_text", factory_search_text(name, "", "", "", district, ""))
    kw.setdefault("headline_status", HeadlineStatus(kw.get("cap_status", CapStatus.ON_TRACK).value))
    base = {"id": 1, "name": "A Ltd", "district": "Gazipur", "boundary_district": "Gazipur",
            "cap_status": CapStatus.ON_TRACK, "overdue": {"fire": 0, "electrical": 0, "structural": 0, "boiler": 0},
            "immediate_danger": False, "last_inspected_on": dt.date(2025, 1, 1)}
    return {**base, **kw}


def test_filters_combine():
    a = _row(id=1, name="Rahman Knit", cap_status=CapStatus.BEHIND_SCHEDULE,
             overdue={"fire": 2, "electrical": 0, "structural": 0, "boiler": 0})
    b = _row(id=2, name="Padma Denim", district="Dhaka", boundary_district="Dhaka", immediate_danger=True)
    rows = [a, b]
    assert filter_factories(rows, district="gazipur") == [a]
    assert filter_factories(rows, cap_status="behind_schedule") == [a]
    assert filter_factories(rows, discipline="fire") == [a]
    assert filter_factories(rows, discipline="boiler") == []
    assert filter_factories(rows, danger=True) == [b]
    assert filter_factories(rows, q="DENIM") == [b]
    assert filter_factories(rows, district="Gazipur", cap_status="on_track") == []
