"""Public safety map, public factory pages and open data."""
from flask import Blueprint

bp = Blueprint("maps", __name__)

from factorysafe.maps import api, exports, views  # noqa: E402,F401
