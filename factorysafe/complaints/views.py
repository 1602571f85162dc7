"""The worker's side of complaints: report danger (``/report``, ``/f/<code>``), the receipt, and the status page.

No login, phone-first, no JavaScript needed. Anonymous by design: nothing about the client (address, agent,
cookie) is passed to the services, the receipt code appears only in the receipt page's body and in POST bodies
(never in a URL, a log line or a cookie), and these routes write nothing into the session (Flask-WTF's CSRF
token aside, which is not stored with the complaint). The answers that show a receipt or a complaint are
``no-store``: a shared phone's browser cache or a proxy keeps no copy.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path

from flask import abort, current_app, render_template, request
from markupsafe import Markup
from flask_babel import get_locale
from flask_babel import gettext as _

from factorysafe import limits
from factorysafe.complaints import queries, rules, services
from factorysafe.complaints.blueprint import bp
from factorysafe.complaints.forms import CATEGORY_ORDER, ReplyForm, ReportForm, StatusForm, VerdictForm
from factorysafe.db import db
from factorysafe.errors import rolled_back
from factorysafe.web import today

MATCH_LIMIT = 20
NEW_FACTORY = "new"


@bp.app_context_processor
def inject_factory_code():
    """``factory_code(id)`` for templates: the factory page links to ``/f/<code>``."""
    return {"factory_code": rules.factory_code}


@functools.cache
def _pictograms(static_folder: str) -> dict[str, Markup]:
    """The categories' pictograms (``static/img/complaints/<category>.svg``, our own drawings), inlined into the
    form: on a slow 3G phone eleven small files would cost eleven requests, about two round trips of 2 s."""
    folder = Path(static_folder) / "img" / "complaints"
    return {c.value: Markup((folder / f"{c.value}.svg").read_text(encoding="utf-8").strip().replace(
        "<svg ", '<svg aria-hidden="true" focusable="false" width="56" height="56" ', 1)) for c in CATEGORY_ORDER}


def _lang() -> str:
    return str(get_locale() or "bn")


def _no_store(response_tuple):
    body, status = response_tuple
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _photo_upload(field) -> tuple[io.BytesIO, str] | None:
    """The uploaded photo as (stream, file name), or None when none was chosen. Read with the photo limit + 1,
    so the pipeline refuses (413) what is too large without reading all of it."""
    fs = request.files.get(field.name)
    if fs is None or not fs.filename:
        return None
    limit = current_app.config["PHOTO_MAX_BYTES"]
    return io.BytesIO(fs.stream.read(limit + 1)), fs.filename


def _photo_note(had_photo: bool) -> str:
    """Said with every refusal of a form that carried a photo: the browser cannot fill the file in again."""
    return _("Choose the photo again: for your safety the browser does not keep it.") if had_photo else ""


def _too_many_reports() -> str:
    return _("You have sent many reports from this connection. Please wait an hour, then send again. "
             "If there is danger now, leave the building and call 999.")


def _too_many_lookups() -> str:
    return _("Too many receipt codes were checked from this connection. Please wait a few minutes, then try again.")


def _too_many_messages() -> str:
    return _("You have sent many messages from this connection. Please wait an hour, then send again.")


# --- step 1: find the factory ---------------------------------------------------------------------
@bp.route("/report")
def report_start():
    q = request.args.get("q", "").strip()[:100]
    matches = queries.factory_matches(q, MATCH_LIMIT) if q else []
    return render_template("complaints/report_find.html", q=q, matches=matches, searched=bool(q),
                           too_short=bool(q) and len(q) < queries.MATCH_MIN_CHARS)


def _factory_of(code: str):
    """The factory of a short code as typed, or a 404 page (in the reader's language) that leads to /report."""
    from factorysafe.factories.models import Factory

    factory_id = rules.parse_factory_code(code)
    factory = db.session.get(Factory, factory_id) if factory_id is not None else None
    if factory is None:
        page = render_template("complaints/report_find.html", q="", matches=[], searched=False, too_short=False,
                               bad_code=True)
        abort(current_app.make_response((page, 404)))
    return factory


# --- step 2: what is wrong, and send ---------------------------------------------------------------
@bp.route("/f/<code>")
def factory_link(code: str):
    """The factory's own short link (gate poster, QR code): straight to step 2 for that factory."""
    factory = _factory_of(code)
    return _report_form(ReportForm(), factory, rules.factory_code(factory.id))


@bp.route("/report/<code>", methods=["GET", "POST"])
def report_form(code: str):
    factory = None if code == NEW_FACTORY else _factory_of(code)
    code = NEW_FACTORY if factory is None else rules.factory_code(factory.id)
    form = ReportForm()
    if request.method == "GET":
        return _report_form(form, factory, code)
    photo = _photo_upload(form.photo)
    if not form.validate():
        return _report_form(form, factory, code, 400, _photo_note(photo is not None))
    try:
        limits.guard("COMPLAINT_REPORT_RATE_LIMIT", message=_too_many_reports())
        complaint, receipt = services.submit(
            category=form.category.data, description=form.description.data or "", today=today(), factory=factory,
            factory_text=form.factory_text.data or "" if factory is None else "",
            show_factory=factory is not None and bool(form.show_factory.data), contact=form.contact.data or "",
            lang=_lang(), photo=photo)
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - rolled_back re-raises anything that is not a refusal
        refused = rolled_back(exc)
        message = refused.message
        if photo is not None:
            message = f"{message} {_photo_note(True)}"
        return _report_form(form, factory, code, refused.status, message)
    return _no_store((render_template("complaints/report_receipt.html", receipt=rules.format_receipt(receipt),
                                      complaint_number=rules.public_number(complaint.id, complaint.received_on)),
                      200))


def _report_form(form, factory, code: str, status: int = 200, error: str = ""):
    categories = [(c, form.category.data == c.value) for c in CATEGORY_ORDER]
    page = render_template("complaints/report_form.html", form=form, factory=factory, code=code,
                           categories=categories, error=error, pictograms=_pictograms(current_app.static_folder))
    return _no_store((page, status)) if request.method == "POST" else (page, status)


# --- the status page: the receipt code in a POST body only ---------------------------------------------
def _lookup(code_text: str):
    """Count one look-up (every one: a guess costs the same as a real try), then the complaint of the code.
    Raises the refusal (429 over the limit, 400 malformed) or returns None for an unknown code."""
    limits.guard("COMPLAINT_LOOKUP_RATE_LIMIT", message=_too_many_lookups())
    return services.find_by_receipt(code_text)


def _status_page(complaint, code_text: str, status: int = 200, notice: str = "", error: str = "",
                 reply: ReplyForm | None = None, verdict: VerdictForm | None = None):
    code = rules.format_receipt(rules.parse_receipt(code_text)[0])
    reply = reply or ReplyForm(formdata=None, code=code)
    verdict = verdict or VerdictForm(formdata=None, code=code)
    reply.code.data = verdict.code.data = code
    messages = [m for m in complaint.messages]
    page = render_template(
        "complaints/status.html", complaint=complaint, messages=messages, reply=reply, verdict=verdict,
        may_write=rules.may_worker_write(complaint.status),
        may_verdict=rules.may_give_verdict(complaint.status, complaint.verdict),
        closed=complaint.status not in rules.OPEN_STATUSES, notice=notice, error=error,
        number=rules.public_number(complaint.id, complaint.received_on))
    return _no_store((page, status))


def _lookup_form(form: StatusForm, status: int = 200, error: str = ""):
    page = render_template("complaints/status_lookup.html", form=form, error=error)
    return _no_store((page, status)) if request.method == "POST" else (page, status)


@bp.route("/report/status", methods=["GET", "POST"])
def status():
    form = StatusForm()
    if request.method == "GET":
        return _lookup_form(form)
    if not form.validate():
        return _lookup_form(form, 400, _("A receipt code has 21 digits, in seven groups of three. "
                                         "Check that you typed all of them."))
    try:
        complaint = _lookup(form.code.data or "")
    except services.ComplaintError as exc:
        return _lookup_form(form, exc.status, exc.message)
    except limits.TooManyRequests as exc:
        return _lookup_form(form, exc.status, exc.message)
    if complaint is None:
        return _lookup_form(form, 404, _("No report has this receipt code. Check it against your note: "
                                         "every digit counts."))
    return _status_page(complaint, form.code.data)


def _worker_write(form, operation, done: str):
    """Shared by the answer and "is it fixed?": find the complaint by the code in the POST body, count one
    message, act, commit, and show the status page again (the typed text kept when refused)."""
    photo = _photo_upload(form.photo) if hasattr(form, "photo") else None
    lookup = StatusForm(formdata=None, code=form.code.data or "")
    try:
        complaint = _lookup(form.code.data or "")
    except (services.ComplaintError, limits.TooManyRequests) as exc:
        return _lookup_form(lookup, exc.status, exc.message)
    if complaint is None:
        return _lookup_form(lookup, 404, _("No report has this receipt code. Check it against your note: "
                                           "every digit counts."))
    forms = {"reply": form} if isinstance(form, ReplyForm) else {"verdict": form}
    note = _photo_note(photo is not None)
    if not form.validate():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return _status_page(complaint, form.code.data, 400, error=" ".join(errors + [note]).strip(), **forms)
    try:
        limits.guard("COMPLAINT_MESSAGE_RATE_LIMIT", message=_too_many_messages())
        operation(complaint, form, photo)
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - rolled_back re-raises anything that is not a refusal
        refused = rolled_back(exc)
        complaint = _lookup_again(form.code.data)
        return _status_page(complaint, form.code.data, refused.status, error=f"{refused.message} {note}".strip(),
                            **forms)
    return _status_page(complaint, form.code.data, notice=done)


def _lookup_again(code_text: str):
    """The complaint after a rollback (not counted again: the worker made one request)."""
    return services.find_by_receipt(code_text)


@bp.route("/report/status/answer", methods=["POST"])
def status_answer():
    form = ReplyForm()
    return _worker_write(form, lambda c, f, photo: services.worker_reply(c, f.body.data or "", photo),
                         _("Your answer was sent. The safety team will read it."))


@bp.route("/report/status/fixed", methods=["POST"])
def status_verdict():
    form = VerdictForm()
    return _worker_write(form, lambda c, f, _photo: services.worker_verdict(c, f.verdict.data, f.note.data or "",
                                                                            today=today()),
                         _("Thank you. Your answer was recorded."))
