"""Bundles across sellers: the proposal (hand-checked vectors), reserving all or nothing,
parts in their own flow, replacing a rejected part, exports, pages and permissions."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func
from sqlalchemy import select

from marketplace.models import Bundle
from marketplace.models import Listing
from marketplace.models import Notification
from marketplace.models import Reservation
from marketplace.queries.bundles import Candidate
from marketplace.queries.bundles import propose_bundles
from tests.marketplace.test_exports import check_ocds_shape

# ---------------------------------------------------------------------------------------
# The proposal, a pure function: vectors worked out by hand (factor 0.1 kg per t·km).


def c(listing_id, seller, available, km=None, kg=20.0, price=0.0):
    return Candidate(listing_id, seller, available, f"S{seller}", km, kg, price)


DOORS = [
    c(1, 1, 12, km=10),  # 0.02 t × 10 km × 0.1 = 0.02 kg per door
    c(2, 2, 10, km=50),  # 0.10 kg per door
    c(3, 3, 20, km=200),  # 0.40 kg per door
    c(4, 2, 5, km=30),  # 0.06 kg per door
]


def shape(proposal):
    return (
        round(proposal.transport_kg, 6),
        proposal.sellers,
        [(p.listing_id, p.quantity) for p in proposal.parts],
    )


def test_the_cheapest_bundle_in_transport_co2_comes_first():
    proposals = propose_bundles(DOORS, 20, factor=0.1)
    # Sellers 1+2: 12 × 0.02 + 5 × 0.06 + 3 × 0.10 = 0.84 kg.
    # Sellers 2+3: 5 × 0.06 + 10 × 0.10 + 5 × 0.40 = 3.30 kg.
    # Sellers 1+3: 12 × 0.02 + 8 × 0.40 = 3.44 kg. (Seller 3 alone: 8.00 kg, fourth.)
    assert [shape(p) for p in proposals] == [
        (0.84, 2, [(1, 12), (4, 5), (2, 3)]),
        (3.3, 2, [(4, 5), (2, 10), (3, 5)]),
        (3.44, 2, [(1, 12), (3, 8)]),
    ]
    assert proposals[0].quantity == 20 and proposals[0].price_eur == 0


def test_the_seller_limit_and_the_price_limit():
    assert [shape(p) for p in propose_bundles(DOORS, 20, max_sellers=1, factor=0.1)] == [
        (8.0, 1, [(3, 20)])
    ]
    priced = [c(1, 1, 12, km=10, price=90.0), c(2, 2, 10, km=50, price=40.0), c(3, 3, 20, km=200)]
    best = propose_bundles(priced, 20, max_price=50, factor=0.1)
    # Listing 1 costs more than 50 a door: left out; 10 × 0.10 + 10 × 0.40 = 5.00 kg.
    assert [shape(p) for p in best] == [(5.0, 2, [(2, 10), (3, 10)]), (8.0, 1, [(3, 20)])]
    assert best[0].price_eur == 400.0
    on_request = [c(1, 1, 20, km=1, price=None)]
    assert propose_bundles(on_request, 20, max_price=50) == []
    assert propose_bundles(on_request, 20)[0].price_eur is None


def test_on_a_tie_in_co2_the_fewest_sellers_win():
    # No location: every transport is unknown, ranked equal; one seller beats two.
    stock = [c(1, 1, 6), c(2, 2, 6), c(3, 3, 10)]
    assert [(p.sellers, [x.listing_id for x in p.parts]) for p in propose_bundles(stock, 10)] == [
        (1, [3]),
        (2, [1, 2]),
    ]


def test_whole_pieces_and_too_little_stock():
    stock = [c(1, 1, 5.5, km=1), c(2, 2, 5.9, km=2)]
    [only] = propose_bundles(stock, 10, whole=True, factor=0.1)
    assert [p.quantity for p in only.parts] == [5, 5]
    assert propose_bundles(stock, 11, whole=True) == []
    assert propose_bundles(stock, 11.4)[0].quantity == pytest.approx(11.4)


def test_unknown_distance_ranks_as_the_farthest_known():
    stock = [c(1, 1, 10, km=None), c(2, 2, 10, km=40), c(3, 3, 10, km=30)]
    [first, second, third] = propose_bundles(stock, 10, factor=0.1)
    assert [first.parts[0].listing_id, second.parts[0].listing_id] == [3, 2]
    assert third.parts[0].transport_kg is None and third.transport_kg == 0 and third.unknown == 1


def test_several_listings_of_one_seller_count_as_one_seller():
    stock = [c(1, 1, 4, km=1), c(2, 1, 4, km=2), c(3, 1, 4, km=3), c(4, 2, 12, km=90)]
    best = propose_bundles(stock, 12, max_sellers=1, factor=0.1)
    assert [shape(p)[1:] for p in best] == [(1, [(1, 4), (2, 4), (3, 4)]), (1, [(4, 12)])]


# ---------------------------------------------------------------------------------------
# The API.


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def bundle_body(*parts, **extra):
    return {"parts": [{"listing_id": i, "quantity": q} for i, q in parts], **extra}


def counts(db):
    db.session.rollback()
    return (
        db.session.scalar(select(func.count(Reservation.id))),
        db.session.scalar(select(func.count(Bundle.id))),
    )


def test_proposals_for_a_request_that_no_listing_covers(
    client, db, buyer, token_for, seller_listing, wanted_for
):
    near = seller_listing(12, lat=52.01, lon=5.0)
    far = seller_listing(15, lat=52.9, lon=5.0)
    wanted = wanted_for(buyer, quantity=20)
    response = client.get(f"/api/v1/wanted/{wanted.id}/bundles", headers=token_for(buyer))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["single_listing_covers"] is False and body["candidates"] == 2
    [best] = body["proposals"]
    assert [(p["listing_id"], p["quantity"]) for p in best["parts"]] == [(near.id, 12), (far.id, 8)]
    assert best["sellers"] == 2 and best["quantity"] == 20
    part = best["parts"][1]
    assert part["distance_km"] == pytest.approx(100.1, abs=0.2)
    # 8 doors × 25 kg = 0.2 t, over about 100 km at 0.107 kg per t·km.
    assert part["transport_kg"] == pytest.approx(0.2 * part["distance_km"] * 0.107)
    assert part["seller"] == far.organisation.name and part["unit"] == "pcs"


def test_a_bundle_is_reserved_whole(client, db, buyer, token_for, seller_listing, wanted_for):
    a, b = seller_listing(12), seller_listing(15, lat=52.5)
    wanted = wanted_for(buyer, quantity=20)
    body = bundle_body((a.id, 12), (b.id, 8), wanted_request_id=wanted.id, message="For the school")
    response = client.post("/api/v1/bundles", headers=token_for(buyer), json=body)
    assert response.status_code == 201, response.json
    data = response.json
    assert data["quantity"] == 20 and data["sellers"] == 2 and data["unit"] == "pcs"
    assert data["latitude"] == 52.0 and data["wanted_request_id"] == wanted.id
    assert [(p["listing_id"], p["status"], p["bundle_id"]) for p in data["parts"]] == [
        (a.id, "requested", data["id"]),
        (b.id, "requested", data["id"]),
    ]
    assert data["parts"][1]["distance_km"] == pytest.approx(55.6, abs=0.2)
    db.session.rollback()
    assert db.session.get(Listing, a.id).status == "sold_out"
    assert db.session.get(Listing, b.id).quantity_available == 7
    listed = client.get("/api/v1/bundles", headers=token_for(buyer)).json
    assert [x["id"] for x in listed["items"]] == [data["id"]]
    one = client.get(f"/api/v1/bundles/{data['id']}", headers=token_for(buyer))
    assert one.status_code == 200 and len(one.json["parts"]) == 2


def test_409_names_the_listing_short_and_reserves_nothing(
    client, db, buyer, token_for, seller_listing
):
    a, b = seller_listing(12), seller_listing(5)
    response = client.post(
        "/api/v1/bundles", headers=token_for(buyer), json=bundle_body((a.id, 12), (b.id, 8))
    )
    assert response.status_code == 409
    assert response.json["listing_id"] == b.id
    assert response.json["quantity_available"] == 5 and response.json["unit"] == "pcs"
    assert str(b.id) in response.json["message"]
    assert counts(db) == (0, 0)
    assert db.session.get(Listing, a.id).quantity_available == 12
    assert db.session.get(Listing, a.id).status == "published"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"parts": []}, "parts"),
        ({"parts": [{"listing_id": 1, "quantity": 0}]}, "parts"),
        ({"parts": [{"listing_id": 1, "quantity": -2}]}, "parts"),
        ({"parts": [{"listing_id": 1, "quantity": 2, "colour": "red"}]}, "parts"),
        ({"parts": [{"listing_id": 1, "quantity": 2}, {"listing_id": 1, "quantity": 3}]}, "parts"),
        ({"parts": [{"listing_id": 1, "quantity": 2}], "colour": "red"}, "colour"),
        ({"parts": [{"listing_id": 1, "quantity": 2}], "latitude": 52.0}, "longitude"),
        ({"parts": [{"listing_id": 1, "quantity": "2"}]}, "parts"),
    ],
)
def test_bad_bundles_are_422(client, buyer, token_for, body, field):
    response = client.post("/api/v1/bundles", headers=token_for(buyer), json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]


def test_more_sellers_than_the_limit_is_422(app, client, db, buyer, token_for, seller_listing):
    app.config["BUNDLE_MAX_SELLERS"] = 2
    ids = [seller_listing(4).id for _ in range(3)]
    body = bundle_body(*((i, 2) for i in ids))
    response = client.post("/api/v1/bundles", headers=token_for(buyer), json=body)
    assert response.status_code == 422 and "parts" in response.json["errors"]
    assert counts(db) == (0, 0)


def test_own_listing_is_403_and_others_bundles_404(
    client, db, make_user, buyer, token_for, seller_listing
):
    own = seller_listing(5, owner=make_user("owner", org=buyer.organisation))
    other = seller_listing(5)
    response = client.post(
        "/api/v1/bundles", headers=token_for(buyer), json=bundle_body((other.id, 2), (own.id, 2))
    )
    assert response.status_code == 403 and counts(db) == (0, 0)
    made = client.post(
        "/api/v1/bundles", headers=token_for(buyer), json=bundle_body((other.id, 2))
    ).json
    stranger = make_user("buyer")
    seller = other.organisation
    seller_user = make_user("owner", org=seller)
    for user in (stranger, seller_user):
        headers = token_for(user)
        assert client.get(f"/api/v1/bundles/{made['id']}", headers=headers).status_code == 404
        assert client.get("/api/v1/bundles", headers=headers).json["items"] == []
        for tail in ("ocds.json", "export.csv", "export.xlsx"):
            url = f"/api/v1/bundles/{made['id']}/{tail}"
            assert client.get(url, headers=headers).status_code == 404
        url = f"/api/v1/bundles/{made['id']}/parts/{made['parts'][0]['id']}/replace"
        assert client.post(url, headers=headers).status_code in (403, 404)
    # The seller sees their part as an ordinary reservation.
    part = client.get(
        f"/api/v1/reservations/{made['parts'][0]['id']}", headers=token_for(seller_user)
    )
    assert part.status_code == 200 and part.json["bundle_id"] == made["id"]
    contractor = make_user("contractor")
    assert (
        client.post(
            "/api/v1/bundles", headers=token_for(contractor), json=bundle_body((other.id, 1))
        ).status_code
        == 403
    )


def test_proposals_of_another_organisations_request_are_404(
    client, make_user, buyer, token_for, wanted_for
):
    wanted = wanted_for(buyer)
    headers = token_for(make_user("buyer"))
    assert client.get(f"/api/v1/wanted/{wanted.id}/bundles", headers=headers).status_code == 404
    assert client.get("/api/v1/wanted/999999/bundles", headers=token_for(buyer)).status_code == 404


def test_a_rejected_part_is_replaced_and_its_new_seller_told(
    client, db, buyer, token_for, seller_listing, wanted_for, make_user
):
    wanted = wanted_for(buyer, quantity=20)
    a, b = seller_listing(12, lat=52.01), seller_listing(8, lat=52.02)
    spare_far, spare_near = seller_listing(30, lat=53.0), seller_listing(9, lat=52.1)
    headers = token_for(buyer)
    made = client.post(
        "/api/v1/bundles",
        headers=headers,
        json=bundle_body((a.id, 12), (b.id, 8), wanted_request_id=wanted.id),
    ).json
    part_b = next(p for p in made["parts"] if p["listing_id"] == b.id)
    url = f"/api/v1/bundles/{made['id']}/parts/{part_b['id']}/replace"
    assert client.post(url, headers=headers).status_code == 409  # still requested
    seller_b = make_user("owner", org=b.organisation)
    rejected = client.post(
        f"/api/v1/reservations/{part_b['id']}/reject", headers=token_for(seller_b)
    )
    assert rejected.status_code == 200
    response = client.post(url, headers=headers)
    assert response.status_code == 200, response.json
    parts = response.json["parts"]
    [new] = [p for p in parts if p["replaces_id"] == part_b["id"]]
    assert new["listing_id"] == spare_near.id and new["quantity"] == 8
    assert new["status"] == "requested" and new["bundle_id"] == made["id"]
    old = next(p for p in parts if p["id"] == part_b["id"])
    assert old["status"] == "rejected" and old["replaceable"] is False
    db.session.rollback()
    [note] = db.session.scalars(
        select(Notification).where(Notification.kind == "bundle_part_replaced")
    ).all()
    assert note.user_id == spare_near.created_by_id and note.bundle_id == made["id"]
    assert "8 pcs" in note.text and buyer.organisation.name in note.text
    assert client.post(url, headers=headers).status_code == 409  # replaced already
    assert spare_far.id not in [p["listing_id"] for p in parts]


def test_the_bundle_exports(client, db, buyer, token_for, seller_listing, make_user):
    a, b = seller_listing(12, price_basis="fixed", price_eur=40.0), seller_listing(15, lat=52.5)
    headers = token_for(buyer)
    made = client.post(
        "/api/v1/bundles", headers=headers, json=bundle_body((a.id, 12), (b.id, 8))
    ).json
    assert client.get(f"/api/v1/bundles/{made['id']}/ocds.json", headers=headers).status_code == 409
    for part, listing in zip(made["parts"], (a, b), strict=True):
        seller = make_user("owner", org=listing.organisation)
        url = f"/api/v1/reservations/{part['id']}/accept"
        assert client.post(url, headers=token_for(seller)).status_code == 200
    package = client.get(f"/api/v1/bundles/{made['id']}/ocds.json", headers=headers).json
    [release] = package["releases"]
    assert release["ocid"] == f"ocds-mpx-bundle-{made['id']}"
    assert len(release["awards"]) == 2
    for award in release["awards"]:
        check_ocds_shape({**package, "releases": [{**release, "awards": [award]}]})
        assert award["status"] == "pending" and len(award["suppliers"]) == 1
    assert {a["suppliers"][0]["name"] for a in release["awards"]} == {
        a.organisation.name,
        b.organisation.name,
    }
    assert release["awards"][0]["value"] == {"amount": 480.0, "currency": "EUR"}
    text = client.get(f"/api/v1/bundles/{made['id']}/export.csv", headers=headers).get_data(
        as_text=True
    )
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["Listing ID"], r["Quantity"], r["Status"]) for r in rows] == [
        (str(a.id), "12", "Accepted"),
        (str(b.id), "8", "Accepted"),
    ]
    assert rows[0]["Price (EUR)"] == "480"
    response = client.get(
        f"/api/v1/bundles/{made['id']}/export.xlsx", headers={**headers, "Accept-Language": "nl"}
    )
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    assert sheet.max_row == 3 and book.worksheets[-1].title != "About"


# ---------------------------------------------------------------------------------------
# The pages.


def test_the_pages_propose_reserve_show_and_replace(
    client, db, buyer, login, make_user, seller_listing, wanted_for, token_for
):
    wanted = wanted_for(buyer, quantity=20)
    a, b = seller_listing(12, lat=52.01), seller_listing(8, lat=52.02)
    spare = seller_listing(9, lat=52.1)
    login(buyer)
    page = client.get(f"/exchange/wanted/{wanted.id}/bundles")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Reserve this bundle" in html and a.organisation.name in html and " km" in html
    response = client.submit(
        "/exchange/bundles",
        {
            "wanted_request_id": str(wanted.id),
            "listing_id": [str(a.id), str(b.id)],
            "quantity": ["12", "8"],
            "message": "For the school",
        },
        page=f"/exchange/wanted/{wanted.id}/bundles",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    bundle_id = db.session.scalar(select(Bundle.id))
    assert response.headers["Location"].endswith(f"/exchange/bundles/{bundle_id}")
    detail = client.get(f"/exchange/bundles/{bundle_id}").get_data(as_text=True)
    assert a.title in detail and "Requested" in detail and "Replace this part" not in detail
    assert f"/exchange/bundles/{bundle_id}/export.csv" in detail
    assert str(bundle_id) in client.get("/exchange/bundles").get_data(as_text=True)
    # The seller rejects one part; the buyer replaces it from the page.
    part = db.session.scalar(
        select(Reservation).where(
            Reservation.bundle_id == bundle_id, Reservation.listing_id == b.id
        )
    )
    seller = make_user("owner", org=b.organisation)
    client.post(f"/api/v1/reservations/{part.id}/reject", headers=token_for(seller))
    detail = client.get(f"/exchange/bundles/{bundle_id}").get_data(as_text=True)
    assert "Replace this part" in detail
    url = f"/exchange/bundles/{bundle_id}/parts/{part.id}/replace"
    assert client.submit(url, {}, page=f"/exchange/bundles/{bundle_id}").status_code == 303
    db.session.rollback()
    assert (
        db.session.scalar(select(Reservation.listing_id).where(Reservation.replaces_id == part.id))
        == spare.id
    )
    csv_text = client.get(f"/exchange/bundles/{bundle_id}/export.csv").get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) == 4
    xlsx = client.get(f"/exchange/bundles/{bundle_id}/export.xlsx")
    assert (
        xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.data)).worksheets[0].max_row == 4
    )


def test_a_short_bundle_from_the_page_reserves_nothing(
    client, db, buyer, login, seller_listing, wanted_for
):
    wanted = wanted_for(buyer, quantity=20)
    a, b = seller_listing(12), seller_listing(8)
    login(buyer)
    response = client.submit(
        "/exchange/bundles",
        {
            "wanted_request_id": str(wanted.id),
            "listing_id": [str(a.id), str(b.id)],
            "quantity": ["12", "9"],
        },
        page=f"/exchange/wanted/{wanted.id}/bundles",
        follow_redirects=True,
    )
    assert "Nothing was reserved" in response.get_data(as_text=True)
    assert counts(db) == (0, 0)


def test_the_pages_in_japanese(client, buyer, login, seller_listing, wanted_for):
    wanted = wanted_for(buyer, quantity=20)
    seller_listing(12), seller_listing(8)
    login(buyer)
    page = client.get(f"/exchange/wanted/{wanted.id}/bundles", headers={"Accept-Language": "ja"})
    assert page.status_code == 200
    # The words come from the catalogues (filled from the translations at integration).
    assert '<html lang="ja"' in page.get_data(as_text=True)


def test_other_organisations_see_no_bundle_pages(
    client, db, buyer, login, make_user, seller_listing, wanted_for, token_for
):
    wanted = wanted_for(buyer, quantity=20)
    a = seller_listing(12)
    made = client.post(
        "/api/v1/bundles", headers=token_for(buyer), json=bundle_body((a.id, 5))
    ).json
    login(make_user("buyer"))
    assert client.get(f"/exchange/bundles/{made['id']}").status_code == 404
    assert client.get(f"/exchange/bundles/{made['id']}/export.csv").status_code == 404
    assert client.get(f"/exchange/wanted/{wanted.id}/bundles").status_code == 404
    assert "No bundles yet" in client.get("/exchange/bundles").get_data(as_text=True)
