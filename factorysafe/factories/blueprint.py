"""The factories blueprint (its routes are in the views modules of this package)."""
from flask import Blueprint

from factorysafe.factories import status  # noqa: F401 - the status read model's session listeners

bp = Blueprint("factories", __name__)
