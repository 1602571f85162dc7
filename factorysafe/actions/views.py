"""Action pages: thin views that check role and ownership, call a service, commit, flash, redirect."""
from __future__ import annotations


import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from factorysafe.actions import queries, services
from factorysafe.actions.blueprint import bp
from factorysafe.actions.forms import (
    CapFilterForm, CommentForm, EscalationForm, ExtensionDecisionForm, ExtensionRequestForm, PlanForm, RejectForm,
    ReportFixForm, VerifyForm,
)
from factorysafe.actions.models import ActionStatus, CorrectiveAction, DeadlineExtension, ExtensionStatus
from factorysafe.actions.rules import deadline_state, is_critical
from factorysafe import idempotency, policy
from factorysafe.policy import engineer_required, factory_or_403
from factorysafe.cache import cache, remember
from factorysafe.db import db
from factorysafe.errors import rolled_back
from factorysafe.forms import version_problem
from factorysafe.factories.models import Escalation
from factorysafe.web import dashboard_panel, today

FORMS = {
    "plan": PlanForm, "report": ReportFixForm, "verify": VerifyForm, "reject": RejectForm,
    "comment": CommentForm, "extension": ExtensionRequestForm,
}


def _shared_seconds() -> int:
    return current_app.config["PUBLIC_COUNTS_SECONDS"]


def _threshold() -> int:
    return int(current_app.config["ESCALATION_OVERDUE_DAYS"])


def _load(action_id: int) -> CorrectiveAction:
    """The action if the current user may see it: 404 if none, or unpublished for a visitor or the
    factory's owner (a draft's actions do not exist for them yet); 403 for other signed-in users."""
    action = queries.load_action(action_id)
    if action is None:
        abort(404)
    if not policy.may_see_action(current_user, action):
        policy.refuse(current_user, action.factory_id, action.finding.inspection)
    return action


def _empty_forms(action: CorrectiveAction) -> dict:
    forms = {name: cls(formdata=None, prefix=name) for name, cls in FORMS.items()}
    forms["plan"].planned_action.data = action.planned_action
    forms["plan"].responsible_person.data = action.responsible_person
    forms["plan"].target_date.data = action.target_date
    forms["verify"].verified_on.data = today()
    for name in ("plan", "report", "verify", "reject", "extension"):
        forms[name].version.data = action.version
    return forms


def _render(action: CorrectiveAction, status: int = 200, bound: dict | None = None, error: str | None = None):
    manager = policy.may_see_private_of_action(current_user, action)
    forms = _empty_forms(action)
    for name, form in (bound or {}).items():
        if hasattr(form, "version"):
            form.version.data = action.version  # the typed text stays; the version becomes the current one
        forms[name] = form
    day = today()
    decide_forms = {}
    if policy.may_verify(current_user, action):
        for x in action.extensions:
            if x.status == ExtensionStatus.REQUESTED:
                decide_forms[x.id] = (bound or {}).get(f"decide-{x.id}") or ExtensionDecisionForm(
                    formdata=None, prefix=f"decide-{x.id}")
                decide_forms[x.id].version.data = action.version
    photos = [p for p in action.evidence if manager or not p.private]
    finding_photos = [p for p in action.finding.photos if manager or not p.private]
    return render_template(
        "actions/detail.html", action=action, finding=action.finding, factory=action.factory, manager=manager,
        forms=forms, decide_forms=decide_forms, error=error, today=day,
        state=deadline_state(action.status, action.deadline, day),
        critical=is_critical(action.finding.severity, action.finding.immediate_danger),
        extensions=queries.extension_history([action.id])[action.id],
        history=queries.action_history(action.id) if manager else [],
        comments=action.comments if manager else [],
        evidence=photos, finding_photos=finding_photos,
        is_owner=policy.may_act_as_owner(current_user, action),
        is_engineer=policy.may_verify(current_user, action),
        may_comment=policy.may_comment(current_user, action),
        has_open_extension=any(x.status == ExtensionStatus.REQUESTED for x in action.extensions),
    ), status


