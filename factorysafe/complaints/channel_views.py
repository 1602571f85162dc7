"""The other ways in and out of complaints: SMS intake (``/sms/inbound``), the public register (``/complaints``),
a factory's own counts (on its public page) and the factory gate's QR poster (``/factories/<id>/poster.pdf``).

Nothing here writes a person's phone number, address or agent anywhere: an SMS sender is kept only as the keyed
hash ``sender_hash`` (to link their follow-ups and count their tries), and rate limits count keyed hashes."""
from __future__ import annotations

import hmac

from flask import Response, abort, current_app, render_template, request, send_file
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from factorysafe import limits, policy
from factorysafe.complaints import poster, queries, rules, services, sms
from factorysafe.complaints.blueprint import bp
from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus
from factorysafe.db import db
from factorysafe.errors import rolled_back
from factorysafe.factories.models import Factory
from factorysafe.security import MAX_ID
from factorysafe.web import csrf, today

PER_PAGE = 50


# --- SMS intake -------------------------------------------------------------------------------------------
def _text_reply(text: str, status: int = 200) -> Response:
    """What the SMS gateway sends back to the worker: plain text, within three SMS parts."""
    return Response(sms.clip(text), status=status, mimetype="text/plain")


def _check_gateway() -> None:
    """Only the gateway that knows ``SMS_INBOUND_SECRET`` may post; with no secret set, there is no endpoint."""
    secret = current_app.config["SMS_INBOUND_SECRET"]
    if not secret:
        abort(404)
    given = request.headers.get("X-SMS-Secret", "")
    if not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
        abort(403)


def _sms_report(message: sms.Inbound, sender_hash: str) -> str:
    factory = None
    if message.kind == sms.Kind.REPORT:
        factory_id = message.factory_id
        factory = db.session.get(Factory, factory_id) if factory_id is not None and factory_id <= MAX_ID else None
        if factory is None:
            return _("That factory code is not right. Send REPORT, the code on the factory gate poster, then what "
                     "is wrong. Example: REPORT 250 exit locked")
    if not message.body:
        return _("Write what is wrong after the factory code. Example: REPORT 250 exit locked")
    limits.guard("COMPLAINT_REPORT_RATE_LIMIT", "sms", sender_hash,
                 message=_("Too many reports from this phone just now. Please try again later."))
    try:
        _complaint, code = services.submit(
            category=sms.guess_category(message.body), description=message.body, today=today(), factory=factory,
            lang=message.lang, channel="sms", sender_hash=sender_hash)
        db.session.commit()
    except Exception as exc:  # noqa: BLE001 - a refusal is answered; anything else is raised again
        return rolled_back(exc).message
    return _("Complaint received. Your receipt code: %(code)s. Keep it secret and safe. To see what happens, "
             "send STATUS and the code to this number.", code=rules.format_receipt(code))


def _sms_status(message: sms.Inbound, sender_hash: str) -> str:
    limits.guard("COMPLAINT_LOOKUP_RATE_LIMIT", "sms", sender_hash,
                 message=_("Too many look-ups from this phone just now. Please try again later."))
    try:
        complaint = services.find_by_receipt(message.code)
    except services.InvalidInput as exc:
        return exc.message
    if complaint is None:
        return _("No complaint has this receipt code. Check the code against your note.")
    number = rules.public_number(complaint.id, complaint.received_on)
    if complaint.status in rules.CLOSED_STATUSES and complaint.outcome:
        return _("Complaint %(number)s: %(status)s. Outcome: %(outcome)s", number=number,
                 status=complaint.status.label, outcome=complaint.outcome)
    return _("Complaint %(number)s: %(status)s.", number=number, status=complaint.status.label)


@bp.route("/sms/inbound", methods=["POST"])
@csrf.exempt  # a machine endpoint: the gateway proves itself with the shared secret, not a session
def sms_inbound():
    """An SMS as gateways post it (form fields ``from`` and ``text``); the answer body is the reply SMS."""
    _check_gateway()
    sender = rules.normalise_phone(request.form.get("from", ""))
    message = sms.parse(request.form.get("text", "")[:2000])
    with force_locale(message.lang):
        if not sender:
            return _text_reply(_("The sender's number is missing."), 400)
        sender_hash = rules.phone_digest(sender, services.sender_key())
        try:
            if message.kind == sms.Kind.STATUS:
                return _text_reply(_sms_status(message, sender_hash))
            if message.kind in (sms.Kind.REPORT, sms.Kind.FREE):
                return _text_reply(_sms_report(message, sender_hash))
        except limits.TooManyRequests as exc:
            return _text_reply(exc.message, 429)
        return _text_reply(_("To report danger, send REPORT, the factory code and what is wrong. To follow a "
                             "report, send STATUS and your receipt code."))


# --- the public register -------------------------------------------------------------------------------------
def _register_filters() -> dict:
    """The register's filters from the query string; a value that is not one of the choices is ignored."""
    args = request.args
    status, category, month = args.get("status", ""), args.get("category", ""), args.get("month", "").strip()
    factory_id = args.get("factory_id", "")
    return {
        "status": status if status in {s.value for s in ComplaintStatus} else "",
        "category": category if category in {c.value for c in ComplaintCategory} else "",
        "month": month if rules.month_span(month) else "",
        "factory_id": int(factory_id) if factory_id.isdigit() and 0 < int(factory_id) <= MAX_ID else None,
    }


def _page() -> int:
    raw = request.args.get("page", "1")
    return min(int(raw), 10 ** 6) if raw.isdigit() and int(raw) > 0 else 1


@bp.route("/complaints")
def register():
    """Every complaint as the public may read it, newest first, with the counts by month, category and status."""
    filters = _register_filters()
    page = _page()
    rows, total = queries.register(**filters, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    factory_name = None
    if filters["factory_id"] is not None and rows:
        factory_name = rows[0]["factory_name"]
    return render_template(
        "complaints/register.html", rows=rows, total=total, page=page, pages=pages, filters=filters,
        link_filters={k: v for k, v in filters.items() if v}, factory_name=factory_name,
        counts=queries.counts(), statuses=list(ComplaintStatus), categories=list(ComplaintCategory),
        lang=str(get_locale() or "en"))


@bp.app_context_processor
def inject_complaint_counts():
    """``complaint_counts(factory_id)`` for the public factory page (``complaints/_factory_counts.html``):
    only complaints whose worker allowed the factory to be named count there."""
    return {"complaint_counts": queries.counts}


# --- the gate poster -----------------------------------------------------------------------------------------
def _count_render() -> None:
    """A poster is about to be rendered (seconds of CPU): anonymous visitors may start only so many per IP."""
    if not current_user.is_authenticated:
        limits.guard("PDF_RENDER_RATE_LIMIT", message=_("Too many reports were made from your address just now. "
                                                        "Please wait a minute, then try again."))


@bp.route("/factories/<int:factory_id>/poster.pdf")
def factory_poster(factory_id: int):
    """A4 poster for the factory gate: the QR code of the factory's report link, its short code, the SMS
    number and keyword, in Bangla and English on one page."""
    factory = db.session.get(Factory, factory_id) if factory_id <= MAX_ID else None
    if factory is None or not policy.may_have_poster(current_user, factory):
        abort(404)
    path, fp = poster.cached_poster(factory, before_render=_count_render)
    response = send_file(path, mimetype="application/pdf", download_name=f"poster-factory-{factory.id}.pdf",
                         as_attachment=False, conditional=True, etag=fp, max_age=0)
    response.headers["Cache-Control"] = "public, no-cache"
    return response
