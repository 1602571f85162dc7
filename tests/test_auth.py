import pytest


def test_login_shows_who_i_am_and_logout_forgets_me(client, auth, build):
    build.user("engineer", email="eng@example.test")
    response = auth.login("eng@example.test")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "eng@example.test" in page and "Engineer" in page
    auth.logout()
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_is_refused_with_a_message_and_the_email_kept(client, build):
    build.user("owner", email="owner@example.test")
    response = client.post("/login", data={"email": "owner@example.test", "password": "not the password"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Wrong email or password" in page and 'value="owner@example.test"' in page


def test_anonymous_dashboard_goes_to_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_does_not_redirect_off_site(client, build):
    build.user("engineer", email="e@example.test")
    response = client.post("/login?next=//evil.example/x", data={"email": "e@example.test", "password": "correct horse battery"})
    assert response.headers["Location"].endswith("/dashboard")


def test_inactive_account_cannot_sign_in(app, client, build):
    from factorysafe.auth.models import User
    from factorysafe.db import db

    u = build.user("engineer", email="gone@example.test")
    with app.app_context():
        db.session.get(User, u.id).active = False
        db.session.commit()
    assert client.post("/login", data={"email": "gone@example.test", "password": "correct horse battery"}).status_code == 401


def test_passwords_are_stored_with_scrypt(app, build):
    from factorysafe.auth.models import User
    from factorysafe.db import db

    u = build.user("admin")
    with app.app_context():
        stored = db.session.get(User, u.id).password_hash
    assert stored.startswith("scrypt:") and "correct horse" not in stored


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_form_without_csrf_token_is_refused(self, client, build):
        build.user("engineer", email="e@example.test")
        response = client.post("/login", data={"email": "e@example.test", "password": "correct horse battery"})
        assert response.status_code == 400
        assert "form expired" in response.get_data(as_text=True)

    def test_login_form_carries_a_csrf_token(self, client):
        assert 'name="csrf_token"' in client.get("/login").get_data(as_text=True)
