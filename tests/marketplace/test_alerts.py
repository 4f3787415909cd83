"""Saved searches and the inbox: saving and stopping searches (API and pages), notifications
when a matching listing is published, reading them, and email through a real local SMTP
server only where MAIL_SERVER is configured."""

import re
import smtplib
import socket

import pytest
from sqlalchemy import func
from sqlalchemy import select

from marketplace.models import Notification
from marketplace.models import SavedSearch


@pytest.fixture
def seller(make_user):
    return make_user("owner")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer", email="buyer@kk.example")


@pytest.fixture
def lot_for_sale(seller, make_building, make_lot, material_id):
    """An unpublished listing of 275 t of bricks in Zutphen, made through the API."""

    def build(
        client,
        token_for,
        title="Reclaimed facade bricks",
        city="Zutphen",
        lat=52.14,
        lon=6.20,
        material="common-clay-brick",
    ):
        building = make_building(seller, city=city, latitude=lat, longitude=lon)
        _building, parts = make_lot(
            seller,
            building=building,
            quantity=275.0,
            unit="t",
            mass_kg=275_000.0,
            materials=[{"material_id": material_id(material), "fraction": 1.0}],
        )
        response = client.post(
            f"/api/v1/buildings/{building.id}/listings",
            headers=token_for(seller),
            json={"component_ids": [p.id for p in parts], "title": title, "price_basis": "free"},
        )
        assert response.status_code == 201, response.json
        return response.json["id"]

    return build


def publish(client, token_for, seller, listing_id):
    response = client.post(f"/api/v1/listings/{listing_id}/publish", headers=token_for(seller))
    assert response.status_code == 200, response.json
    return response


def save(client, headers, name="Bricks near Brummen", **params):
    return client.post(
        "/api/v1/saved-searches", headers=headers, json={"name": name, "params": params}
    )


BRICKS_NEAR_BRUMMEN = {
    "q": "bricks",
    "cpv": "4411",
    "min_quantity": 200,
    "lat": 52.09,
    "lon": 6.15,
    "radius_km": 50,
}


# ------------------------------------------------------------------------------ the API
def test_save_list_get_and_delete_a_search(client, db, buyer, token_for):
    headers = token_for(buyer)
    created = save(client, headers, **BRICKS_NEAR_BRUMMEN)
    assert created.status_code == 201
    body = created.json
    assert body["name"] == "Bricks near Brummen"
    assert body["params"] == {**BRICKS_NEAR_BRUMMEN, "min_quantity": 200.0, "sort": "relevance"}
    assert body["url"].startswith("/exchange?") and "radius_km=50" in body["url"]
    listed = client.get("/api/v1/saved-searches", headers=headers)
    assert listed.status_code == 200 and [s["id"] for s in listed.json["items"]] == [body["id"]]
    assert listed.json["total"] == 1
    assert (
        client.get(f"/api/v1/saved-searches/{body['id']}", headers=headers).json["name"]
        == "Bricks near Brummen"
    )
    assert client.delete(f"/api/v1/saved-searches/{body['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/saved-searches/{body['id']}", headers=headers).status_code == 404
    assert db.session.scalar(select(func.count(SavedSearch.id))) == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "x", "params": {"cpv": "bricks"}}, "cpv"),
        ({"name": "x", "params": {"radius_km": 50}}, "radius_km"),
        ({"name": "x", "params": {"min_quantity": -1}}, "min_quantity"),
        ({"name": "x", "params": {"colour": "red"}}, "colour"),
        ({"name": "x", "params": {"page": 2}}, "page"),
        ({"name": "", "params": {}}, "name"),
        ({"params": {}}, "name"),
        ({"name": "x"}, "params"),
        ({"name": "x", "params": {}, "email": True}, "email"),
    ],
)
def test_bad_saved_searches_are_422(client, db, buyer, token_for, body, field):
    response = client.post("/api/v1/saved-searches", headers=token_for(buyer), json=body)
    assert response.status_code == 422 and field in str(response.json["errors"]), response.json
    assert db.session.scalar(select(func.count(SavedSearch.id))) == 0


def test_saved_searches_are_private_and_need_a_buyer(client, buyer, make_user, token_for):
    mine = save(client, token_for(buyer), q="oak").json
    other = token_for(make_user("buyer"))
    assert client.get(f"/api/v1/saved-searches/{mine['id']}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/saved-searches/{mine['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/saved-searches", headers=other).json["items"] == []
    assert save(client, token_for(make_user("contractor")), q="oak").status_code == 403
    assert client.get("/api/v1/saved-searches").status_code == 401
    assert client.get("/api/v1/notifications").status_code == 401


