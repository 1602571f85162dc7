"""Shared view helpers (the clock, dashboard panels), CSRF, the start pages (home, dashboard) and the
health checks (``/healthz`` alive, ``/readyz`` ready). Domain views import this module; it imports none of them (``blueprints`` registers them)."""
from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_compress import Compress
from flask_wtf.csrf import CSRFProtect

from factorysafe import policy
from factorysafe.db import db
from factorysafe.state import state

csrf = CSRFProtect()
compress = Compress()  # gzip for pages and JSON answers (the map page is 250 KB of HTML, about 40 KB gzipped)
bp = Blueprint("main", __name__)


@dataclass
class Panel:
    roles: tuple[str, ...]
    template: str
    context: Callable[..., dict]
    order: int


# Panels declared by the domain packages' views at import time. A declaration only: each app takes its own
# copy in ``init_app`` (``app.extensions["factorysafe"].panels``) and the dashboard reads that copy.
_DECLARED: list[Panel] = []


def dashboard_panel(roles: tuple[str, ...], template: str, order: int = 50):
    """Declare a dashboard panel: ``context(user, today) -> dict`` rendered with ``template``.

    Each domain package contributes its own panels, so the dashboard view stays thin. Apps created after
    the declaration show it; ``add_dashboard_panel`` adds one to a single app.
    """

    def decorator(fn):
        if not any(p.template == template for p in _DECLARED):
            _DECLARED.append(Panel(tuple(roles), template, fn, order))
        return fn

    return decorator


def base_url() -> str:
    """Scheme and host of this site's absolute URLs: ``PUBLIC_BASE_URL`` when set (then a crafted ``Host``
    header never reaches an answer), else the request's own."""
    return (current_app.config["PUBLIC_BASE_URL"] or request.host_url).rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint``: the one way the site builds one (``url_for(..., _external=True)``
    would copy the request's ``Host`` header)."""
    if current_app.config["PUBLIC_BASE_URL"]:
        return base_url() + url_for(endpoint, **values)
    return url_for(endpoint, **values, _external=True)


def percent(rate) -> str:
    """``{{ rate|percent }}``: a progress rate as printed everywhere ("13 %", or "–" without one)."""
    from factorysafe.actions.rules import progress_percent

    value = progress_percent(rate)
    return "–" if value is None else f"{value} %"


def add_dashboard_panel(app, roles: tuple[str, ...], template: str, context: Callable[..., dict],
                        order: int = 50) -> None:
    """Show one more panel on ``app``'s dashboard only (a panel of the same template is replaced)."""
    app_state = state(app)
    panels = [p for p in app_state.panels if p.template != template] + [Panel(tuple(roles), template, context, order)]
    app_state.panels = tuple(sorted(panels, key=lambda p: p.order))


def panels() -> tuple[Panel, ...]:
    """The current app's dashboard panels, by order."""
    return state().panels


def today() -> dt.date:
    """The one place views read the clock; rules get ``today`` as an argument."""
    return dt.date.today()


@bp.route("/")
def index():
    return render_template("index.html")


@bp.route("/dashboard")
@login_required
def dashboard():
    day = today()
    shown = [(p.template, p.context(current_user, day)) for p in panels() if policy.has_role(current_user, p.roles)]
    return render_template("dashboard.html", panels=shown, today=day)


@bp.route("/healthz")
def healthz():
    """Alive: the process answers. Touches nothing else (a load balancer restarts on failure)."""
    return jsonify(status="ok")


def _check_database() -> dict:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means not ready
        db.session.rollback()
        return {"ok": False, "detail": f"unreachable ({type(exc).__name__})"}
    return {"ok": True, "detail": db.engine.dialect.name}


def _check_redis() -> dict:
    url = current_app.config["REDIS_URL"]
    if not url:
        return {"ok": True, "detail": "not configured (in-process cache, jobs inline)"}
    from redis import Redis

    client = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any Redis failure means not ready
        return {"ok": False, "detail": f"unreachable ({type(exc).__name__})"}
    finally:
        client.close()
    return {"ok": True, "detail": "PONG"}


def _check_disk() -> dict:
    folder = current_app.instance_path
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-"):
            pass
    except OSError as exc:
        return {"ok": False, "detail": f"instance folder not writable ({type(exc).__name__})"}
    free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    minimum = current_app.config["READY_MIN_FREE_MB"]
    if free_mb < minimum:
        return {"ok": False, "detail": f"{free_mb} MB free, below {minimum} MB", "free_mb": free_mb}
    return {"ok": True, "detail": "instance folder writable", "free_mb": free_mb}


@bp.route("/readyz")
def readyz():
    """Ready for traffic: the database answers, Redis answers (when configured), the instance folder
    is writable with enough free space. 503 names the failing checks."""
    checks = {"database": _check_database(), "redis": _check_redis(), "disk": _check_disk()}
    failing = [name for name, check in checks.items() if not check["ok"]]
    if failing:
        return jsonify(status="error", failing=failing, checks=checks), 503
    return jsonify(status="ok", checks=checks)


def init_app(app) -> None:
    csrf.init_app(app)
    compress.init_app(app)
    app.register_blueprint(bp)
    # The domain panels are installed by ``blueprints.init_app`` (``install_panels``) once their views are imported.
    app.jinja_env.globals["today"] = today
    app.jinja_env.globals["policy"] = policy  # templates ask the one home of access decisions
    app.jinja_env.filters["percent"] = percent
    from factorysafe.actions.rules import progress_percent

    app.jinja_env.globals["progress_percent"] = progress_percent


@bp.app_context_processor
def inject_helpers():
    from flask import current_app

    return {"has_endpoint": lambda name: name in current_app.view_functions}


@bp.route("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="img/favicon.svg"))


def install_panels(app) -> None:
    """``app``'s own dashboard panel list, from every panel declared by the views imported so far."""
    state(app).panels = tuple(sorted(_DECLARED, key=lambda p: p.order))
