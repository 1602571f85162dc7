"""Factories: their profile, owners and the private factory overview.

The blueprint is in ``blueprint.py``; ``factorysafe.blueprints`` registers it with its views."""
