"""The blueprint registry: every domain package's blueprint, registered with its views and commands.

Importing a package (``factorysafe.actions``) or its models never imports its views; only this module
does, so views, services and queries can import each other's packages without import cycles.
"""
from __future__ import annotations


def init_app(app) -> None:
    from factorysafe.actions import queue_views as _queue_views, views as _actions_views  # noqa: F401 - routes, panels
    from factorysafe.actions.blueprint import bp as actions
    from factorysafe.auth import admin_views as _admin_views, password_views as _password_views  # noqa: F401
    from factorysafe.auth.blueprint import bp as accounts
    from factorysafe.complaints import channel_views as _channel_views  # noqa: F401 - SMS, register, poster
    from factorysafe.complaints import triage_views as _triage_views  # noqa: F401 - handlers' pages and panel
    from factorysafe.complaints import views as _complaints_views  # noqa: F401 - the worker's side
    from factorysafe.complaints.blueprint import bp as complaints
    from factorysafe.factories import views as _factories_views  # noqa: F401
    from factorysafe.factories.blueprint import bp as factories
    from factorysafe.followups import views as _followups_views  # noqa: F401 - calendar, checks, panel
    from factorysafe.followups.blueprint import bp as followups
    from factorysafe.hazards import views as _hazards_views  # noqa: F401
    from factorysafe.hazards.blueprint import bp as hazards
    from factorysafe.inspections import views as _inspections_views  # noqa: F401
    from factorysafe.inspections.blueprint import bp as inspections
    from factorysafe.maps import api as _maps_api, exports as _maps_exports, views as _maps_views  # noqa: F401
    from factorysafe.maps.blueprint import bp as maps
    from factorysafe.offline import bp as offline
    from factorysafe.reports import views as _reports_views  # noqa: F401
    from factorysafe.reports.blueprint import bp as reports
    from factorysafe.subscriptions import views as _subscriptions_views  # noqa: F401
    from factorysafe.subscriptions.blueprint import bp as subscriptions

    for bp in (factories, inspections, hazards, actions, maps, reports, accounts, complaints, subscriptions,
               offline, followups):
        app.register_blueprint(bp)
    from factorysafe.web import install_panels

    install_panels(app)  # the views above declared their dashboard panels
