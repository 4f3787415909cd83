"""Who sees a reservation: the lists (page and API) follow the same rule as the detail, so a
contractor of the seller's organisation, who may not even read the building, sees neither the
buyer's email nor their message anywhere."""

import pytest

SECRET = "Please call me on my private number"


def items(body):
    """The rows of an API list, bare or in the paginated envelope."""
    return body["items"] if isinstance(body, dict) else body


@pytest.fixture
def deal(make_user, make_listing, client, token_for):
    """A reservation of org A's listing by a buyer of org B, with a message."""
    seller = make_user("owner")
    buyer = make_user("buyer", email="procurement@buyer.example")
    listing = make_listing(seller)
    reservation = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": 5, "message": SECRET},
    )
    assert reservation.status_code == 201, reservation.json
    return {"seller": seller, "buyer": buyer, "listing": listing, "id": reservation.json["id"]}


def sees(client, login, token_for, user, reservation_id) -> dict:
    """What `user` gets from the list and detail, page and API, for one reservation."""
    headers = token_for(user)
    api_list = items(client.get("/api/v1/reservations", headers=headers).json)
    api_detail = client.get(f"/api/v1/reservations/{reservation_id}", headers=headers)
    login(user)
    pages = "".join(
        client.get(f"/exchange/reservations?side={side}").get_data(as_text=True)
        for side in ("made", "received")
    )
    page_detail = client.get(f"/exchange/reservations/{reservation_id}")
    client.submit("/logout", page="/exchange")
    return {
        "api_list": [r["id"] for r in api_list],
        "api_list_text": str(api_list),
        "api_detail": api_detail.status_code,
        "page_list": "procurement@buyer.example" in pages
        or f'/exchange/reservations/{reservation_id}"' in pages,
        "page_detail": page_detail.status_code,
    }


@pytest.mark.parametrize("who", ["contractor", "other_org", "buyer_org_contractor"])
def test_outsiders_see_it_nowhere(client, login, token_for, make_user, deal, who):
    user = {
        "contractor": lambda: make_user("contractor", org=deal["seller"].organisation),
        "other_org": lambda: make_user("owner"),
        "buyer_org_contractor": lambda: make_user("contractor", org=deal["buyer"].organisation),
    }[who]()
    seen = sees(client, login, token_for, user, deal["id"])
    assert seen["api_list"] == [] and SECRET not in seen["api_list_text"]
    assert "procurement@buyer.example" not in seen["api_list_text"]
    assert seen["api_detail"] == 404 and seen["page_detail"] == 404
    assert seen["page_list"] is False


@pytest.mark.parametrize("side", ["seller", "buyer"])
def test_both_parties_see_it_in_the_list_and_the_detail(client, login, token_for, deal, side):
    seen = sees(client, login, token_for, deal[side], deal["id"])
    assert seen["api_list"] == [deal["id"]] and SECRET in seen["api_list_text"]
    assert seen["api_detail"] == 200 and seen["page_detail"] == 200
    assert seen["page_list"] is True


def test_the_actions_shown_follow_the_side(client, login, token_for, make_user, deal):
    """The seller's colleague (another owner) accepts; the buyer only cancels."""
    colleague = make_user("owner", org=deal["seller"].organisation)
    login(colleague)
    page = client.get(f"/exchange/reservations/{deal['id']}").get_data(as_text=True)
    assert f"/exchange/reservations/{deal['id']}/accept" in page
    assert f"/exchange/reservations/{deal['id']}/cancel" not in page
    client.submit("/logout", page="/exchange")
    login(deal["buyer"])
    page = client.get(f"/exchange/reservations/{deal['id']}").get_data(as_text=True)
    assert f"/exchange/reservations/{deal['id']}/accept" not in page
    assert f"/exchange/reservations/{deal['id']}/cancel" in page
