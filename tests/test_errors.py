import pytest
from werkzeug.exceptions import RequestEntityTooLarge


def test_404_is_a_page_in_the_site_layout(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "factorysafe" in r.get_data(as_text=True) and "Not found" in r.get_data(as_text=True)


def test_errors_under_api_are_json(client):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.is_json and r.get_json()["error"]["status"] == 404


def test_500_rolls_back_and_shows_no_trace(app, client):
    from factorysafe.db import db
    from factorysafe.factories.models import Factory

    @app.route("/boom")
    def boom():
        db.session.add(Factory(name="Half Written Ltd", district="Dhaka"))
        db.session.flush()
        raise RuntimeError("secret internals")

    r = client.get("/boom")
    body = r.get_data(as_text=True)
    assert r.status_code == 500 and "secret internals" not in body and "Traceback" not in body
    with app.app_context():
        assert db.session.query(Factory).filter_by(name="Half Written Ltd").count() == 0


def test_413_page(app, client):
    @app.route("/big", methods=["POST"])
    def big():
        raise RequestEntityTooLarge()

    r = client.post("/big")
    assert r.status_code == 413 and "too large" in r.get_data(as_text=True)


@pytest.mark.parametrize("code", [400, 403])
def test_other_error_pages(app, client, code):
    from flask import abort

    app.add_url_rule(f"/e{code}", f"e{code}", lambda: abort(code))
    r = client.get(f"/e{code}")
    assert r.status_code == code and "<html" in r.get_data(as_text=True)


def test_readyz_checks_the_database(client):
    r = client.get("/readyz")
    assert r.status_code == 200 and r.get_json()["status"] == "ok"
    assert r.get_json()["checks"]["database"]["ok"] is True


def test_readyz_reports_an_unreachable_database(tmp_path):
    from factorysafe import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    r = app.test_client().get("/readyz")
    assert r.status_code == 503 and r.get_json()["failing"] == ["database"]
    assert app.test_client().get("/healthz").status_code == 200  # alive all the same
