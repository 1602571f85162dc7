"""The demo data obeys the rules the forms and services enforce: every seeded finding agrees with the hazard
catalogue (or carries the override reason the form demands), every action's dates and states are ones the
services can reach, the bulk-inserted rows are exactly what the services write for the same story, and the
audit chain verifies."""
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from factorysafe import hazards
from factorysafe.actions.models import ActionStatus, CorrectiveAction, DeadlineExtension, ExtensionStatus
from factorysafe.auth.models import Role, User
from factorysafe.db import db
from factorysafe.factories.models import Escalation, Evacuation, Factory
from factorysafe.inspections.models import Finding, Inspection, InspectionReview, InspectionState


def _problems(today: dt.date) -> tuple[list[str], dict]:
    """Every way a seeded finding, action or extension disagrees with the catalogue and the services' rules."""
    problems: list[str] = []
    seen = {"severity_overrides": 0, "deadline_overrides": 0, "approved_extensions": 0, "rejected_then_reported": 0}
    engineers = set(db.session.scalars(sa.select(User.id).where(User.role.in_([Role.ENGINEER, Role.ADMIN]))))
    extensions: dict[int, list[DeadlineExtension]] = {}
    for x in db.session.scalars(sa.select(DeadlineExtension).order_by(DeadlineExtension.requested_at, DeadlineExtension.id)):
        extensions.setdefault(x.action_id, []).append(x)
    rows = db.session.execute(
        sa.select(Finding, CorrectiveAction, Inspection)
        .join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id)
        .join(Inspection, Inspection.id == Finding.inspection_id)).all()
    assert len(rows) == db.session.scalar(sa.select(sa.func.count(Finding.id))) > 0
    for f, a, i in rows:
        where = f"finding {f.id} ({f.hazard_code}, {f.item_number})"
        entry = hazards.get(f.hazard_code)
        if entry is None:
            problems.append(f"{where}: code not in the catalogue")
            continue
        if f.discipline != entry.discipline:
            problems.append(f"{where}: discipline {f.discipline} != catalogue {entry.discipline}")
        if f.severity_override_reason.strip():
            seen["severity_overrides"] += f.severity != entry.severity
        elif f.severity != entry.severity:
            problems.append(f"{where}: severity {f.severity} != catalogue {entry.severity} without a reason")
        if f.immediate_danger and not entry.immediate_danger_possible:
            problems.append(f"{where}: immediate danger on a hazard the catalogue says cannot be one")
        expected = hazards.deadline_for_hazard(f.hazard_code, i.inspected_on, f.severity)
        if f.deadline_override_reason.strip():
            seen["deadline_overrides"] += a.original_deadline != expected
        elif a.original_deadline != expected:
            problems.append(f"{where}: original deadline {a.original_deadline} != rule's {expected} without a reason")
        mine = extensions.get(a.id, [])
        approved = [x for x in mine if x.status == ExtensionStatus.APPROVED]
        seen["approved_extensions"] += len(approved)
        want = approved[-1].requested_deadline if approved else a.original_deadline
        if a.deadline != want:
            problems.append(f"{where}: deadline {a.deadline} != {want} (original or latest approved extension)")
        current = a.original_deadline
        for x in mine:
            if x.previous_deadline != current or x.requested_deadline <= x.previous_deadline:
                problems.append(f"{where}: extension {x.id} does not follow the deadline it extends")
            if x.status == ExtensionStatus.REQUESTED or x.decided_at is None or x.decided_by_id not in engineers:
                problems.append(f"{where}: extension {x.id} not decided by an engineer")
            elif not i.inspected_on <= x.requested_at.date() <= x.decided_at.date() <= today:
                problems.append(f"{where}: extension {x.id} dates out of order")
            if x.status == ExtensionStatus.APPROVED:
                current = x.requested_deadline
            if a.verified_on and x.decided_at and x.decided_at.date() > a.verified_on:
                problems.append(f"{where}: extension {x.id} decided after the fix was verified")
        if a.status == ActionStatus.CORRECTED:
            ok = (a.reported_fixed_on is not None and a.verified_on is not None and a.fix_note.strip()
                  and i.inspected_on <= a.reported_fixed_on <= a.verified_on <= today
                  and a.verified_by_id in engineers and not a.rejection_reason)
        elif a.status == ActionStatus.PENDING_VERIFICATION:
            ok = (a.reported_fixed_on is not None and a.fix_note.strip() and a.verified_on is None
                  and a.verified_by_id is None and i.inspected_on <= a.reported_fixed_on <= today)
        else:  # in progress: never reported, or reported and then rejected with a reason
            ok = a.verified_on is None and a.verified_by_id is None and (
                (a.reported_fixed_on is None and not a.rejection_reason)
                or (a.reported_fixed_on is not None and a.rejection_reason.strip()
                    and i.inspected_on <= a.reported_fixed_on <= today))
            seen["rejected_then_reported"] += bool(a.rejection_reason)
        if not ok:
            problems.append(f"{where}: {a.status} with reported {a.reported_fixed_on}, verified {a.verified_on} "
                            f"by {a.verified_by_id}, rejection {a.rejection_reason!r}")
        if a.status != ActionStatus.IN_PROGRESS and i.state != InspectionState.PUBLISHED:
            problems.append(f"{where}: fix reported on an unpublished inspection")
        if a.reported_fixed_on and i.published_at and a.reported_fixed_on < i.published_at.date():
            problems.append(f"{where}: fix reported before the report was published")
    return problems, seen


