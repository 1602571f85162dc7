"""The authorization matrix: every route and method of the app × who asks × the state of the inspection the
route is about, with the answer each cell must get. ``tests/test_authz_matrix.py`` checks every cell with the
test client and fails when a route of ``app.url_map`` has no entry here (or an entry names no route).

Adding a route is one line in ``ROUTES``: its rule as in the URL map, and per method its access profile.
Methods a rule does not declare are expected to answer 405. The profiles restate ``factorysafe.policy`` as
expected answers:

- the public sees published work only; a visitor asking for anything else gets 404 (unpublished work
  does not leak), and a private page sends a visitor to the login page;
- a factory's owners see their factory's private pages and its submitted and published inspections; a draft
  does not exist for them (404); they plan, report fixes, ask for extensions and comment;
- owners of another factory are signed-in users asking for what is not theirs: 403 (public things stay public);
- engineers and administrators see everything; only engineers (and admins, who hold every role) edit
  inspections, verify fixes, decide extensions and escalate; admin-only routes refuse engineers (403);
- complaint handlers triage workers' complaints (with engineers and admins) and are NOT engineers: they hold
  no factory, so everywhere else they get what an owner of another factory gets (public things, 403 for
  private pages, no draft anywhere), and they cannot make a complaint inspection.

A route is *stateful* when its URL names a factory, inspection, finding, action, photo, extension or
evacuation: its cells are checked for three factories of the same owner, each with one inspection in the
state draft, submitted or published (and that inspection's finding, action, photos, extension, evacuation).
"""
from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("anonymous", "owner", "other_owner", "handler", "engineer", "admin")  # admin last (see the /admin check)
STATES = ("draft", "submitted", "published")


class Outcome(str):
    """What a cell must answer; ``describe`` prints it in the matrix."""


OK = Outcome("ok")  # GET: 2xx/3xx (not to the login page); POST: anything but 401/403/404/405 (an empty form may be 400)
LOGIN = Outcome("login")  # a redirect to the login page (or 401)
DENY = Outcome("403")
GONE = Outcome("404")
METHOD = Outcome("405")
BAD = Outcome("400")  # e.g. an invitation or reset link whose token is unknown


@dataclass(frozen=True)
class ByState:
    """A cell whose answer depends on the inspection's state."""

    draft: Outcome
    submitted: Outcome
    published: Outcome

    def __getitem__(self, state: str) -> Outcome:
        return getattr(self, state)


def states(draft: Outcome, submitted: Outcome, published: Outcome) -> ByState:
    return ByState(draft, submitted, published)


@dataclass(frozen=True)
class Profile:
    """Expected answers per role (an Outcome, or ByState for stateful routes). ``args`` overrides how the
    route's URL arguments are filled (values, or names of world objects such as ``private_photo``)."""

    anonymous: Outcome | ByState
    owner: Outcome | ByState
    other_owner: Outcome | ByState
    engineer: Outcome | ByState
    admin: Outcome | ByState
    args: dict = field(default_factory=dict)
    handler: Outcome | ByState | None = None  # None: as other_owner (see ``access``)

    def __post_init__(self):
        if self.handler is None:
            object.__setattr__(self, "handler", self.other_owner)

    def cell(self, role: str, state: str | None) -> Outcome:
        value = getattr(self, role)
        if isinstance(value, ByState):
            if state is None:
                raise ValueError("a per-state cell on a route that names no inspection")
            return value[state]
        return value

    def with_args(self, **args) -> "Profile":
        values = {r: getattr(self, r) for r in ROLES}
        return Profile(**values, args={**self.args, **args})

    def but(self, **cells) -> "Profile":
        """This profile with some roles' cells changed."""
        values = {r: getattr(self, r) for r in ROLES}
        return Profile(**{**values, **cells}, args=self.args)


def access(anonymous, owner, other_owner, engineer, admin, *, handler) -> Profile:
    """Every role's answer. A complaint handler holds no factory: outside complaints, the same answer as an
    owner of another factory (stated for each profile below, so that a new profile decides it)."""
    return Profile(anonymous, owner, other_owner, engineer, admin, handler=handler)


# --- profiles -----------------------------------------------------------------------------------------
PUBLIC = access(OK, OK, OK, OK, OK, handler=OK)
SIGNED_IN = access(LOGIN, OK, OK, OK, OK, handler=OK)
ENGINEERS = access(LOGIN, DENY, DENY, OK, OK, handler=DENY)
ADMINS = access(LOGIN, DENY, DENY, DENY, OK, handler=DENY)
# A factory's private pages: its owners (whatever the state of its inspections) and engineers.
FACTORY_MANAGERS = access(LOGIN, OK, DENY, OK, OK, handler=DENY)
# Public pages and data of a factory: once one of its inspections is published; 404 for everyone before
# (engineers included: these are the public pages; the private ones are under /manage).
PUBLIC_FACTORY = access(*[states(GONE, GONE, OK)] * 5, handler=states(GONE, GONE, OK))
# A CAP report: the private version for the factory's owners and engineers, the public one once published.
CAP_REPORT = access(states(GONE, GONE, OK), OK, states(GONE, GONE, OK), OK, OK, handler=states(GONE, GONE, OK))

