"""Inspection pages (engineers edit; owners read their factories' submitted and published inspections)
and the one view that serves photo files, after checking who may see them."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from factorysafe import idempotency, uploads
from factorysafe import policy
from factorysafe.policy import engineer_required, factory_or_403, inspection_or_404
from factorysafe.auth.models import Role, User
from factorysafe.db import db
from factorysafe.errors import CONFLICT_MESSAGE, DomainError, rolled_back
from factorysafe.inspections import rules, services
from factorysafe.inspections.blueprint import bp
from factorysafe.forms import version_problem
from factorysafe.inspections.forms import (
    FindingEditForm, FindingForm, InspectionEditForm, InspectionForm, ReviewForm, StateForm, choices,
)
from factorysafe.inspections.models import Discipline, Finding, Inspection, InspectionState, Photo
from factorysafe.web import dashboard_panel, today
from factorysafe.i18n import format_day

CONFLICT = CONFLICT_MESSAGE


# --- access: decided by ``factorysafe.policy`` --------------------------------------------------------
def photo_subject(photo: Photo) -> tuple[int | None, Inspection | None]:
    """(factory id, inspection) a photo belongs to: its finding's, or its corrective action's finding's."""
    finding = photo.finding or (photo.action.finding if photo.action is not None else None)
    if finding is None:
        return (photo.action.factory_id if photo.action is not None else None), None
    return finding.factory_id, finding.inspection


def photo_access(photo: Photo, kind: str, user) -> tuple[bool, bool]:
    """(allowed, publicly cacheable) for ``user`` asking for ``kind`` of ``photo`` (``policy.photo_access``)."""
    if photo.complaint_id is not None:
        return policy.may_handle_complaints(user), False
    factory_id, inspection = photo_subject(photo)
    return policy.photo_access(user, kind=kind, private=photo.private, factory_id=factory_id, inspection=inspection)


@bp.app_template_global("photo_distance_m")
def photo_distance_m(photo: Photo, factory) -> float | None:
    """Metres between where ``photo`` was taken and ``factory`` (``uploads.distance_m``), or None without GPS."""
    if None in (photo.latitude, photo.longitude, getattr(factory, "latitude", None), getattr(factory, "longitude", None)):
        return None
    return uploads.distance_m(photo.latitude, photo.longitude, factory.latitude, factory.longitude)


# --- pages ----------------------------------------------------------------------------------------
def _team_choices():
    engineers = db.session.scalars(sa.select(User).where(User.role.in_([Role.ENGINEER, Role.ADMIN]), User.active)
                                   .order_by(User.name, User.email))
    return choices((u.id, u.name or u.email) for u in engineers)


def _inspection_form(inspection: Inspection | None) -> InspectionForm:
    from factorysafe.factories.models import Factory  # lazy: factories -> actions.rules -> inspections
    form = InspectionEditForm(obj=inspection) if inspection else InspectionForm()
    form.engineer_ids.choices = _team_choices()
    if inspection is not None:
        form.factory_id.choices = choices([(inspection.factory_id, inspection.factory.name)])
        form.factory_id.data = inspection.factory_id
        if request.method == "GET":
            form.disciplines.data = [d.value for d in inspection.discipline_list]
            form.engineer_ids.data = [u.id for u in inspection.engineers]
            form.type.data = inspection.type.value
            form.version.data = inspection.version
    else:
        form.factory_id.choices = choices((f.id, f"{f.name} ({f.district})") for f in db.session.execute(
            sa.select(Factory.id, Factory.name, Factory.district).order_by(Factory.name)))
        if request.method == "GET":
            form.factory_id.data = request.args.get("factory_id", type=int)
            form.engineer_ids.data = [current_user.id]
            form.inspected_on.data = today()  # most inspections are entered on the day of the visit
    return form


@bp.route("/inspections/new", methods=["GET", "POST"])
@engineer_required
def inspection_new():
    form = _inspection_form(None)
    status = 200
    if form.validate_on_submit():
        from factorysafe.factories.models import Factory

        factory = db.session.get(Factory, form.factory_id.data) or abort(404)
        try:
            inspection = services.create_inspection(factory, form.values(), by=current_user)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            status = exc.status
        else:
            flash(_("Inspection of %(name)s on %(date)s created.", name=factory.name, date=format_day(inspection.inspected_on)), "info")
            return redirect(url_for("inspections.inspection_detail", inspection_id=inspection.id))
    elif form.errors:
        status = 400
    return render_template("inspections/inspection_form.html", form=form, inspection=None), status


