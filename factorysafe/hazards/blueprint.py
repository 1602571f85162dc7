"""The hazards blueprint; registering it loads and validates the app's hazard catalogue."""
from flask import Blueprint

from factorysafe.hazards import registry as _catalogue

bp = Blueprint("hazards", __name__)


@bp.record_once
def _load_catalogue(state) -> None:
    _catalogue.install(state.app, state.app.config["HAZARD_CATALOGUE_PATH"])
