"""Read-only JSON API (no login): /api/v1/factories, /api/v1/factories/<id>, /api/v1/findings, and its
OpenAPI 3 description at /api/v1/openapi.json. Published data only; errors are JSON (errors.py).

Lists are keyset-paginated by id: an answer holds ``items``, ``limit`` and ``next`` (absent on the last page);
there is no total, which would cost a count of every matching row on every request."""
from __future__ import annotations

import base64
import binascii
import json
import re

import sqlalchemy as sa
from flask import abort, jsonify, request
from flask_babel import force_locale

from factorysafe import policy
from factorysafe.actions.models import ActionStatus, CorrectiveAction, DeadlineExtension, ExtensionStatus
from factorysafe.actions.queries import is_overdue_sql
from factorysafe.actions.rules import CapStatus, HeadlineStatus
from factorysafe.complaints import queries as complaint_queries, rules as complaint_rules
from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus, Verdict
from factorysafe.db import db
from factorysafe.errors import UserFacingError
from factorysafe.labels import label
from factorysafe.inspections.models import Discipline, Finding, Inspection
from factorysafe.maps import exports, pages, services
from factorysafe.maps.blueprint import bp
from factorysafe.maps.services import DISCIPLINES
from factorysafe.security import MAX_ID
from factorysafe.web import base_url, external_url, today

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100


# A parameter given empty is refused like any other value outside its schema (the OpenAPI document describes
# an enum, a boolean or an integer, never ""); leave a parameter out for its default.
def _int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UserFacingError(f"'{name}' must be a whole number.", 400) from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise UserFacingError(f"'{name}' must be {bound}.", 400)
    return value


def _choice_arg(name: str, choices) -> str:
    value = request.args.get(name)
    if value is None:
        return ""
    value = value.strip()
    if value not in choices:
        raise UserFacingError(f"'{name}' must be one of: {', '.join(choices)}.", 400)
    return value


def _bool_arg(name: str) -> bool | None:
    value = request.args.get(name)
    if value is None:
        return None
    value = value.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise UserFacingError(f"'{name}' must be true or false.", 400)


def _limit() -> int:
    """Items per answer: ``limit`` (``per_page`` is accepted as its older name)."""
    name = "limit" if "limit" in request.args else "per_page"
    return _int_arg(name, DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)


# --- keyset (cursor) pagination -----------------------------------------------------------------------------
# A list is ordered by id; an answer carries ``next``, the absolute URL of the following page, whose opaque
# cursor holds the last id shown. The next page starts after that id, so it costs the same wherever it is
# (no OFFSET, no count of every matching row) and an item added or removed meanwhile never shifts the pages.
CURSOR_ARGS = ("after", "cursor")