@bp.route("/actions/<int:action_id>")
def action_detail(action_id: int):
    """Private page for the factory's owners and engineers; a public read-only page once published."""
    return _render(_load(action_id))


def _perform(action_id: int, form_name: str | None, allowed, operation, success: str):
    """Run one operation on an action posted from its page: access, form, service, commit.

    ``allowed(action)`` is the role/ownership check (403); ``operation(action, form)`` calls the
    service. Refusals roll back and re-render the page with the typed text kept.
    """
    action = _load(action_id)
    if not allowed(action):
        abort(403)
    form = FORMS[form_name](prefix=form_name) if form_name else None
    bound = {form_name: form} if form else {}
    if form is not None and not form.validate_on_submit():
        return _render(action, 400, bound, version_problem(form) or _("Please correct the marked fields."))
    try:
        operation(action, form)
        idempotency.remember(url_for("actions.action_detail", action_id=action_id), success)
        db.session.commit()
    except Exception as exc:  # a refusal re-shows the page with the typed text; anything else is a bug
        refused = rolled_back(exc)
        message = str(services.CONFLICT_MESSAGE) if refused.status == 409 and refused is not exc else refused.message
        return _render(_load(action_id), refused.status, bound, message)
    flash(success, "info")
    return redirect(url_for("actions.action_detail", action_id=action_id))


def _owner(action):
    return policy.may_act_as_owner(current_user, action)


def _engineer(action):
    return policy.may_verify(current_user, action)


@bp.route("/actions/<int:action_id>/plan", methods=["POST"])
@login_required
def update_plan(action_id: int):
    return _perform(action_id, "plan", _owner, lambda a, f: services.update_plan(
        a, f.planned_action.data, f.responsible_person.data, f.target_date.data, by=current_user,
        version=f.version_value()), _("Plan saved."))


@bp.route("/actions/<int:action_id>/report-fix", methods=["POST"])
@login_required
@idempotency.idempotent
def report_fix(action_id: int):
    import hashlib
    import io

    from factorysafe.uploads import PhotoRejected, discard_unreferenced

    shas: list[str] = []

    def op(a, f):
        files = []
        limit = current_app.config["PHOTO_MAX_BYTES"]
        for fs in request.files.getlist(f.photos.name):
            if fs and fs.filename:
                data = fs.stream.read(limit + 1)
                shas.append(hashlib.sha256(data).hexdigest())
                files.append((io.BytesIO(data), fs.filename))
        try:
            services.report_fix(a, f.note.data, files, by=current_user, today=today(), version=f.version_value())
        except PhotoRejected as exc:
            raise services.ActionError(_("Photo not accepted: %(reason)s", reason=exc), exc.status) from None

    response = _perform(action_id, "report", _owner, op, _("Fix reported. An engineer will verify it."))
    if isinstance(response, tuple) and response[1] >= 400 and shas:
        discard_unreferenced(shas)  # files of photos whose rows were rolled back
    return response


@bp.route("/actions/<int:action_id>/verify", methods=["POST"])
@login_required
def verify_fix(action_id: int):
    return _perform(action_id, "verify", _engineer, lambda a, f: services.verify_fix(
        a, by=current_user, verified_on=f.verified_on.data, note=f.note.data, today=today(),
        version=f.version_value()), _("Fix verified: the action is corrected."))


@bp.route("/actions/<int:action_id>/reject", methods=["POST"])
@login_required
def reject_fix(action_id: int):
    return _perform(action_id, "reject", _engineer, lambda a, f: services.reject_fix(
        a, f.reason.data, by=current_user, version=f.version_value()), _("Fix rejected: the action is back in progress."))


@bp.route("/actions/<int:action_id>/comments", methods=["POST"])
@login_required
def add_comment(action_id: int):
    return _perform(action_id, "comment", lambda a: policy.may_comment(current_user, a),
                    lambda a, f: services.add_comment(a, f.body.data, by=current_user), _("Comment added."))


@bp.route("/actions/<int:action_id>/extensions", methods=["POST"])
@login_required
def request_extension(action_id: int):
    return _perform(action_id, "extension", _owner, lambda a, f: services.request_extension(
        a, f.new_deadline.data, f.reason.data, by=current_user, version=f.version_value()), _("Extension requested."))


