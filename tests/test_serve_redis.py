"""The shared cache (factorysafe.cache) and the job queue (factorysafe.jobs), each with Redis and without.

Redis runs at REDIS_URL (CI starts it; default redis://127.0.0.1:6379/0). Each test uses its own cache
namespace and queue name and deletes its keys afterwards.
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from flask import current_app
from redis import Redis
from rq import SimpleWorker
from rq.job import Job

from factorysafe import cache as cache_module
from factorysafe import create_app, jobs
from factorysafe.cache import cache, factory_key, forget_factory, key
from factorysafe.db import db

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_conn():
    conn = Redis.from_url(REDIS_URL)
    conn.ping()  # Redis must be running: CI (.ci/run) starts it
    yield conn
    conn.close()


@pytest.fixture
def namespace(redis_conn):
    ns = f"test-{uuid.uuid4().hex[:12]}"
    yield ns
    for k in redis_conn.scan_iter(f"factorysafe:{ns}:*"):
        redis_conn.delete(k)


@pytest.fixture
def queue_name(redis_conn, monkeypatch):
    name = f"factorysafe-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(jobs, "QUEUE", name)
    created: list[str] = []
    yield name, created
    for pattern in [f"rq:*{name}*", *[f"rq:*{job_id}*" for job_id in created]]:
        for k in redis_conn.scan_iter(pattern):
            redis_conn.delete(k)


def make_app(app_config, **settings):
    app = create_app({**app_config, **settings})
    return app


# --- jobs run by these tests (the worker imports them by name) ---------------------------------------
def note_job(name: str, value: str) -> dict:
    """Writes to the shared cache and reads the database: proof of where and in which app it ran."""
    cache.set(key("job", name), value)
    factories = db.session.scalar(sa.text("SELECT COUNT(*) FROM factories"))
    return {"namespace": current_app.config["CACHE_NAMESPACE"], "factories": factories, "value": value}


def failing_job() -> None:
    raise ValueError("this job fails")


JOB = f"{__name__}:note_job"


# --- cache --------------------------------------------------------------------------------------------
def test_cache_with_redis_is_shared_between_apps_of_one_namespace(app_config, namespace, redis_conn):
    one = make_app(app_config, REDIS_URL=REDIS_URL, CACHE_NAMESPACE=namespace)
    two = make_app(app_config, REDIS_URL=REDIS_URL, CACHE_NAMESPACE=namespace)
    other = make_app(app_config, REDIS_URL=REDIS_URL, CACHE_NAMESPACE=namespace + "-other")
    with one.app_context():
        assert cache_module.backend() == "redis"
        cache.set(key("panel", 3, "bn"), {"open": 4})
    assert redis_conn.exists(f"factorysafe:{namespace}:panel:3:bn")
    ttl = redis_conn.ttl(f"factorysafe:{namespace}:panel:3:bn")
    assert 0 < ttl <= one.config["CACHE_SECONDS"]
    with two.app_context():  # another worker process, the same Redis
        assert cache.get(key("panel", 3, "bn")) == {"open": 4}
    with other.app_context():
        assert cache.get(key("panel", 3, "bn")) is None


def test_cache_with_redis_forgets_one_factory_everywhere(app_config, namespace):
    one = make_app(app_config, REDIS_URL=REDIS_URL, CACHE_NAMESPACE=namespace)
    two = make_app(app_config, REDIS_URL=REDIS_URL, CACHE_NAMESPACE=namespace)
    with one.app_context():
        cache.set(factory_key(7, "page", "en"), "factory 7 page")
        cache.set(factory_key(8, "page", "en"), "factory 8 page")
    with two.app_context():
        assert cache.get(factory_key(7, "page", "en")) == "factory 7 page"
        forget_factory(7)
    with one.app_context():
        assert cache.get(factory_key(7, "page", "en")) is None
        assert cache.get(factory_key(8, "page", "en")) == "factory 8 page"


def test_cache_without_redis_is_in_memory_and_per_app(app_config, namespace, redis_conn):
    one = make_app(app_config, CACHE_NAMESPACE=namespace)
    two = make_app(app_config, CACHE_NAMESPACE=namespace)
    assert one.config["REDIS_URL"] is None
    with one.app_context():
        assert cache_module.backend() == "memory"
        cache.set(factory_key(7, "page", "en"), "factory 7 page")
        assert cache.get(factory_key(7, "page", "en")) == "factory 7 page"
        forget_factory(7)
        assert cache.get(factory_key(7, "page", "en")) is None
        cache.set(key("panel"), "kept")
    with two.app_context():
        assert cache.get(key("panel")) is None
    with one.app_context():
        assert cache.get(key("panel")) == "kept"
    assert list(redis_conn.scan_iter(f"factorysafe:{namespace}:*")) == []  # nothing went to Redis


# --- jobs ---------------------------------------------------------------------------------------------
def test_jobs_without_redis_run_inline(app, build):
    build.factory()
    with app.app_context():
        assert app.config["REDIS_URL"] is None
        result = jobs.enqueue(JOB, "inline", "ran at once")
        assert result == {"namespace": app.config["CACHE_NAMESPACE"], "factories": 1, "value": "ran at once"}
        assert cache.get(key("job", "inline")) == "ran at once"


def test_jobs_inline_setting_runs_inline_even_with_redis(app_config, namespace, queue_name, redis_conn):
    name, _ = queue_name
    app = make_app(app_config, REDIS_URL=REDIS_URL, CACHE_NAMESPACE=namespace, JOBS_INLINE=True)
    with app.app_context():
        assert jobs.enqueue(JOB, "inline", "now")["value"] == "now"
        assert jobs.queue().count == 0
    assert not redis_conn.exists(f"rq:queue:{name}")


def test_jobs_with_redis_are_queued_and_run_by_a_worker(app_config, app, build, namespace, queue_name, redis_conn):
    name, created = queue_name
    build.factory()
    build.factory()
    queued = make_app(app_config, REDIS_URL=REDIS_URL, CACHE_NAMESPACE=namespace)
    with queued.app_context():
        job = jobs.enqueue(JOB, "queued", "ran in the worker")
        created.append(job.id)
        assert isinstance(job, Job) and job.origin == name and jobs.queue().count == 1
        assert job.timeout == queued.config["JOB_TIMEOUT"]
        assert cache.get(key("job", "queued")) is None  # not run yet
        worker = SimpleWorker([jobs.queue()], connection=redis_conn)
        assert worker.work(burst=True) is True
        job.refresh()
        assert job.get_status() == "finished", job.latest_result().exc_string if job.latest_result() else None
        assert job.return_value() == {"namespace": namespace, "factories": 2, "value": "ran in the worker"}
        assert cache.get(key("job", "queued")) == "ran in the worker"
        assert jobs.queue().count == 0


def test_a_bare_rq_worker_builds_its_own_app_from_the_environment(app_config, migrated_database, namespace,
                                                                  queue_name, redis_conn, monkeypatch, tmp_path):
    name, created = queue_name
    queued = make_app(app_config, REDIS_URL=REDIS_URL, CACHE_NAMESPACE=namespace)
    with queued.app_context():
        job = jobs.enqueue(JOB, "bare", "own app")
        created.append(job.id)
        q = jobs.queue()
    # What `rq worker -u $REDIS_URL factorysafe` has: the environment, no app context.
    monkeypatch.setenv("DATABASE_URL", migrated_database)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("FACTORYSAFE_INSTANCE_PATH", str(tmp_path / "worker-instance"))
    monkeypatch.setenv("FACTORYSAFE_SECRET_KEY", "worker-secret")
    monkeypatch.setenv("FACTORYSAFE_CACHE_NAMESPACE", namespace)
    monkeypatch.setattr(jobs, "_worker_app", None)
    SimpleWorker([q], connection=redis_conn).work(burst=True)
    worker_app = jobs._worker_app
    assert worker_app is not None and worker_app is not queued
    with worker_app.app_context():
        db.engine.dispose()
    job.refresh()
    assert job.get_status() == "finished"
    assert job.return_value()["namespace"] == namespace
    assert worker_app.instance_path == str(tmp_path / "worker-instance")
    with queued.app_context():
        assert cache.get(key("job", "bare")) == "own app"


def test_a_failing_job_is_marked_failed_with_its_error(app_config, namespace, queue_name, redis_conn):
    _, created = queue_name
    queued = make_app(app_config, REDIS_URL=REDIS_URL, CACHE_NAMESPACE=namespace)
    with queued.app_context():
        job = jobs.enqueue(f"{__name__}:failing_job")
        created.append(job.id)
        SimpleWorker([jobs.queue()], connection=redis_conn).work(burst=True)
        job.refresh()
        assert job.get_status() == "failed"
        assert "this job fails" in job.latest_result().exc_string


def test_the_worker_command_refuses_without_redis(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_the_worker_command_runs_queued_jobs(app_config, namespace, queue_name, redis_conn):
    _, created = queue_name
    queued = make_app(app_config, REDIS_URL=REDIS_URL, CACHE_NAMESPACE=namespace)
    with queued.app_context():
        job = jobs.enqueue(JOB, "command", "by flask worker")
        created.append(job.id)
    result = queued.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    job.refresh()
    assert job.get_status() == "finished" and job.return_value()["value"] == "by flask worker"
    with queued.app_context():
        assert cache.get(key("job", "command")) == "by flask worker"
