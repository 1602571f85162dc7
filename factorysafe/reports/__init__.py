"""PDF inspection and CAP reports, in English and Bangla, cached by content."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from factorysafe.reports import views  # noqa: E402,F401
