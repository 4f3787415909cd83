"""Absolute URLs that leave the app (alert emails, exports, OCDS, passport documents) are built
on PUBLIC_BASE_URL, whatever Host header the request that caused them carried."""

import io

import pytest
from openpyxl import load_workbook

EVIL = {"Host": "evil.example"}


@pytest.fixture
def seller(make_user):
    return make_user("owner")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer", email="buyer@kk.example")


def test_alert_email_and_inbox_link_to_the_public_address_not_the_publishers_host(
    app, client, login, seller, buyer, make_listing, token_for, smtp_server
):
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        PUBLIC_BASE_URL="https://mpx.example/reuse/",
    )
    saved = client.post(
        "/api/v1/saved-searches",
        headers=token_for(buyer),
        json={"name": "Doors", "params": {"q": "oak"}},
    )
    assert saved.status_code == 201, saved.json
    listing = make_listing(seller, publish=False)
    published = client.post(
        f"/api/v1/listings/{listing.id}/publish", headers={**token_for(seller), **EVIL}
    )
    assert published.status_code == 200, published.json
    [envelope] = smtp_server.messages
    text = envelope.content.decode("utf-8", "replace")
    assert "evil.example" not in text
    assert f"https://mpx.example/reuse/exchange/listings/{listing.id}\r\n" in text
    assert "Your inbox: https://mpx.example/reuse/inbox\r\n" in text
    login(buyer)
    inbox = client.get("/inbox").get_data(as_text=True)  # its links stay on this site
    assert f'href="/exchange/listings/{listing.id}"' in inbox and "evil.example" not in inbox


def test_exports_ocds_and_passports_ignore_the_host_header(
    client, db, seller, buyer, make_listing, token_for
):
    listing = make_listing(seller)
    bh, sh = {**token_for(buyer), **EVIL}, {**token_for(seller), **EVIL}
    csv = client.get(f"/api/v1/listings/{listing.id}/export.csv", headers=bh)
    assert csv.status_code == 200
    text = csv.get_data(as_text=True)
    assert f"https://mpx.test/exchange/listings/{listing.id}" in text
    assert "https://mpx.test/t/" in text and "evil.example" not in text
    xlsx = client.get(f"/api/v1/listings/{listing.id}/export.xlsx", headers=bh)
    book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
    cells = [str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row]
    book.close()
    assert any(c.startswith("https://mpx.test/") for c in cells)
    assert not any("evil.example" in c for c in cells)
    reservation = client.post(
        f"/api/v1/listings/{listing.id}/reservations", headers=bh, json={"quantity": 5}
    ).json
    client.post(f"/api/v1/reservations/{reservation['id']}/accept", headers=sh)
    ocds = client.get(f"/api/v1/reservations/{reservation['id']}/ocds.json", headers=sh)
    assert ocds.status_code == 200
    body = ocds.get_data(as_text=True)
    assert ocds.json["uri"] == (
        f"https://mpx.test/api/v1/reservations/{reservation['id']}/ocds.json"
    )
    assert "evil.example" not in body
    passport = client.get(f"/api/v1/buildings/{listing.building_id}/passport.json", headers=sh)
    assert passport.status_code == 200
    assert passport.json["components"][0]["tag_url"].startswith("https://mpx.test/t/")
    assert "evil.example" not in passport.get_data(as_text=True)


def test_the_scan_answer_to_a_stranger_links_the_login_on_the_public_address(
    client, seller, make_listing
):
    listing = make_listing(seller)
    tag = listing.items[0].component.tag
    answer = client.get(f"/t/{tag}", headers={"Accept": "application/json", **EVIL})
    assert answer.status_code == 200
    assert "evil.example" not in answer.get_data(as_text=True)
