"""The handlers' side of workers' complaints: the triage list, one complaint with everything about it, and the
forms that move it along (status and outcome, a message to the worker, the factory it is about, linked findings,
a complaint inspection). Thin views: access (``policy.may_handle_complaints``; a visitor is sent to sign in),
a form, a service verb, commit, flash, redirect. A refusal rolls back and shows the page again with the
handler's text kept and the fitting status (400 bad input, 403, 409 a stale version or a wrong state)."""
from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from factorysafe import policy
from factorysafe.complaints import rules, services, triage_queries as queries
from factorysafe.complaints.blueprint import bp
from factorysafe.complaints.models import Complaint
from factorysafe.complaints.rules import ComplaintStatus
from factorysafe.complaints.triage_forms import (
    CHANNELS, FactoryMatchForm, FilterForm, InspectionForm, LinkFindingsForm, MessageForm, StatusForm, choices,
)
from factorysafe.db import db
from factorysafe.errors import rolled_back
from factorysafe.forms import version_problem
from factorysafe.labels import label
from factorysafe.web import dashboard_panel, today
from factorysafe.i18n import format_day

PAGE_SIZE = 25
#: Where a complaint about a factory the programme does not cover is referred (the labour inspectorate).
DIFE = _l("Department of Inspection for Factories and Establishments (DIFE)")

FORMS = {"status": StatusForm, "message": MessageForm, "factory": FactoryMatchForm, "link": LinkFindingsForm,
         "inspection": InspectionForm}


