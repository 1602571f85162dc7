"""Open data: factories (CSV, GeoJSON in EPSG:4326) and findings (CSV). Public fields of published data only.

The site-wide files are built by a job (``build_exports``) into ``instance/exports/`` and served from there
(``serve_export``); one factory's findings (``/factories/<id>/findings.csv``) are small and written per request."""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import sqlalchemy as sa
from flask import Response, abort, current_app, make_response, request, send_file
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from factorysafe import policy
from factorysafe import jobs
from factorysafe.audit import AuditEvent
from factorysafe.errors import error_response

from factorysafe.actions.queries import is_overdue_sql
from factorysafe.complaints import queries as complaint_queries
from factorysafe.actions.models import CorrectiveAction, DeadlineExtension, ExtensionStatus
from factorysafe.db import db
from factorysafe.factories.models import Evacuation, Factory
from factorysafe.inspections.models import Discipline, Finding, Inspection
from factorysafe.labels import DISCIPLINE as DISCIPLINE_LABELS, label
from factorysafe.maps import services
from factorysafe.maps.blueprint import bp
from factorysafe.maps.services import DISCIPLINES
from factorysafe.web import today

# (column, description): shown on /open-data (translated) and in the OpenAPI document; the files' order.
FACTORY_COLUMNS = [
    ("id", _l("Factory id, stable; the page is /factories/<id>.")),
    ("name", _l("Registered name of the factory.")),
    ("name_bn", _l("Name of the factory in Bangla script; empty when not given.")),
    ("registration_no", _l("Registration (licence) number of the factory; empty when not given.")),
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


# The public register of workers' complaints (``complaints.queries.PUBLIC_FIELDS``, in that order).
COMPLAINT_COLUMNS = [
    ("number", _l("The complaint's number in the register, e.g. C-2026-0042 (year received and a serial).")),
    ("factory_id", _l("Factory id; empty when the worker did not allow the factory to be named, or none is known.")),
    ("factory_name", _l("Name of the factory; empty when withheld.")),
    ("category", _l("What it is about: blocked_exit, locked_gate, fire_smoke, cracks, wiring, boiler, "
                    "no_fire_drill, retaliation (safety), or wages, harassment, other (non-safety).")),
    ("month_received", _l("Month the complaint was received (YYYY-MM); the day is not published.")),
    ("status", _l("received, under_review, resolved, non_safety (referred), not_processed or not_covered "
                  "(factory not covered, referred to the labour inspectorate).")),
    ("outcome", _l("What was done, as the worker reads it; empty while the complaint is open.")),
    ("referred_to", _l("To whom a non-safety or not-covered complaint was referred.")),
    ("reopened", _l("Times the worker said a resolved complaint was not really fixed (each reopened it).")),
    ("verdict", _l("The worker's answer after resolution: confirmed (fixed) or disputed; empty when not given.")),
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


# Text a spreadsheet would read as a formula (or, after a tab or CR, trim into one): OWASP "CSV injection".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as written into a CSV file: every cell of every CSV goes through here. Text starting like a formula
    (``=HYPERLINK(...)``, ``+``, ``-``, ``@``, tab, CR) gets a leading ``'``, so a spreadsheet shows it as text and
    never runs it; numbers (a negative one too), dates, booleans and codes stay as they are."""
    value = _cell(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
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


def _csv_response(lines, filename: str) -> Response:
    return Response(lines, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-cache"})


def factories_geodataframe(day: dt.date | None = None) -> gpd.GeoDataFrame:
    data = services.public_data(day or today())
    records = [{k: v if v is None or isinstance(v, (bool, int, float)) else _cell(v)
                for k, v in factory_record(r).items()} for r in data.factories if r["latitude"] is not None]
    gdf = gpd.GeoDataFrame(records, columns=[k for k, _ in FACTORY_COLUMNS],
                           geometry=gpd.points_from_xy([r["longitude"] for r in records],
                                                       [r["latitude"] for r in records]), crs=4326)
    return gdf


def public_findings_stmt(day: dt.date, extensions: bool = True):
    """Findings of published inspections with their corrective action: public columns only (and ``action_id``).

    ``extensions_approved`` comes from one grouped count of the approved extensions joined by action (not a
    subquery per row); with ``extensions=False`` it is left out, for a caller that counts a page's actions only
    (``api.approved_extensions``)."""
    f, ca, i = Finding, CorrectiveAction, Inspection
    columns = [
        f.id.label("finding_id"), f.factory_id, Factory.name.label("factory_name"), i.id.label("inspection_id"),
        i.type.label("inspection_type"), i.inspected_on, f.discipline, f.item_number, f.hazard_code, f.floor,
        f.area, f.observation, f.recommendation, f.severity, f.immediate_danger, f.origin, ca.status,
        ca.deadline, ca.original_deadline, is_overdue_sql(day).label("overdue"),
        ca.reported_fixed_on, ca.verified_on, ca.id.label("action_id"),
    ]
    stmt = (
        sa.select(*columns)
        .select_from(f)
        .join(ca, ca.finding_id == f.id)
        .join(i, i.id == f.inspection_id)
        .join(Factory, Factory.id == f.factory_id)
        .where(policy.public_sql(i))
    )
    if extensions:
        approved = (
            sa.select(DeadlineExtension.action_id, sa.func.count(DeadlineExtension.id).label("n"))
            .where(DeadlineExtension.status == ExtensionStatus.APPROVED)
            .group_by(DeadlineExtension.action_id)
            .subquery("approved")
        )
        stmt = stmt.outerjoin(approved, approved.c.action_id == ca.id).add_columns(
            sa.func.coalesce(approved.c.n, 0).label("extensions_approved"))
    return stmt


def _finding_cells(m, columns) -> list:
    return [csv_cell(bool(m[c]) if c in ("overdue", "immediate_danger") else m[c]) for c in columns]


def write_findings_csv(out, stmt) -> int:
    """Write the header and one row per finding of ``stmt`` to the text stream ``out``; the number of rows."""
    columns = [k for k, _ in FINDING_COLUMNS]
    writer = csv.writer(out)
    writer.writerow(columns)
    n = 0
    for n, row in enumerate(db.session.execute(stmt.execution_options(yield_per=2000)), 1):
        writer.writerow(_finding_cells(row._mapping, columns))
    return n


def write_complaints_csv(out) -> int:
    """The public register of complaints, oldest first: one row per complaint, ``COMPLAINT_COLUMNS``; a
    withheld factory is neither named nor numbered (``complaints.queries``)."""
    columns = [k for k, _ in COMPLAINT_COLUMNS]
    writer = csv.writer(out)
    writer.writerow(columns)
    rows, n, after = True, 0, None
    while rows:
        rows, more = complaint_queries.register_by_id(after=after, limit=2000)
        writer.writerows([csv_cell(r[c]) for c in columns] for r in rows)
        n += len(rows)
        after = rows[-1]["id"] if rows else None
        rows = rows if more else []
    return n


@bp.route("/factories/<int:factory_id>/findings.csv")
def factory_findings_csv(factory_id: int):
    """One public factory's findings of published inspections: small, so written per request."""
    day = today()
    if services.public_factory(day, factory_id) is None:
        abort(404)
    buf = io.StringIO()
    write_findings_csv(buf, public_findings_stmt(day).where(Finding.factory_id == factory_id).order_by(Finding.id))
    response = _csv_response(buf.getvalue(), f"factory-{factory_id}-findings.csv")
    response.add_etag()
    return response.make_conditional(request)


# --- the site-wide files: built by a job into instance/exports/, served from there -------------------------------
# A request never writes a file: it serves the last complete one. Each file is written to a temporary name
# and renamed into place (plain and gzip), then its sidecar ``<name>.json`` records the data generation it was
# built from. When the generation has moved since (any audited change, a new factory, inspection, finding,
# action, extension or evacuation, a new day), a rebuild is queued (factorysafe.jobs: RQ with REDIS_URL,
# inline otherwise) and the previous complete file is served meanwhile; with no file yet and the build queued,
# the answer is 503 with Retry-After. So a download is either a whole file, with its ETag and Last-Modified,
# or an error: never a file cut off half-way.
FORMAT = 3  # bump when the files' columns or encoding change: every file is rebuilt (2: formula-safe text cells,
# 3: name_bn and registration_no)
EXPORTS = {  # name: media type
    "factories.csv": "text/csv",
    "factories.geojson": "application/geo+json",
    "findings.csv": "text/csv",
    "complaints.csv": "text/csv",
}
RETRY_AFTER_SECONDS = 30
PENDING_SECONDS = 600  # a queued build not finished after this is queued again


def exports_dir() -> Path:
    return Path(current_app.instance_path) / "exports"


def generation(day: dt.date | None = None) -> str:
    """The data generation the files are built from: moves with anything an export shows (cheap: maxima and
    sums over indexed or small tables), and with the day (``overdue`` depends on it)."""
    i, fn, ca, ev, ext = Inspection, Finding, CorrectiveAction, Evacuation, DeadlineExtension
    marker = db.session.execute(sa.select(
        sa.select(sa.func.max(AuditEvent.id)).scalar_subquery(),
        sa.select(sa.func.max(Factory.id)).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(Factory.version), 0)).scalar_subquery(),
        sa.select(sa.func.count(i.id)).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(i.version), 0)).scalar_subquery(),
        sa.select(sa.func.max(fn.id)).scalar_subquery(),
        sa.select(sa.func.max(ca.id)).scalar_subquery(),
        sa.select(sa.func.max(ext.id)).scalar_subquery(),
        sa.select(sa.func.count(ev.id)).scalar_subquery(),
        sa.select(sa.func.count(ev.resumed_on)).scalar_subquery(),
    )).one()
    blob = repr((FORMAT, (day or today()).isoformat(), tuple(marker)))
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def read_meta(name: str) -> dict | None:
    try:
        return json.loads((exports_dir() / f"{name}.json").read_text())
    except (OSError, ValueError):
        return None


