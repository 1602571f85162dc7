"""Rate limits (Flask-Limiter): how often one client may try something guessable or costly.

Each app has its own Flask-Limiter ``Limiter`` (in ``app.extensions["factorysafe"]``, like the rest of an
app's state: two apps in one process never share counts). It counts in Redis when ``RATELIMIT_STORAGE_URI``
or else ``REDIS_URL`` is set, so every worker process shares the counts; otherwise in the app's memory.
When Redis does not answer, counting goes on in memory (logged) rather than failing the request.

A limit is a setting in ``config.Defaults`` holding Flask-Limiter's rate text ("5/minute;20/hour"). In a view:

* ``limits.exceeded(SETTING, *keys)`` - is one of the setting's limits used up for this client IP and keys?
  (counts nothing: ask before the work, count only failures);
* ``limits.hit(SETTING, *keys)`` - count one try, False when it was over a limit;
* ``limits.guard(SETTING, *keys, message=...)`` - count one try, raise :class:`TooManyRequests` (429) when over.

``limits.limiter`` is the current app's Limiter, for Flask-Limiter's own ``with limits.limiter.limit(...):``
around a block of a view (over the limit: a 429 page). Not as a decorator at import time: there is no app
then, and each app makes its own Limiter.
"""
from __future__ import annotations

import hashlib
import hmac
import logging

from flask import current_app
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter
from werkzeug.local import LocalProxy
from werkzeug.middleware.proxy_fix import ProxyFix

from factorysafe.errors import DomainError
from factorysafe.state import state

log = logging.getLogger(__name__)

STRATEGY = "moving-window"  # no burst at the edge of a fixed window: 5/minute is never 10 in two seconds

limiter: Limiter = LocalProxy(lambda: state().limiter)  # type: ignore[assignment]


class TooManyRequests(DomainError):
    """A client went over a rate limit: 429, with a message in the user's language."""

    status = 429


def storage_uri(config) -> str:
    """Where counts are kept: ``RATELIMIT_STORAGE_URI``, else ``REDIS_URL``, else this app's memory."""
    return config["RATELIMIT_STORAGE_URI"] or config["REDIS_URL"] or "memory://"


def key_prefix(config) -> str:
    """Keys in a shared Redis are the deployment's own (``CACHE_NAMESPACE``, as the cache's)."""
    return f"factorysafe:{config['CACHE_NAMESPACE']}:limits"


def init_app(app) -> None:
    trust_proxies(app)
    uri = storage_uri(app.config)
    options = {"wrap_exceptions": True}  # storage failures raise limits' StorageError (see _ask)
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        options.update(socket_timeout=2, socket_connect_timeout=2)  # a hung Redis must not hang sign-in
    app_limiter = Limiter(get_remote_address, storage_uri=uri, strategy=STRATEGY, key_prefix=key_prefix(app.config),
                          storage_options=options, enabled=app.config["RATELIMIT_ENABLED"])
    app_limiter.init_app(app)
    state(app).limiter = app_limiter


def trust_proxies(app) -> None:
    """Limits count per client IP (``request.remote_addr``). Behind ``PROXY_FIX_X_FOR`` reverse proxies it is
    read from their ``X-Forwarded-For`` (else every visitor would share the proxy's address); with 0 that
    header is ignored, so a client cannot pick its own address."""
    proxies = app.config["PROXY_FIX_X_FOR"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)


def _strategy() -> RateLimiter | None:
    app_limiter = state().limiter
    return app_limiter.limiter if app_limiter is not None and app_limiter.enabled else None


def _fallback() -> RateLimiter:
    app_state = state()
    with app_state.limiter_lock:
        if app_state.limiter_fallback is None:
            app_state.limiter_fallback = MovingWindowRateLimiter(MemoryStorage())
        return app_state.limiter_fallback


def _identifiers(setting: str, keys) -> list[str]:
    """The counter's name: deployment, setting, client IP and the keys, all hashed: no e-mail address is stored,
    and the client's address only as a keyed hash (workers' complaints promise that no address is kept)."""
    hashed = [hashlib.sha256(str(k).encode()).hexdigest()[:32] for k in keys]
    return [key_prefix(current_app.config), setting, client_digest(), *hashed]


def client_digest() -> str:
    """A keyed hash of the client's IP address (``SECRET_KEY``): counts per client without keeping the address."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, (get_remote_address() or "").encode(), hashlib.sha256).hexdigest()[:32]


def _ask(method: str, setting: str, keys) -> bool:
    """``test`` or ``hit`` on every limit of ``setting``: True when all allow it."""
    strategy = _strategy()
    if strategy is None:
        return True
    items = parse_many(current_app.config[setting])
    identifiers = _identifiers(setting, keys)
    try:
        return all([getattr(strategy, method)(item, *identifiers) for item in items])
    except StorageError:
        log.warning("Rate limit storage unreachable: counting %s in memory", setting, exc_info=True)
        fallback = _fallback()
        return all([getattr(fallback, method)(item, *identifiers) for item in items])


def exceeded(setting: str, *keys) -> bool:
    """Is a limit of ``setting`` used up for this client IP (and ``keys``)? Counts nothing."""
    return not _ask("test", setting, keys)


def hit(setting: str, *keys) -> bool:
    """Count one try against every limit of ``setting`` for this client IP (and ``keys``); False when over."""
    return _ask("hit", setting, keys)


def guard(setting: str, *keys, message: str | None = None) -> None:
    """Count one try; raise :class:`TooManyRequests` with ``message`` when it is over a limit."""
    if not hit(setting, *keys):
        raise TooManyRequests(message or _("Too many requests. Please wait a minute, then try again."))