def handler_required(view):
    """Signed in (a visitor is sent to the login page) and a complaints handler, engineer or admin (else 403)."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not policy.may_handle_complaints(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _complaint(complaint_id: int) -> Complaint:
    complaint = queries.load(complaint_id)
    if complaint is None:
        abort(404)
    return complaint


# --- the list -------------------------------------------------------------------------------------
@bp.route("/complaints/manage")
@handler_required
def manage():
    form = FilterForm(request.args)
    form.factory.choices = choices([("", _("All"))] + [(str(i), name) for i, name in queries.factories_with_complaints()])
    chosen, dropped = form.chosen()
    if dropped:
        flash(_("Unknown filter values were ignored: %(fields)s.", fields=", ".join(dropped)), "error")
    page = form.page_number()
    rows, total = queries.triage_list(status=chosen["status"], category=chosen["category"],
                                      factory_id=int(chosen["factory"]) if chosen["factory"] else None,
                                      channel=chosen["channel"], limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    args = {k: v for k, v in chosen.items() if v}
    return render_template(
        "complaints/triage/list.html", form=form, complaints=rows, total=total, page=page, pages=pages,
        prev_url=url_for("complaints.manage", page=page - 1, **args) if page > 1 else None,
        next_url=url_for("complaints.manage", page=page + 1, **args) if page < pages else None,
        number=_number, urgent=rules.URGENT_CATEGORIES, open_statuses=rules.OPEN_STATUSES,
        channels=dict(CHANNELS))


def _number(complaint: Complaint) -> str:
    return rules.public_number(complaint.id, complaint.received_on)


# --- one complaint --------------------------------------------------------------------------------
def _finding_choice(finding) -> tuple[int, str]:
    inspection = finding.inspection
    text = f"{finding.item_number} · {finding.observation[:90]}"
    return finding.id, f"{text} ({label(inspection.type)}, {format_day(inspection.inspected_on)}, {label(inspection.state)})"


def _prepare(name: str, form, complaint: Complaint, found=()) -> None:
    """The choices of a form that depend on the complaint and the user."""
    if name == "status":
        form.set_choices(sorted(rules.TRANSITIONS[complaint.status], key=list(ComplaintStatus).index))
    elif name == "link":
        form.finding_ids.choices = choices(_finding_choice(f) for f in queries.linkable_findings(complaint, current_user))
    elif name == "factory":
        factories = list(found)
        if complaint.factory is not None and complaint.factory not in factories:
            factories.insert(0, complaint.factory)
        posted = form.factory_id.data if isinstance(form.factory_id.data, int) else None
        if posted and all(f.id != posted for f in factories):
            from factorysafe.factories.models import Factory

            extra = db.session.get(Factory, posted)
            if extra is not None:
                factories.insert(0, extra)
        form.factory_id.choices = choices((f.id, f"{f.name} · {f.upazila or ''} {f.district or ''}".strip())
                                          for f in factories)


def _render(complaint: Complaint, status: int = 200, bound: dict | None = None, error: str | None = None):
    q = request.args.get("q", "").strip()[:100]
    found = queries.search_factories(q) if q else []
    forms = {}
    for name, cls in FORMS.items():
        form = (bound or {}).get(name)
        if form is None:
            form = cls(formdata=None, prefix=name)
            if name == "factory":
                form.factory_id.data = complaint.factory_id
                form.show_factory.data = not complaint.withhold_factory
        _prepare(name, form, complaint, found)
        form.version.data = complaint.version  # typed text stays; the version becomes the current one
        forms[name] = form
    return render_template(
        "complaints/triage/detail.html", complaint=complaint, number=_number(complaint), forms=forms, q=q,
        found=found, error=error, may_make_findings=policy.may_make_findings(current_user),
        findings=queries.visible_findings(complaint.findings, current_user),
        inspection_visible=complaint.inspection is not None and policy.may_see_inspection(current_user,
                                                                                           complaint.inspection),
        history=[(ev, _sentence(ev)) for ev in queries.history(complaint.id)],
        urgent=complaint.category in rules.URGENT_CATEGORIES, channels=dict(CHANNELS),
        referral_default=_referral_default(complaint), dife=str(DIFE),
        shows_factory=rules.shows_factory(complaint.withhold_factory, complaint.factory_id),
    ), status


@bp.route("/complaints/manage/<int:complaint_id>")
@handler_required
def manage_detail(complaint_id: int):
    return _render(_complaint(complaint_id))


def _perform(complaint_id: int, name: str, operation, success: str, allowed=None):
    """Run one handler's operation posted from the complaint's page: access, form, service verb, commit.
    ``operation(complaint, form)`` may return a URL to go to (else the complaint's page)."""
    if allowed is not None and not allowed():
        abort(403)
    complaint = _complaint(complaint_id)
    form = FORMS[name](prefix=name)
    _prepare(name, form, complaint)
    if not form.validate_on_submit():
        return _render(complaint, 400, {name: form}, version_problem(form) or _("Please correct the marked fields."))
    try:
        target = operation(complaint, form)
        db.session.commit()
    except Exception as exc:  # a refusal shows the page again with the typed text; anything else is a bug
        refused = rolled_back(exc)
        return _render(_complaint(complaint_id), refused.status, {name: form}, refused.message)
    flash(success, "info")
    return redirect(target or url_for("complaints.manage_detail", complaint_id=complaint_id))


def _referral_default(complaint: Complaint) -> str:
    """The referral of a complaint about a factory the programme does not cover, in the worker's language."""
    with force_locale(complaint.lang or "bn"):
        return str(DIFE)


@bp.route("/complaints/manage/<int:complaint_id>/status", methods=["POST"])
@handler_required
def manage_status(complaint_id: int):
    def op(complaint, form):
        referred_to = form.referred_to.data or ""
        if form.status.data == ComplaintStatus.NOT_COVERED.value and not referred_to.strip():
            referred_to = _referral_default(complaint)
        services.set_status(complaint, form.status.data, outcome=form.outcome.data or "", referred_to=referred_to,
                            by=current_user, version=form.version_value(), today=today())

    return _perform(complaint_id, "status", op, _("Status saved. The worker reads it with the receipt code."))


@bp.route("/complaints/manage/<int:complaint_id>/message", methods=["POST"])
@handler_required
def manage_message(complaint_id: int):
    def op(complaint, form):
        services.ask_worker(complaint, form.body.data, by=current_user, version=form.version_value())

    return _perform(complaint_id, "message", op, _("Message sent. The worker reads it with the receipt code."))


@bp.route("/complaints/manage/<int:complaint_id>/factory", methods=["POST"])
@handler_required
def manage_factory(complaint_id: int):
    from factorysafe.factories.models import Factory

    def op(complaint, form):
        factory = db.session.get(Factory, form.factory_id.data)
        if factory is None:
            raise services.InvalidInput(_("Choose a factory of the register."))
        services.set_factory(complaint, factory, show_factory=bool(form.show_factory.data), by=current_user,
                             version=form.version_value())

    return _perform(complaint_id, "factory", op, _("The complaint is matched to the factory."))


@bp.route("/complaints/manage/<int:complaint_id>/findings", methods=["POST"])
@handler_required
def manage_findings(complaint_id: int):
    from factorysafe.inspections.models import Finding

    def op(complaint, form):
        import sqlalchemy as sa

        findings = db.session.scalars(sa.select(Finding).where(Finding.id.in_(form.finding_ids.data))).all()
        services.link_findings(complaint, findings, by=current_user, version=form.version_value())

    return _perform(complaint_id, "link", op, _("Findings linked to the complaint."))


@bp.route("/complaints/manage/<int:complaint_id>/inspection", methods=["POST"])
@handler_required
def manage_inspection(complaint_id: int):
    def op(complaint, form):
        inspection = services.make_inspection(complaint, by=current_user, today=today(), version=form.version_value())
        db.session.flush()
        return url_for("inspections.inspection_detail", inspection_id=inspection.id)

    return _perform(complaint_id, "inspection", op,
                    _("Complaint inspection created. Add its findings here, then link them on the complaint's page."),
                    allowed=lambda: policy.may_make_findings(current_user))


# --- the history, in sentences ---------------------------------------------------------------------
def _sentence(ev) -> str:
    """One audit event about a complaint, as the one home of history words says it (``history.describe``),
    after who did it: handlers see their colleagues' names; the worker is never named."""
    from factorysafe.history import describe

    who = ev.actor_email if ev.actor_id or ev.actor_ref else None
    text = describe(ev).text
    return _("%(who)s: %(what)s", who=who, what=text) if who else text


# --- dashboard ------------------------------------------------------------------------------------
@dashboard_panel(roles=("engineer", "handler"), template="complaints/triage/_panel.html", order=15)
def complaints_panel(user, day):
    rows, _total = queries.triage_list(status=None, limit=8)
    return {"counts": queries.open_counts(), "top": [c for c in rows if c.status in rules.OPEN_STATUSES],
            "number": _number, "urgent": rules.URGENT_CATEGORIES}
