"""Inspections, findings and photo evidence.

The blueprint is in ``blueprint.py``; ``factorysafe.blueprints`` registers it with its views."""