def _write_atomic(path: Path, write) -> None:
    """``write(tmp_path)`` then rename over ``path``: readers see the old file or the new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Digest(io.RawIOBase):
    """A binary sink that hashes and counts what passes through to ``target``."""

    def __init__(self, target):
        self.target, self.sha, self.size = target, hashlib.sha256(), 0

    def writable(self):
        return True

    def write(self, b):
        self.sha.update(b)
        self.size += len(b)
        self.target.write(b)
        return len(b)


class _Tee:
    def __init__(self, *targets):
        self.targets = targets

    def write(self, b):
        for t in self.targets:
            t.write(b)


def _write_text_file(name: str, fill) -> dict:
    """Write ``name`` and ``name.gz`` (same UTF-8 text) from ``fill(text_stream) -> rows`` to temporary files,
    then rename both into place. Returns rows, sha256 and sizes for the sidecar."""
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    temps = []
    for target in (name, f"{name}.gz"):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target}.", suffix=".part")
        os.close(fd)
        temps.append(tmp)
    try:
        with open(temps[0], "wb") as raw, gzip.GzipFile(temps[1], "wb", compresslevel=6, mtime=0) as zipped:
            digest = _Digest(_Tee(raw, zipped))
            text = io.TextIOWrapper(io.BufferedWriter(digest, 1 << 16), encoding="utf-8", newline="")
            rows = fill(text)
            text.flush()
            text.detach()
        os.replace(temps[0], folder / name)
        os.replace(temps[1], folder / f"{name}.gz")
    except BaseException:
        for tmp in temps:
            Path(tmp).unlink(missing_ok=True)
        raise
    return {"name": name, "rows": rows, "sha256": digest.sha.hexdigest(), "bytes": digest.size,
            "gzip_bytes": (folder / f"{name}.gz").stat().st_size, "built_at": time.time(),
            "seconds": round(time.perf_counter() - started, 3)}


def _fill(name: str, day: dt.date):
    if name == "findings.csv":
        return lambda out: write_findings_csv(out, public_findings_stmt(day).order_by(Finding.factory_id, Finding.id))
    if name == "factories.csv":
        def fill(out):
            records = [factory_record(r) for r in services.public_data(day).factories]
            writer = csv.writer(out)
            writer.writerow([k for k, _ in FACTORY_COLUMNS])
            writer.writerows([csv_cell(v) for v in rec.values()] for rec in records)
            return len(records)
        return fill
    if name == "complaints.csv":
        return write_complaints_csv
    if name == "factories.geojson":
        def fill(out):
            gdf = factories_geodataframe(day)
            out.write(gdf.to_json(drop_id=True, to_wgs84=True, ensure_ascii=False))
            return len(gdf)
        return fill
    raise KeyError(name)


def build_exports(names=None, force: bool = False) -> dict[str, dict]:
    """The job: (re)build the named files (all by default) unless already of the current generation.
    Labels are written in English, the API's language. Returns each file's sidecar."""
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in names or list(EXPORTS):
        day = today()
        gen = generation(day)  # read before the data: a change made during the build leaves the file stale
        meta = read_meta(name)
        if not force and meta and meta.get("generation") == gen and (folder / name).exists():
            out[name] = meta
            continue
        with force_locale("en"):
            meta = _write_text_file(name, _fill(name, day))
        meta.update(generation=gen, day=day.isoformat())
        _write_atomic(folder / f"{name}.json", lambda tmp, m=meta: tmp.write_text(json.dumps(m)))
        (folder / f"{name}.pending").unlink(missing_ok=True)
        db.session.rollback()  # end the read transaction: the next file reads current data
        out[name] = meta
    return out


def _queue_rebuild(name: str, gen: str) -> None:
    """Queue a rebuild of ``name`` unless one for this generation was queued recently (inline: build now)."""
    pending = exports_dir() / f"{name}.pending"
    try:
        queued = json.loads(pending.read_text())
        if queued.get("generation") == gen and time.time() - queued.get("at", 0) < PENDING_SECONDS:
            return
    except (OSError, ValueError):
        pass
    pending.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(pending, lambda tmp: tmp.write_text(json.dumps({"generation": gen, "at": time.time()})))
    jobs.enqueue("factorysafe.maps.exports:build_exports", [name])


def serve_export(name: str, gzip_download: bool = False) -> Response:
    """The newest complete file ``name``: gzip-encoded when the client accepts it (or as ``name.gz``)."""
    gen = generation()
    meta = read_meta(name)
    path = exports_dir() / name
    if meta is None or meta.get("generation") != gen or not path.exists():
        try:
            _queue_rebuild(name, gen)
        except Exception:  # noqa: BLE001 - a failed build leaves the previous file whole: serve it (or 503)
            current_app.logger.exception("Building the export %s failed", name)
            (exports_dir() / f"{name}.pending").unlink(missing_ok=True)
            db.session.rollback()
        meta = read_meta(name)
        if meta is None or not path.exists():
            body, status = error_response(503, _("This file is being prepared. Please try again in a minute."))
            response = make_response(body, status)
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
    if gzip_download:
        response = send_file(exports_dir() / f"{name}.gz", mimetype="application/gzip", as_attachment=True,
                             download_name=f"{name}.gz", conditional=True, etag=f"{meta['sha256'][:32]}-gz")
    elif request.accept_encodings["gzip"]:
        response = send_file(exports_dir() / f"{name}.gz", mimetype=EXPORTS[name], as_attachment=True,
                             download_name=name, conditional=True, etag=f"{meta['sha256'][:32]}-gz")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = send_file(path, mimetype=EXPORTS[name], as_attachment=True, download_name=name,
                             conditional=True, etag=meta["sha256"][:32])
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept-Encoding")
    response.headers["X-Export-Rows"] = str(meta.get("rows", ""))
    return response


@bp.route("/exports/factories.csv")
def factories_csv():
    return serve_export("factories.csv")


@bp.route("/exports/factories.csv.gz")
def factories_csv_gz():
    return serve_export("factories.csv", gzip_download=True)


@bp.route("/exports/factories.geojson")
def factories_geojson():
    return serve_export("factories.geojson")


@bp.route("/exports/factories.geojson.gz")
def factories_geojson_gz():
    return serve_export("factories.geojson", gzip_download=True)


@bp.route("/exports/findings.csv")
def findings_csv():
    return serve_export("findings.csv")


@bp.route("/exports/findings.csv.gz")
def findings_csv_gz():
    return serve_export("findings.csv", gzip_download=True)


@bp.route("/exports/complaints.csv")
def complaints_csv():
    return serve_export("complaints.csv")


@bp.route("/exports/complaints.csv.gz")
def complaints_csv_gz():
    return serve_export("complaints.csv", gzip_download=True)