@bp.route("/inspections/<int:inspection_id>/edit", methods=["GET", "POST"])
@engineer_required
def inspection_edit(inspection_id: int):
    inspection = inspection_or_404(inspection_id, edit=True)
    form = _inspection_form(inspection)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_inspection(inspection, form.values(), by=current_user, version=form.version.value(),
                                       reason=form.amendment_reason.data)
            db.session.commit()
        except (DomainError, StaleDataError) as exc:
            status = _failed(exc)
            if status == 409:
                inspection = db.session.get(Inspection, inspection_id)
                form.version.data = inspection.version
        else:
            flash(_("Inspection saved."), "info")
            return redirect(url_for("inspections.inspection_detail", inspection_id=inspection.id))
    elif form.errors:
        status = 400
        if problem := version_problem(form):
            flash(problem, "error")
    return render_template("inspections/inspection_form.html", form=form, inspection=inspection), status


def _failed(exc) -> int:
    """Roll back and show the reason (``errors.rolled_back``); return the HTTP status for the re-rendered form.
    Anything that is not a refusal is re-raised (errors.py renders it)."""
    refused = rolled_back(exc)
    if refused is not exc:  # an edit conflict
        flash(str(CONFLICT), "error")
    elif isinstance(exc, uploads.PhotoRejected):
        flash(_("Photo not accepted: %(reason)s Nothing was saved; please choose the photos again.", reason=exc), "error")
    else:
        flash(refused.message, "error")
    return refused.status


def _sorted_findings(findings):
    return sorted(findings, key=lambda f: services._item_number_value(f.item_number))


def _detail_context(inspection: Inspection, review_form: ReviewForm | None = None) -> dict:
    disciplines = list(inspection.discipline_list)
    disciplines += [d for d in Discipline if d not in disciplines and any(f.discipline == d for f in inspection.findings)]
    groups = [(d, _sorted_findings(f for f in inspection.findings if f.discipline == d)) for d in disciplines]
    factory = inspection.factory
    amendments = []
    if policy.is_engineer(current_user) and inspection.state != InspectionState.DRAFT:
        from factorysafe.audit import AuditEvent

        finding_ids = [f.id for f in inspection.findings]
        amendments = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.verb.like("amend_%"),
            sa.or_(sa.and_(AuditEvent.subject_type == "inspections", AuditEvent.subject_id == inspection.id),
                   sa.and_(AuditEvent.subject_type == "findings", AuditEvent.subject_id.in_(finding_ids))))
            .order_by(AuditEvent.id)).all()
    items = {f.id: f.item_number for f in inspection.findings}
    engineer = policy.is_engineer(current_user)
    may_review = engineer and rules.review_problem(inspection.author_ids, current_user.id, inspection.state.value) is None
    if review_form is None:
        review_form = ReviewForm(formdata=None)
    review_form.version.data = inspection.version  # typed comments stay; the version becomes the current one
    review = {
        "required": services.review_required(), "reviews": list(inspection.reviews) if engineer else [],
        "may_review": may_review, "form": review_form,
        "may_publish": rules.may_publish(inspection.author_ids, inspection.reviews, services.review_required()),
    }
    return {"inspection": inspection, "groups": groups, "factory": factory, "review": review,
            "state_form": StateForm(formdata=None, version=inspection.version), "amendments": amendments,
            "items": items}


@bp.route("/inspections/<int:inspection_id>")
@login_required
def inspection_detail(inspection_id: int):
    return render_template("inspections/detail.html", **_detail_context(inspection_or_404(inspection_id)))


def _state_change(inspection_id: int, intent: str, operation, done: str):
    """Submit or publish. The form must carry the version the engineer saw and name this very intent: an
    empty or half-made POST is a 400 that changes nothing (the page is shown again with the reason)."""
    inspection = inspection_or_404(inspection_id, edit=True)
    form = StateForm()
    if not form.validate_on_submit() or form.intent.data != intent:
        flash(version_problem(form) or _("The form did not say what to do with this inspection, so nothing was "
                                         "changed. Use the button on this page."), "error")
        return render_template("inspections/detail.html", **_detail_context(inspection)), 400
    try:
        operation(inspection, by=current_user, version=form.version.value())
        db.session.commit()
    except (DomainError, StaleDataError) as exc:
        if _failed(exc) == 409:
            current = db.session.get(Inspection, inspection_id)
            return render_template("inspections/detail.html", **_detail_context(current)), 409
        return redirect(url_for("inspections.inspection_detail", inspection_id=inspection_id))
    flash(done, "info")
    return redirect(url_for("inspections.inspection_detail", inspection_id=inspection_id))