@bp.route("/actions/extensions/<int:extension_id>/decide", methods=["POST"])
@login_required
def decide_extension(extension_id: int):
    ext = db.session.get(DeadlineExtension, extension_id)
    if ext is None:
        abort(404)
    action_id = ext.action_id
    if not policy.may_verify(current_user, _load(action_id)):
        abort(403)
    form = ExtensionDecisionForm(prefix=f"decide-{extension_id}")
    if not form.validate_on_submit():
        return _render(_load(action_id), 400, {f"decide-{extension_id}": form},
                       version_problem(form) or _("Choose approve or decline."))
    try:
        services.decide_extension(ext, form.decision.data == "approve", form.comment.data, by=current_user,
                                  version=form.version_value())
        db.session.commit()
    except Exception as exc:
        refused = rolled_back(exc)
        message = refused.message if refused is exc else _(
            "Someone else changed this action at the same moment; check it and decide again.")
        return _render(_load(action_id), refused.status, {f"decide-{extension_id}": form}, message)
    flash(_("Extension approved: the deadline moved.") if form.decision.data == "approve" else _("Extension declined."), "info")
    return redirect(url_for("actions.action_detail", action_id=action_id))


# --- per-factory CAP page and escalation ----------------------------------------------------------
@bp.route("/manage/factories/<int:factory_id>/cap")
@login_required
def factory_cap(factory_id: int):
    return _factory_cap_page(factory_or_403(factory_id))


def _factory_cap_page(factory, esc_form: EscalationForm | None = None, status: int = 200, error: str | None = None):
    form = CapFilterForm(request.args)
    chosen, dropped = form.chosen()
    if dropped:
        flash(_("Unknown filter values were ignored: %(fields)s.", fields=", ".join(dropped)), "error")
    day = today()
    states = policy.visible_states(current_user, factory.id)
    actions = queries.factory_actions(factory.id, day, **chosen, overdue=bool(form.overdue.data), states=states)
    summary = queries.factory_summaries(day, [factory.id], states=states, with_danger=True)[factory.id]
    esc_inputs = queries.escalation_inputs(day, [factory.id]).get(factory.id)
    proposals = queries.escalation_proposals(day, _threshold(), [factory.id])
    if esc_form is None:
        esc_form = EscalationForm(formdata=None, prefix="esc")
        if proposals:
            esc_form.stage.data = str(proposals[0]["proposed_stage"])
    esc_form.version.data = factory.version  # the typed note stays; the version becomes the current one
    if error:
        flash(error, "error")
    return render_template("actions/factory_cap.html", factory=factory, actions=actions, form=form, summary=summary,
                           headline=queries.headline_of(summary, factory.evacuations), today=day, deadline_state=deadline_state, esc_inputs=esc_inputs,
                           proposal=proposals[0] if proposals else None, esc_form=esc_form,
                           threshold=_threshold()), status


@bp.route("/actions/escalations")
@engineer_required
def escalations():
    return _escalations_page()


def _escalations_page(bound: EscalationForm | None = None, bound_factory_id: int | None = None, status: int = 200,
                      error: str | None = None):
    from factorysafe.factories.models import Factory

    day = today()
    proposals = queries.escalation_proposals(day, _threshold(), limit=200)
    versions = {fid: v for fid, v in db.session.execute(sa.select(Factory.id, Factory.version).where(
        Factory.id.in_([p["factory_id"] for p in proposals])))} if proposals else {}
    forms = {}
    for p in proposals:
        if bound is not None and p["factory_id"] == bound_factory_id:
            f = bound
        else:
            f = EscalationForm(formdata=None, prefix=f"esc-{p['factory_id']}")
            f.stage.data = str(p["proposed_stage"])
        f.version.data = versions.get(p["factory_id"])
        forms[p["factory_id"]] = f
    recent = db.session.scalars(
        db.select(Escalation).options(db.joinedload(Escalation.factory)).order_by(Escalation.id.desc()).limit(30)
    ).all()
    if error:
        flash(error, "error")
    return render_template("actions/escalations.html", proposals=proposals, forms=forms, recent=recent,
                           threshold=_threshold(), today=day), status


