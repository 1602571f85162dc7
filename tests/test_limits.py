"""factorysafe.limits: one Flask-Limiter per app, usable by any view (``limits.guard`` with a setting, or
Flask-Limiter's own ``with limits.limiter.limit(...)``); over a limit the answer is a 429 page in the user's
language."""
from __future__ import annotations

import pytest

from factorysafe import limits
from factorysafe.state import state


@pytest.fixture
def app(app):
    """The app with two extra views that use the limiter the two ways other code may."""

    def flask_limiter_block():
        with limits.limiter.limit("2/minute"):
            return "done"

    def guarded():
        limits.guard("PDF_RENDER_RATE_LIMIT", "some key")
        return "done"

    app.add_url_rule("/_test/block", "test_block", flask_limiter_block)
    app.add_url_rule("/_test/guarded", "test_guarded", guarded)
    return app


def test_each_app_has_its_own_limiter(app, app_config):
    from factorysafe import create_app
    from factorysafe.db import db

    other = create_app(app_config)
    try:
        assert state(app).limiter is not state(other).limiter
        with app.app_context():
            assert limits.limiter._get_current_object() is state(app).limiter
    finally:
        with other.app_context():
            db.engine.dispose()


def test_flask_limiters_block_form_answers_429_with_a_page(client):
    assert [client.get("/_test/block").status_code for _ in range(3)] == [200, 200, 429]
    page = client.get("/_test/block").get_data(as_text=True)
    assert "Too many requests" in page
    bangla = client.get("/_test/block?lang=bn")
    assert bangla.status_code == 429 and "অনেক বেশি অনুরোধ" in bangla.get_data(as_text=True)


def test_guard_counts_per_setting_ip_and_key(client):
    statuses = [client.get("/_test/guarded").status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]  # PDF_RENDER_RATE_LIMIT's default: 6/minute
    assert "Please wait a minute" in client.get("/_test/guarded").get_data(as_text=True)
    other_ip = client.get("/_test/guarded", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other_ip.status_code == 200
