"""The shared cache (Flask-Caching): Redis when ``REDIS_URL`` is set, so every worker process shares one
cache; otherwise a per-process in-memory cache, so the embedded default keeps working with nothing else
running.

Use ``cache.get/set/delete`` (or ``@cache.cached``) with keys from :func:`key`; invalidate per factory
with :func:`forget_factory` when a factory's data changes.
"""
from __future__ import annotations

from flask import current_app
from flask_caching import Cache

cache = Cache()


def init_app(app) -> None:
    url = app.config["REDIS_URL"]
    settings = {"CACHE_DEFAULT_TIMEOUT": app.config["CACHE_SECONDS"],
                "CACHE_KEY_PREFIX": f"factorysafe:{app.config['CACHE_NAMESPACE']}:"}
    if url:
        settings.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=url)
    else:
        settings.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=10_000)
    cache.init_app(app, config=settings)


def backend() -> str:
    """"redis" or "memory": which cache the current app uses."""
    return "redis" if current_app.config["REDIS_URL"] else "memory"


def key(*parts) -> str:
    return ":".join(str(p) for p in parts)


def remember(name: str, seconds: int, compute):
    """``compute()``, shared by every worker for ``seconds`` under ``name`` (a plain, picklable value)."""
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, timeout=seconds)
    return value


def forget_factory(factory_id: int) -> None:
    """Drop every cached entry about one factory (its pages and fragments, in each language)."""
    generation = cache.get(key("factory-gen", factory_id)) or 0
    cache.set(key("factory-gen", factory_id), generation + 1, timeout=0)


def factory_key(factory_id: int, *parts) -> str:
    """A cache key about a factory; :func:`forget_factory` makes every earlier such key unreachable."""
    generation = cache.get(key("factory-gen", factory_id)) or 0
    return key("factory", factory_id, generation, *parts)
