"""Open data: factories (CSV, GeoJSON in EPSG:4326) and findings (CSV). Public fields of published data only."""
from __future__ import annotations

import csv
import datetime as dt
import io

import geopandas as gpd
import sqlalchemy as sa
from flask import Response, stream_with_context
from flask_babel import lazy_gettext as _l

from factorysafe.actions.queries import is_overdue_sql
from factorysafe.actions.models import CorrectiveAction, DeadlineExtension, ExtensionStatus
from factorysafe.db import db
from factorysafe.factories.models import Factory
from factorysafe.inspections.models import Discipline, Finding, Inspection, InspectionState
from factorysafe.labels import DISCIPLINE as DISCIPLINE_LABELS, label
from factorysafe.maps import services
from factorysafe.maps.blueprint import bp
from factorysafe.maps.services import DISCIPLINES
from factorysafe.web import today

# (column, description): shown on /open-data (translated) and in the OpenAPI document; the files' order.
FACTORY_COLUMNS = [
    ("id", _l("Factory id, stable; the page is /factories/<id>.")),
    ("name", _l("Registered name of the factory.")),
    ("address", _l("Street address of the building.")),
    ("division", _l("Administrative division (ADM1).")),
    ("district", _l("District (ADM2) as registered, e.g. Gazipur.")),
    ("upazila", _l("Upazila or thana (ADM3).")),
    ("boundary_district", _l("District whose boundary contains the factory's coordinates (spatial join).")),
    ("latitude", _l("WGS84 latitude (EPSG:4326).")),
    ("longitude", _l("WGS84 longitude (EPSG:4326).")),
    ("storeys", _l("Number of storeys of the building.")),
    ("shared_building", _l("true when other businesses share the building.")),
    ("workers", _l("Number of workers employed.")),
    ("brands_count", _l("Number of brands sourcing from the factory.")),
    ("safety_committee_trained", _l("true when the workers' safety committee completed its training.")),
    ("safety_committee_trained_on", _l("Date the safety committee training was completed (YYYY-MM-DD).")),
    ("cap_status", _l("CAP status code: cap_pending, on_track, behind_schedule, initial_cap_completed or ineligible.")),
    ("cap_status_label", _l("CAP status in words.")),
    ("progress_overall", _l("Share (0 to 1) of the initial findings verified as corrected; empty when none.")),
    *[(f"progress_{d.value}", _l("Share (0 to 1) of the initial findings in %(discipline)s verified as corrected.",
                                 discipline=DISCIPLINE_LABELS[d])) for d in Discipline],
    ("open_actions", _l("Corrective actions not yet verified as corrected (initial and new findings).")),
    ("overdue_actions", _l("Corrective actions past their deadline and not verified as corrected.")),
    *[(f"overdue_{d.value}", _l("Overdue actions in %(discipline)s.", discipline=DISCIPLINE_LABELS[d]))
      for d in Discipline],
    ("new_findings", _l("Findings raised at follow-up, special or complaint inspections (not in the progress rate).")),
    ("immediate_danger", _l("true when an open finding is an immediate danger or an evacuation is in force.")),
    ("evacuation_since", _l("Date an evacuation in force was ordered; empty when none.")),
    ("published_inspections", _l("Number of published inspections.")),
    ("last_inspected_on", _l("Date of the latest published inspection.")),
]

