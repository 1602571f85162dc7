"""Inspections, findings and photo evidence."""
from flask import Blueprint

bp = Blueprint("inspections", __name__)