def test_at_most_fifty_saved_searches(client, buyer, token_for):
    headers = token_for(buyer)
    for i in range(50):
        assert save(client, headers, name=f"s{i}", q=f"w{i}").status_code == 201
    refused = save(client, headers, name="one more", q="oak")
    assert refused.status_code == 409


# ------------------------------------------------------------------------------ matching
def test_a_matching_listing_lands_in_the_inbox(
    client, db, seller, buyer, make_user, token_for, lot_for_sale
):
    headers = token_for(buyer)
    saved = save(client, headers, **BRICKS_NEAR_BRUMMEN).json
    save(client, headers, name="Oak", q="oak")  # another text
    save(client, headers, name="Far", lat=55.68, lon=12.57, radius_km=50)  # Copenhagen
    save(
        client, token_for(make_user("owner", org=seller.organisation)), name="Own stock", q="bricks"
    )  # the seller's own org
    listing_id = lot_for_sale(client, token_for)
    assert db.session.scalar(select(func.count(Notification.id))) == 0  # drafts tell nobody
    publish(client, token_for, seller, listing_id)
    inbox = client.get("/api/v1/notifications", headers=headers)
    assert inbox.status_code == 200 and len(inbox.json["items"]) == 1
    note = inbox.json["items"][0]
    assert note["kind"] == "saved_search_match" and note["listing_id"] == listing_id
    assert note["saved_search_id"] == saved["id"] and note["read_at"] is None
    assert note["emailed_at"] is None
    assert note["message"] == (
        "New on the exchange for “Bricks near Brummen”: Reclaimed facade bricks (275 t, Zutphen)."
    )
    assert note["listing_url"] == f"/exchange/listings/{listing_id}"
    assert db.session.scalar(select(func.count(Notification.id))) == 1


def test_reading_notifications(client, db, seller, buyer, make_user, token_for, lot_for_sale):
    headers = token_for(buyer)
    save(client, headers, q="bricks")
    for title in ("Facade bricks", "Garden bricks"):
        publish(client, token_for, seller, lot_for_sale(client, token_for, title=title))
    notes = client.get("/api/v1/notifications", headers=headers).json["items"]
    assert [n["message"].split(": ", 1)[1].split(" (")[0] for n in notes] == [
        "Garden bricks",
        "Facade bricks",
    ]  # newest first
    first = notes[1]["id"]
    read = client.post(f"/api/v1/notifications/{first}/read", headers=headers)
    assert read.status_code == 200 and read.json["read_at"] is not None
    again = client.post(f"/api/v1/notifications/{first}/read", headers=headers)
    assert again.json["read_at"] == read.json["read_at"]  # the first reading is kept
    unread = client.get("/api/v1/notifications?unread=true", headers=headers)
    assert [n["id"] for n in unread.json["items"]] == [notes[0]["id"]]
    assert unread.json["total"] == 1
    done = client.get("/api/v1/notifications?unread=false", headers=headers)
    assert [n["id"] for n in done.json["items"]] == [first]
    stranger = token_for(make_user("buyer"))
    assert client.post(f"/api/v1/notifications/{first}/read", headers=stranger).status_code == 404
    assert client.get("/api/v1/notifications", headers=stranger).json["items"] == []


def test_deleting_a_saved_search_keeps_its_notifications(
    client, seller, buyer, token_for, lot_for_sale
):
    headers = token_for(buyer)
    saved = save(client, headers, q="bricks").json
    publish(client, token_for, seller, lot_for_sale(client, token_for))
    assert (
        client.delete(f"/api/v1/saved-searches/{saved['id']}", headers=headers).status_code == 204
    )
    notes = client.get("/api/v1/notifications", headers=headers).json["items"]
    assert len(notes) == 1 and notes[0]["saved_search_id"] is None
    publish(client, token_for, seller, lot_for_sale(client, token_for, title="More bricks"))
    assert len(client.get("/api/v1/notifications", headers=headers).json["items"]) == 1


# ------------------------------------------------------------------------------ email
def test_email_goes_through_smtp_where_a_mail_server_is_configured(
    app, client, seller, buyer, token_for, lot_for_sale, smtp_server
):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_SENDER="exchange@mpx.test"
    )
    headers = token_for(buyer)
    save(client, headers, **BRICKS_NEAR_BRUMMEN)
    listing_id = lot_for_sale(client, token_for)
    publish(client, token_for, seller, listing_id)
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.mail_from == "exchange@mpx.test"
    assert envelope.rcpt_tos == ["buyer@kk.example"]
    text = envelope.content.decode("utf-8", "replace")
    assert "Subject: Material Passport Exchange: a new listing matches your search" in text
    assert f"/exchange/listings/{listing_id}" in text and "/inbox" in text
    note = client.get("/api/v1/notifications", headers=headers).json["items"][0]
    assert note["emailed_at"] is not None


