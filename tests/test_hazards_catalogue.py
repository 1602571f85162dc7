"""The hazard catalogue file, its validation at start-up, and the rules built on it."""
import datetime as dt

import pytest

from factorysafe import create_app
from factorysafe.hazards import (
    CatalogueDefaultError,
    apply_catalogue_defaults,
    catalogue,
    deadline_for_hazard,
    defaults_for,
    get,
)
from factorysafe.hazards.registry import CatalogueError, apply_rule, parse
from factorysafe.inspections.models import Discipline, Severity
from tests.helpers_hazards import catalogue_toml, entry_toml

REQUIRED_CODES = """FIRE-EXIT-BLOCKED FIRE-EXIT-LOCKED FIRE-DOOR-MISSING FIRE-STAIR-UNENCLOSED FIRE-ALARM-MISSING
FIRE-SPRINKLER-MISSING FIRE-EXIT-CAPACITY FIRE-EMERGENCY-LIGHTING FIRE-STORAGE ELEC-WIRING-HAPHAZARD
ELEC-DB-OVERLOADED ELEC-EARTHING-MISSING ELEC-LIGHTNING-PROTECTION ELEC-CABLE-UNSUPPORTED ELEC-THERMAL-HOTSPOT
STRUCT-COLUMN-WEAK STRUCT-EXTRA-STOREY STRUCT-FLOOR-OVERLOAD STRUCT-CRACK STRUCT-CHANGE-OF-USE
STRUCT-CONCRETE-STRENGTH BOILER-CERT-MISSING BOILER-SAFETY-VALVE BOILER-LOCATION""".split()


@pytest.fixture
def app_context(app):
    """The catalogue and its rules are the app's (``app.extensions["factorysafe"]``): run inside its context."""
    with app.app_context():
        yield app


@pytest.mark.usefixtures("app_context")
def test_catalogue_holds_every_required_code_with_bangla_texts():
    entries = {h.code: h for h in catalogue()}
    assert set(REQUIRED_CODES) <= set(entries)
    for h in entries.values():
        assert isinstance(h.discipline, Discipline) and isinstance(h.severity, Severity)
        assert any("\u0980" <= ch <= "\u09ff" for ch in h.title_bn + h.description_bn + h.guidance_bn)
        assert h.title_en and h.guidance_en
    assert get("FIRE-EXIT-LOCKED").severity == Severity.PRIORITY_1
    assert get("STRUCT-COLUMN-WEAK").immediate_danger_possible is True
    assert get("NO-SUCH-CODE") is None


@pytest.mark.parametrize("change, expected", [
    ({"title_bn": None}, "entry 2 (FIRE-TEST-ONE): missing field(s) title_bn"),
    ({"discipline": '"plumbing"'}, "unknown discipline 'plumbing'"),
    ({"severity": '"urgent"'}, "bad severity 'urgent'"),
    ({"deadline": '"soon"'}, "bad deadline rule: 'soon' is not a deadline rule"),
    ({"deadline": '"0 weeks"'}, "bad deadline rule"),
    ({"immediate_danger_possible": '"yes"'}, "immediate_danger_possible must be true or false"),
    ({"title_bn": '"Test hazard"'}, "title_bn must be written in Bangla"),
    ({"code": '"fire exit"'}, "code 'fire exit' must be upper case"),
    ({"code": '"ELEC-TEST-ONE"'}, "code of a fire hazard must start with FIRE-"),
    ({"colour": '"red"'}, "unknown field(s) colour"),
])
def test_malformed_entry_is_rejected_naming_it(change, expected):
    text = catalogue_toml(entry_toml(code='"FIRE-TEST-ZERO"'), entry_toml(**change))
    with pytest.raises(CatalogueError) as exc:
        parse(text)
    assert expected in str(exc.value)
    assert "entry 2" in str(exc.value) and "entry 1" not in str(exc.value)  # the valid entry is not blamed


def test_duplicate_code_is_rejected():
    with pytest.raises(CatalogueError, match=r"entry 2 \(FIRE-TEST-ONE\): duplicate code FIRE-TEST-ONE"):
        parse(catalogue_toml(entry_toml(), entry_toml()))


def test_missing_version_and_bad_toml_are_rejected():
    with pytest.raises(CatalogueError, match="version must be a positive integer"):
        parse(entry_toml())
    with pytest.raises(CatalogueError, match="not valid TOML"):
        parse("version = 1\n[[hazard]\ncode = ")


def test_malformed_catalogue_stops_the_app(tmp_path, app_config):
    bad = tmp_path / "bad.toml"
    bad.write_text(catalogue_toml(entry_toml(severity='"catastrophic"')), encoding="utf-8")
    with pytest.raises(CatalogueError, match="bad severity 'catastrophic'"):
        create_app({**app_config, "HAZARD_CATALOGUE_PATH": str(bad)})
    # the shipped file is fine again for the next app
    with create_app(app_config).app_context():
        assert get("FIRE-EXIT-BLOCKED") is not None


