"""The engineers' verification queue: fixes reported by owners, filtered and ordered, opened one at a time
with the fix, its evidence (flagged by distance and time as on inspections) and "verify and next" / "reject
and next". The verbs are ``actions.services.verify_fix`` / ``reject_fix``; the list is
``actions.queries.verification_queue``; access is ``policy.may_verify``."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from factorysafe import policy
from factorysafe.actions import queries, services
from factorysafe.actions.blueprint import bp
from factorysafe.actions.forms import QueueFilterForm, RejectForm, VerifyForm
from factorysafe.actions.models import ActionStatus, CorrectiveAction
from factorysafe.actions.rules import deadline_state
from factorysafe.db import db
from factorysafe.errors import rolled_back
from factorysafe.forms import version_problem
from factorysafe.policy import engineer_required
from factorysafe.web import today

#: The queue page lists at most this many items (the filters narrow it).
QUEUE_LIMIT = 200
VERBS = {"verify": VerifyForm, "reject": RejectForm}


def _filters() -> tuple[QueueFilterForm, dict]:
    from factorysafe.factories.models import Factory

    form = QueueFilterForm(request.args)
    # factories with fixes waiting, and the chosen one (its queue may just have been emptied)
    chosen_id = request.args.get("factory", type=int)
    if chosen_id is not None and not 0 < chosen_id < 2**31:  # ids are 1..2^31-1 (a crafted number: no such factory)
        chosen_id = None
    pending = sa.select(CorrectiveAction.factory_id).where(
        CorrectiveAction.status == ActionStatus.PENDING_VERIFICATION)
    if chosen_id is not None:
        pending = pending.union(sa.select(sa.literal(chosen_id)))
    form.factory.choices = [SelectChoice("", _("All"))] + [
        SelectChoice(str(fid), name) for fid, name in db.session.execute(
            sa.select(Factory.id, Factory.name).where(Factory.id.in_(pending)).order_by(Factory.name))]
    chosen, dropped = form.chosen()
    if dropped:
        flash(_("Unknown filter values were ignored: %(fields)s.", fields=", ".join(dropped)), "error")
    return form, chosen


def _queue(chosen: dict) -> list[CorrectiveAction]:
    return queries.verification_queue(limit=QUEUE_LIMIT, states=policy.visible_states(current_user, None), **chosen)


def _page(form: QueueFilterForm, items: list, current: CorrectiveAction | None, bound: dict | None = None,
          error: str | None = None, status: int = 200):
    forms = {name: cls(formdata=None, prefix=name) for name, cls in VERBS.items()}
    forms["verify"].verified_on.data = today()
    forms.update(bound or {})
    if current is not None:
        for f in forms.values():
            f.version.data = current.version  # the typed text stays; the version becomes the current one
    day = today()
    return render_template(
        "actions/verify_queue.html", form=form, items=items, current=current, forms=forms, error=error,
        filter_args=form.args(), today=day,
        state=deadline_state(current.status, current.deadline, day) if current is not None else None,
        finding_photos=list(current.finding.photos) if current is not None else [],
    ), status


@bp.route("/actions/verify")
@engineer_required
def verify_queue():
    form, chosen = _filters()
    items = _queue(chosen)
    wanted = request.args.get("item", type=int)
    current = next((a for a in items if a.id == wanted), items[0] if items else None)
    return _page(form, items, current)


@bp.route("/actions/verify/<int:action_id>/verify", methods=["POST"])
@engineer_required
def verify_from_queue(action_id: int):
    return _decide(action_id, "verify")


@bp.route("/actions/verify/<int:action_id>/reject", methods=["POST"])
@engineer_required
def reject_from_queue(action_id: int):
    return _decide(action_id, "reject")


def _decide(action_id: int, verb: str):
    """Verify or reject one item, then open the next item of the same filtered queue (filters kept)."""
    action = queries.load_action(action_id)
    if action is None:
        abort(404)
    if not (policy.may_see_action(current_user, action) and policy.may_verify(current_user, action)):
        abort(403)
    form_filters, chosen = _filters()
    items = _queue(chosen)
    ids = [a.id for a in items]
    after = ids[ids.index(action_id) + 1:] if action_id in ids else ids
    following = next((i for i in after if i != action_id), None) or next((i for i in ids if i != action_id), None)
    form = VERBS[verb](prefix=verb)
    if not form.validate_on_submit():
        return _page(form_filters, items, action, {verb: form},
                     version_problem(form) or _("Please correct the marked fields."), 400)
    try:
        if verb == "verify":
            services.verify_fix(action, by=current_user, verified_on=form.verified_on.data, note=form.note.data,
                                today=today(), version=form.version_value())
        else:
            services.reject_fix(action, form.reason.data, by=current_user, version=form.version_value())
        db.session.commit()
    except Exception as exc:  # a refusal re-shows the item with the typed text; anything else is a bug
        refused = rolled_back(exc)
        message = str(services.CONFLICT_MESSAGE) if refused.status == 409 and refused is not exc else refused.message
        current = queries.load_action(action_id)
        return _page(form_filters, _queue(chosen), current, {verb: form}, message, refused.status)
    item = f"{action.finding.item_number} · {action.factory.name}"
    flash(_("%(item)s verified: the action is corrected.", item=item) if verb == "verify"
          else _("%(item)s rejected: the action is back in progress.", item=item), "info")
    args = dict(form_filters.args())
    if following is not None:
        args["item"] = following
    return redirect(url_for("actions.verify_queue", **args))