def test_no_mail_server_means_no_email(
    app, client, seller, buyer, token_for, lot_for_sale, smtp_server, monkeypatch
):
    assert not app.config.get("MAIL_SERVER")

    def refuse(*args, **kwargs):
        raise AssertionError("SMTP must not be used without MAIL_SERVER")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    save(client, token_for(buyer), q="bricks")
    publish(client, token_for, seller, lot_for_sale(client, token_for))
    assert smtp_server.messages == []
    note = client.get("/api/v1/notifications", headers=token_for(buyer)).json["items"][0]
    assert note["emailed_at"] is None


def test_a_mail_server_that_is_down_never_fails_the_publish(
    app, client, seller, buyer, token_for, lot_for_sale
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port)
    save(client, token_for(buyer), q="bricks")
    listing_id = lot_for_sale(client, token_for)
    assert publish(client, token_for, seller, listing_id).json["status"] == "published"
    note = client.get("/api/v1/notifications", headers=token_for(buyer)).json["items"][0]
    assert note["listing_id"] == listing_id and note["emailed_at"] is None


# ------------------------------------------------------------------------------ the pages
def test_saving_the_current_search_from_the_page(client, db, login, buyer):
    login(buyer)
    page = "/exchange?q=bricks&cpv=4411&lat=52.09&lon=6.15&radius_km=50&min_quantity=200"
    html = client.get(page).get_data(as_text=True)
    assert 'action="/exchange/saved-searches"' in html
    response = client.submit(
        "/exchange/saved-searches",
        {
            "name": "Bricks near Brummen",
            "q": "bricks",
            "cpv": "4411",
            "lat": "52.09",
            "lon": "6.15",
            "radius_km": "50",
            "min_quantity": "200",
            "page": "3",
        },
        page=page,
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/exchange?")
    saved = db.session.scalar(select(SavedSearch))
    assert saved.name == "Bricks near Brummen" and saved.user_id == buyer.id
    assert saved.params == {
        "q": "bricks",
        "cpv": "4411",
        "lat": 52.09,
        "lon": 6.15,
        "radius_km": 50.0,
        "min_quantity": 200.0,
        "sort": "relevance",
    }
    listing = client.get("/exchange/saved-searches").get_data(as_text=True)
    assert "Bricks near Brummen" in listing and "“bricks”" in listing
    assert "within 50 km of 52.09, 6.15" in listing and "at least 200 available" in listing
    delete = re.search(r'action="(/exchange/saved-searches/\d+/delete)"', listing).group(1)
    assert client.submit(delete, page="/exchange/saved-searches").status_code == 302
    assert db.session.scalar(select(func.count(SavedSearch.id))) == 0


def test_a_contractor_cannot_save_a_search(client, login, make_user):
    login(make_user("contractor"))
    html = client.get("/exchange").get_data(as_text=True)
    assert 'action="/exchange/saved-searches"' not in html
    response = client.submit(
        "/exchange/saved-searches", {"name": "x", "q": "oak"}, page="/exchange"
    )
    assert response.status_code == 403


def test_the_inbox_page_and_the_unread_count(client, login, seller, buyer, token_for, lot_for_sale):
    save(client, token_for(buyer), name="Bricks", q="bricks")
    for title in ("Facade bricks", "Garden bricks"):
        publish(client, token_for, seller, lot_for_sale(client, token_for, title=title))
    login(buyer)
    html = client.get("/exchange").get_data(as_text=True)
    assert re.search(r'href="/inbox"[^>]*>Inbox <span class="unread-count"[^>]*>2</span>', html)
    inbox = client.get("/inbox").get_data(as_text=True)
    assert inbox.count("is-unread") == 2 and "Garden bricks" in inbox
    assert inbox.index("Garden bricks") < inbox.index("Facade bricks")
    read = re.search(r'action="(/inbox/\d+/read)"', inbox).group(1)
    assert (
        client.submit(read, {"next": "/inbox?unread=1"}, page="/inbox").headers["Location"]
        == "/inbox?unread=1"
    )
    assert client.get("/inbox?unread=1").get_data(as_text=True).count("is-unread") == 1
    evil = client.submit(read, {"next": "//evil.example/"}, page="/inbox")
    assert evil.headers["Location"] == "/inbox"
    assert client.submit("/inbox/read-all", page="/inbox").status_code == 302
    after = client.get("/inbox").get_data(as_text=True)
    assert "is-unread" not in after and "unread-count" not in after


def test_pages_need_a_login_and_stay_private(client, login, buyer, make_user, token_for):
    for path in ("/inbox", "/exchange/saved-searches"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    mine = save(client, token_for(buyer), q="oak").json
    login(make_user("buyer"))
    response = client.submit(
        f"/exchange/saved-searches/{mine['id']}/delete", page="/exchange/saved-searches"
    )
    assert response.status_code == 404
