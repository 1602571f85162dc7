"""Corrective action plans: deadlines, owner updates, verification, extensions, escalation."""
from flask import Blueprint

bp = Blueprint("actions", __name__)