@bp.route("/inspections/<int:inspection_id>/submit", methods=["POST"])
@engineer_required
def inspection_submit(inspection_id: int):
    return _state_change(inspection_id, "submit", services.submit_inspection,
                         _("Inspection submitted: it is locked; later changes are amendments with a reason."))


@bp.route("/inspections/<int:inspection_id>/publish", methods=["POST"])
@engineer_required
def inspection_publish(inspection_id: int):
    return _state_change(inspection_id, "publish", services.publish_inspection, _("Inspection published: the public can see it."))


@bp.route("/inspections/<int:inspection_id>/review", methods=["POST"])
@engineer_required
def inspection_review(inspection_id: int):
    """A second engineer approves a submitted inspection or sends it back with comments ("has issues")."""
    inspection = inspection_or_404(inspection_id, edit=True)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(version_problem(form) or _("Choose: approve, or has issues."), "error")
        return render_template("inspections/detail.html", **_detail_context(inspection, form)), 400
    try:
        review = services.review_inspection(inspection, form.decision.data, form.comment.data, by=current_user,
                                            version=form.version.value())
        decision = review.decision
        db.session.commit()
    except (DomainError, StaleDataError) as exc:
        status = _failed(exc)
        return render_template("inspections/detail.html",
                               **_detail_context(db.session.get(Inspection, inspection_id), form)), status
    flash(_("Review recorded: approved for publication.") if decision.value == "approve"
          else _("Review recorded: the inspection goes back to its authors with your comments."), "info")
    return redirect(url_for("inspections.inspection_detail", inspection_id=inspection_id))


def _hazard_codes() -> list[tuple[str, str]]:
    """(code, label) of the hazard catalogue, in the reader's language, for the form's datalist."""
    from flask_babel import get_locale

    from factorysafe import hazards

    return hazards.choices(str(get_locale() or "en"))


def _uploads(form: FindingForm):
    return [f for f in (form.photos.data or []) if getattr(f, "filename", "")]


def _finding_form(inspection: Inspection, finding: Finding | None) -> FindingForm:
    form = FindingEditForm(obj=finding) if finding else FindingForm()
    form.discipline.choices = choices((d.value, _l(d.label)) for d in inspection.discipline_list)
    if request.method == "GET":
        if finding is not None:
            form.discipline.data = finding.discipline.value
            form.severity.data = finding.severity.value
            form.version.data = finding.version
            if finding.deadline_override_reason and finding.action is not None:
                form.deadline_override.data = finding.action.deadline
        elif request.args.get("discipline") in {d.value for d in inspection.discipline_list}:
            form.discipline.data = request.args["discipline"]
    return form


@bp.route("/inspections/<int:inspection_id>/findings/new", methods=["GET", "POST"])
@engineer_required
@idempotency.idempotent
def finding_new(inspection_id: int):
    inspection = inspection_or_404(inspection_id, edit=True)
    form = _finding_form(inspection, None)
    status = 200
    if form.validate_on_submit():
        photos = _uploads(form)
        for attempt in range(3):  # two engineers adding to one discipline at once: take the next number
            for p in photos:
                p.stream.seek(0)
            try:
                finding = services.add_finding(
                    inspection, form.values(), photos, by=current_user,
                    deadline_override=form.deadline_override.data,
                    deadline_override_reason=form.deadline_override_reason.data, reason=form.amendment_reason.data)
                db.session.flush()
                done = _("Finding %(number)s saved with %(count)s photo(s).", number=finding.item_number,
                         count=len(photos))
                to = url_for("inspections.inspection_detail", inspection_id=inspection_id, _anchor=f"finding-{finding.id}")
                idempotency.remember(to, done)  # in this transaction: a retry with the same key finds it
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                inspection = db.session.get(Inspection, inspection_id)
                if attempt == 2:
                    flash(str(CONFLICT), "error")
                    status = 409
                continue
            except (DomainError, StaleDataError) as exc:
                status = _failed(exc)
                inspection = db.session.get(Inspection, inspection_id)
            else:
                flash(done, "info")
                return redirect(to)
            break
    elif form.errors:
        status = 400
    return render_template("inspections/finding_form.html", form=form, inspection=inspection, finding=None,
                           hazard_codes=_hazard_codes()), status


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@engineer_required
@idempotency.idempotent
def finding_edit(finding_id: int):
    finding = db.session.get(Finding, finding_id) or abort(404)
    inspection = inspection_or_404(finding.inspection_id, edit=True)
    form = _finding_form(inspection, finding)
    status = 200
    if form.validate_on_submit():
        photos = _uploads(form)
        try:
            services.update_finding(
                finding, form.values(), photos, by=current_user, version=form.version.value(),
                reason=form.amendment_reason.data, deadline_override=form.deadline_override.data,
                deadline_override_reason=form.deadline_override_reason.data,
                remove_photo_ids=request.form.getlist("remove_photo", type=int),
                private_photo_ids=request.form.getlist("private_photo", type=int))
            done = _("Finding %(number)s saved.", number=finding.item_number)
            to = url_for("inspections.inspection_detail", inspection_id=inspection.id, _anchor=f"finding-{finding.id}")
            idempotency.remember(to, done)
            db.session.commit()
        except (DomainError, StaleDataError) as exc:
            status = _failed(exc)
            finding = db.session.get(Finding, finding_id)
            inspection = finding.inspection
            if status == 409:
                form.version.data = finding.version
        else:
            flash(done, "info")
            return redirect(to)
    elif form.errors:
        status = 400
        if problem := version_problem(form):
            flash(problem, "error")
    return render_template("inspections/finding_form.html", form=form, inspection=inspection, finding=finding,
                           hazard_codes=_hazard_codes(), conflict=status == 409), status


