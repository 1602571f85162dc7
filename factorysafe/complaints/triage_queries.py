"""What the handlers' pages read: the triage list (open first, urgent and reopened on top), one complaint with its
messages, findings that may be linked, factories found by name, and the complaint's audit history.

Nothing here is public: the views check ``policy.may_handle_complaints`` first.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from factorysafe import policy
from factorysafe.complaints import rules
from factorysafe.complaints.models import Complaint, ComplaintMessage
from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus
from factorysafe.db import db
from factorysafe.factories.models import Factory
from factorysafe.inspections.models import Finding, Inspection


def is_open_sql(complaint=Complaint):
    return complaint.status.in_(list(rules.OPEN_STATUSES))


def needs_attention_sql(complaint=Complaint):
    """An open complaint that may be an immediate danger (``rules.URGENT_CATEGORIES``) or that the worker
    reopened: shown at the top of the list."""
    return sa.and_(is_open_sql(complaint), sa.or_(complaint.category.in_(list(rules.URGENT_CATEGORIES)),
                                                  complaint.reopened > 0))


def triage_list(*, status=None, category=None, factory_id=None, channel=None, limit: int = 25,
                offset: int = 0) -> tuple[list[Complaint], int]:
    """(one page of complaints for handlers, the number matching the filters): open ones first, those needing
    attention (urgent category or reopened) at the top of them, oldest open first (it has waited longest);
    closed ones after, newest first."""
    c = Complaint
    where = []
    if status:
        where.append(c.status == ComplaintStatus(status))
    if category:
        where.append(c.category == ComplaintCategory(category))
    if factory_id is not None:
        where.append(c.factory_id == factory_id)
    if channel:
        where.append(c.channel == channel)
    total = db.session.scalar(sa.select(sa.func.count(c.id)).where(*where))
    is_open = sa.case((is_open_sql(), 0), else_=1)
    attention = sa.case((needs_attention_sql(), 0), else_=1)
    # open: the earliest received first (ids grow with time); closed: the latest first (negated id)
    waited = sa.case((is_open_sql(), c.id), else_=-c.id)
    stmt = (sa.select(c).where(*where).options(joinedload(c.factory))
            .order_by(is_open, attention, waited).limit(limit).offset(offset))
    return list(db.session.scalars(stmt).unique()), total


def open_counts() -> dict:
    """For the dashboard panel: open complaints, how many need attention, how many wait for a first look."""
    c = Complaint
    row = db.session.execute(sa.select(
        sa.func.count(c.id).filter(is_open_sql()),
        sa.func.count(c.id).filter(needs_attention_sql()),
        sa.func.count(c.id).filter(c.status == ComplaintStatus.RECEIVED),
    )).one()
    return {"open": row[0] or 0, "attention": row[1] or 0, "received": row[2] or 0}


def factories_with_complaints() -> list[tuple[int, str]]:
    """(id, name) of the factories complaints are matched to, for the list's filter."""
    return list(db.session.execute(
        sa.select(Factory.id, Factory.name).where(Factory.id.in_(sa.select(Complaint.factory_id)))
        .order_by(Factory.name)))


def load(complaint_id: int) -> Complaint | None:
    c = Complaint
    return db.session.scalars(sa.select(c).where(c.id == complaint_id).options(
        joinedload(c.factory), joinedload(c.inspection),
        selectinload(c.messages).joinedload(ComplaintMessage.photo),
        selectinload(c.findings).joinedload(Finding.inspection),
    )).unique().one_or_none()


def linkable_findings(complaint: Complaint, user) -> list[Finding]:
    """Findings of the complaint's factory that ``user`` may see (``policy.visible_states``: a handler sees no
    draft), not linked yet; those of the complaint's own inspection first."""
    if complaint.factory_id is None:
        return []
    states = policy.visible_states(user, complaint.factory_id)
    linked = [f.id for f in complaint.findings]
    own = sa.case((Finding.inspection_id == complaint.inspection_id, 0), else_=1) \
        if complaint.inspection_id is not None else sa.literal(1)
    stmt = (sa.select(Finding).join(Inspection, Inspection.id == Finding.inspection_id)
            .where(Finding.factory_id == complaint.factory_id, Inspection.state.in_(list(states)),
                   Finding.id.not_in(linked) if linked else sa.true())
            .options(joinedload(Finding.inspection))
            .order_by(own, Inspection.inspected_on.desc(), Finding.id).limit(200))
    return list(db.session.scalars(stmt).unique())


def visible_findings(findings, user) -> list[Finding]:
    """The linked findings ``user`` may see (a handler does not see those of a draft inspection)."""
    return [f for f in findings if policy.may_see_inspection(user, f.inspection)]


def search_factories(text: str, limit: int = 20) -> list[Factory]:
    """Factories of the register whose name, district or upazila contains ``text`` (case ignored)."""
    text = (text or "").strip()[:100]
    if not text:
        return []
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(db.session.scalars(sa.select(Factory).where(sa.or_(
        Factory.name.ilike(pattern, escape="\\"), Factory.district.ilike(pattern, escape="\\"),
        Factory.upazila.ilike(pattern, escape="\\"))).order_by(Factory.name).limit(limit)))


def history(complaint_id: int):
    """Audit events about one complaint, oldest first."""
    from factorysafe.audit import AuditEvent

    return db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.subject_type == Complaint.__tablename__, AuditEvent.subject_id == complaint_id)
        .order_by(AuditEvent.id)).all()
