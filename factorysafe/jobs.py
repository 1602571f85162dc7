"""Background jobs: RQ on Redis when ``REDIS_URL`` is set (``make worker`` runs the worker), otherwise
run inline at once, so the embedded default needs nothing else running.

A job is a function named by its import path (``"factorysafe.maps.exports:build_exports"``) with plain
arguments; it runs inside an app context of its own (the worker creates the app once).
"""
from __future__ import annotations

import importlib

from flask import current_app, has_app_context

QUEUE = "factorysafe"


def _resolve(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def enqueue(path: str, *args, **kwargs):
    """Run the job ``path(*args, **kwargs)``: queued on Redis (returns the RQ job), or inline now (returns
    the function's result) when no ``REDIS_URL`` is configured or ``JOBS_INLINE`` is set."""
    if current_app.config["JOBS_INLINE"] or not current_app.config["REDIS_URL"]:
        return _resolve(path)(*args, **kwargs)
    return queue().enqueue("factorysafe.jobs.run", path, args, kwargs, job_timeout=current_app.config["JOB_TIMEOUT"])


def queue():
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(current_app.config["REDIS_URL"]))


_worker_app = None


def run(path: str, args, kwargs):
    """What the RQ worker executes: the job inside the worker's own app context.

    Under ``flask --app factorysafe worker`` (and an in-process worker) an app context is already active,
    inherited by each forked job process: the job runs in it. Under a bare ``rq worker`` the first job
    creates the app (from the environment: ``DATABASE_URL``, ``FACTORYSAFE_*``)."""
    global _worker_app  # noqa: PLW0603 - one app per worker process, created on its first job
    if has_app_context():
        return _resolve(path)(*args, **kwargs)
    if _worker_app is None:
        from factorysafe import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        return _resolve(path)(*args, **kwargs)
