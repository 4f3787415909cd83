"""Account lockout after failed logins, in memory and in a real Redis shared by workers."""

import pytest
import redis

from app import create_app
from app.extensions import db
from tests.conftest import PASSWORD
from tests.redis_server import redis_binary, throwaway_redis


def _token_attempt(client, email: str, password: str):
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": password})


def test_five_failures_lock_the_account_even_with_the_right_password(client, make_user):
    user = make_user("owner")
    codes = [_token_attempt(client, user.email, "wrong").status_code for _ in range(5)]
    assert codes == [401] * 5
    locked = _token_attempt(client, user.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins for this account" in locked.json["message"]
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60


def test_a_successful_login_clears_the_failures(client, make_user):
    user = make_user("owner")
    for _ in range(4):
        assert _token_attempt(client, user.email, "wrong").status_code == 401
    assert _token_attempt(client, user.email, PASSWORD).status_code == 201
    for _ in range(4):
        assert _token_attempt(client, user.email, "wrong").status_code == 401
    assert _token_attempt(client, user.email, PASSWORD).status_code == 201


def test_lockout_is_per_account(client, make_user):
    locked_out, other = make_user("owner"), make_user("buyer")
    for _ in range(5):
        _token_attempt(client, locked_out.email, "wrong")
    assert _token_attempt(client, locked_out.email, PASSWORD).status_code == 429
    assert _token_attempt(client, other.email, PASSWORD).status_code == 201


def test_unknown_accounts_lock_the_same_way(client):
    codes = [_token_attempt(client, "nobody@x.example", "wrong").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]


def test_the_login_page_says_the_account_is_locked(client, make_user):
    user = make_user("contractor")
    for _ in range(5):
        response = client.submit("/login", {"email": user.email, "password": "wrong"})
        assert response.status_code == 401
    response = client.submit("/login", {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins for this account" in response.get_data(as_text=True)
    assert client.get("/account/tokens").status_code == 302  # still logged out


@pytest.mark.skipif(redis_binary() is None, reason="redis-server not installed")
def test_redis_storage_shares_lockouts_between_workers(app, make_user):
    """Two app instances (two gunicorn workers) on one Redis see the same failures."""
    user = make_user("owner")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    with throwaway_redis() as redis_url:
        stored = redis.Redis.from_url(redis_url)
        try:
            codes = _attempts_from_new_worker(uri, redis_url, user.email, ["wrong"] * 5)
            assert codes == [401] * 5
            assert any(b"login-failures" in key for key in stored.keys("*"))
            # A new worker builds its own limiter storage: with memory it would start from zero.
            assert _attempts_from_new_worker(uri, redis_url, user.email, [PASSWORD]) == [429]
        finally:
            stored.close()


def _attempts_from_new_worker(uri: str, redis_url: str, email: str, passwords: list[str]):
    worker = create_app("testing", SQLALCHEMY_DATABASE_URI=uri, RATELIMIT_STORAGE_URI=redis_url)
    with worker.app_context():
        client = worker.test_client()
        try:
            return [_token_attempt(client, email, password).status_code for password in passwords]
        finally:
            db.session.remove()
            db.engine.dispose()
