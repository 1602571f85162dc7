"""The one home of history in words: an audit event told as a sentence a person reads, in English or Bangla.

Pages that show an action's, inspection's or factory's history call :func:`describe` (templates:
``{{ ev|history }}``) and never print the stored field names or values (``status``, ``evidence_photo_ids``).
Every verb ``audit.record`` is called with has its sentence in :data:`SENTENCES` (a test greps the sources, so
a new verb without one fails). Notes typed by a person (a reason, a comment) are shown after the sentence;
notes the code writes itself, in English, are not (:data:`MACHINE_NOTES`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from factorysafe.i18n import format_day

# Words for the fields a change may touch (update_* and amend_* events list what changed in these words).
FIELD_WORDS = {
    # the owner's plan
    "planned_action": _l("the planned action"),
    "responsible_person": _l("the responsible person"),
    "target_date": _l("the target date"),
    # an inspection
    "type": _l("the type of inspection"),
    "inspected_on": _l("the inspection date"),
    "disciplines": _l("the disciplines covered"),
    "summary": _l("the summary"),
    "engineers": _l("the team of engineers"),
    # a finding
    "discipline": _l("the discipline"),
    "hazard_code": _l("the hazard"),
    "floor": _l("the floor"),
    "area": _l("the area"),
    "observation": _l("the observation"),
    "recommendation": _l("the recommendation"),
    "severity": _l("the severity"),
    "severity_override_reason": _l("the reason for the severity"),
    "immediate_danger": _l("the immediate danger mark"),
    "item_number": _l("the item number"),
    "deadline": _l("the deadline"),
    "deadline_override_reason": _l("the reason for the deadline"),
    "added_photos": _l("photos (added)"),
    "removed_photos": _l("photos (removed)"),
    "photo_private": _l("which photos are public"),
    # a factory's profile
    "name": _l("the name"),
    "address": _l("the address"),
    "division": _l("the division"),
    "district": _l("the district"),
    "upazila": _l("the upazila"),
    "latitude": _l("the location"),
    "longitude": _l("the location"),
    "storeys": _l("the number of storeys"),
    "shared_building": _l("the shared building"),
    "workers": _l("the number of workers"),
    "brands_count": _l("the number of brands"),
    "safety_committee_trained": _l("the safety committee training"),
    "safety_committee_trained_on": _l("the safety committee training"),
    "cap_agreed_on": _l("the date the plan was agreed"),
    # an account
    "role": _l("the role"),
    "factories": _l("the factories"),
}

#: Verbs whose note the code writes (in English): the sentence already says it.
MACHINE_NOTES = frozenset({"deadline_moved", "submit_inspection", "mark_immediate_danger", "record_column_check",
                           "seed_demo", "reset_database"})


@dataclass(frozen=True)
class Line:
    text: str  # the sentence, in the current language
    note: str  # what a person wrote with it (reason, comment), or ""


def _date(value) -> str:
    return format_day(str(value)[:10]) if value else "–"


def _fields(before: dict, after: dict) -> str:
    """The changed fields in words, each once, in the order they were stored; unknown keys as "other details"."""
    words = []
    for key in list(after) + [k for k in before if k not in after]:
        word = str(FIELD_WORDS.get(key, _l("other details")))
        if word not in words:
            words.append(word)
    return ", ".join(words) if words else str(_l("nothing"))


def _report_fix(b, a):
    n = len(a.get("evidence_photo_ids") or [])
    if n:
        return ngettext("The factory reported it fixed, with %(num)d photo.",
                        "The factory reported it fixed, with %(num)d photos.", n)
    return _("The factory reported it fixed, with no photo.")


def _approve(b, a):
    return _("An engineer approved the extension: the deadline moved from %(old)s to %(new)s.",
             old=_date(b.get("deadline")), new=_date(a.get("deadline")))


def _escalation(b, a):
    from factorysafe.labels import stage_label

    return _("The programme escalated the factory to stage %(stage)s: %(what)s.",
             stage=a.get("escalation_stage"), what=stage_label(a.get("escalation_stage")))


def _evacuation(b, a):
    where = a.get("floors")
    if not where or where == "whole building":
        return _("Engineers recommended evacuating the whole building from %(date)s.", date=_date(a.get("ordered_on")))
    return _("Engineers recommended evacuating %(where)s from %(date)s.", where=where, date=_date(a.get("ordered_on")))


def _resumption(b, a):
    if "resumed_on" in a:
        return _("Work resumed on %(date)s after %(days)s days closed.", date=_date(a.get("resumed_on")),
                 days=a.get("days_closed", "–"))
    return _("The evacuation record was updated (%(what)s).", what=_fields(b, a))


def _moved(b, a):
    return _("An engineer moved the deadline from %(old)s to %(new)s.", old=_date(b.get("deadline")),
             new=_date(a.get("deadline")))


def _finding_added(b, a):
    return _("An engineer added finding %(item)s.", item=a.get("item_number") or "–")


def _changed(text: str):
    """A sentence listing the changed fields (``text`` is marked for translation below ``SENTENCES``)."""
    return lambda b, a: _(text, what=_fields(b, a))


def _complaint_status(value) -> str:
    from factorysafe.complaints.rules import ComplaintStatus
    from factorysafe.labels import label

    try:
        return label(ComplaintStatus(value))
    except ValueError:
        return "–"


def _channel(value) -> str:
    from factorysafe.labels import channel_label

    return channel_label(value)


def _user_update(b, a):
    return _("An administrator changed the account (%(what)s).", what=_fields(
        {k: v for k, v in b.items() if a.get(k) != v}, {k: v for k, v in a.items() if b.get(k) != v}))


def _checked(b, a):
    from factorysafe.labels import label
    from factorysafe.followups.models import CheckOutcome

    try:
        outcome = label(CheckOutcome(a.get("outcome")))
    except ValueError:
        outcome = str(a.get("outcome") or "–")
    return _("At a follow-up inspection an engineer checked an item: %(outcome)s.", outcome=outcome)


# verb -> function(before, after) -> sentence in the current language
SENTENCES: dict[str, Callable[[dict, dict], str]] = {
    # a corrective action
    "update_plan": lambda b, a: _("The factory updated its plan (%(what)s).", what=_fields(b, a)),
    "report_fix": _report_fix,
    "verify_fix": lambda b, a: _("An engineer verified the fix: corrected on %(date)s.",
                                 date=_date(a.get("verified_on"))),
    "reject_fix": lambda b, a: _("An engineer did not accept the reported fix; the work goes on."),
    "verify_on_site": lambda b, a: _("An engineer found the hazard fixed on site, though the factory had not reported "
                                     "it: corrected on %(date)s.", date=_date(a.get("verified_on"))),
    "add_comment": lambda b, a: _("A comment was added."),
    "request_extension": lambda b, a: _("The factory asked for more time, until %(date)s.",
                                        date=_date(a.get("requested_deadline"))),
    "approve_extension": _approve,
    "decline_extension": lambda b, a: _("An engineer declined the request for more time; the deadline stays %(date)s.",
                                        date=_date(a.get("deadline"))),
    "deadline_moved": _moved,
    # a factory
    "apply_escalation": _escalation,
    "create_factory": lambda b, a: _("The factory was added to the programme."),
    "update_factory": lambda b, a: _("The factory's profile was changed (%(what)s).", what=_fields(b, a)),
    "link_owner": lambda b, a: _("An owner's account was linked to the factory."),
    # danger and evacuation
    "mark_immediate_danger": lambda b, a: _("An engineer marked the finding as an immediate danger."),
    "order_evacuation": _evacuation,
    "record_resumption": _resumption,
    "record_column_check": lambda b, a: _("An engineer checked a concrete column: it carries %(pct)s %% of what it can bear.",
                                          pct=round(float(a.get("dcr") or 0) * 100)),
    # an inspection and its findings
    "create_inspection": lambda b, a: _("An engineer started the inspection of %(date)s.",
                                        date=_date(a.get("inspected_on"))),
    "update_inspection": _changed("An engineer changed the draft inspection (%(what)s)."),
    "amend_inspection": _changed("An engineer amended the inspection after it was submitted (%(what)s)."),
    "submit_inspection": lambda b, a: _("An engineer submitted the inspection: it is locked."),
    "review_inspection": lambda b, a: (_("A second engineer reviewed the inspection and approved it.")
                                       if a.get("decision") == "approve" else
                                       _("A second engineer reviewed the inspection and sent it back with comments.")),
    "publish_inspection": lambda b, a: _("The inspection was published."),
    "add_finding": _finding_added,
    "amend_finding": _changed("An engineer amended the finding after the inspection was submitted (%(what)s)."),
    "update_finding": _changed("An engineer changed the draft finding (%(what)s)."),
    # accounts
    "create_user": lambda b, a: _("An account was created."),
    "invite_user": lambda b, a: _("An administrator invited a person to an account."),
    "resend_invite": lambda b, a: _("The invitation was sent again."),
    "accept_invite": lambda b, a: _("The invitation was accepted and a password chosen."),
    "request_password_reset": lambda b, a: _("A password reset link was requested."),
    "reset_password": lambda b, a: _("The password was reset by link."),
    "change_password": lambda b, a: _("The password was changed."),
    "update_user": _user_update,
    "deactivate_user": lambda b, a: _("An administrator deactivated the account."),
    "reactivate_user": lambda b, a: _("An administrator reactivated the account."),
    # following a factory by e-mail
    "follow_requested": lambda b, a: _("Someone asked to follow the factory (waiting for the e-mail confirmation)."),
    "follow_confirmed": lambda b, a: _("Someone confirmed following the factory."),
    "follow_ended": lambda b, a: _("Someone stopped following the factory."),
    "follow_expired": lambda b, a: _("A request to follow the factory expired without confirmation."),
    # a worker's report (complaint): who did it is shown beside the sentence to handlers only
    "complaint_received": lambda b, a: (
        _("The worker reported the complaint (%(channel)s), with a photo.", channel=_channel(a.get("channel")))
        if a.get("photo") else _("The worker reported the complaint (%(channel)s).", channel=_channel(a.get("channel")))),
    "complaint_worker_message": lambda b, a: (_("The worker wrote a message with a photo.") if a.get("photo")
                                              else _("The worker wrote a message.")),
    "complaint_confirmed": lambda b, a: _("The worker confirmed that it is fixed."),
    "complaint_disputed": lambda b, a: _("The worker said that it is not fixed: the complaint was reopened."),
    "complaint_status": lambda b, a: _("The status changed from “%(before)s” to “%(after)s”.",
                                       before=_complaint_status(b.get("status")), after=_complaint_status(a.get("status"))),
    "complaint_handler_message": lambda b, a: _("The safety team wrote to the worker."),
    "complaint_factory": lambda b, a: (_("The complaint was matched to a factory of the register.")
                                       if a.get("factory_id") else _("The factory was removed from the complaint.")),
    "complaint_link_findings": lambda b, a: ngettext("%(num)d finding was linked to the complaint.",
                                                     "%(num)d findings were linked to the complaint.",
                                                     len(a.get("finding_ids") or [])),
    "complaint_inspection": lambda b, a: _("A complaint inspection was created (no. %(id)s).",
                                           id=a.get("inspection_id", "–")),
    # follow-ups
    "assign_follow_up": lambda b, a: (_("An engineer was chosen to follow the factory up.") if a.get("engineer_id")
                                      else _("The factory's follow-ups were left unassigned.")),
    "start_follow_up": lambda b, a: ngettext("A follow-up inspection was started with %(num)d item to check.",
                                             "A follow-up inspection was started with %(num)d items to check.",
                                             len(a.get("action_ids") or [])),
    "check_follow_up_item": _checked,
    # the database
    "seed_demo": lambda b, a: _("Demo data was loaded."),
    "reset_database": lambda b, a: _("The database was reset."),
}

# The texts of ``_changed``, marked so the catalogue extracts them. A finding added after submission is recorded
# as ``amend_finding`` (``inspections.services._verb``): it reads as an amendment listing its fields.
_l("An engineer changed the draft inspection (%(what)s).")
_l("An engineer amended the inspection after it was submitted (%(what)s).")
_l("An engineer amended the finding after the inspection was submitted (%(what)s).")
_l("An engineer changed the draft finding (%(what)s).")


def describe(event) -> Line:
    """An audit event (``audit.AuditEvent`` or anything with ``verb``, ``before_data``, ``after_data``, ``note``)
    as a sentence in the current language, with the note a person wrote."""
    verb = event.verb
    before, after = event.before_data or {}, event.after_data or {}
    make = SENTENCES.get(verb)
    text = make(before, after) if make is not None else _("A change was recorded.")
    note = "" if verb in MACHINE_NOTES else (event.note or "").strip()
    if verb == "add_comment" and not note:
        note = (after.get("body") or "").strip()
    if verb == "report_fix" and not note:
        note = (after.get("fix_note") or "").strip()
    return Line(text=text, note=note)


def init_app(app) -> None:
    app.jinja_env.filters["history"] = describe
