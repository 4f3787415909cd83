"""API tokens may be given an end: after it they authenticate nothing."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import ApiToken
from app.models import utcnow
from tests.conftest import PASSWORD


def _issue(client, user, **fields):
    return client.post(
        "/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD, **fields}
    )


def _expire(db, token_id):
    """Let the token's end pass (as the clock would)."""
    token = db.session.get(ApiToken, token_id)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_a_token_with_an_expiry_works_until_then_and_never_after(client, db, make_user):
    user = make_user("owner")
    issued = _issue(client, user, expires_in_days=7)
    assert issued.status_code == 201
    expires_at = datetime.fromisoformat(issued.json["expires_at"])
    assert abs(expires_at - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=1)
    headers = {"Authorization": f"Bearer {issued.json['token']}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    _expire(db, issued.json["id"])
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.get("/api/v1/buildings", headers=headers).status_code == 401


def test_the_token_list_shows_each_expiry(client, db, make_user, token_for):
    user = make_user("owner")
    lasting = _issue(client, user).json
    ending = _issue(client, user, expires_in_days=30).json
    listed = client.get("/api/v1/auth/tokens", headers=token_for(user)).json["items"]
    by_id = {t["id"]: t for t in listed}
    assert by_id[lasting["id"]]["expires_at"] is None
    assert by_id[ending["id"]]["expires_at"] == ending["expires_at"]
    _expire(db, ending["id"])
    listed = client.get("/api/v1/auth/tokens", headers=token_for(user)).json["items"]
    assert {t["id"]: t["active"] for t in listed}[ending["id"]] is False


def test_expiry_must_be_whole_days_within_ten_years(client, make_user):
    user = make_user("owner")
    for value in (0, -1, 3651, "7", 1.5):
        response = _issue(client, user, expires_in_days=value)
        assert response.status_code == 422, value
        assert "expires_in_days" in response.json["errors"]["json"]
    assert _issue(client, user, expires_in_days=None).json["expires_at"] is None


def test_the_token_page_offers_an_expiry_and_shows_it(client, db, login, make_user):
    user = make_user("contractor")
    login(user)
    page = client.submit("/account/tokens", {"name": "site phone", "expires_in_days": "30"})
    assert page.status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.expires_at is not None
    with client.application.test_request_context("/account/tokens"):
        shown = client.application.jinja_env.filters["datetime"](token.expires_at)
    assert "UTC" in shown and shown in page.get_data(as_text=True)  # the zone is always named
    _expire(db, token.id)
    html = client.get("/account/tokens").get_data(as_text=True)
    assert "expired" in html
    refused = client.submit("/account/tokens", {"name": "x", "expires_in_days": "99999"})
    assert refused.status_code == 422
    assert 'id="expires_in_days-error"' in refused.get_data(as_text=True)