def test_every_seeded_finding_agrees_with_the_catalogue_and_the_services_rules(app, runner):
    result = runner.invoke(args=["seed-demo", "--factories", "30", "--findings-per-factory", "30"])
    assert result.exit_code == 0, result.output
    today = dt.date.today()
    with app.app_context():
        problems, seen = _problems(today)
        assert not problems, f"{len(problems)} inconsistencies, e.g.:\n" + "\n".join(problems[:20])
        # the exceptions the checks allow are used, with their reasons, so the checks above are not vacuous
        assert seen["severity_overrides"] and seen["deadline_overrides"] and seen["approved_extensions"]
        assert {s for (s,) in db.session.execute(sa.select(CorrectiveAction.status).distinct())} == set(ActionStatus)
        for f in db.session.scalars(sa.select(Finding).where(Finding.severity_override_reason != "")):
            assert f.severity != hazards.get(f.hazard_code).severity
        # escalation stage 3 leaves the factory ineligible until the configured requalification date
        for e in db.session.scalars(sa.select(Escalation).where(Escalation.stage == 3)):
            factory = db.session.get(Factory, e.factory_id)
            assert factory.ineligible_since == e.applied_on and factory.requalify_on == e.requalify_on
        for ev in db.session.scalars(sa.select(Evacuation)):
            finding = db.session.get(Finding, ev.finding_id)
            assert finding.immediate_danger and hazards.get(finding.hazard_code).immediate_danger_possible
            assert ev.resumed_on is None or ev.ordered_on <= ev.resumed_on <= today
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output, verified.output


def test_demo_texts_name_only_catalogue_codes_and_fill_their_templates(app):
    from factorysafe.demo import TEXTS, _texts_by_discipline

    with app.app_context():  # the catalogue is the app's own
        codes = {h.code for h in hazards.catalogue()}
        assert set(TEXTS) <= codes, sorted(set(TEXTS) - codes)
        for code, (observations, recommendation) in TEXTS.items():
            assert observations and recommendation.strip(), code
            for text in observations:
                assert text.format(floor="2nd floor", area="north stair").strip()
        grouped = _texts_by_discipline()
        assert all(grouped.values())  # every discipline has hazards to draw from
        for discipline, group in grouped.items():
            assert all(hazards.get(c).discipline.value == discipline for c in group)


