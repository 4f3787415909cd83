"""Accounts: login pages, argon2 hashes, API tokens stored hashed, rate limits."""

from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import ApiToken
from app.auth.models import User
from app.auth.services import hash_token
from tests.conftest import PASSWORD


def test_password_is_stored_as_argon2id(db, make_user):
    user = make_user("owner")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_login_and_logout_through_the_pages(client, make_user):
    user = make_user("owner")
    page = client.get("/login")
    assert page.status_code == 200 and b'name="csrf_token"' in page.data
    response = client.submit("/login", {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/buildings").status_code == 200
    response = client.submit("/logout", page="/buildings")
    assert response.status_code == 302
    assert client.get("/buildings").status_code == 302


def test_wrong_password_shows_a_message_next_to_the_field(client, make_user):
    user = make_user("owner")
    response = client.submit("/login", {"email": user.email, "password": "nope-nope"})
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert 'class="field-error"' in response.get_data(as_text=True)


def test_login_redirect_ignores_foreign_next_urls(client, make_user):
    user = make_user("owner")
    response = client.submit(
        "/login?next=https://evil.example/",
        {"email": user.email, "password": PASSWORD},
        page="/login",
    )
    assert response.headers["Location"] == "/buildings" or response.headers["Location"] == "/"


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user("owner")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/buildings").status_code == 302


def test_issue_token_answers_201_and_stores_only_a_hash(client, db, make_user):
    user = make_user("owner")
    response = client.post(
        "/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD, "name": "tablet"}
    )
    assert response.status_code == 201
    token = response.json["token"]
    assert token.startswith("mpx_") and len(token) > 40
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash == hash_token(token)
    assert token not in (stored.token_hash, stored.prefix)
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["email"] == user.email


def test_issue_token_with_wrong_password_is_401(client, make_user):
    user = make_user("owner")
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "x"})
    assert response.status_code == 401
    assert set(response.json) == {"code", "status", "message", "errors"}


def test_issue_token_rejects_unknown_fields_and_wrong_types(client, make_user):
    user = make_user("owner")
    response = client.post(
        "/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD, "admin": True}
    )
    assert response.status_code == 422
    assert "admin" in response.json["errors"]["json"]
    response = client.post("/api/v1/auth/tokens", json={"email": 5, "password": PASSWORD})
    assert response.status_code == 422


def test_users_list_and_revoke_their_own_tokens(client, db, make_user, token_for):
    user = make_user("owner")
    headers = token_for(user)
    second = client.post(
        "/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD}
    ).json
    listed = client.get("/api/v1/auth/tokens", headers=headers)
    assert listed.status_code == 200
    assert {t["id"] for t in listed.json["items"]} == {second["id"], second["id"] - 1}
    assert all("token" not in t for t in listed.json["items"])
    assert listed.json["total"] == 2
    revoked = client.delete(f"/api/v1/auth/tokens/{second['id']}", headers=headers)
    assert revoked.status_code == 204
    dead = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {second['token']}"})
    assert dead.status_code == 401


def test_token_page_creates_and_revokes(client, db, login, make_user):
    user = make_user("contractor")
    login(user)
    page = client.submit("/account/tokens", {"name": "site phone"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "site phone" in html and "mpx_" in html
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    response = client.submit(f"/account/tokens/{token_id}/revoke", page="/account/tokens")
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(ApiToken, token_id).revoked_at is not None


def test_login_endpoints_are_rate_limited(client):
    # Ten different accounts: the per-address limit, not the per-account lockout, answers.
    codes = [
        client.post(
            "/api/v1/auth/tokens", json={"email": f"guess{n}@x.example", "password": "bad"}
        ).status_code
        for n in range(11)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429
    limited = client.post("/api/v1/auth/tokens", json={"email": "x@x.example", "password": "bad"})
    assert limited.json["code"] == 429 and "Retry-After" in limited.headers


def test_login_page_is_rate_limited(client):
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    codes = [
        client.post(
            "/login", data={"email": f"guess{n}@x.example", "password": "bad", "csrf_token": token}
        ).status_code
        for n in range(11)
    ]
    assert codes[-1] == 429 and codes[0] == 401


def test_inactive_users_cannot_log_in(client, db, make_user):
    user = make_user("owner")
    user.active = False
    db.session.commit()
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0
    assert db.session.get(User, user.id).last_login_at is None
