"""Lockout after failed logins, per address and per account, in memory and in a real Redis
shared by workers; and the client's address behind a trusted proxy."""

import pytest
import redis

from app import create_app
from app.extensions import db
from tests.conftest import PASSWORD
from tests.redis_server import redis_binary
from tests.redis_server import throwaway_redis


def _token_attempt(client, email: str, password: str, address: str | None = None, **kwargs):
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.post(
        "/api/v1/auth/tokens",
        json={"email": email, "password": password},
        environ_base=environ,
        **kwargs,
    )


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


def test_an_attacker_at_one_address_cannot_lock_the_owner_out(client, make_user):
    user = make_user("owner")
    attacker, owner = "203.0.113.66", "198.51.100.7"
    codes = [_token_attempt(client, user.email, "guess", attacker).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    assert _token_attempt(client, user.email, PASSWORD, owner).status_code == 201
    # The owner's login does not let the attacker in again, even with the right password.
    assert _token_attempt(client, user.email, PASSWORD, attacker).status_code == 429


def test_the_login_page_of_the_owner_works_while_an_attacker_is_locked(client, make_user):
    user = make_user("contractor")
    attacker = {"REMOTE_ADDR": "203.0.113.66"}
    for _ in range(5):
        response = client.submit(
            "/login", {"email": user.email, "password": "guess"}, environ_base=attacker
        )
        assert response.status_code == 401
    response = client.submit("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/tokens").status_code == 200


def test_failures_spread_over_many_addresses_lock_the_account(app, client, make_user):
    app.config["LOGIN_LOCKOUT_ACCOUNT"] = "12 per 15 minutes"
    user = make_user("owner")
    for n in range(3):  # four failures each: none of the addresses is locked on its own
        for _ in range(4):
            address = f"203.0.113.{n + 1}"
            assert _token_attempt(client, user.email, "guess", address).status_code == 401
    locked = _token_attempt(client, user.email, PASSWORD, "198.51.100.7")
    assert locked.status_code == 429
    assert "Too many failed logins for this account" in locked.json["message"]


def _worker_behind_proxy(app, **config):
    """A second app on the same database, as a worker started with this configuration."""
    return create_app(
        "testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], **config
    )


def test_behind_a_trusted_proxy_clients_are_throttled_separately(app):
    worker = _worker_behind_proxy(app, PROXY_FIX_X_FOR=1)
    with worker.app_context():
        client = worker.test_client()
        try:
            first = {"X-Forwarded-For": "203.0.113.1"}
            codes = [
                _token_attempt(client, f"guess{n}@x.example", "bad", headers=first).status_code
                for n in range(11)
            ]
            assert codes == [401] * 10 + [429]
            second = {"X-Forwarded-For": "203.0.113.2"}
            assert _token_attempt(client, "x@x.example", "bad", headers=second).status_code == 401
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_lockout_sees_the_client_behind_a_trusted_proxy(app, make_user):
    user = make_user("owner")
    worker = _worker_behind_proxy(app, PROXY_FIX_X_FOR=1)
    with worker.app_context():
        client = worker.test_client()
        try:
            attacker = {"X-Forwarded-For": "203.0.113.66"}
            for _ in range(5):
                _token_attempt(client, user.email, "guess", headers=attacker)
            assert _token_attempt(client, user.email, PASSWORD, headers=attacker).status_code == 429
            owner = {"X-Forwarded-For": "198.51.100.7"}
            assert _token_attempt(client, user.email, PASSWORD, headers=owner).status_code == 201
        finally:
            db.session.remove()
            db.engine.dispose()


def test_without_a_configured_proxy_x_forwarded_for_is_ignored(client):
    codes = [
        _token_attempt(
            client, f"guess{n}@x.example", "bad", headers={"X-Forwarded-For": f"203.0.113.{n}"}
        ).status_code
        for n in range(11)
    ]
    assert codes == [401] * 10 + [429]


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
