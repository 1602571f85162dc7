"""Follow-up pages: the engineers' calendar (``/follow-ups``), assigning a factory's engineer, starting a follow-up
inspection, and checking its pre-listed items from the inspection page. Thin: the verbs are ``services``, the list
``queries``, the dates ``rules``, access ``policy``."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from factorysafe import policy
from factorysafe.auth.models import Role, User
from factorysafe.db import db
from factorysafe.errors import rolled_back
from factorysafe.factories.models import Factory
from factorysafe.followups import queries, services
from factorysafe.followups.blueprint import bp
from factorysafe.followups.forms import ALL, MINE, UNASSIGNED, AssignForm, CalendarFilterForm, CheckForm, StartForm
from factorysafe.followups.models import CheckOutcome, FollowUpCheck
from factorysafe.followups.rules import DueState
from factorysafe.forms import version_problem
from factorysafe.policy import engineer_required
from factorysafe.web import dashboard_panel, today


def engineers() -> list[User]:
    """Who may follow a factory up: active engineers and administrators, by name."""
    return list(db.session.scalars(sa.select(User).where(User.role.in_([Role.ENGINEER, Role.ADMIN]), User.active)
                                   .order_by(User.name, User.email)))


def _chosen(form: CalendarFilterForm, items):
    choice = form.engineer.data or MINE
    if choice == ALL:
        return items
    if choice == UNASSIGNED:
        return [x for x in items if x.row.engineer_id is None]
    wanted = current_user.id if choice == MINE else int(choice)
    return [x for x in items if x.row.engineer_id == wanted]


def _calendar(bound: dict | None = None, status: int = 200, error: str | None = None):
    people = engineers()
    form = CalendarFilterForm(request.args)
    form.fill(people)
    _chosen_filters, dropped = form.chosen()
    if dropped:
        flash(_("Unknown filter values were ignored: %(fields)s.", fields=", ".join(dropped)), "error")
    if error:
        flash(error, "error")
    day = today()
    items = _chosen(form, queries.follow_ups(day))
    groups = {state: [x for x in items if x.due == state] for state in DueState}
    names = {u.id: u.name or u.email for u in people}
    assign_forms, start_form = {}, StartForm(formdata=None, intent="start")
    for x in items:
        f = (bound or {}).get(x.row.factory_id) or AssignForm(formdata=None, prefix=f"assign-{x.row.factory_id}")
        f.fill(people)
        if x.row.factory_id not in (bound or {}):
            f.engineer.data = str(x.row.engineer_id) if x.row.engineer_id else ""
        f.version.data = x.row.assignment_version  # the chosen engineer stays; the version becomes the current one
        assign_forms[x.row.factory_id] = f
    return render_template("followups/calendar.html", form=form, groups=groups, names=names, today=day,
                           assign_forms=assign_forms, start_form=start_form, total=len(items),
                           soon_days=queries.soon_days(), months=queries.max_months(),
                           filter_value=form.engineer.data or MINE), status


@bp.route("/follow-ups")
@engineer_required
def calendar():
    return _calendar()


def _back():
    """The calendar with the filter it was posted from (the forms' URLs carry it; an unknown value is dropped there)."""
    value = request.args.get("engineer", "")
    return url_for("followups.calendar", engineer=value) if value else url_for("followups.calendar")


@bp.route("/follow-ups/factories/<int:factory_id>/assign", methods=["POST"])
@engineer_required
def assign(factory_id: int):
    factory = db.session.get(Factory, factory_id) or abort(404)
    form = AssignForm(prefix=f"assign-{factory_id}")
    form.fill(engineers())
    if not form.validate_on_submit():
        return _calendar({factory_id: form}, 400, version_problem(form) or _("Choose an engineer, or unassigned."))
    engineer = db.session.get(User, int(form.engineer.data)) if form.engineer.data else None
    try:
        services.assign(factory, engineer, by=current_user, version=form.version_value())
        db.session.commit()
    except Exception as exc:  # a refusal re-shows the calendar with the choice kept; anything else is a bug
        refused = rolled_back(exc)
        return _calendar({factory_id: form}, refused.status, refused.message)
    flash(_("Follow-up engineer of %(name)s saved.", name=factory.name), "info")
    return redirect(_back())


@bp.route("/follow-ups/factories/<int:factory_id>/start", methods=["POST"])
@engineer_required
def start(factory_id: int):
    factory = db.session.get(Factory, factory_id) or abort(404)
    form = StartForm()
    if not form.validate_on_submit():
        return _calendar(None, 400, _("The form was not complete, so nothing was started. Use the button again."))
    try:
        inspection = services.start_follow_up(factory, by=current_user, today=today())
        db.session.commit()
    except Exception as exc:
        refused = rolled_back(exc)
        return _calendar(None, refused.status, refused.message)
    flash(_("Follow-up inspection started: check each item below."), "info")
    return redirect(url_for("inspections.inspection_detail", inspection_id=inspection.id, _anchor="items-to-check"))


def _inspection_page(inspection_id: int, bound: dict, status: int, error: str):
    from factorysafe.inspections.models import Inspection
    from factorysafe.inspections.views import _detail_context

    flash(error, "error")
    inspection = db.session.get(Inspection, inspection_id)
    return render_template("inspections/detail.html", **_detail_context(inspection), check_forms=bound), status


@bp.route("/follow-ups/checks/<int:check_id>", methods=["POST"])
@engineer_required
def check(check_id: int):
    item = db.session.get(FollowUpCheck, check_id) or abort(404)
    inspection_id = item.inspection_id
    form = CheckForm(prefix=f"check-{check_id}")
    if not form.validate_on_submit():
        return _inspection_page(inspection_id, {check_id: form}, 400,
                                version_problem(form) or _("Choose what you found of this item."))
    try:
        services.check_item(item, form.outcome.data, form.note.data, by=current_user, today=today(),
                            version=form.version_value())
        db.session.commit()
    except Exception as exc:  # a refusal re-shows the inspection with the note kept
        refused = rolled_back(exc)
        return _inspection_page(inspection_id, {check_id: form}, refused.status, refused.message)
    flash(_("Item checked: %(outcome)s.", outcome=CheckOutcome(form.outcome.data).label), "info")
    return redirect(url_for("inspections.inspection_detail", inspection_id=inspection_id,
                            _anchor=f"check-{check_id}"))


# --- what other pages show --------------------------------------------------------------------------
@bp.app_template_global("follow_up_checks")
def follow_up_checks(inspection, bound=None) -> list[tuple]:
    """(check, form or None) of a follow-up inspection's pre-listed items, for its page: forms for engineers
    while the inspection is a draft and the item is not decided for good."""
    checks = list(db.session.scalars(sa.select(FollowUpCheck).where(FollowUpCheck.inspection_id == inspection.id)
                                     .order_by(FollowUpCheck.id)))
    editable = policy.is_engineer(current_user) and inspection.state.value == "draft"
    out = []
    for c in checks:
        form = None
        if editable and c.outcome not in services.FINAL:
            form = (bound or {}).get(c.id) or CheckForm(formdata=None, prefix=f"check-{c.id}")
            form.version.data = c.action.version  # the typed note stays; the version becomes the current one
        out.append((c, form))
    return out


@bp.app_template_global("follow_up_unchecked")
def follow_up_unchecked(inspection) -> int:
    """How many of a follow-up inspection's pre-listed items are still to check (0 for other inspections)."""
    if inspection.type.value != "follow_up":
        return 0
    return db.session.scalar(sa.select(sa.func.count(FollowUpCheck.id)).where(
        FollowUpCheck.inspection_id == inspection.id, FollowUpCheck.outcome == CheckOutcome.TO_CHECK)) or 0


@bp.app_template_global("next_follow_up_of")
def next_follow_up_of(factory_id: int):
    """(follow-up, engineer's name) of a factory for its CAP page, or (None, None)."""
    found = queries.of_factory(factory_id, today())
    if found is None:
        return None, None
    engineer = db.session.get(User, found.row.engineer_id) if found.row.engineer_id else None
    return found, (engineer.name or engineer.email) if engineer else None


@dashboard_panel(roles=("engineer",), template="followups/_panel.html", order=25)
def follow_ups_panel(user, day):
    mine = [x for x in queries.follow_ups(day) if x.row.engineer_id == user.id]
    due = [x for x in mine if x.due in (DueState.OVERDUE, DueState.DUE_SOON)]
    return {"due": due[:10], "due_total": len(due),
            "overdue_total": sum(x.due == DueState.OVERDUE for x in mine), "mine_total": len(mine)}
