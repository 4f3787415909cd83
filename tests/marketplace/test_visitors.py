"""The exchange open to visitors: published listings can be browsed and searched without an
account (page and API), reserving needs one, and a visitor can ask for an account, which
reaches the instance's admins (inbox and email)."""

import pytest
from sqlalchemy import select

from marketplace.models import AccountRequest
from marketplace.models import Notification

ASKING = {
    "name": "Ada Visser",
    "email": "ada@gemeente.example",
    "organisation_name": "Gemeente Zutphen",
    "role": "buyer",
    "message": "We rebuild a school in 2027.",
}


@pytest.fixture
def on_offer(make_user, make_listing, token_for, client):
    seller, buyer = make_user("owner"), make_user("buyer")
    listing = make_listing(seller, quantity=20.0, title="Oak doors for visitors")
    response = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": 3, "message": "For the school"},
    )
    assert response.status_code == 201
    draft = make_listing(seller, publish=False, title="Not yet on offer")
    return {"listing": listing.id, "draft": draft.id, "seller": seller, "buyer": buyer}


def test_a_visitor_searches_and_reads_listings(client, on_offer):
    page = client.get("/exchange?q=oak")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Oak doors for visitors" in html and "Not yet on offer" not in html
    assert "Log in to reserve" in html and "/exchange/account-request" in html
    # Nothing that needs an account: no download, no saved search, no inbox.
    assert "/exchange/export." not in html and "/exchange/saved-searches" not in html
    assert 'href="/inbox"' not in html
    detail = client.get(f"/exchange/listings/{on_offer['listing']}")
    assert detail.status_code == 200
    text = detail.get_data(as_text=True)
    assert "Log in to reserve" in text and "Ask for an account" in text
    assert 'action="/exchange/listings/' not in text  # no reservation form
    buyer = on_offer["buyer"]
    assert buyer.organisation.name not in text and buyer.email not in text
    assert "For the school" not in text
    assert client.get(f"/exchange/listings/{on_offer['draft']}").status_code == 404


def test_a_visitor_uses_the_listings_api(client, on_offer):
    found = client.get("/api/v1/listings?q=oak")
    assert found.status_code == 200
    assert [item["title"] for item in found.json["items"]] == ["Oak doors for visitors"]
    one = client.get(f"/api/v1/listings/{on_offer['listing']}")
    assert one.status_code == 200 and one.json["quantity_available"] == 17
    assert client.get(f"/api/v1/listings/{on_offer['draft']}").status_code == 404
    bad = client.get("/api/v1/listings", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401


def test_reserving_needs_an_account(client, on_offer):
    url = f"/api/v1/listings/{on_offer['listing']}/reservations"
    assert client.post(url, json={"quantity": 1}).status_code == 401
    page = client.submit(
        f"/exchange/listings/{on_offer['listing']}/reserve",
        {"quantity": "1"},
        page=f"/exchange/listings/{on_offer['listing']}",
    )
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert client.get("/exchange/reservations").status_code == 302


def test_the_seller_still_sees_their_draft(client, login, on_offer):
    login(on_offer["seller"])
    assert client.get(f"/exchange/listings/{on_offer['draft']}").status_code == 200


def test_a_visitor_asks_for_an_account_and_the_admins_are_told(
    app, client, db, make_user, smtp_server
):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_SENDER="exchange@mpx.test"
    )
    admin = make_user("admin", email="admin@mpx.example")
    sleeping = make_user("admin")
    sleeping.active = False
    owner = make_user("owner")
    db.session.commit()
    form = client.get("/exchange/account-request")
    assert form.status_code == 200 and 'name="csrf_token"' in form.get_data(as_text=True)
    response = client.submit("/exchange/account-request", ASKING)
    assert response.status_code == 303
    db.session.rollback()
    [stored] = db.session.scalars(select(AccountRequest)).all()
    assert (stored.name, stored.email, stored.role) == (
        "Ada Visser",
        "ada@gemeente.example",
        "buyer",
    )
    assert stored.handled_at is None
    notes = db.session.scalars(select(Notification)).all()
    assert [(n.user_id, n.kind) for n in notes] == [(admin.id, "account_requested")]
    assert notes[0].text == (
        "Ada Visser (ada@gemeente.example) of Gemeente Zutphen asks for an account as Buyer."
    )
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["admin@mpx.example"]
    mail = envelope.content.decode("utf-8", "replace")
    assert "someone asks for an account" in mail and "/exchange/account-requests" in mail
    assert owner.id not in {n.user_id for n in notes}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"email": "not-an-address"}, "email"),
        ({"name": "   "}, "name"),
        ({"role": "admin"}, "role"),
        ({"organisation_name": ""}, "organisation_name"),
        ({"message": "x" * 2001}, "message"),
    ],
)
def test_bad_requests_are_refused_on_their_field(client, db, change, field):
    response = client.submit("/exchange/account-request", {**ASKING, **change})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(AccountRequest)).all() == []


def test_a_request_needs_the_csrf_token(client, db):
    assert client.post("/exchange/account-request", data=ASKING).status_code == 400
    db.session.rollback()
    assert db.session.scalars(select(AccountRequest)).all() == []


def test_requests_are_rate_limited_like_the_login(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    codes = [
        client.submit(
            "/exchange/account-request", {**ASKING, "email": f"a{i}@x.example"}
        ).status_code
        for i in range(3)
    ]
    assert codes == [303, 303, 429]


def test_only_admins_see_and_handle_the_requests(client, db, login, make_user):
    client.submit("/exchange/account-request", ASKING)
    db.session.rollback()
    [stored] = db.session.scalars(select(AccountRequest)).all()
    assert client.get("/exchange/account-requests").status_code == 302
    for role in ("owner", "buyer", "contractor"):
        login(make_user(role))
        assert client.get("/exchange/account-requests").status_code == 403
        handled = client.submit(f"/exchange/account-requests/{stored.id}/handled", page="/exchange")
        assert handled.status_code == 403
        client.submit("/logout", page="/exchange")
    login(make_user("admin"))
    page = client.get("/exchange/account-requests").get_data(as_text=True)
    assert "Ada Visser" in page and "Gemeente Zutphen" in page
    done = client.submit(
        f"/exchange/account-requests/{stored.id}/handled", page="/exchange/account-requests"
    )
    assert done.status_code == 303
    db.session.rollback()
    assert db.session.get(AccountRequest, stored.id).handled_at is not None
    assert "Gemeente Zutphen" not in client.get("/exchange/account-requests").get_data(as_text=True)
    assert "Ada Visser" in client.get("/exchange/account-requests?handled=1").get_data(as_text=True)
    assert (
        client.submit("/exchange/account-requests/9999/handled", page="/exchange").status_code
        == 404
    )
