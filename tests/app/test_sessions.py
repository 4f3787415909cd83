"""Ending logins: logout, a password change and "log out everywhere" make every cookie issued
before stop working, copied ones included; password changes follow the account rules."""

import pytest
from sqlalchemy import select

from app.auth.models import ApiToken
from app.auth.models import User
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def _copy(app, source, *names):
    """A second browser holding copies of the first one's cookies (e.g. stolen)."""
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        thief.set_cookie(name, cookie.value)
    return thief


def _logged_in(client) -> bool:
    return client.get("/account/tokens").status_code == 200


@pytest.fixture
def user(make_user):
    """An owner who logs in through the form."""
    return make_user("owner")


@pytest.fixture
def remembered(client, user):
    """The client logged in with "keep me logged in"."""
    response = client.submit("/login", {"email": user.email, "password": PASSWORD, "remember": "1"})
    assert response.status_code == 302
    return client


def test_a_copied_session_cookie_stops_working_after_logout(app, client, login, user):
    login(user)
    thief = _copy(app, client, "session")
    assert _logged_in(thief)
    client.submit("/logout", page="/account/tokens")
    assert not _logged_in(client)
    assert not _logged_in(thief)


def test_a_copied_remember_cookie_stops_working_after_logout(app, remembered):
    thief = _copy(app, remembered, "remember_token")
    assert _logged_in(thief)  # the remember cookie alone logs a browser in
    remembered.submit("/logout", page="/account/tokens")
    assert not _logged_in(_copy(app, thief, "remember_token"))


def test_the_remember_cookie_is_samesite_httponly(client, user):
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "remember": "1", "csrf_token": token},
    )
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
    )
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie


def test_changing_the_password_on_the_page_keeps_this_browser_and_ends_the_others(
    app, db, remembered, user, token_for
):
    headers = token_for(user)
    other = _copy(app, remembered, "session", "remember_token")
    old_remember = remembered.get_cookie("remember_token").value
    response = remembered.submit(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert _logged_in(remembered)
    assert remembered.get_cookie("remember_token").value != old_remember  # a fresh cookie
    assert not _logged_in(other)
    assert not _logged_in(_copy(app, other, "remember_token"))
    # API tokens keep working; the new password is the one that logs in.
    assert app.test_client().get("/api/v1/auth/me", headers=headers).status_code == 200
    fresh = app.test_client()
    assert fresh.submit("/login", {"email": user.email, "password": PASSWORD}).status_code == 401
    assert (
        fresh.submit("/login", {"email": user.email, "password": NEW_PASSWORD}).status_code == 302
    )


def test_the_password_page_enforces_the_account_rules(client, db, login, user):
    login(user)
    short = client.submit(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert short.status_code == 422
    html = short.get_data(as_text=True)
    assert 'id="new_password-error"' in html and "Use at least 8 characters." in html
    wrong = client.submit(
        "/account/password",
        {
            "current_password": "not my password",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422
    assert "The current password is not correct." in wrong.get_data(as_text=True)
    differ = client.submit(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD + "!",
        },
    )
    assert differ.status_code == 422
    assert "The two new passwords differ." in differ.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored.session_generation == 0  # nothing changed, nobody logged out
    assert _logged_in(client)


def test_the_api_changes_the_password_with_the_same_rules(app, client, db, login, user, token_for):
    headers = token_for(user)
    login(user)
    browser = _copy(app, client, "session")
    short = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=headers,
    )
    assert short.status_code == 422
    assert short.json["errors"] == {"new_password": ["Use at least 8 characters."]}
    wrong = client.post(
        "/api/v1/auth/password",
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert wrong.status_code == 422
    assert wrong.json["errors"] == {"current_password": ["The current password is not correct."]}
    assert _logged_in(browser)
    done = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert done.status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200  # token kept
    assert not _logged_in(browser)
    issued = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert issued.status_code == 401


def test_the_api_password_change_with_a_session_cookie_keeps_that_browser(app, client, login, user):
    login(user)
    other = _copy(app, client, "session")
    page = client.get("/account/password").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 204
    assert _logged_in(client)
    assert not _logged_in(other)


def test_log_out_everywhere_on_the_page_ends_every_login_and_token(
    app, client, db, login, user, token_for
):
    headers = token_for(user)
    login(user)
    other = _copy(app, client, "session")
    response = client.submit("/account/logout-everywhere", page="/account/password")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert not _logged_in(client)
    assert not _logged_in(other)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    db.session.expire_all()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert tokens and all(t.revoked_at is not None for t in tokens)


def test_log_out_everywhere_through_the_api(app, client, login, user, token_for):
    headers, second = token_for(user), token_for(user)
    login(user)
    browser = _copy(app, client, "session")
    response = app.test_client().post("/api/v1/auth/logout-everywhere", headers=headers)
    assert response.status_code == 204
    assert not _logged_in(browser)
    for header in (headers, second):
        assert app.test_client().get("/api/v1/auth/me", headers=header).status_code == 401


def test_the_password_page_is_linked_from_the_header(client, login, user):
    login(user)
    html = client.get("/account/tokens").get_data(as_text=True)
    assert 'href="/account/password"' in html