def _story():
    """Everything the demo wrote, without ids or the times of writing, in writing order."""
    factories = db.session.execute(sa.select(
        Factory.name, Factory.escalation_stage, Factory.ineligible_since, Factory.requalify_on).order_by(Factory.id)).all()
    inspections = db.session.execute(sa.select(
        Inspection.type, Inspection.inspected_on, Inspection.state, Inspection.submitted_at, Inspection.published_at,
        Inspection.disciplines).order_by(Inspection.id)).all()
    findings = db.session.execute(sa.select(
        Finding.item_number, Finding.hazard_code, Finding.discipline, Finding.severity, Finding.severity_override_reason,
        Finding.deadline_override_reason, Finding.immediate_danger, Finding.origin, Finding.observation,
        Finding.floor, Finding.area, Finding.recommendation).order_by(Finding.id)).all()
    verifier = aliased(User)
    actions = db.session.execute(sa.select(
        CorrectiveAction.status, CorrectiveAction.deadline, CorrectiveAction.original_deadline,
        CorrectiveAction.reported_fixed_on, CorrectiveAction.verified_on, verifier.email, CorrectiveAction.fix_note,
        CorrectiveAction.rejection_reason, CorrectiveAction.planned_action, CorrectiveAction.responsible_person)
        .outerjoin(verifier, verifier.id == CorrectiveAction.verified_by_id).order_by(CorrectiveAction.id)).all()
    extensions = db.session.execute(sa.select(
        DeadlineExtension.status, DeadlineExtension.previous_deadline, DeadlineExtension.requested_deadline,
        DeadlineExtension.requested_at, DeadlineExtension.decided_at, DeadlineExtension.reason,
        DeadlineExtension.decision_comment).order_by(DeadlineExtension.id)).all()
    escalations = db.session.execute(sa.select(
        Escalation.stage, Escalation.applied_on, Escalation.note, Escalation.requalify_on)
        .order_by(Escalation.factory_id, Escalation.stage)).all()
    evacuations = db.session.execute(sa.select(
        Evacuation.ordered_on, Evacuation.floors, Evacuation.workers_affected, Evacuation.resumed_on)
        .order_by(Evacuation.factory_id)).all()
    reviewer = aliased(User)
    reviews = db.session.execute(sa.select(
        InspectionReview.decision, InspectionReview.comment, InspectionReview.superseded, reviewer.email)
        .join(reviewer, reviewer.id == InspectionReview.reviewer_id).order_by(InspectionReview.inspection_id)).all()
    return dict(factories=factories, inspections=inspections, findings=findings, actions=actions,
                extensions=extensions, escalations=escalations, evacuations=evacuations, reviews=reviews)


def test_bulk_rows_are_what_the_services_write_for_the_same_story(app):
    from factorysafe.audit import AuditEvent
    from factorysafe.demo import reset_database, seed_demo

    today = dt.date(2026, 11, 25)
    with app.app_context():
        seed_demo(30, 8, seed=17, today=today, with_photos=False, via_services=0)
        db.session.commit()
        bulk = _story()
        reset_database()
        db.session.commit()
        seed_demo(30, 8, seed=17, today=today, with_photos=False, via_services=30)
        db.session.commit()
        served = _story()
        verbs = set(db.session.scalars(sa.select(AuditEvent.verb).distinct()))
        # REVIEW_REQUIRED: every published inspection was approved by an engineer who is not one of its authors
        published = set(db.session.scalars(sa.select(Inspection.id).where(Inspection.state == InspectionState.PUBLISHED)))
        approved = {r.inspection_id for r in db.session.scalars(sa.select(InspectionReview))
                    if r.decision.value == "approve" and r.reviewer_id not in r.inspection.author_ids}
        assert published and published == approved
    # the story exercises every operation the demo replays, so the comparison below means something
    assert {"add_finding", "review_inspection", "publish_inspection", "update_plan", "request_extension", "approve_extension",
            "decline_extension", "report_fix", "reject_fix", "verify_fix", "apply_escalation",
            "order_evacuation", "record_resumption"} <= verbs, verbs
    for part in bulk:
        assert bulk[part] == served[part], part
