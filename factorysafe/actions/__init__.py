"""Corrective action plans: deadlines, owner updates, verification, extensions, escalation."""
from flask import Blueprint

# cli_group=None: the blueprint's commands are top level (``flask reminders``, ``flask audit verify``).
bp = Blueprint("actions", __name__, cli_group=None)

from factorysafe.actions import cli, views  # noqa: E402,F401