@bp.route("/manage/factories/<int:factory_id>/escalate", methods=["POST"])
@engineer_required
def apply_escalation(factory_id: int):
    """Apply the chosen stage; a refusal or conflict re-shows the page it came from, the note kept."""
    factory = factory_or_403(factory_id)
    prefix = request.form.get("prefix", "esc")
    if prefix not in ("esc", f"esc-{factory_id}"):
        abort(400)
    form = EscalationForm(prefix=prefix)
    back = request.form.get("next") == "list"

    def again(status: int, message: str):
        if back:
            return _escalations_page(form, factory_id, status, message)
        return _factory_cap_page(db.session.get(type(factory), factory_id), form, status, message)

    if not form.validate_on_submit():
        return again(400, version_problem(form) or _("Choose a stage and write a note for the escalation."))
    try:
        services.apply_escalation(factory, form.stage.data, form.note.data, by=current_user, today=today(),
                                  version=form.version_value())
        db.session.commit()
    except Exception as exc:  # a refusal re-shows the page with the note kept; anything else is a bug
        refused = rolled_back(exc)
        return again(refused.status, refused.message)
    cache.delete(f"dash:proposals:{today()}")
    flash(_("Escalation stage %(stage)s applied to %(name)s.", stage=form.stage.data, name=factory.name), "info")
    target = url_for("actions.escalations") if back else url_for("actions.factory_cap", factory_id=factory_id)
    return redirect(target)


# --- dashboard panels ---------------------------------------------------------------------------
@dashboard_panel(roles=("owner",), template="actions/_owner_panel.html", order=20)
def owner_actions_panel(user, day):
    ids = [f.id for f in user.factories]
    if not ids:
        return {"empty": True}
    ca = CorrectiveAction
    states = policy.OWNER_STATES
    return {
        "empty": False,
        "due_soon": queries.due_soon(ids, day, limit=30, states=states),
        "overdue": queries.overdue_actions(ids, day, limit=30, states=states),
        "overdue_total": queries.count_where(ids, queries.awaiting_fix_overdue_sql(day), states=states),
        "pending": queries.verification_queue(ids, limit=30, states=states),
        "pending_total": queries.count_where(ids, ca.status == ActionStatus.PENDING_VERIFICATION, states=states),
        "plans_missing": queries.plans_missing(ids, limit=10, states=states),
        "plans_missing_total": queries.count_where(ids, ca.status == ActionStatus.IN_PROGRESS, ca.planned_action == "",
                                                   states=states),
        "decided": queries.extension_requests(ids, status=ExtensionStatus.DECLINED, limit=5, states=states)
        + queries.extension_requests(ids, status=ExtensionStatus.APPROVED, limit=5, states=states),
        "factories": user.factories,
    }


@dashboard_panel(roles=("engineer",), template="actions/_engineer_panel.html", order=20)
def engineer_actions_panel(user, day):
    ca = CorrectiveAction
    return {
        "queue": queries.verification_queue(limit=5, newest_first=True),  # the rest: the queue page
        "queue_total": queries.count_where(None, ca.status == ActionStatus.PENDING_VERIFICATION),
        # aggregates over every action: shared by all workers for a minute (an escalation clears them)
        "overdue_by_factory": remember(f"dash:overdue-by-factory:{day}", _shared_seconds(),
                                       lambda: queries.overdue_by_factory(day, limit=15)),
        "proposals": remember(f"dash:proposals:{day}", _shared_seconds(),
                              lambda: queries.escalation_proposals(day, _threshold(), limit=15)),
        "extension_requests": queries.extension_requests(limit=30),
        "threshold": _threshold(),
    }


@bp.app_template_global("action_deadline_state")
def action_deadline_state(status, deadline, day):
    """The same pure rule as everywhere (``rules.deadline_state``), for templates."""
    return deadline_state(status, deadline, day)

