"""Corrective action plans: deadlines, owner updates, verification, extensions, escalation.

The blueprint is in ``blueprint.py``; ``factorysafe.blueprints`` registers it with its views."""
