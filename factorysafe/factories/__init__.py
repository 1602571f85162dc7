"""Factories: their profile, owners and the private factory overview."""
from flask import Blueprint

bp = Blueprint("factories", __name__)

from factorysafe.factories import views  # noqa: E402,F401