# Things of one inspection (its page, report, actions): owners theirs once submitted, the public once published.
_OWNER_SEES = states(GONE, OK, OK)
INSPECTION_PAGE = access(LOGIN, _OWNER_SEES, DENY, OK, OK, handler=DENY)
INSPECTION_REPORT = access(states(GONE, GONE, OK), _OWNER_SEES, states(GONE, GONE, OK), OK, OK,
                           handler=states(GONE, GONE, OK))
ACTION_PAGE = access(states(GONE, GONE, OK), _OWNER_SEES, states(DENY, DENY, OK), OK, OK, handler=states(DENY, DENY, OK))
# Plan, report a fix, ask for an extension: the factory's owners only (engineers verify, they do not plan).
OWNER_ACTS = access(LOGIN, _OWNER_SEES, DENY, DENY, DENY, handler=DENY)
# Verify, reject, decide an extension: engineers; the owner is refused (a draft's action does not exist).
ENGINEER_DECIDES = access(LOGIN, states(GONE, DENY, DENY), DENY, OK, OK, handler=DENY)
# Comment: the factory's owners on visible actions and engineers.
COMMENT = access(LOGIN, _OWNER_SEES, DENY, OK, OK, handler=DENY)
# Photos: web sizes of public photos of published work for all; owners their factory's (private ones too);
# originals (GPS, camera data) for engineers only.
PHOTO_WEB = access(states(GONE, GONE, OK), _OWNER_SEES, states(DENY, DENY, OK), OK, OK, handler=states(DENY, DENY, OK))
PHOTO_PRIVATE = access(GONE, _OWNER_SEES, DENY, OK, OK, handler=DENY)
PHOTO_ORIGINAL = access(GONE, states(GONE, DENY, DENY), DENY, OK, OK, handler=DENY)
# Administration of users: admins only; asked about a user who does not exist, so that no cell changes anything
# (an admin then gets 404 after the role check, everyone else the role refusal).
ADMIN_USER = ADMINS.but(admin=GONE).with_args(user_id=2_000_000_000)
# E-mailed links with an unknown token: the same "this link is not valid" answer (400) for everyone.
LINK = access(BAD, BAD, BAD, BAD, BAD, handler=BAD).with_args(token="not-a-valid-token")
# SMS intake is a machine endpoint, off (404 to everyone) until SMS_INBOUND_SECRET is set.
SMS_OFF = access(GONE, GONE, GONE, GONE, GONE, handler=GONE)
# The JSON suggester answers 403 (not a login redirect) to anyone but engineers.
ENGINEERS_JSON = ENGINEERS.but(anonymous=DENY)
# Workers' complaints, the handlers' side: handlers, engineers and admins; a visitor is sent to sign in. The
# matrix asks about a complaint of its world (``complaint_id``); a POST there carries no valid form (400/409).
COMPLAINT_HANDLERS = access(LOGIN, DENY, DENY, OK, OK, handler=OK)
# A complaint inspection is an engineer's work: handlers are refused.
COMPLAINT_ENGINEERS = access(LOGIN, DENY, DENY, OK, OK, handler=DENY)

# A factory's short link on its gate poster (here one whose check digit is wrong: 404 for everyone, in words).
WORKER_LINK = access(GONE, GONE, GONE, GONE, GONE, handler=GONE).with_args(code="12")

