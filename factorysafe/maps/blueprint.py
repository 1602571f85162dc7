"""The maps blueprint (its routes are in the views modules of this package)."""
from flask import Blueprint

bp = Blueprint("maps", __name__)
