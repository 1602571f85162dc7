"""PDF inspection and CAP reports, in English and Bangla, cached by content.

The blueprint is in ``blueprint.py``; ``factorysafe.blueprints`` registers it with its views."""
