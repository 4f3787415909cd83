"""Every reservation step tells the other side: in the inbox, and by email where a mail
server is configured. Requests and cancellations reach the seller's owners; acceptances,
rejections and collections reach the user who reserved and the buyer organisation's buyers."""

from sqlalchemy import select

from marketplace.models import Notification


def reserve(client, headers, listing_id, quantity=5):
    response = client.post(
        f"/api/v1/listings/{listing_id}/reservations", headers=headers, json={"quantity": quantity}
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def step(client, headers, reservation_id, name):
    response = client.post(f"/api/v1/reservations/{reservation_id}/{name}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def inbox(db, user):
    db.session.rollback()
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def mail_to(app, smtp_server):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_SENDER="exchange@mpx.test"
    )


def test_each_step_reaches_the_other_side(app, client, db, make_user, make_listing, token_for):
    seller = make_user("owner")
    colleague = make_user("owner", org=seller.organisation)
    buyer = make_user("buyer")
    officer = make_user("buyer", org=buyer.organisation)
    buyer_owner = make_user("owner", org=buyer.organisation)
    listing = make_listing(seller, quantity=40.0, title="Reclaimed oak doors")
    listing_id, seller_org = listing.id, seller.organisation.name
    buyer_org = buyer.organisation.name

    first = reserve(client, token_for(buyer), listing_id, 5)
    [request] = inbox(db, seller)
    assert request.kind == "reservation_requested" and request.reservation_id == first
    assert request.listing_id == listing_id
    assert request.text == (
        f"{buyer_org} asks to reserve 5 pcs of “Reclaimed oak doors”: accept or reject the request."
    )
    assert [n.kind for n in inbox(db, colleague)] == ["reservation_requested"]
    assert inbox(db, buyer) == []

    step(client, token_for(seller), first, "accept")
    for user in (buyer, officer):
        [accepted] = inbox(db, user)
        assert accepted.kind == "reservation_accepted" and accepted.reservation_id == first
        assert seller_org in accepted.text and "5 pcs" in accepted.text
    assert inbox(db, buyer_owner) == []  # an owner of the buying organisation who did not reserve

    step(client, token_for(seller), first, "collect")
    assert [n.kind for n in inbox(db, buyer)] == ["reservation_accepted", "reservation_collected"]

    second = reserve(client, token_for(officer), listing_id, 2)
    step(client, token_for(seller), second, "reject")
    assert [n.kind for n in inbox(db, officer)][-1] == "reservation_rejected"
    assert [n.kind for n in inbox(db, buyer)][-1] == "reservation_rejected"

    third = reserve(client, token_for(buyer), listing_id, 1)
    step(client, token_for(buyer), third, "cancel")
    kinds = [n.kind for n in inbox(db, seller)]
    assert kinds == ["reservation_requested"] * 3 + ["reservation_cancelled"]
    [cancelled] = [n for n in inbox(db, seller) if n.kind == "reservation_cancelled"]
    assert cancelled.text.startswith(f"{buyer_org} cancelled the reservation of 1 pcs")
    # Nobody is told of their own step.
    assert all(n.kind != "reservation_requested" for n in inbox(db, buyer))


def test_the_pages_notify_too(app, client, db, login, make_user, make_listing):
    seller = make_user("owner")
    buyer = make_user("buyer")
    listing = make_listing(seller, quantity=10.0)
    login(buyer)
    response = client.submit(f"/exchange/listings/{listing.id}/reserve", {"quantity": "3"})
    assert response.status_code == 303
    [note] = inbox(db, seller)
    assert note.kind == "reservation_requested"
    client.submit("/logout")
    login(seller)
    page = client.get("/inbox").get_data(as_text=True)
    assert "asks to reserve 3 pcs" in page
    assert f"/exchange/reservations/{note.reservation_id}" in page and "View reservation" in page
    client.submit(f"/exchange/reservations/{note.reservation_id}/accept", {})
    assert [n.kind for n in inbox(db, buyer)] == ["reservation_accepted"]


def test_withdrawing_tells_the_buyers_of_open_requests(
    client, db, make_user, make_listing, token_for
):
    seller = make_user("owner")
    buyer = make_user("buyer")
    listing = make_listing(seller, quantity=10.0)
    reserve(client, token_for(buyer), listing.id, 2)
    response = client.post(f"/api/v1/listings/{listing.id}/withdraw", headers=token_for(seller))
    assert response.status_code == 200
    assert [n.kind for n in inbox(db, buyer)] == ["reservation_rejected"]


def test_a_refused_step_tells_nobody(client, db, make_user, make_listing, token_for):
    seller = make_user("owner")
    buyer = make_user("buyer")
    listing = make_listing(seller, quantity=10.0)
    rid = reserve(client, token_for(buyer), listing.id, 2)
    response = client.post(f"/api/v1/reservations/{rid}/collect", headers=token_for(seller))
    assert response.status_code == 409
    assert inbox(db, buyer) == []


def test_each_step_is_emailed_with_its_subject_and_a_link_to_the_reservation(
    app, client, db, make_user, make_listing, token_for, smtp_server
):
    mail_to(app, smtp_server)
    seller = make_user("owner", email="seller@sell.example")
    buyer = make_user("buyer", email="buyer@buy.example")
    listing = make_listing(seller, quantity=10.0, title="Yellow bricks")
    rid = reserve(client, token_for(buyer), listing.id, 2)
    step(client, token_for(seller), rid, "accept")
    step(client, token_for(seller), rid, "collect")
    sent = [(e.rcpt_tos, e.content.decode("utf-8", "replace")) for e in smtp_server.messages]
    assert [to for to, _text in sent] == [
        ["seller@sell.example"],
        ["buyer@buy.example"],
        ["buyer@buy.example"],
    ]
    subjects = [
        "Subject: Material Passport Exchange: a request to reserve your listing",
        "Subject: Material Passport Exchange: your reservation was accepted",
        "Subject: Material Passport Exchange: your reservation was collected",
    ]
    for (_to, text), subject in zip(sent, subjects, strict=True):
        assert subject in text
        assert f"/exchange/reservations/{rid}" in text and "/inbox" in text
    assert all(n.emailed_at is not None for n in inbox(db, buyer) + inbox(db, seller))


def test_an_email_is_in_the_recipients_language(
    app, client, db, make_user, make_listing, token_for, smtp_server
):
    mail_to(app, smtp_server)
    seller = make_user("owner")
    seller.locale = "nl"
    db.session.commit()
    buyer = make_user("buyer")
    listing = make_listing(seller, quantity=10.0)
    reserve(client, {**token_for(buyer), "Accept-Language": "ja"}, listing.id, 2)
    [envelope] = smtp_server.messages
    assert b"Content-Language: nl" in envelope.content


def test_a_notification_links_to_what_it_is_about_where_that_page_exists(app):
    from flask import url_for

    from marketplace import alerts
    from marketplace.models import Notification as Note

    with app.test_request_context():
        about = alerts.link(Note(kind="reservation_accepted", reservation_id=7, listing_id=3))
        assert about[0] == "/exchange/reservations/7" and about[2] == "View reservation"
        assert alerts.link(Note(kind="saved_search_match", listing_id=3))[0] == (
            "/exchange/listings/3"
        )
        # A kind this instance has no page for yet links the next thing it carries.
        part = Note(kind="bundle_part_replaced", bundle_id=5, reservation_id=9)
        expected = (
            url_for("exchange.bundle_detail", bundle_id=5)
            if "exchange.bundle_detail" in app.view_functions
            else "/exchange/reservations/9"
        )
        assert alerts.link(part)[0] == expected
        assert alerts.link(Note(kind="wanted_match")) is None
        external = alerts.link(Note(kind="reservation_requested", reservation_id=7), external=True)
        assert external[1] == "The reservation: https://mpx.test/exchange/reservations/7"
        assert alerts.subject(Note(kind="no_such_kind")) == (
            "Material Passport Exchange: a new message in your inbox"
        )
