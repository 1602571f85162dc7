"""Public safety map, public factory pages and open data.

The blueprint is in ``blueprint.py``; ``factorysafe.blueprints`` registers it with its views."""
