"""Inspections, findings and photo evidence."""
from flask import Blueprint

bp = Blueprint("inspections", __name__, cli_group=None)

from factorysafe.inspections import views  # noqa: E402,F401