@pytest.mark.parametrize("rule, expected", [
    ("immediate", dt.date(2025, 1, 31)),
    ("10 days", dt.date(2025, 2, 10)),
    ("6 weeks", dt.date(2025, 3, 14)),
    ("1 month", dt.date(2025, 2, 28)),  # clamped to the month's end
    ("3 months", dt.date(2025, 4, 30)),
    ("6 months", dt.date(2025, 7, 31)),
    (30, dt.date(2025, 3, 2)),
])
def test_deadline_rules(rule, expected):
    assert apply_rule(rule, dt.date(2025, 1, 31)) == expected


@pytest.mark.usefixtures("app_context")
def test_deadline_for_hazard_uses_the_catalogue_rule_unless_severity_is_overridden():
    start = dt.date(2025, 1, 1)
    assert deadline_for_hazard("FIRE-EXIT-LOCKED", start) == start  # immediate
    assert deadline_for_hazard("FIRE-ALARM-MISSING", start) == dt.date(2025, 7, 1)  # high, but "6 months"
    assert deadline_for_hazard("FIRE-ALARM-MISSING", start, "high") == dt.date(2025, 7, 1)
    # another severity than the catalogue's: the programme's severity rule (low = 6 months, high = 6 weeks)
    assert deadline_for_hazard("FIRE-EXIT-BLOCKED", start, "low") == dt.date(2025, 7, 1)
    assert deadline_for_hazard(None, start, "high") == dt.date(2025, 2, 12)
    assert defaults_for("BOILER-SAFETY-VALVE") == {
        "severity": Severity.PRIORITY_1, "discipline": Discipline.BOILER, "deadline_rule": "immediate",
        "immediate_danger_possible": True}


START = dt.date(2025, 3, 1)


@pytest.mark.usefixtures("app_context")
def test_apply_defaults_fills_severity_discipline_and_deadline_from_the_code():
    out = apply_catalogue_defaults({"hazard_code": "FIRE-DOOR-MISSING", "severity": "", "deadline": None}, START)
    assert out["severity"] == Severity.HIGH and out["discipline"] == Discipline.FIRE
    assert out["deadline"] == dt.date(2025, 6, 1)  # "3 months"
    assert out["severity_override_reason"] == "" and out["deadline_override_reason"] == ""


@pytest.mark.usefixtures("app_context")
def test_apply_defaults_same_values_as_catalogue_need_no_reason():
    out = apply_catalogue_defaults({"hazard_code": "FIRE-DOOR-MISSING", "severity": "high",
                                    "deadline": dt.date(2025, 6, 1), "discipline": "fire"}, START)
    assert out["severity"] == Severity.HIGH


@pytest.mark.usefixtures("app_context")
def test_severity_override_without_reason_is_refused_with_a_readable_message():
    with pytest.raises(CatalogueDefaultError) as exc:
        apply_catalogue_defaults({"hazard_code": "FIRE-DOOR-MISSING", "severity": "low"}, START)
    assert isinstance(exc.value, ValueError)
    assert exc.value.field == "severity_override_reason"
    assert "the severity High;" in str(exc.value) and "is Low instead" in str(exc.value)
    assert "weeks" not in str(exc.value) and "months" not in str(exc.value)  # a severity states no duration


@pytest.mark.usefixtures("app_context")
def test_severity_override_with_reason_keeps_reason_and_follows_severity_deadline():
    out = apply_catalogue_defaults({"hazard_code": "FIRE-DOOR-MISSING", "severity": "low",
                                    "severity_override_reason": "  Door serves an unused store room only.  "}, START)
    assert out["severity"] == Severity.LOW and out["deadline"] == dt.date(2025, 9, 1)
    assert out["severity_override_reason"] == "Door serves an unused store room only."


@pytest.mark.usefixtures("app_context")
def test_deadline_override_needs_a_reason():
    values = {"hazard_code": "ELEC-EARTHING-MISSING", "deadline": dt.date(2025, 12, 31)}
    with pytest.raises(CatalogueDefaultError, match="would be 2025-06-01") as exc:
        apply_catalogue_defaults(values, START)
    assert exc.value.field == "deadline_override_reason"
    out = apply_catalogue_defaults({**values, "deadline_override_reason": "Transformer replacement booked."}, START)
    assert out["deadline"] == dt.date(2025, 12, 31)
    assert out["deadline_override_reason"] == "Transformer replacement booked."


@pytest.mark.usefixtures("app_context")
def test_unknown_code_and_wrong_discipline_are_refused():
    with pytest.raises(CatalogueDefaultError, match="FIRE-NOPE is not a code") as exc:
        apply_catalogue_defaults({"hazard_code": "FIRE-NOPE"}, START)
    assert exc.value.field == "hazard_code"
    with pytest.raises(CatalogueDefaultError, match="is a boiler hazard"):
        apply_catalogue_defaults({"hazard_code": "BOILER-LOCATION", "discipline": "fire"}, START)


@pytest.mark.usefixtures("app_context")
def test_no_code_uses_the_severity_rule():
    out = apply_catalogue_defaults({"hazard_code": "", "severity": "medium"}, START)
    assert out["hazard_code"] is None and out["deadline"] == dt.date(2025, 6, 1)
