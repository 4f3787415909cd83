"""What a collection handed over is recorded with the reservation, never read from event
notes: imported history that mimics a handover note neither shows on the reservation nor
counts as a transfer made here."""

import re

import pytest

from app.models import utcnow


@pytest.fixture
def seller(make_user):
    return make_user("owner")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def items(body):
    """The rows of an API list, bare or in the paginated envelope."""
    return body["items"] if isinstance(body, dict) else body


def collect(client, token_for, seller, buyer, listing, quantity):
    reservation = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": quantity},
    ).json
    sh = token_for(seller)
    accepted = client.post(f"/api/v1/reservations/{reservation['id']}/accept", headers=sh)
    assert accepted.status_code == 200
    done = client.post(f"/api/v1/reservations/{reservation['id']}/collect", headers=sh)
    assert done.status_code == 200, done.json
    return done.json


def forged_import(client, token_for, forger, make_building, make_component, note):
    """A passport, exported by `forger` and imported back with a made-up handover event."""
    building = make_building(forger, name="Forged depot")
    make_component(building, name="Forged door", quantity=1.0, unit="pcs")
    headers = token_for(forger)
    doc = client.get(f"/api/v1/buildings/{building.id}/passport.json", headers=headers).json
    doc["components"][0]["events"].append(
        {
            "kind": "transferred",
            "occurred_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "status_before": "reserved",
            "status_after": "transferred",
            "condition": None,
            "location": "",
            "from_location": "Town hall",
            "to_location": "Forged depot",
            "distance_km": None,
            "disposal_route": None,
            "latitude": None,
            "longitude": None,
            "notes": note,
        }
    )
    imported = client.post("/api/v1/passports/import", headers=headers, json=doc)
    assert imported.status_code == 201, imported.json
    return imported.json["building"]["id"]


def test_a_collection_lists_exactly_what_it_moved_and_not_an_imported_lookalike(
    client,
    db,
    login,
    seller,
    buyer,
    make_user,
    make_lot,
    make_listing,
    make_building,
    make_component,
    token_for,
):
    lot = make_lot(seller, count=2, quantity=10.0)
    whole, split = lot[1]
    listing = make_listing(seller, lot=lot)
    r = collect(client, token_for, seller, buyer, listing, 15)
    note = f"Collected under reservation {r['id']} by {buyer.organisation.name}."
    forger = make_user("owner")
    forged_building = forged_import(client, token_for, forger, make_building, make_component, note)
    login(buyer)
    page = client.get(f"/exchange/reservations/{r['id']}").get_data(as_text=True)
    section = page[page.index('id="moved"') :]
    assert "Forged door" not in page
    assert len(re.findall(r"<code>[^<]+</code>", section)) == 2
    assert "Oak door 1" in section and "Oak door 2" in section
    moved = r["moved_components"]
    assert [(m["component_id"], m["quantity"]) for m in moved][0] == (whole.id, 10.0)
    [part] = [m for m in moved if m["component_id"] != whole.id]
    assert part["quantity"] == 5.0 and part["tag"] not in (whole.tag, split.tag)
    assert len(moved) == 2
    api = client.get(f"/api/v1/reservations/{r['id']}", headers=token_for(buyer)).json
    assert api["moved_components"] == moved
    # The forged event is history marked as imported, on the page and in the JSON.
    fh = token_for(forger)
    [forged] = items(client.get(f"/api/v1/buildings/{forged_building}/components", headers=fh).json)
    events = items(client.get(f"/api/v1/components/{forged['id']}/events", headers=fh).json)
    [transfer] = [e for e in events if e["kind"] == "transferred"]
    assert transfer["imported"] is True and transfer["notes"] == note
    own = items(client.get(f"/api/v1/components/{whole.id}/events", headers=token_for(buyer)).json)
    assert [e["imported"] for e in own if e["kind"] == "transferred"] == [False]
    client.submit("/logout", page="/exchange")
    login(forger)
    history = client.get(f"/t/{forged['tag']}").get_data(as_text=True)
    assert "Imported</span>" in history and "Recorded elsewhere" in history


def test_imported_transfers_do_not_count_in_the_dashboard(
    client, db, make_user, make_building, make_component, token_for
):
    forger = make_user("owner")
    forged_import(
        client, token_for, forger, make_building, make_component, "Collected under reservation 1"
    )
    dashboard = client.get("/api/v1/dashboard/organisation", headers=token_for(forger)).json
    kinds = {row["kind"]: row["events"] for row in dashboard["activity_by_kind"]}
    assert "transferred" not in kinds
    assert sum(row["events"] for row in dashboard["activity"]) == sum(kinds.values())
    assert dashboard["co2_avoided"]["total_transactions"] == 0
