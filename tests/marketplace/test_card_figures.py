"""Every figure of a listing card is about the same quantity: what is left on offer, its mass
and the CO2 its reuse avoids; the listing page labels the whole lot's figures as such."""

import re

import pytest


@pytest.fixture
def half_taken(client, make_user, make_lot, make_listing, token_for):
    seller, buyer = make_user("owner"), make_user("buyer")
    lot = make_lot(seller, count=1, quantity=100.0, unit="m3")
    listing = make_listing(seller, lot=lot, title="Yellow brick rubble")
    response = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": 12},
    )
    assert response.status_code == 201
    return listing, buyer


def card(page: str, title: str) -> str:
    match = re.search(r'<article class="card result">.*?</article>', page, re.S)
    assert match and title in match.group(0)
    return match.group(0)


def test_the_card_shows_what_is_left_and_its_mass(client, login, half_taken):
    listing, buyer = half_taken
    login(buyer)
    html = card(client.get("/exchange?q=brick").get_data(as_text=True), "Yellow brick rubble")
    text = re.sub(r"<[^>]+>", "", html)
    assert "88 of 100 m³ left" in text
    assert "2.2 t" in text  # 88 m³ of a lot of 2.5 t
    assert "2.5 t" not in text
    assert "for what is left" in text


def test_an_untouched_lot_shows_its_whole_figures(client, login, make_user, make_listing):
    seller, buyer = make_user("owner"), make_user("buyer")
    make_listing(seller, quantity=40.0, title="Oak doors untouched")
    login(buyer)
    html = card(client.get("/exchange?q=oak").get_data(as_text=True), "Oak doors untouched")
    text = re.sub(r"<[^>]+>", "", html)
    assert "40 pcs · 1.0 t" in text and "of 40" not in text and "what is left" not in text


def test_the_listing_page_labels_the_lot_and_what_is_left(client, login, half_taken):
    listing, buyer = half_taken
    login(buyer)
    page = client.get(f"/exchange/listings/{listing.id}").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", page)
    assert "88 of 100 m³" in text
    assert "2.2 t left of a lot of 2.5 t" in text
