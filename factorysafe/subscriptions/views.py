"""Follow a factory (public, no login): the form, the confirmation link, the one-click unsubscribe.

The follow form is on the public factory page, which is cached for every visitor: it carries no CSRF token and
its POST is exempt. That is safe here: a forged request can only make the site send a confirmation e-mail to an
address (nothing is followed before its owner confirms), and requests are rate-limited per client
(``FOLLOW_RATE_LIMIT``). The unsubscribe POST is exempt too: mail programs send it (RFC 8058) without a session.
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import get_locale, gettext as _

from sqlalchemy.exc import IntegrityError

from factorysafe import limits
from factorysafe.db import db
from factorysafe.errors import rolled_back
from factorysafe.subscriptions import services
from factorysafe.subscriptions.blueprint import bp
from factorysafe.subscriptions.forms import FollowForm, UnsubscribeForm
from factorysafe.subscriptions.rules import normalise_email
from factorysafe.web import csrf, today


def _public_factory(factory_id: int) -> dict:
    from factorysafe.maps import services as public

    row = public.public_factory(today(), factory_id)
    if row is None:
        abort(404)
    return row


@bp.route("/factories/<int:factory_id>/follow", methods=["GET", "POST"])
@csrf.exempt
def follow(factory_id: int):
    factory = _public_factory(factory_id)
    form = FollowForm(meta={"csrf": False})
    if request.method == "GET":
        form.lang.data = str(get_locale() or "bn")
        return render_template("subscriptions/follow.html", form=form, f=factory)
    limits.guard("FOLLOW_RATE_LIMIT", message=_("Too many requests from your address just now. "
                                               "Please wait a minute, then try again."))
    if not form.validate():
        return render_template("subscriptions/follow.html", form=form, f=factory), 400
    try:
        services.request_follow(factory["id"], factory["name"], normalise_email(form.email.data), form.lang.data,
                                today=today())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same address asked twice at once: the other request wrote it; same answer
    except Exception as exc:  # noqa: BLE001 - a refusal becomes its page; anything else propagates
        raise rolled_back(exc) from exc
    from factorysafe.auth.services import deliver_mail

    deliver_mail()
    # The same answer whether or not the address already follows the factory.
    return render_template("subscriptions/requested.html", f=factory)


@bp.route("/follow/confirm/<token>")
def confirm(token: str):
    sub = services.confirm(token)
    factory_id = sub.factory_id
    db.session.commit()
    form = UnsubscribeForm(meta={"csrf": False})
    return render_template("subscriptions/confirmed.html", f=_public_factory(factory_id), form=form,
                           unsubscribe_token=services.token(sub, services.UNSUBSCRIBE))


@bp.route("/follow/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET: a page with one button (a link checker opening the e-mail's link ends nothing). POST: ends it at once,
    without a session; a mail program's one-click POST (``List-Unsubscribe=One-Click``) lands here too."""
    if request.method == "GET":
        sub = services.from_token(token, services.UNSUBSCRIBE)
        return render_template("subscriptions/unsubscribe.html", token=token, following=sub is not None,
                               form=UnsubscribeForm(meta={"csrf": False}))
    services.unsubscribe(token)
    db.session.commit()
    return render_template("subscriptions/unsubscribed.html")
