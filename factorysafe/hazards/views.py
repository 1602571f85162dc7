"""Hazard pages: the public catalogue, live suggestions, the column check and evacuations."""
from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from factorysafe import policy
from factorysafe.policy import engineer_required
from factorysafe.security import db_id
from factorysafe.db import db
from factorysafe.errors import DomainError, rolled_back
from factorysafe.forms import version_problem
from factorysafe.factories.models import Evacuation, Factory
from factorysafe.hazards import choices, queries, services
from factorysafe.hazards.blueprint import bp
from factorysafe.hazards import registry as cat
from factorysafe.hazards.columns import ColumnInputError, ColumnVerdict, check_column, verdict
from factorysafe.hazards.forms import ColumnCheckForm, EvacuationOrderForm, ResumptionForm, TrySuggestForm
from factorysafe.hazards.suggester import suggest
from factorysafe.inspections.models import Finding, Inspection, InspectionState
from factorysafe.web import dashboard_panel, today
from factorysafe.i18n import format_day

MAX_QUERY = 4000


def lang() -> str:
    return "bn" if str(get_locale() or "en").startswith("bn") else "en"


def hazard_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, "CODE: title") for a select in the current locale; usable by any finding form."""
    return choices(language or lang())


@bp.app_context_processor
def hazard_helpers():
    return {"hazard_lang": lang, "hazard_entry": lambda code: cat.current().get(code) if code else None,
            "hazard_title": lambda code: cat.title(code, lang())}


PANEL_LIMIT = 30  # rows a dashboard panel lists; the total is shown beside them


@bp.route("/hazards")
def catalogue_page():
    catalogue = cat.current()
    counts, counted_at = queries.public_hazard_counts()
    groups = []
    for discipline, entries in catalogue.by_discipline().items():
        rows = [(h, counts.get(h.code, {"open": 0, "corrected": 0})) for h in entries]
        groups.append((discipline, rows, sum(c["open"] for _, c in rows), sum(c["corrected"] for _, c in rows)))
    return render_template("hazards/catalogue.html", groups=groups, catalogue=catalogue, lang=lang(),
                           counted_at=counted_at)


def _engineer_or_403():
    if not policy.is_engineer(current_user):
        abort(403)


@bp.route("/hazards/suggest")
def suggest_json():
    """Live suggestions for the finding form: engineers and admins only (403 for anyone else)."""
    _engineer_or_403()
    q = request.args.get("q", "")[:MAX_QUERY]
    k = min(max(request.args.get("k", 3, type=int), 1), 10)
    language = lang()
    out = []
    for code, score in suggest(q, k):
        h = cat.current().get(code)
        out.append({"code": code, "title": h.title(language), "discipline": h.discipline.value,
                    "severity": h.severity.value, "deadline_rule": h.deadline_rule,
                    "immediate_danger_possible": h.immediate_danger_possible, "score": score})
    return jsonify(suggestions=out)


@bp.route("/hazards/suggest/try")
@engineer_required
def try_suggest():
    """Works without JavaScript (the form submits and the server suggests); with it, suggestions are live."""
    form = TrySuggestForm(request.args)
    form.hazard_code.choices = [("", "–")] + hazard_choices()
    results = []
    if form.observation.data:
        results = [(cat.current().get(c), s) for c, s in suggest(form.observation.data[:MAX_QUERY], 3)]
    return render_template("hazards/try_suggest.html", form=form, results=results, lang=lang())


def _draft_inspection(inspection_id: int | None) -> tuple[Inspection | None, str | None]:
    if not inspection_id:
        return None, None
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None:
        return None, _("There is no inspection %(id)s.", id=inspection_id)
    if inspection.state != InspectionState.DRAFT:
        return None, _("Inspection %(id)s is %(state)s: findings can only be added to a draft.", id=inspection_id,
                       state=_(inspection.state.label).lower())
    return inspection, None


@bp.route("/hazards/column-check", methods=["GET", "POST"])
@engineer_required
def column_check():
    form = ColumnCheckForm(request.form if request.method == "POST" else None,
                           inspection_id=request.args.get("inspection_id", type=db_id))
    limit = float(current_app.config["DCR_LIMIT"])
    danger = float(current_app.config["DCR_IMMEDIATE_DANGER"])
    ctx = {"form": form, "limit": limit, "danger": danger, "result": None, "kind": None, "inspection": None,
           "hazard": cat.current().get(services.COLUMN_CODE)}
    if request.method == "POST":
        if not form.validate():
            return render_template("hazards/column_check.html", **ctx), 400
        try:
            result = check_column(form.column())
        except ColumnInputError as exc:
            form.bars.errors.append(str(exc))
            return render_template("hazards/column_check.html", **ctx), 400
        inspection, problem = _draft_inspection(form.inspection_id.data)
        if problem:
            form.inspection_id.errors.append(problem)
        ctx.update(result=result, kind=verdict(result.dcr, limit, danger), inspection=inspection)
        if form.create_finding.data:
            if inspection is None:
                if not problem:
                    form.inspection_id.errors.append(_("Give the id of a draft inspection to record the finding in."))
                return render_template("hazards/column_check.html", **ctx), 400
            chosen, evacuate_floors = form.evacuation_choice()
            if ctx["kind"] == ColumnVerdict.IMMEDIATE_DANGER and not chosen:
                form.evacuation.errors = [_("Choose what to evacuate: the whole building, only the floors you name, "
                                            "or no evacuation now.")]
                return render_template("hazards/column_check.html", **ctx), 400
            try:
                finding = services.create_column_finding(
                    inspection, form.column(), result, column_label=form.column_label.data or "",
                    floor=form.floor.data or "", dcr_limit=limit, danger_limit=danger,
                    evacuate_floors=evacuate_floors, workers_affected=form.workers_affected.data,
                    by=current_user)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                flash(exc.message, "error")
                return render_template("hazards/column_check.html", **ctx), exc.status
            except (IntegrityError, StaleDataError):
                db.session.rollback()
                flash(_("Someone added a finding to this inspection at the same time. Send the form again."), "error")
                return render_template("hazards/column_check.html", **ctx), 409
            flash(_("Finding %(number)s (%(code)s) recorded as immediate danger; evacuation ordered.", number=finding.item_number,
                    code=finding.hazard_code) if finding.immediate_danger and evacuate_floors is not None else
                  _("Finding %(number)s (%(code)s) recorded as immediate danger; no evacuation ordered yet.",
                    number=finding.item_number, code=finding.hazard_code) if finding.immediate_danger else
                  _("Finding %(number)s (%(code)s) recorded.", number=finding.item_number, code=finding.hazard_code), "info")
            if finding.immediate_danger:
                ev = db.session.query(Evacuation).filter_by(finding_id=finding.id).first()
                if ev is not None:
                    return redirect(url_for("hazards.evacuation_detail", evacuation_id=ev.id))
            if "inspections.inspection_detail" in current_app.view_functions:
                return redirect(url_for("inspections.inspection_detail", inspection_id=inspection.id))
            return redirect(url_for("factories.factory_detail", factory_id=inspection.factory_id))
        return render_template("hazards/column_check.html", **ctx), 400 if problem else 200
    return render_template("hazards/column_check.html", **ctx)


@bp.route("/hazards/findings/<int:finding_id>/evacuate", methods=["GET", "POST"])
@engineer_required
def order_evacuation(finding_id: int):
    finding = db.session.get(Finding, finding_id) or abort(404)
    factory = db.session.get(Factory, finding.factory_id)
    form = EvacuationOrderForm(ordered_on=today())
    if request.method == "GET":
        form.version.data = finding.version
    if form.validate_on_submit():
        try:
            ev = services.order_evacuation(factory, finding, form.floors_value(), form.ordered_on.data,
                                           form.workers_affected.data, by=current_user, note=form.note.data or "",
                                           version=form.version.value())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            form.version.data = db.session.get(Finding, finding_id).version  # the typed entries stay
            return render_template("hazards/evacuate.html", form=form, finding=finding, factory=factory), exc.status
        except StaleDataError:
            db.session.rollback()
            flash(_("Someone changed this finding in the meantime. Reload and try again."), "error")
            form.version.data = db.session.get(Finding, finding_id).version
            return render_template("hazards/evacuate.html", form=form, finding=finding, factory=factory), 409
        flash(_("Evacuation ordered."), "info")
        return redirect(url_for("hazards.evacuation_detail", evacuation_id=ev.id))
    if problem := version_problem(form):
        flash(problem, "error")
    return render_template("hazards/evacuate.html", form=form, finding=finding, factory=factory), 400 if form.errors else 200


@bp.route("/hazards/evacuations/<int:evacuation_id>", methods=["GET", "POST"])
@engineer_required
def evacuation_detail(evacuation_id: int):
    ev = db.session.get(Evacuation, evacuation_id) or abort(404)
    finding = db.session.get(Finding, ev.finding_id) if ev.finding_id else None
    form = ResumptionForm(obj=ev if request.method == "GET" else None)
    if request.method == "GET":
        form.note.data = ""
    status = 200
    if form.validate_on_submit():
        try:
            services.record_resumption(ev, form.resumed_on.data, form.workers_affected.data, by=current_user,
                                       note=form.note.data or "", version=form.version.value())
            db.session.commit()
        except (DomainError, StaleDataError) as exc:
            refused = rolled_back(exc)
            status = refused.status
            if status == 409:
                flash(refused.message, "error")
                ev = db.session.get(Evacuation, evacuation_id)
                form.version.data = ev.version
            else:
                form.resumed_on.errors.append(refused.message)
        else:
            flash(_("Work may resume on %(date)s: %(days)s days closed.", date=format_day(ev.resumed_on),
                    days=ev.days_closed(ev.resumed_on)), "info")
            return redirect(url_for("hazards.evacuation_detail", evacuation_id=ev.id))
    elif form.errors:
        status = 400
        if problem := version_problem(form):
            flash(problem, "error")
    return render_template("hazards/evacuation.html", ev=ev, factory=ev.factory, finding=finding, form=form,
                           day=today()), status


@dashboard_panel(roles=("engineer",), template="hazards/_evacuations_panel.html", order=20)
def engineer_evacuations_panel(user, day):
    return {"evacuations": queries.evacuations_in_force(limit=PANEL_LIMIT), "today": day,
            "total": queries.count_evacuations_in_force()}


@dashboard_panel(roles=("owner",), template="hazards/_owner_evacuations_panel.html", order=5)
def owner_evacuations_panel(user, day):
    ids = [f.id for f in user.factories]
    return {"evacuations": queries.evacuations_in_force(ids, limit=PANEL_LIMIT), "today": day,
            "total": queries.count_evacuations_in_force(ids)}
