"""The inspections blueprint (its routes are in the views modules of this package)."""
from flask import Blueprint

bp = Blueprint("inspections", __name__, cli_group=None)
