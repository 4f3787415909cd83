"""A lot is collected within its window: a reservation needed after the window closes is
refused with the window in the message (the API answers 409: the stored lot refuses it; the
page shows it on the form); a date inside the window is accepted."""

from datetime import date
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from marketplace.models import Reservation

START = date.today() + timedelta(days=5)
END = date.today() + timedelta(days=60)


def count(db):
    db.session.rollback()
    return db.session.scalar(select(func.count(Reservation.id)))


def test_a_need_after_the_window_is_refused_with_the_window(
    client, db, make_user, make_listing, token_for
):
    seller, buyer = make_user("owner"), make_user("buyer")
    listing = make_listing(seller, available_from=START, available_until=END)
    late = (END + timedelta(days=1)).isoformat()
    response = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": 2, "needed_by": late},
    )
    assert response.status_code == 409, response.json
    [message] = response.json["errors"]["needed_by"]
    assert f" {START.day}, {START.year}" in message and f" {END.day}, {END.year}" in message
    assert "cannot be met" in message
    assert count(db) == 0
    ok = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": 2, "needed_by": END.isoformat()},
    )
    assert ok.status_code == 201
    assert (
        client.post(
            f"/api/v1/listings/{listing.id}/reservations",
            headers=token_for(buyer),
            json={"quantity": 1},
        ).status_code
        == 201
    )


def test_the_page_shows_the_window_on_the_field(client, db, login, make_user, make_listing):
    seller, buyer = make_user("owner"), make_user("buyer")
    listing = make_listing(seller, available_until=END)
    login(buyer)
    response = client.submit(
        f"/exchange/listings/{listing.id}/reserve",
        {"quantity": "2", "needed_by": (END + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 422  # the page shows it on the form, as every field error
    page = response.get_data(as_text=True)
    assert "This lot can be collected until" in page and 'id="needed_by-error"' in page
    assert count(db) == 0


def test_a_lot_without_an_end_takes_any_date(client, make_user, make_listing, token_for):
    seller, buyer = make_user("owner"), make_user("buyer")
    listing = make_listing(seller)
    response = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": 1, "needed_by": (date.today() + timedelta(days=900)).isoformat()},
    )
    assert response.status_code == 201