FINDING_COLUMNS = [
    ("finding_id", _l("Finding id.")),
    ("factory_id", _l("Factory id (see factories.csv).")),
    ("factory_name", _l("Name of the factory.")),
    ("inspection_id", _l("Inspection id.")),
    ("inspection_type", _l("initial, follow_up, special or complaint.")),
    ("inspected_on", _l("Date of the site visit.")),
    ("discipline", _l("fire, electrical, structural or boiler.")),
    ("item_number", _l("Item number in the report, e.g. F-1.")),
    ("hazard_code", _l("Code from the hazard catalogue.")),
    ("floor", _l("Floor of the building.")),
    ("area", _l("Area on the floor.")),
    ("observation", _l("What the engineer saw.")),
    ("recommendation", _l("What must be done.")),
    ("severity", _l("priority_1, high, medium or low. The deadline follows from the hazard code and the severity.")),
    ("immediate_danger", _l("true when the engineers recommended evacuation for this finding.")),
    ("origin", _l("initial (counts in the progress rate) or new (raised later).")),
    ("status", _l("in_progress, pending_verification (the factory reports it fixed) or corrected (verified by an engineer).")),
    ("deadline", _l("The binding deadline, after approved extensions.")),
    ("original_deadline", _l("The deadline first set from the severity.")),
    ("extensions_approved", _l("Number of approved deadline extensions.")),
    ("overdue", _l("true when the deadline has passed and the fix is not verified.")),
    ("reported_fixed_on", _l("When the factory reported the fix.")),
    ("verified_on", _l("When an engineer verified the fix.")),
]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def factory_record(r: dict) -> dict:
    """One factory as a flat record of FACTORY_COLUMNS."""
    rec = {k: r.get(k) for k, _ in FACTORY_COLUMNS if k in r}
    rec["cap_status"] = r["cap_status"].value
    rec["cap_status_label"] = label(r["cap_status"])
    rec["progress_overall"] = r["progress"]["overall"]
    for d in DISCIPLINES:
        rec[f"progress_{d}"] = r["progress"][d]
        rec[f"overdue_{d}"] = r["overdue"][d]
    rec["open_actions"] = r["open_total"]
    rec["overdue_actions"] = r["overdue_total"]
    rec["new_findings"] = r["new_findings"]["total"]
    rec["evacuation_since"] = r["evacuation"]["ordered_on"] if r["evacuation"] else None
    return {k: rec.get(k) for k, _ in FACTORY_COLUMNS}


def _csv_line(values) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow([_cell(v) for v in values])
    return buf.getvalue()


def _csv_response(lines, filename: str) -> Response:
    return Response(lines, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-cache"})


@bp.route("/exports/factories.csv")
def factories_csv():
    data = services.public_data(today())
    records = [factory_record(r) for r in data.factories]
    body = _csv_line([k for k, _ in FACTORY_COLUMNS]) + "".join(_csv_line(rec.values()) for rec in records)
    return _csv_response(body, "factories.csv")


def factories_geodataframe() -> gpd.GeoDataFrame:
    data = services.public_data(today())
    records = [{k: v if v is None or isinstance(v, (bool, int, float)) else _cell(v)
                for k, v in factory_record(r).items()} for r in data.factories if r["latitude"] is not None]
    gdf = gpd.GeoDataFrame(records, columns=[k for k, _ in FACTORY_COLUMNS],
                           geometry=gpd.points_from_xy([r["longitude"] for r in records],
                                                       [r["latitude"] for r in records]), crs=4326)
    return gdf


@bp.route("/exports/factories.geojson")
def factories_geojson():
    gdf = factories_geodataframe()
    return Response(gdf.to_json(drop_id=True, to_wgs84=True, ensure_ascii=False), mimetype="application/geo+json",
                    headers={"Content-Disposition": 'attachment; filename="factories.geojson"'})


def public_findings_stmt(day: dt.date):
    """Findings of published inspections with their corrective action: public columns only."""
    f, ca, i = Finding, CorrectiveAction, Inspection
    approved = (
        sa.select(sa.func.count(DeadlineExtension.id))
        .where(DeadlineExtension.action_id == ca.id, DeadlineExtension.status == ExtensionStatus.APPROVED)
        .correlate(ca).scalar_subquery()
    )
    return (
        sa.select(
            f.id.label("finding_id"), f.factory_id, Factory.name.label("factory_name"), i.id.label("inspection_id"),
            i.type.label("inspection_type"), i.inspected_on, f.discipline, f.item_number, f.hazard_code, f.floor,
            f.area, f.observation, f.recommendation, f.severity, f.immediate_danger, f.origin, ca.status,
            ca.deadline, ca.original_deadline, approved.label("extensions_approved"),
            is_overdue_sql(day).label("overdue"),
            ca.reported_fixed_on, ca.verified_on,
        )
        .select_from(f)
        .join(ca, ca.finding_id == f.id)
        .join(i, i.id == f.inspection_id)
        .join(Factory, Factory.id == f.factory_id)
        .where(i.state == InspectionState.PUBLISHED)
    )


@bp.route("/exports/findings.csv")
def findings_csv():
    stmt = public_findings_stmt(today()).order_by(Finding.factory_id, Finding.id)
    columns = [k for k, _ in FINDING_COLUMNS]

    def generate():
        yield _csv_line(columns)
        result = db.session.execute(stmt.execution_options(yield_per=2000))
        buf = io.StringIO()
        writer = csv.writer(buf)
        for n, row in enumerate(result, 1):
            m = row._mapping
            writer.writerow([_cell(bool(m[c]) if c in ("overdue", "immediate_danger") else m[c]) for c in columns])
            if n % 2000 == 0:
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    return _csv_response(stream_with_context(generate()), "findings.csv")
