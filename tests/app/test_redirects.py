"""Every `next` and every "Back" link goes through one check: a path on this site, or nothing."""

import pytest

from app.redirects import safe_next
from marketplace import services as exchange
from tests.conftest import PASSWORD

FOREIGN = [
    "/%09/evil.example",
    "/\t/evil.example",
    "/\\evil.example",
    "//evil.example",
    "https://evil.example",
    "\t/evil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "/%2509/evil.example",
    "javascript:alert(1)",
]
LOCAL = "/buildings/1"


@pytest.mark.parametrize("value", FOREIGN)
def test_the_helper_refuses_anything_that_leaves_the_site(value):
    assert safe_next(value, "/fallback") == "/fallback"


def test_the_helper_keeps_paths_with_queries_and_anchors():
    for value in (LOCAL, "/exchange/reservations?side=made&status=", "/search?q=oak%20door#r"):
        assert safe_next(value, "/fallback") == value


def _csrf(client, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def test_the_login_page_only_follows_local_next(app, make_user):
    user = make_user("owner")
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"  # one login per value
    for value, expected in [*((v, "/") for v in FOREIGN), (LOCAL, LOCAL)]:
        client = app.test_client()
        token = _csrf(client, "/login")
        response = client.post(
            "/login",
            query_string={"next": value},
            data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == expected, value


def test_the_hazard_clearance_only_follows_local_next(
    client, login, make_user, make_building, make_component
):
    owner = make_user("owner")
    login(owner)
    building = make_building(owner)
    for value, local in [*((v, False) for v in FOREIGN), (LOCAL, True)]:
        component = make_component(building, hazards=[{"kind": "asbestos", "notes": "Board"}])
        hazard = component.hazards[0]
        response = client.submit(
            f"/components/{component.id}/hazards/{hazard.id}/clearance",
            {"note": "Removal certificate 2024-17", "next": value},
            page=f"/components/{component.id}",
        )
        assert response.status_code == 303
        expected = LOCAL if local else f"/components/{component.id}#hazards"
        assert response.headers["Location"] == expected, value


def test_the_back_link_of_the_passport_page_is_local_only(
    client, login, make_user, make_building, make_component
):
    owner = make_user("owner")
    login(owner)
    component = make_component(make_building(owner), hazards=[{"kind": "lead", "notes": "Paint"}])
    for value in FOREIGN:
        html = client.get(f"/components/{component.id}", query_string={"next": value})
        text = html.get_data(as_text=True)
        assert "Back to the listing" not in text and 'name="next"' not in text, value
        assert "evil.example" not in text, value
    html = client.get(f"/components/{component.id}", query_string={"next": LOCAL})
    text = html.get_data(as_text=True)
    assert f'<a href="{LOCAL}">← Back to the listing</a>' in text
    assert f'name="next" value="{LOCAL}"' in text


def test_the_reservation_actions_only_follow_local_next(
    app, db, make_user, make_building, make_component
):
    owner, buyer = make_user("owner"), make_user("buyer")
    building = make_building(owner)
    doors = make_component(
        building, name="Oak doors", category="door", quantity=40.0, unit="pcs", status="in_storage"
    )
    listing = exchange.create_listing(
        owner, building, {"component_ids": [doors.id], "title": "Doors", "price_basis": "free"}
    )
    exchange.publish_listing(listing, owner)
    reservation = exchange.reserve_listing(buyer, listing.id, {"quantity": 5.0})
    db.session.commit()
    client = app.test_client()
    client.submit("/login", {"email": buyer.email, "password": PASSWORD})
    detail = f"/exchange/reservations/{reservation.id}"
    # The first cancel succeeds, the others are refused (already cancelled): both redirect.
    for value, expected in [*((v, detail) for v in FOREIGN), (LOCAL, LOCAL)]:
        response = client.submit(f"{detail}/cancel", {"next": value}, page=detail)
        assert response.status_code == 303
        assert response.headers["Location"] == expected, value
