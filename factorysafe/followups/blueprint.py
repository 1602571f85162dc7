"""The follow-ups blueprint (its routes are in ``views``)."""
from flask import Blueprint

bp = Blueprint("followups", __name__)
