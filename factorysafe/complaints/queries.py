"""The public record of complaints, in SQL: the register's rows and its counts.

The one public rule: the register names a complaint's factory only when the worker allowed it
(``rules.shows_factory``; its SQL twin is :func:`shows_factory_sql`). A withheld factory is never named, linked
or counted on that factory's page. The public never reads a complaint's description, messages, contact or photos:
only its number, the factory (when shown), category, month received, status, outcome and whether it was reopened.
"""
from __future__ import annotations

import sqlalchemy as sa

from factorysafe.complaints import rules
from factorysafe.complaints.models import Complaint
from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus
from factorysafe.db import db
from factorysafe.factories.models import Factory

#: The fields of a complaint in the public register, the CSV export and the API, in this order.
PUBLIC_FIELDS = ("number", "factory_id", "factory_name", "category", "month_received", "status", "outcome",
                 "referred_to", "reopened", "verdict")


def shows_factory_sql(complaint=Complaint):
    """SQL twin of ``rules.shows_factory``."""
    return sa.and_(complaint.factory_id.is_not(None), sa.not_(complaint.withhold_factory))


def _public_stmt():
    c = Complaint
    return (sa.select(c.id, c.received_on, c.category, c.status, c.outcome, c.referred_to, c.reopened, c.verdict,
                      sa.case((shows_factory_sql(), c.factory_id), else_=None).label("factory_id"),
                      sa.case((shows_factory_sql(), Factory.name), else_=None).label("factory_name"))
            .outerjoin(Factory, Factory.id == c.factory_id))


def public_row(r) -> dict:
    """One complaint as the public reads it (``PUBLIC_FIELDS``; enums as enums, for labels)."""
    return {
        "id": r.id, "number": rules.public_number(r.id, r.received_on), "factory_id": r.factory_id,
        "factory_name": r.factory_name, "category": ComplaintCategory(r.category),
        "month_received": rules.public_month(r.received_on), "status": ComplaintStatus(r.status),
        "outcome": r.outcome if ComplaintStatus(r.status) in rules.CLOSED_STATUSES else "",
        "referred_to": r.referred_to or "", "reopened": r.reopened, "verdict": r.verdict,
    }


def _filtered(stmt, *, status=None, category=None, month=None, factory_id=None):
    if status:
        stmt = stmt.where(Complaint.status == ComplaintStatus(status))
    if category:
        stmt = stmt.where(Complaint.category == ComplaintCategory(category))
    span = rules.month_span(month) if month else None
    if span is not None:
        stmt = stmt.where(Complaint.received_on >= span[0], Complaint.received_on < span[1])
    if factory_id is not None:
        stmt = stmt.where(Complaint.factory_id == factory_id, shows_factory_sql())
    return stmt


def register(*, status=None, category=None, month=None, factory_id=None, limit: int | None = 50,
             offset: int = 0) -> tuple[list[dict], int]:
    """(one page of the public register, newest first; the number of complaints matching the filters)."""
    stmt = _filtered(_public_stmt(), status=status, category=category, month=month, factory_id=factory_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    stmt = stmt.order_by(Complaint.received_on.desc(), Complaint.id.desc()).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [public_row(r) for r in db.session.execute(stmt)], total


def register_by_id(*, after: int | None = None, limit: int = 100, status=None, category=None, month=None,
                   factory_id=None) -> tuple[list[dict], bool]:
    """The register in id order, the complaints after id ``after`` (keyset paging, as the API's lists):
    (up to ``limit`` rows, whether more follow)."""
    stmt = _filtered(_public_stmt(), status=status, category=category, month=month, factory_id=factory_id)
    if after is not None:
        stmt = stmt.where(Complaint.id > after)
    rows = db.session.execute(stmt.order_by(Complaint.id).limit(limit + 1)).all()
    return [public_row(r) for r in rows[:limit]], len(rows) > limit


def counts(factory_id: int | None = None) -> dict:
    """Counts of the public record: by status, category and month received, and how many were reopened by the
    worker's dispute. For one factory: only the complaints that name it (``shows_factory``)."""
    c = Complaint
    where = [shows_factory_sql(), c.factory_id == factory_id] if factory_id is not None else []
    by_status = {ComplaintStatus(s): n for s, n in db.session.execute(
        sa.select(c.status, sa.func.count()).where(*where).group_by(c.status))}
    by_category = {ComplaintCategory(k): n for k, n in db.session.execute(
        sa.select(c.category, sa.func.count()).where(*where).group_by(c.category))}
    months: dict[str, int] = {}
    for day, n in db.session.execute(sa.select(c.received_on, sa.func.count()).where(*where).group_by(c.received_on)):
        key = rules.public_month(day)
        months[key] = months.get(key, 0) + n
    reopened = db.session.scalar(sa.select(sa.func.count()).where(*where, c.reopened > 0)) or 0
    return {
        "total": sum(by_status.values()),
        "open": sum(n for s, n in by_status.items() if s in rules.OPEN_STATUSES),
        "by_status": {s: by_status.get(s, 0) for s in ComplaintStatus},
        "by_category": {k: by_category.get(k, 0) for k in ComplaintCategory},
        "by_month": dict(sorted(months.items())),
        "reopened": reopened,
    }


# --- finding the factory to report about ---------------------------------------------------------
MATCH_MIN_CHARS = 2


def factory_matches(q: str, limit: int = 20) -> list[dict]:
    """Factories a worker's words find, for the report form: the one factory search (``factories.queries.search``:
    Bangla or Latin letters, forgiving of spelling, address, upazila, registration number), then the factories
    of a district typed in Bangla letters ("গাজীপুর").

    Every factory of the register counts, inspected or not: workers of a factory without a published inspection
    must be able to report too (such a complaint may become "factory not covered"). Only public facts are
    returned: id, short code, name (and Bangla name), district and upazila.
    """
    from factorysafe.factories.queries import search

    q = " ".join((q or "").split())
    if len(q) < MATCH_MIN_CHARS:
        return []
    found = search(q, limit=limit, public_only=False)
    if len(found) < limit and any("\u0980" <= ch <= "\u09ff" for ch in q):
        from factorysafe.maps.geo import district_names_bn  # districts' Bangla names (read once per app)

        districts = [en for en, bn in district_names_bn().items() if bn and q in bn]
        if districts:
            seen = [f.id for f in found]
            found += list(db.session.scalars(
                sa.select(Factory).where(Factory.district.in_(districts), Factory.id.not_in(seen) if seen else sa.true())
                .order_by(Factory.name, Factory.id).limit(limit - len(found))))
    return [{"id": f.id, "code": rules.factory_code(f.id), "name": f.name, "name_bn": f.name_bn,
             "district": f.district, "upazila": f.upazila} for f in found]
