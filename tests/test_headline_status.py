"""The headline status (actions.rules.headline_status): never milder than the facts, the same on page, map, API."""
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from factorysafe.actions.rules import CapStatus, HeadlineStatus, headline_status

H = HeadlineStatus


def test_the_issue_example_evacuation_and_overdue_before_cap_pending():
    # 11 overdue actions and an evacuation in force showed a grey "CAP pending"
    assert headline_status(CapStatus.CAP_PENDING, overdue=11, immediate_danger_open=1,
                           evacuation_in_force=True) == H.EVACUATION
    assert headline_status(CapStatus.CAP_PENDING, overdue=11) == H.BEHIND_SCHEDULE
    assert headline_status(CapStatus.CAP_PENDING, immediate_danger_open=2) == H.IMMEDIATE_DANGER
    assert headline_status(CapStatus.INELIGIBLE, immediate_danger_open=1) == H.IMMEDIATE_DANGER
    assert headline_status(CapStatus.COMPLETED, overdue=1) == H.BEHIND_SCHEDULE  # new findings overdue
    for cap in CapStatus:  # with no worse fact, the CAP status itself
        assert headline_status(cap).value == cap.value


def test_precedence_order():
    assert [s.value for s in sorted(H, key=lambda s: -s.rank)] == [
        "evacuation_in_force", "immediate_danger", "ineligible", "behind_schedule", "cap_pending", "on_track",
        "initial_cap_completed"]


@given(cap=st.sampled_from(list(CapStatus)), overdue=st.integers(0, 50), danger=st.integers(0, 5),
       evacuation=st.booleans())
def test_never_milder_than_the_facts(cap, overdue, danger, evacuation):
    got = headline_status(cap, overdue=overdue, immediate_danger_open=danger, evacuation_in_force=evacuation)
    facts = [H(cap.value)]
    if evacuation:
        facts.append(H.EVACUATION)
    if danger:
        facts.append(H.IMMEDIATE_DANGER)
    if overdue:
        facts.append(H.BEHIND_SCHEDULE)
    assert all(got.rank >= f.rank for f in facts)  # never milder than any fact
    assert got in facts  # and never worse than the facts say


def _world(build, today):
    """A factory whose CAP is not agreed, with an overdue immediate-danger finding and an evacuation in force."""
    from factorysafe.db import db
    from factorysafe.factories.models import Evacuation
    from factorysafe.inspections.models import Finding

    factory = build.factory(name="Evacuated Knit Ltd", latitude=23.8, longitude=90.4, cap_agreed_on=None)
    insp = build.inspection(factory, inspected_on=today - dt.timedelta(days=60))
    for _ in range(3):
        build.finding(insp, "fire", "high", deadline=today - dt.timedelta(days=10))
    danger = build.finding(insp, "structural", "priority_1", deadline=today - dt.timedelta(days=20),
                           hazard_code="STRUCT-COLUMN-WEAK")
    with build.app.app_context():
        db.session.get(Finding, danger.id).immediate_danger = True
        db.session.add(Evacuation(factory_id=factory.id, finding_id=danger.id,
                                  ordered_on=today - dt.timedelta(days=5), floors="", workers_affected=200))
        db.session.commit()
    return factory


def test_page_map_and_api_show_the_same_headline(app, client, build):
    from helpers_maps import marker_rows

    today = dt.date.today()
    factory = _world(build, today)
    api = client.get(f"/api/v1/factories/{factory.id}").get_json()
    assert api["cap_status"] == "cap_pending"  # the programme's status is still published as it is
    assert api["status"] == "evacuation_in_force" and api["status_label"] == "Evacuation in force"
    rows = {row[2]: row for row in marker_rows(client)}
    assert [s.value for s in H][rows[factory.id][4]] == "evacuation_in_force"
    page = client.get(f"/factories/{factory.id}").get_data(as_text=True)
    assert 'badge-evacuation_in_force" id="headline-status"' in page
    assert "CAP pending" not in page[:page.index('id="headline-status"') + 200]
    listing = client.get("/map?status=evacuation_in_force").get_data(as_text=True)
    assert "Showing 1 of 1" in listing and "Evacuated Knit Ltd" in listing


def test_the_private_pages_show_the_headline_before_the_cap_status(app, client, auth, build):
    today = dt.date.today()
    factory = _world(build, today)
    engineer = build.user("engineer")
    auth.login(engineer.email)
    for url in (f"/manage/factories/{factory.id}", f"/manage/factories/{factory.id}/cap"):
        html = client.get(url).get_data(as_text=True)
        head = html.index('id="headline-status"')
        assert "Evacuation in force" in html[head:head + 80], url
        assert head < html.index(">CAP pending<"), url
