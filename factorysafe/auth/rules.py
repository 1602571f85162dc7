"""The account rules, pure: what a password must be, when an e-mailed link is still good, what state an
account is in, and who may not sign in on a production deployment.

No database, no clock, no configuration read here: callers pass ``now`` and the settings. The messages of
the password rules live here too (``password_message``), so the CLI, invite acceptance, reset and change of
password all say the same thing in the user's language.
"""
from __future__ import annotations

import datetime as dt
import enum
import functools
import gzip
import hashlib
from pathlib import Path

from flask_babel import lazy_gettext as _l

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200

#: The 10,000 most common passwords, lower case, one a line (provenance and licence: common-passwords.LICENSE).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")

#: What an account not yet accepted holds instead of a password hash: no password ever matches it.
UNUSABLE_PASSWORD = "!"
#: What an invited account deactivated before accepting holds: no password matches it either. Reactivated,
#: such an account chooses its first password through "Forgot your password?".
REVOKED_INVITATION = "!revoked"


# --- passwords ------------------------------------------------------------------------------------------
class PasswordProblem(enum.Enum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    PERSONAL = "personal"
    COMMON = "common"


_MESSAGES = {
    PasswordProblem.TOO_SHORT: _l("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
    PasswordProblem.TOO_LONG: _l("The password may have at most %(n)s characters.", n=MAX_PASSWORD_LENGTH),
    PasswordProblem.PERSONAL: _l("The password must not be your e-mail address or your name."),
    PasswordProblem.COMMON: _l("This password is on the list of the most common passwords, which attackers try "
                               "first. Choose another, for example a few unrelated words."),
}


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case), read once."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


def password_problem(password: str, *, email: str = "", name: str = "",
                     common: frozenset[str] | None = None) -> PasswordProblem | None:
    """The first rule ``password`` breaks for the account of ``email`` and ``name``, or None.

    Lengths count characters. The personal and common checks ignore case and spaces; ``common`` defaults to
    the shipped list."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return PasswordProblem.TOO_LONG
    squashed = _squash(password)
    email = email.strip().casefold()
    personal = {_squash(email), _squash(email.partition("@")[0]), _squash(name)} - {""}
    if squashed in personal:
        return PasswordProblem.PERSONAL
    words = common_passwords() if common is None else common
    if password.strip().casefold() in words or squashed in words:
        return PasswordProblem.COMMON
    return None


def password_message(problem: PasswordProblem) -> str:
    """What the user reads about ``problem``, in the current language."""
    return str(_MESSAGES[problem])


# --- e-mailed links ---------------------------------------------------------------------------------------
class TokenState(enum.Enum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"


def token_digest(token: str) -> str:
    """What is stored of a token: its hex SHA-256 (a leaked table gives no working link)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_state(expires_at: dt.datetime, used_at: dt.datetime | None, now: dt.datetime) -> TokenState:
    if used_at is not None:
        return TokenState.USED
    if now >= expires_at:
        return TokenState.EXPIRED
    return TokenState.VALID


# --- accounts -----------------------------------------------------------------------------------------------
class AccountState(enum.StrEnum):
    INVITED = "invited"  # invited, no password set yet
    ACTIVE = "active"
    DEACTIVATED = "deactivated"

    @property
    def label(self) -> str:
        from factorysafe.labels import label

        return label(self)


def account_state(active: bool, password_hash: str) -> AccountState:
    if active:
        return AccountState.ACTIVE
    return AccountState.INVITED if password_hash == UNUSABLE_PASSWORD else AccountState.DEACTIVATED


def demo_sign_in_refused(is_demo: bool, production: bool) -> bool:
    """Demo accounts have published passwords: on a production deployment nobody signs in with one."""
    return bool(is_demo and production)


def leaves_no_admin(active_admins: int, user_is_active_admin: bool, stays_active_admin: bool) -> bool:
    """Would this change leave the deployment without an active administrator?"""
    return user_is_active_admin and not stays_active_admin and active_admins <= 1
