"""Configuration defaults and the small helpers ``create_app`` uses to layer config.

Order (later wins): these defaults, ``instance/config.py``, environment variables
(``DATABASE_URL`` and any ``FACTORYSAFE_*``), then the ``test_config`` mapping.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path


class Defaults:
    """Every setting the package reads, with its default (tests/test_config_keys.py checks none is missing).

    Code reads ``current_app.config[...]`` with no default of its own: the default lives here only.
    """

    SECRET_KEY = None  # from config or environment; else generated once into instance/secret_key
    AUDIT_SIGNING_KEY = None  # signs the daily audit checkpoints; never in the database; else instance/audit_signing_key
    SQLALCHEMY_DATABASE_URI = None  # filled in with instance/factorysafe.sqlite
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # a form open all day in the field still submits
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024  # whole request; per photo limit below
    PHOTO_MAX_BYTES = 25 * 1024 * 1024
    PHOTO_MAX_PIXELS = 60_000_000  # larger images are refused as decompression bombs
    PHOTO_MAX_DISTANCE_M = 1000  # flag photos taken further than this from the factory
    PHOTO_MAX_DAYS_FROM_DATE = 3  # flag photos taken this many days from the inspection date
    # A submitted inspection is published only after another engineer (not its creator nor on its team)
    # approved it; an amendment after the approval needs a new one. Off: a one-engineer programme publishes alone.
    REVIEW_REQUIRED = True
    PROGRESS_PENDING_WEIGHT = 0.0  # how much "Pending verification" counts in progress rates
    ESCALATION_OVERDUE_DAYS = 30  # critical actions overdue this long propose escalation
    REQUALIFY_MONTHS = 18  # an ineligible factory may requalify after this
    FOLLOW_UP_MAX_MONTHS = 3  # while its CAP is open, a factory is visited again at most this many months after the last visit
    FOLLOW_UP_SOON_DAYS = 14  # a follow-up due within this many days is "due soon" on the follow-up calendar
    DCR_LIMIT = 1.0  # column demand/capacity over this: weak column
    DCR_IMMEDIATE_DANGER = 2.0  # over this: immediate danger, evacuate
    MAP_TILE_URL = None  # a web tile layer is added only when configured
    MAP_TILE_ATTRIBUTION = ""
    # Flask-Compress: brotli for browsers that accept it (every current one; about 15 % smaller than gzip on the
    # map's pages and JSON at a cost close to gzip's at level 4), else gzip, for HTML, CSS, JS, JSON, GeoJSON and
    # CSV of 500 bytes or more; streamed answers and files that are already compressed (exports, markers, static
    # files: factorysafe.assets) pass as they are.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_LEVEL = 6
    COMPRESS_BR_LEVEL = 4
    COMPRESS_MIN_SIZE = 500
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/plain", "text/csv", "text/javascript", "application/javascript",
                          "application/json", "application/geo+json", "application/problem+json", "image/svg+xml"]
    COMPRESS_STREAMS = False
    MAP_CACHE_SECONDS = 60  # how long an unused public map markers payload stays in the cache (0: no limit)
    HAZARD_CATALOGUE_PATH = None  # a TOML hazard catalogue; None: the shipped factorysafe/hazards/catalogue.toml
    REPORT_PHOTO_PX = 1000  # long side of a photo in a PDF report: 85 mm wide at ~300 dpi
    REPORT_PHOTO_QUALITY = 70  # JPEG quality of photos in PDF reports
    SMTP_HOST = None  # reminders are e-mailed only when set; else written to the outbox only
    SMTP_PORT = 25
    SMTP_STARTTLS = False  # upgrade the SMTP connection with STARTTLS
    SMTP_USER = None  # log in to the SMTP server when set
    SMTP_PASSWORD = ""  # with SMTP_USER
    MAIL_FROM = "factorysafe@localhost"
    LANGUAGES = ("en", "bn")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).with_name("translations"))
    REDIS_URL = None  # redis://127.0.0.1:6379/0: shared cache and job queue; None: in-process cache, jobs inline
    CACHE_SECONDS = 300  # default lifetime of a cached page or fragment (invalidated per factory on change)
    PUBLIC_COUNTS_SECONDS = 60  # /hazards counts over all published findings are recounted at most this often
    CACHE_NAMESPACE = "v1"  # prefix of cache keys (two deployments on one Redis use different ones)
    JOBS_INLINE = False  # run jobs inline even with REDIS_URL (tests of the inline path)
    JOB_TIMEOUT = 1800  # seconds a background job may run
    SERVE_BIND = "127.0.0.1:8000"  # where `make serve` (gunicorn) listens; put a reverse proxy in front
    SERVE_WORKERS = 2  # gunicorn worker processes (about one per CPU core)
    SERVE_THREADS = 4  # threads per gunicorn worker (photo uploads and PDFs wait on I/O)
    SERVE_PRELOAD = True  # build the app before forking: workers share its libraries' memory (about 100 MB less each)
    SERVE_WARM_UP = True  # make serve builds the public map's data and pages before the workers start (see wsgi.py)
    SERVE_TIMEOUT = 120  # seconds before gunicorn restarts a silent worker (a large PDF report takes a while)
    LOG_JSON = False  # JSON log lines with request ids and one access line per request (on under `make serve`)
    LOG_LEVEL = "INFO"  # level of the JSON logs
    READY_MIN_FREE_MB = 500  # /readyz fails when the instance folder's disk has less free space than this
    PRODUCTION = False  # a real deployment: seed-demo refuses to run and demo accounts cannot sign in
    INVITE_TOKEN_HOURS = 7 * 24  # how long an invitation link works
    RESET_TOKEN_MINUTES = 60  # how long a password reset link works
    FOLLOW_CONFIRM_HOURS = 72  # how long the link confirming a request to follow a factory works
    DEMO_CHECK_SECONDS = 60  # how often pages re-check whether the database holds demo accounts (for the banner)
    SESSION_COOKIE_HTTPONLY = True  # scripts cannot read the session cookie
    SESSION_COOKIE_SAMESITE = "Lax"  # other sites' forms and scripts do not send it
    SESSION_COOKIE_SECURE = False  # True when served over HTTPS: the cookie is then never sent over plain http
    PERMANENT_SESSION_LIFETIME = dt.timedelta(hours=12)  # a sign-in lasts at most this long (also any copy of its cookie)
    LOGIN_RATE_LIMIT = "5/minute;20/hour"  # failed sign-ins per e-mail address and IP address; then 429 until it passes
    LOGIN_IP_RATE_LIMIT = "30/minute;200/hour"  # failed sign-ins per IP address, whatever the e-mail address
    ACCOUNT_LINK_RATE_LIMIT = "10/minute;50/hour"  # per IP: forgot-password requests, invitation and reset forms sent
    FOLLOW_RATE_LIMIT = "5/minute;30/hour"  # per IP: requests to follow a factory by e-mail (each may send a mail)
    PDF_RENDER_RATE_LIMIT = "6/minute"  # PDF reports rendered (not served from the cache) per IP for anonymous visitors
    # Workers' complaints (``factorysafe.complaints``). Counted per client IP in the rate limiter's storage only,
    # where the address is hashed; nothing about the client is stored with a complaint.
    COMPLAINT_REPORT_RATE_LIMIT = "5/hour;20/day"  # complaints reported per client (web form and SMS sender)
    COMPLAINT_LOOKUP_RATE_LIMIT = "10/minute;60/hour"  # receipt-code look-ups (status page, SMS STATUS) per client
    COMPLAINT_MESSAGE_RATE_LIMIT = "10/hour"  # worker answers, photos and "is it fixed?" replies per client
    SMS_INBOUND_SECRET = ""  # shared secret the SMS gateway sends in X-SMS-Secret; empty: /sms/inbound is off (404)
    SMS_SENDER_KEY = ""  # key of the SMS senders' hashes; empty: SECRET_KEY
    SMS_NUMBER = ""  # the number workers send SMS reports to, printed on the gate poster ("" hides the SMS part)
    RATELIMIT_ENABLED = True  # False switches every rate limit off
    PROXY_FIX_X_FOR = 0  # reverse proxies in front adding X-Forwarded-For (1 behind one nginx): client IPs come from it
    RATELIMIT_STORAGE_URI = None  # where rate limits count (e.g. redis://...); None: REDIS_URL when set, else memory
    TRUSTED_HOSTS = None  # ["safety.example.org"] (or "a,b" in the environment): other Host headers get 400; None: any
    PUBLIC_BASE_URL = None  # "https://safety.example.org": base of the API's absolute URLs and e-mailed links; None: request's host
    FORCE_HTTPS = False  # behind TLS: redirect http to https, send HSTS (one year), Secure session cookie
    REFERRER_POLICY = "strict-origin-when-cross-origin"  # other sites see our origin only (tile servers ask for it)


def normalise_db_url(url: str) -> str:
    """``postgresql://`` (what people type) means the psycopg 3 driver here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def normalise_hosts(config) -> None:
    """``TRUSTED_HOSTS`` as Flask wants it: a list, or None for "any host" (an empty list or text means any)."""
    hosts = config["TRUSTED_HOSTS"]
    if isinstance(hosts, str):
        hosts = [h for h in re.split(r"[\s,]+", hosts) if h]
    config["TRUSTED_HOSTS"] = list(hosts) if hosts else None


def from_environment(config) -> None:
    if os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("REDIS_URL"):
        config["REDIS_URL"] = os.environ["REDIS_URL"]
    config.from_prefixed_env("FACTORYSAFE")


def _instance_key(config, instance_path: str, name: str, filename: str) -> None:
    """A configured key ``name``, else one generated once into ``instance/filename`` (mode 600) and read from it."""
    if config.get(name):
        return
    key_file = Path(instance_path) / filename
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    config[name] = key_file.read_text().strip()


def ensure_secret_key(config, instance_path: str) -> None:
    """Use a configured SECRET_KEY, else one generated once into the instance folder."""
    _instance_key(config, instance_path, "SECRET_KEY", "secret_key")


def ensure_audit_signing_key(config, instance_path: str) -> None:
    """The key that signs the audit checkpoints: a configured AUDIT_SIGNING_KEY, else one generated once into
    the instance folder (not the database: whoever can rewrite the database cannot forge a checkpoint)."""
    _instance_key(config, instance_path, "AUDIT_SIGNING_KEY", "audit_signing_key")
