"""One palette for the map's markers, cluster icons, legend and district shading, with WCAG contrast checked."""
import re

import pytest
from hypothesis import given, strategies as st

from factorysafe.actions.rules import CapStatus, HeadlineStatus
from factorysafe.maps import palette
from helpers_maps import public_world


@pytest.mark.parametrize("status", list(HeadlineStatus))
@pytest.mark.parametrize("shade", palette.district_shades())
def test_every_marker_colour_stands_out_on_every_district_shade(status, shade):
    # WCAG 2.1 non-text contrast (1.4.11): graphical objects need 3:1 against what is next to them
    assert palette.contrast_ratio(palette.HEADLINE_COLOURS[status], shade) >= 3


@pytest.mark.parametrize("status", list(HeadlineStatus))
def test_cluster_counts_are_readable_white_on_every_status_colour(status):
    assert palette.contrast_ratio(palette.CLUSTER_TEXT, palette.HEADLINE_COLOURS[status]) >= 4.5  # text: 4.5:1


def test_the_headline_colours_are_the_cap_colours_plus_the_two_dangers():
    for status, colour in palette.CAP_COLOURS.items():
        assert palette.HEADLINE_COLOURS[HeadlineStatus(status.value)] == colour
    assert len(set(palette.HEADLINE_COLOURS.values())) == len(HeadlineStatus)  # no two statuses look alike


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert palette.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert palette.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert palette.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic grey


def test_the_old_dark_red_district_shade_would_have_failed():
    # red markers on the darkest Reds shade were unreadable: the check catches that
    assert palette.contrast_ratio(palette.CAP_COLOURS[CapStatus.BEHIND_SCHEDULE], "#cb181d") < 3


@given(st.lists(st.sampled_from(list(HeadlineStatus)), min_size=1))
def test_the_worst_of_a_group_is_never_milder_than_any_member(statuses):
    worst = palette.worst(statuses)
    assert worst in statuses and all(palette.rank(worst) <= palette.rank(s) for s in statuses)


def test_an_evacuation_is_the_worst_and_completed_the_mildest():
    # clusters follow the headline status's own order of severity (actions.rules.HeadlineStatus)
    assert palette.WORST_FIRST[0] == HeadlineStatus.EVACUATION and palette.WORST_FIRST[-1] == HeadlineStatus.COMPLETED
    assert list(palette.WORST_FIRST) == sorted(HeadlineStatus, key=lambda s: -s.rank)


@given(st.floats(min_value=0, max_value=1))
def test_every_share_has_a_shade_from_the_legend(share):
    assert palette.share_colour(share) in [c for _, c in palette.SHARE_CLASSES]


def test_the_page_passes_one_palette_to_the_legend_the_clusters_and_the_script(app, client, build):
    public_world(app, build)
    html = client.get("/map").get_data(as_text=True)
    for status, colour in palette.HEADLINE_COLOURS.items():
        assert f".swatch-{status.value} {{ background: {colour}; }}" in html  # legend
        assert f".fs-cluster.fs-status-{status.value} div {{ background: {colour}; }}" in html  # cluster icons
    script = re.search(r'<script type="application/json" id="map-i18n">(.*?)</script>', html, re.S).group(1)
    import json

    i18n = json.loads(script)
    assert [(s["value"], s["colour"], s["rank"]) for s in i18n["statuses"]] == [
        (s.value, palette.HEADLINE_COLOURS[s], palette.rank(s)) for s in HeadlineStatus]  # rows index HeadlineStatus
    assert i18n["shares"] == [[limit, colour] for limit, colour in palette.SHARE_CLASSES]
    css = client.get("/static/css/maps.css").get_data(as_text=True) + client.get("/static/js/maps.js").get_data(
        as_text=True)
    assert not re.findall(r"#(?:c62828|1565c0|2e7d32|ff6f00|cb181d|6a1b9a|ad1457)", css)  # no status colour typed twice