def encode_cursor(kind: str, last_id: int) -> str:
    raw = json.dumps({"k": kind, "id": int(last_id)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, token: str) -> int:
    """The last id of the previous page, from its cursor; a 400 (JSON) when the cursor is not one we made."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
        last_id = data["id"]
        if (data["k"] != kind or not isinstance(last_id, int) or isinstance(last_id, bool)
                or not 0 <= last_id <= MAX_ID):
            raise ValueError(kind)
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error):
        raise UserFacingError("The cursor ('after') is not valid for this list: start from the first page and "
                              "follow the 'next' links of the answers.", 400) from None
    return last_id


def _after(kind: str) -> int | None:
    if "page" in request.args:
        raise UserFacingError("'page' is no longer supported: lists are paginated by cursor; follow the 'next' "
                              "link of each answer.", 400)
    tokens = {request.args.get(name, "").strip() for name in CURSOR_ARGS} - {""}
    if len(tokens) > 1:
        raise UserFacingError("Give the cursor once, as 'after' (or 'cursor').", 400)
    return decode_cursor(kind, tokens.pop()) if tokens else None


def _page_answer(items: list[dict], more: bool, kind: str, last_id: int | None, limit: int):
    """The answer of one page: ``items``, ``limit`` and, unless it is the last page, ``next``."""
    answer = {"items": items, "limit": limit}
    if more and last_id is not None:
        args = {k: v for k, v in request.args.items() if k not in (*CURSOR_ARGS, "per_page", "limit")}
        answer["next"] = external_url(request.endpoint, **args, limit=limit, after=encode_cursor(kind, last_id))
    return jsonify(answer)


def _label_en(value) -> str:
    """The API's human-readable labels are English, like its documentation (values are the identifiers)."""
    with force_locale("en"):
        return label(value)


def factory_item(r: dict) -> dict:
    evac = r["evacuation"]
    return {
        "id": r["id"],
        "name": r["name"],
        "name_bn": r["name_bn"],
        "registration_no": r["registration_no"],
        "cap_status": r["cap_status"].value,
        "cap_status_label": _label_en(r["cap_status"]),
        "status": r["headline_status"].value,
        "status_label": _label_en(r["headline_status"]),
        "district": r["district"],
        "division": r["division"],
        "upazila": r["upazila"],
        "latitude": r["latitude"],
        "longitude": r["longitude"],
        "progress": dict(r["progress"]),
        "open_actions": {**r["open"], "total": r["open_total"]},
        "overdue_actions": {**r["overdue"], "total": r["overdue_total"]},
        "new_findings": r["new_findings"]["total"],
        "immediate_danger": r["immediate_danger"],
        "evacuation_in_force_since": evac["ordered_on"].isoformat() if evac else None,
        "last_inspected_on": r["last_inspected_on"].isoformat() if r["last_inspected_on"] else None,
        "url": external_url("maps.factory_page", factory_id=r["id"]),
    }


@bp.route("/api/v1/factories")
def api_factories():
    limit, after = _limit(), _after("factories")
    danger = _bool_arg("immediate_danger")
    rows = services.filter_factories(
        services.public_data(today()).factories,
        district=request.args.get("district", ""),
        cap_status=_choice_arg("cap_status", services.STATUSES),
        discipline=_choice_arg("discipline", DISCIPLINES),
        q=request.args.get("q", ""),
        danger=bool(danger),
    )
    if danger is False:
        rows = [r for r in rows if not r["immediate_danger"]]
    rows = sorted((r for r in rows if after is None or r["id"] > after), key=lambda r: r["id"])
    page = rows[:limit]
    return _page_answer([factory_item(r) for r in page], len(rows) > limit, "factories",
                        page[-1]["id"] if page else None, limit)


@bp.route("/api/v1/factories/<int:factory_id>")
def api_factory(factory_id: int):
    r = services.public_factory(today(), factory_id) if factory_id <= MAX_ID else None
    if r is None:
        abort(404)
    item = factory_item(r)
    item.update({
        "address": r["address"], "storeys": r["storeys"], "shared_building": r["shared_building"],
        "workers": r["workers"], "brands_count": r["brands_count"],
        "safety_committee_trained": r["safety_committee_trained"],
        "safety_committee_trained_on": (r["safety_committee_trained_on"].isoformat()
                                        if r["safety_committee_trained_on"] else None),
        "inspections": [{"id": i.id, "type": i.type.value, "inspected_on": i.inspected_on.isoformat()}
                        for i in pages.published_inspections(factory_id)],
        "findings_url": external_url("maps.api_findings", factory_id=factory_id),
    })
    return jsonify(item)


def finding_item(m) -> dict:
    out = {}
    for key, _ in exports.FINDING_COLUMNS:
        value = m[key]
        if key in ("overdue", "immediate_danger"):
            value = bool(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        out[key] = value
    return out


def approved_extensions(action_ids) -> dict[int, int]:
    """Approved deadline extensions per corrective action, for these actions only (one grouped query)."""
    if not action_ids:
        return {}
    approved = sa.case((DeadlineExtension.status == ExtensionStatus.APPROVED, 1), else_=0)
    # the status is counted, not filtered on: filtering would let SQLite pick the status index over action_id's
    stmt = (sa.select(DeadlineExtension.action_id, sa.func.sum(approved))
            .where(DeadlineExtension.action_id.in_(action_ids))
            .group_by(DeadlineExtension.action_id))
    return {action_id: int(n) for action_id, n in db.session.execute(stmt)}


@bp.route("/api/v1/findings")
def api_findings():
    limit, after = _limit(), _after("findings")
    factory_id = _int_arg("factory_id", 0, 1, MAX_ID) if "factory_id" in request.args else None
    discipline = _choice_arg("discipline", DISCIPLINES)
    status = _choice_arg("status", [s.value for s in ActionStatus])
    overdue = _bool_arg("overdue")
    day = today()
    # The page's ids first, from findings alone walked in id order (the published inspection and the action's
    # filters as EXISTS, so the database stops after limit + 1 matches), then the public rows of those ids.
    ids = sa.select(Finding.id).where(sa.exists().where(Inspection.id == Finding.inspection_id,
                                                        policy.public_sql()))
    if after is not None:
        ids = ids.where(Finding.id > after)
    if factory_id is not None:
        ids = ids.where(Finding.factory_id == factory_id)
    if discipline:
        ids = ids.where(Finding.discipline == Discipline(discipline))
    action = [CorrectiveAction.finding_id == Finding.id]
    if after is not None:  # the same bound on the action's side lets PostgreSQL start its index there too
        action.append(CorrectiveAction.finding_id > after)
    if status:
        action.append(CorrectiveAction.status == ActionStatus(status))
    if overdue is not None:
        late = is_overdue_sql(day)
        action.append(late if overdue else ~late)
    ids = ids.where(sa.exists().where(*action))
    page_ids = db.session.scalars(ids.order_by(Finding.id).limit(limit + 1)).all()
    stmt = exports.public_findings_stmt(day, extensions=False).where(Finding.id.in_(page_ids[:limit]))
    rows = [r._mapping for r in db.session.execute(stmt.order_by(Finding.id))]
    counts = approved_extensions([m["action_id"] for m in rows])
    items = [finding_item({**m, "extensions_approved": counts.get(m["action_id"], 0)}) for m in rows]
    return _page_answer(items, len(page_ids) > limit, "findings", page_ids[limit - 1] if len(page_ids) > limit
                        else None, limit)


def complaint_item(r: dict) -> dict:
    """One complaint of the public register (``exports.COMPLAINT_COLUMNS``): codes, not labels."""
    return {key: (r[key].value if hasattr(r[key], "value") else r[key]) for key, _ in exports.COMPLAINT_COLUMNS}


MONTH_PATTERN = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"


@bp.route("/api/v1/complaints")
def api_complaints():
    """The public register of workers' complaints, by id: a withheld factory is neither named nor numbered."""
    limit, after = _limit(), _after("complaints")
    factory_id = _int_arg("factory_id", 0, 1, MAX_ID) if "factory_id" in request.args else None
    status = _choice_arg("status", [s.value for s in ComplaintStatus])
    category = _choice_arg("category", [c.value for c in ComplaintCategory])
    month = request.args.get("month")
    if month is not None and (not re.fullmatch(MONTH_PATTERN, month) or complaint_rules.month_span(month) is None):
        raise UserFacingError("'month' must be a month as YYYY-MM, e.g. 2026-11.", 400)
    rows, more = complaint_queries.register_by_id(after=after, limit=limit, status=status or None,
                                                  category=category or None, month=month, factory_id=factory_id)
    return _page_answer([complaint_item(r) for r in rows], more, "complaints", rows[-1]["id"] if rows else None,
                        limit)


@bp.route("/api/v1/audit/head")
def api_audit_head():
    """The audit trail's head, for anyone to keep: later, ``flask audit verify --head EVENTS:HASH`` fails if an
    event up to it was removed or rewritten. A count and a hash: nothing about any person or event."""
    from factorysafe import audit

    count, digest = audit.head()
    response = jsonify(events=count, hash=digest, anchor=f"{count}:{digest}")
    response.headers["Cache-Control"] = "no-cache"
    return response


# --- OpenAPI 3.1 (its schemas are JSON Schema 2020-12) ---------------------------------------------------------------------------------------
def _progress_schema() -> dict:
    props = {d: {"type": ["number", "null"], "minimum": 0, "maximum": 1} for d in [*DISCIPLINES, "overall"]}
    return {"type": "object", "required": [*DISCIPLINES, "overall"], "properties": props,
            "description": "Share of initial findings verified as corrected, per discipline; null when none."}


def _counts_schema(what: str) -> dict:
    props = {d: {"type": "integer", "minimum": 0} for d in [*DISCIPLINES, "total"]}
    return {"type": "object", "required": [*DISCIPLINES, "total"], "properties": props, "description": what}


def _page_schema(item_ref: str) -> dict:
    return {"type": "object", "required": ["items", "limit"], "additionalProperties": False, "properties": {
        "items": {"type": "array", "items": {"$ref": item_ref}},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                  "description": "The most items an answer of this list holds."},
        "next": {"type": "string", "format": "uri",
                 "description": "URL of the next page (same filters, cursor after the last item); absent on the "
                                "last page. There is no total: follow next until it is absent."}}}


_DATE = {"type": "string", "format": "date"}
_NULL_DATE = {"type": ["string", "null"], "format": "date"}
_STR = {"type": "string"}
_NULL_STR = {"type": ["string", "null"]}
_INT = {"type": "integer"}
_NULL_INT = {"type": ["integer", "null"]}
_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def openapi_document() -> dict:
    factory_props = {
        "id": _INT, "name": _STR,
        "name_bn": {"type": "string", "description": "Name in Bangla script; empty when not given."},
        "registration_no": {"type": "string", "description": "Registration (licence) number; empty when not given."},
        "cap_status": {"type": "string", "enum": services.STATUSES},
        "cap_status_label": {"type": "string", "enum": [label(s) for s in CapStatus]},
        "status": {"type": "string", "enum": services.HEADLINE_STATUSES,
                   "description": "What the factory shows first (page badge, map marker): an evacuation in force, "
                                  "then open immediate danger, then the CAP status, at least behind_schedule when "
                                  "any action is overdue."},
        "status_label": {"type": "string", "enum": [label(s) for s in HeadlineStatus]},
        "district": _STR, "division": _STR, "upazila": _STR,
        "latitude": {"type": ["number", "null"]}, "longitude": {"type": ["number", "null"]},
        "progress": {"$ref": "#/components/schemas/Progress"},
        "open_actions": {"$ref": "#/components/schemas/OpenActions"},
        "overdue_actions": {"$ref": "#/components/schemas/OverdueActions"},
        "new_findings": {"type": "integer", "minimum": 0},
        "immediate_danger": {"type": "boolean"},
        "evacuation_in_force_since": _NULL_DATE,
        "last_inspected_on": _NULL_DATE,
        "url": {"type": "string", "format": "uri"},
    }
    detail_props = {
        **factory_props, "address": _STR, "storeys": _NULL_INT, "shared_building": {"type": "boolean"},
        "workers": _NULL_INT, "brands_count": _NULL_INT, "safety_committee_trained": {"type": "boolean"},
        "safety_committee_trained_on": _NULL_DATE,
        "inspections": {"type": "array", "items": {"type": "object", "required": ["id", "type", "inspected_on"],
                                                   "additionalProperties": False, "properties": {
            "id": _INT, "type": {"type": "string", "enum": ["initial", "follow_up", "special", "complaint"]},
            "inspected_on": _DATE}}},
        "findings_url": {"type": "string", "format": "uri"},
    }
    finding_props = {
        "finding_id": _INT, "factory_id": _INT, "factory_name": _STR, "inspection_id": _INT,
        "inspection_type": {"type": "string", "enum": ["initial", "follow_up", "special", "complaint"]},
        "inspected_on": _DATE, "discipline": {"type": "string", "enum": DISCIPLINES}, "item_number": _STR,
        "hazard_code": _NULL_STR, "floor": _STR, "area": _STR, "observation": _STR, "recommendation": _STR,
        "severity": {"type": "string", "enum": ["priority_1", "high", "medium", "low"]},
        "immediate_danger": {"type": "boolean"}, "origin": {"type": "string", "enum": ["initial", "new"]},
        "status": {"type": "string", "enum": [s.value for s in ActionStatus]},
        "deadline": _DATE, "original_deadline": _DATE, "extensions_approved": {"type": "integer", "minimum": 0},
        "overdue": {"type": "boolean"}, "reported_fixed_on": _NULL_DATE, "verified_on": _NULL_DATE,
    }
    complaint_props = {
        "number": {"type": "string", "pattern": "^C-[0-9]{4}-[0-9]{4,}$"},
        "factory_id": {"type": ["integer", "null"], "minimum": 1}, "factory_name": _NULL_STR,
        "category": {"type": "string", "enum": [c.value for c in ComplaintCategory]},
        "month_received": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
        "status": {"type": "string", "enum": [s.value for s in ComplaintStatus]},
        "outcome": _STR, "referred_to": _STR, "reopened": {"type": "integer", "minimum": 0},
        "verdict": {"type": ["string", "null"], "enum": [v.value for v in Verdict] + [None]},
    }
    complaint_descriptions = {k: str(v) for k, v in exports.COMPLAINT_COLUMNS}
    for key, schema in complaint_props.items():
        complaint_props[key] = {**schema, "description": complaint_descriptions[key]}
    descriptions = {k: str(v) for k, v in exports.FINDING_COLUMNS}
    for key, schema in finding_props.items():
        finding_props[key] = {**schema, "description": descriptions[key]}

    def param(name, schema, description, where="query", required=False):
        return {"name": name, "in": where, "required": required, "schema": schema, "description": description}

    paging = [param("after", _STR, "Opaque cursor from the next link of the previous answer; absent for the first "
                                   "page. A cursor that was not given by this API is refused (400)."),
              param("cursor", _STR, "Same as after."),
              param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
                    f"Items per answer, at most {MAX_PER_PAGE}."),
              param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                 "default": DEFAULT_PER_PAGE}, "Older name of limit.")]
    error = {"description": "Bad request or not found", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "factorysafe open data API", "version": "1.0.0",
                 "description": "Read-only, no sign-in. Factories with a published inspection and the findings of "
                                "published inspections only. Lists are ordered by id and paginated by cursor: follow next "
                                "until it is absent (there is no total). Also as files (and gzip-compressed as .gz): "
                                "/exports/factories.csv, /exports/factories.geojson, /exports/findings.csv, "
                                "/exports/complaints.csv; one "
                                "factory's findings: /factories/{id}/findings.csv."},
        "servers": [{"url": base_url()}],
        "paths": {
            "/api/v1/factories": {"get": {
                "summary": "Factories with a published inspection, filtered, by id, a page at a time (follow next).",
                "operationId": "listFactories",
                "parameters": [
                    param("district", _STR, "District (as registered), e.g. Gazipur."),
                    param("cap_status", {"type": "string", "enum": services.STATUSES}, "CAP status."),
                    param("discipline", {"type": "string", "enum": DISCIPLINES},
                          "Only factories with overdue actions in this discipline."),
                    param("q", _STR, "Finds factories by name (Latin or Bangla letters), address, upazila, district "
                                            "or registration number, forgiving of spelling: a part of the text, or "
                                            "every word close to a word of it (trigram similarity)."),
                    param("immediate_danger", {"type": "boolean"}, "Open immediate danger or evacuation in force."),
                    *paging],
                "responses": {"200": {"description": "A page of factories", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/FactoryPage"}}}}, "400": error}}},
            "/api/v1/factories/{factory_id}": {"get": {
                "summary": "One factory with its profile and published inspections.",
                "operationId": "getFactory",
                "parameters": [param("factory_id", _ID, "Factory id.", where="path", required=True)],
                "responses": {"200": {"description": "The factory", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/FactoryDetail"}}}}, "404": error}}},
            "/api/v1/findings": {"get": {
                "summary": "Findings of published inspections with their corrective action, by id, a page at a time "
                           "(follow next).",
                "operationId": "listFindings",
                "parameters": [
                    param("factory_id", _ID, "Only this factory's findings."),
                    param("discipline", {"type": "string", "enum": DISCIPLINES}, "Discipline."),
                    param("status", {"type": "string", "enum": [s.value for s in ActionStatus]},
                          "Status of the corrective action."),
                    param("overdue", {"type": "boolean"}, "Past the deadline and not verified (or the opposite)."),
                    *paging],
                "responses": {"200": {"description": "A page of findings", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/FindingPage"}}}}, "400": error}}},
            "/api/v1/complaints": {"get": {
                "summary": "The public register of workers' complaints, by id, a page at a time (follow next). A "
                           "factory is named only when the worker allowed it.",
                "operationId": "listComplaints",
                "parameters": [
                    param("status", {"type": "string", "enum": [s.value for s in ComplaintStatus]}, "Status."),
                    param("category", {"type": "string", "enum": [c.value for c in ComplaintCategory]},
                          "What the complaint is about."),
                    param("month", {"type": "string", "pattern": MONTH_PATTERN}, "Month received, YYYY-MM."),
                    param("factory_id", _ID, "Only complaints that name this factory."),
                    *paging],
                "responses": {"200": {"description": "A page of complaints", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ComplaintPage"}}}}, "400": error}}},
            "/api/v1/audit/head": {"get": {
                "summary": "The audit trail's head: how many events it holds and the hash of the last one. Keep it: "
                           "`flask --app factorysafe audit verify --head EVENTS:HASH` (the anchor) later fails if "
                           "any event up to that one was removed or rewritten.",
                "operationId": "getAuditHead",
                "responses": {"200": {"description": "The head", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/AuditHead"}}}}}}},
        },
        "components": {"schemas": {
            "AuditHead": {"type": "object", "required": ["events", "hash", "anchor"], "additionalProperties": False,
                          "properties": {
                "events": {"type": "integer", "minimum": 0, "description": "Number of events in the audit trail."},
                "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                         "description": "SHA-256 hash of the last event (64 zeros when there is none)."},
                "anchor": {"type": "string", "pattern": "^[0-9]+:[0-9a-f]{64}$",
                           "description": "events:hash, as audit verify --head takes it."}}},
            "Progress": _progress_schema(),
            "OpenActions": _counts_schema("Corrective actions not verified as corrected, per discipline."),
            "OverdueActions": _counts_schema("Corrective actions past their deadline, per discipline."),
            "Factory": {"type": "object", "required": list(factory_props), "additionalProperties": False,
                        "properties": factory_props},
            "FactoryDetail": {"type": "object", "required": list(detail_props), "additionalProperties": False,
                              "properties": detail_props},
            "Finding": {"type": "object", "required": list(finding_props), "additionalProperties": False,
                        "properties": finding_props},
            "FactoryPage": _page_schema("#/components/schemas/Factory"),
            "FindingPage": _page_schema("#/components/schemas/Finding"),
            "Complaint": {"type": "object", "required": list(complaint_props), "additionalProperties": False,
                          "properties": complaint_props},
            "ComplaintPage": _page_schema("#/components/schemas/Complaint"),
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["status", "title", "message"], "properties": {
                    "status": _INT, "title": _STR, "message": _STR}}}},
        }},
    }


@bp.route("/api/v1/openapi.json")
def openapi_json():
    with force_locale("en"):
        return jsonify(openapi_document())