# --- every route ----------------------------------------------------------------------------------------
ROUTES: dict[str, dict[str, Profile]] = {
    "/static/<path:filename>": {"GET": PUBLIC.with_args(filename="css/app.css")},
    "/": {"GET": PUBLIC},
    "/favicon.ico": {"GET": PUBLIC},
    "/healthz": {"GET": PUBLIC},
    "/readyz": {"GET": PUBLIC},
    "/dashboard": {"GET": SIGNED_IN},
    # offline capture: the service worker and the offline page are public; the outbox page and the session
    # answer (a fresh CSRF token) are for signed-in people (the session answer is a 401 for a visitor)
    "/sw.js": {"GET": PUBLIC},
    "/offline": {"GET": PUBLIC},
    "/outbox": {"GET": SIGNED_IN},
    "/offline/session": {"GET": SIGNED_IN},
    "/login": {"GET": PUBLIC, "POST": PUBLIC},
    "/logout": {"POST": PUBLIC},
    # accounts
    "/account/password": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "/password/forgot": {"GET": PUBLIC, "POST": PUBLIC},
    "/password/reset/<token>": {"GET": LINK, "POST": LINK},
    "/invite/<token>": {"GET": LINK, "POST": LINK},
    "/admin/users": {"GET": ADMINS},
    "/admin/users/invite": {"GET": ADMINS, "POST": ADMINS},
    "/admin/users/<int:user_id>": {"GET": ADMIN_USER, "POST": ADMIN_USER},
    "/admin/users/<int:user_id>/deactivate": {"POST": ADMIN_USER},
    "/admin/users/<int:user_id>/reactivate": {"POST": ADMIN_USER},
    "/admin/users/<int:user_id>/resend-invite": {"POST": ADMIN_USER},
    # factories
    "/manage/factories": {"GET": SIGNED_IN},
    "/manage/factories/new": {"GET": ENGINEERS, "POST": ENGINEERS},
    "/manage/factories/<int:factory_id>": {"GET": FACTORY_MANAGERS},
    "/manage/factories/<int:factory_id>/edit": {"GET": ENGINEERS, "POST": ENGINEERS},
    "/manage/factories/<int:factory_id>/inspections": {"GET": FACTORY_MANAGERS},
    "/manage/factories/<int:factory_id>/cap": {"GET": FACTORY_MANAGERS},
    "/manage/factories/<int:factory_id>/escalate": {"POST": ENGINEERS},
    # inspections, findings, photos
    "/inspections/new": {"GET": ENGINEERS, "POST": ENGINEERS},
    "/inspections/<int:inspection_id>": {"GET": INSPECTION_PAGE},
    "/inspections/<int:inspection_id>/edit": {"GET": ENGINEERS, "POST": ENGINEERS},
    "/inspections/<int:inspection_id>/submit": {"POST": ENGINEERS},
    "/inspections/<int:inspection_id>/publish": {"POST": ENGINEERS},
    "/inspections/<int:inspection_id>/review": {"POST": ENGINEERS},
    "/inspections/<int:inspection_id>/findings/new": {"GET": ENGINEERS, "POST": ENGINEERS},
    "/findings/<int:finding_id>/edit": {"GET": ENGINEERS, "POST": ENGINEERS},
    "/photos/<int:photo_id>/<kind>": {"GET": [PHOTO_WEB.with_args(kind="thumb"), PHOTO_WEB.with_args(kind="web"),
                                              PHOTO_PRIVATE.with_args(kind="thumb", photo_id="private_photo"),
                                              PHOTO_ORIGINAL.with_args(kind="original")]},
    # corrective actions
    "/actions/<int:action_id>": {"GET": ACTION_PAGE},
    "/actions/<int:action_id>/plan": {"POST": OWNER_ACTS},
    "/actions/<int:action_id>/report-fix": {"POST": OWNER_ACTS},
    "/actions/<int:action_id>/extensions": {"POST": OWNER_ACTS},
    "/actions/<int:action_id>/comments": {"POST": COMMENT},
    "/actions/<int:action_id>/verify": {"POST": ENGINEER_DECIDES},
    "/actions/<int:action_id>/reject": {"POST": ENGINEER_DECIDES},
    "/actions/extensions/<int:extension_id>/decide": {"POST": ENGINEER_DECIDES},
    "/actions/verify": {"GET": ENGINEERS},
    "/actions/verify/<int:action_id>/verify": {"POST": ENGINEERS},
    "/actions/verify/<int:action_id>/reject": {"POST": ENGINEERS},
    "/actions/escalations": {"GET": ENGINEERS},
    # follow-ups: the calendar, assigning, starting a follow-up inspection, checking a pre-listed item (asked about
    # a check that does not exist: engineers get 404 after the role check, everyone else the role refusal)
    "/follow-ups": {"GET": ENGINEERS},
    "/follow-ups/factories/<int:factory_id>/assign": {"POST": ENGINEERS},
    "/follow-ups/factories/<int:factory_id>/start": {"POST": ENGINEERS},
    "/follow-ups/checks/<int:check_id>": {"POST": ENGINEERS.but(engineer=GONE, admin=GONE).with_args(check_id=2_000_000_000)},
    # hazards
    "/hazards": {"GET": PUBLIC},
    "/hazards/suggest": {"GET": ENGINEERS_JSON},
    "/hazards/suggest/try": {"GET": ENGINEERS},
    "/hazards/column-check": {"GET": ENGINEERS, "POST": ENGINEERS},
    "/hazards/findings/<int:finding_id>/evacuate": {"GET": ENGINEERS, "POST": ENGINEERS},
    "/hazards/evacuations/<int:evacuation_id>": {"GET": ENGINEERS, "POST": ENGINEERS},
    # reports
    "/inspections/<int:inspection_id>/report.pdf": {"GET": INSPECTION_REPORT},
    "/factories/<int:factory_id>/cap.pdf": {"GET": CAP_REPORT},
    # public map, pages, open data, API
    "/map": {"GET": PUBLIC},
    "/map/markers.json": {"GET": PUBLIC},
    "/map/geo/<name>.geojson": {"GET": PUBLIC.with_args(name="districts")},
    "/map/progress.svg": {"GET": PUBLIC},
    "/map/search.json": {"GET": PUBLIC},
    "/open-data": {"GET": PUBLIC},
    "/factories/<int:factory_id>": {"GET": PUBLIC_FACTORY},
    "/factories/<int:factory_id>/findings.csv": {"GET": PUBLIC_FACTORY},
    "/exports/factories.csv": {"GET": PUBLIC},
    "/exports/factories.csv.gz": {"GET": PUBLIC},
    "/exports/factories.geojson": {"GET": PUBLIC},
    "/exports/factories.geojson.gz": {"GET": PUBLIC},
    "/exports/findings.csv": {"GET": PUBLIC},
    "/exports/findings.csv.gz": {"GET": PUBLIC},
    "/api/v1/openapi.json": {"GET": PUBLIC},
    "/api/v1/factories": {"GET": PUBLIC},
    "/api/v1/factories/<int:factory_id>": {"GET": PUBLIC_FACTORY},
    "/api/v1/findings": {"GET": PUBLIC},
    "/api/v1/audit/head": {"GET": PUBLIC},
    # workers' complaints: triage
    "/complaints/manage": {"GET": COMPLAINT_HANDLERS},
    "/complaints/manage/<int:complaint_id>": {"GET": COMPLAINT_HANDLERS},
    "/complaints/manage/<int:complaint_id>/status": {"POST": COMPLAINT_HANDLERS},
    "/complaints/manage/<int:complaint_id>/message": {"POST": COMPLAINT_HANDLERS},
    "/complaints/manage/<int:complaint_id>/factory": {"POST": COMPLAINT_HANDLERS},
    "/complaints/manage/<int:complaint_id>/findings": {"POST": COMPLAINT_HANDLERS},
    "/complaints/manage/<int:complaint_id>/inspection": {"POST": COMPLAINT_ENGINEERS},
    # workers' complaints: the worker's side, no account (a POST meets an empty form: 400)
    "/report": {"GET": PUBLIC},
    "/f/<code>": {"GET": WORKER_LINK},
    "/report/<code>": {"GET": PUBLIC.with_args(code="new"), "POST": PUBLIC.with_args(code="new")},
    "/report/status": {"GET": PUBLIC, "POST": PUBLIC},
    "/report/status/answer": {"POST": PUBLIC},
    "/report/status/fixed": {"POST": PUBLIC},
    # following a factory: its public page's form; links from the e-mails (an unknown token: 400 for everyone)
    "/factories/<int:factory_id>/follow": {"GET": PUBLIC_FACTORY, "POST": PUBLIC_FACTORY},
    "/follow/confirm/<token>": {"GET": LINK},
    "/follow/unsubscribe/<token>": {"GET": LINK, "POST": LINK},
    # complaints: the public register and its data, the gate poster (as a CAP report), SMS intake (off: no secret)
    "/complaints": {"GET": PUBLIC},
    "/exports/complaints.csv": {"GET": PUBLIC},
    "/exports/complaints.csv.gz": {"GET": PUBLIC},
    "/api/v1/complaints": {"GET": PUBLIC},
    "/factories/<int:factory_id>/poster.pdf": {"GET": CAP_REPORT},
    "/sms/inbound": {"POST": SMS_OFF},
}

# URL arguments that name an object of the world: a route with one of them is checked per inspection state.
OBJECT_ARGS = ("factory_id", "inspection_id", "finding_id", "action_id", "photo_id", "extension_id", "evacuation_id")
CHECKED_METHODS = ("GET", "POST")  # every rule is asked both; an undeclared one must answer 405


def cases(rule: str) -> list[tuple[str, Profile]]:
    """(method, profile) of every case of a rule; a method not declared gets the 405 profile."""
    declared = ROUTES[rule]
    first = next(iter(declared.values()))
    args = (first[0] if isinstance(first, list) else first).args  # to fill the URL of a 405 case
    out = []
    for method in CHECKED_METHODS:
        profiles = declared.get(method)
        if profiles is None:
            out.append((method, access(METHOD, METHOD, METHOD, METHOD, METHOD, handler=METHOD).with_args(**args)))
            continue
        for profile in profiles if isinstance(profiles, list) else [profiles]:
            out.append((method, profile))
    return out
