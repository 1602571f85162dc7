"""factorysafe: factory safety inspections, corrective action plans and public safety maps."""
from __future__ import annotations

import os

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    # Tests (and deployments) may put runtime data elsewhere than ./instance.
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("FACTORYSAFE_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    os.makedirs(app.instance_path, exist_ok=True)

    from factorysafe import config

    app.config.from_object(config.Defaults)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "factorysafe.sqlite")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    config.from_environment(app.config)
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config.normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    config.normalise_hosts(app.config)
    config.ensure_secret_key(app.config, app.instance_path)
    config.ensure_audit_signing_key(app.config, app.instance_path)

    from factorysafe import assets, auth, blueprints, cache, cli, db, errors, i18n, limits, models, security, state, web  # noqa: F401 - models: every table

    from factorysafe import logs

    logs.init_app(app)  # request ids first, so every later hook logs with one
    state.init_app(app)  # app.extensions["factorysafe"]: this app's caches, catalogue and panels
    security.init_app(app)  # before any route: the bounded int converter; headers; NUL bytes refused
    db.init_app(app)
    cache.init_app(app)
    limits.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    assets.init_app(app)  # static files: content-hashed URLs, cached a year, compressed once
    blueprints.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