@bp.route("/manage/factories/<int:factory_id>/inspections")
@login_required
def factory_inspections(factory_id: int):
    factory = factory_or_403(factory_id)
    stmt = sa.select(Inspection).where(Inspection.factory_id == factory.id).order_by(Inspection.inspected_on.desc(),
                                                                                  Inspection.id.desc())
    stmt = stmt.where(Inspection.state.in_(policy.visible_states(current_user, factory.id)))
    inspections = db.session.scalars(stmt).all()
    counts = dict(db.session.execute(sa.select(Finding.inspection_id, sa.func.count(Finding.id))
                                     .where(Finding.inspection_id.in_([i.id for i in inspections]))
                                     .group_by(Finding.inspection_id)).all())
    from factorysafe import audit

    events = audit.factory_events(factory.id) if policy.is_engineer(current_user) else []
    return render_template("inspections/factory_history.html", factory=factory, inspections=inspections, counts=counts,
                           events=events)


# --- photos ---------------------------------------------------------------------------------------
@bp.route("/photos/<int:photo_id>/<kind>")
def photo(photo_id: int, kind: str):
    if kind not in uploads.KINDS:
        abort(404)
    item = db.session.get(Photo, photo_id)
    if item is None:
        abort(404)
    allowed, public = photo_access(item, kind, current_user)
    if not allowed:
        policy.refuse(current_user, *photo_subject(item))
    path = uploads.derivative_path(item, kind)
    if not path.is_file():
        current_app.logger.warning("photo %s: %s file missing", item.id, kind)
        abort(404)
    mimetype = item.content_type if kind == "original" else "image/jpeg"
    response = send_file(path, mimetype=mimetype, etag=f"{item.sha256}-{kind}", conditional=True,
                         as_attachment=kind == "original",
                         download_name=f"photo-{item.id}-original.{item.original_ext}" if kind == "original" else None)
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = 3600
    else:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    response.vary.add("Cookie")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- dashboard and CLI ----------------------------------------------------------------------------
@dashboard_panel(roles=("engineer",), template="inspections/_my_inspections_panel.html", order=20)
def my_inspections_panel(user, day):
    mine = sa.or_(Inspection.created_by_id == user.id, Inspection.engineers.any(id=user.id))
    drafts = db.session.scalars(sa.select(Inspection).where(mine, Inspection.state == InspectionState.DRAFT)
                                .order_by(Inspection.inspected_on.desc()).limit(20)).all()
    recent = db.session.scalars(sa.select(Inspection).where(mine, Inspection.state != InspectionState.DRAFT)
                                .order_by(Inspection.submitted_at.desc().nulls_last(), Inspection.id.desc())
                                .limit(8)).all()
    return {"drafts": drafts, "recent": recent}


@dashboard_panel(roles=("owner",), template="inspections/_owner_inspections_panel.html", order=30)
def owner_inspections_panel(user, day):
    ids = [f.id for f in user.factories]
    recent = db.session.scalars(sa.select(Inspection).where(Inspection.factory_id.in_(ids),
                                                            Inspection.state.in_(policy.OWNER_STATES))
                                .order_by(Inspection.inspected_on.desc(), Inspection.id.desc()).limit(10)).all()
    return {"recent": recent}
