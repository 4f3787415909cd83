"""The exchange in its readers' languages: API refusals follow Accept-Language and keep their
machine-readable fields; inbox messages are stored as codes and read in the reader's language,
emails in the recipient's; the page's downloads speak the reader's language while the API's
CSV keeps its English columns; messages stored as English text before become codes."""

import csv
import email
import email.policy
import io

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy import text

from app.extensions import db as _db
from marketplace import services
from marketplace.models import Notification
from marketplace.models import SavedSearch

DUTCH = {"Accept-Language": "nl"}


@pytest.fixture
def seller(make_user):
    return make_user("owner")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def _publish_a_match(db, seller, buyer, make_listing, make_lot, name="Deuren"):
    """A saved search of the buyer's, then a published listing that matches it."""
    db.session.add(SavedSearch(user_id=buyer.id, name=name, params={"q": "oak"}))
    db.session.commit()
    listing = make_listing(seller, lot=make_lot(seller, quantity=12.0), publish=False)
    notes = services.publish_and_notify(listing, seller)
    db.session.commit()
    return listing, notes


# ------------------------------------------------------------------ API errors
def test_a_409_for_more_than_is_left_answers_in_dutch_with_the_same_fields(
    client, seller, buyer, make_listing, token_for
):
    listing = make_listing(seller, quantity=40.0)
    url = f"/api/v1/listings/{listing.id}/reservations"
    headers = token_for(buyer)
    english = client.post(url, headers=headers, json={"quantity": 41})
    dutch = client.post(url, headers={**headers, **DUTCH}, json={"quantity": 41})
    assert english.status_code == dutch.status_code == 409
    assert english.json["message"] == "Only 40 pcs left."
    assert dutch.json["message"] == "Nog maar 40 st. beschikbaar."
    # What a program reads does not change with the language.
    machine = ("code", "status", "quantity_available", "unit", "errors")
    assert {k: dutch.json[k] for k in machine} == {k: english.json[k] for k in machine}
    assert dutch.json["status"] == "Conflict" and dutch.json["quantity_available"] == 40


def test_a_refused_step_names_the_status_in_words_and_keeps_its_code(
    client, seller, buyer, make_listing, token_for
):
    listing = make_listing(seller, quantity=10.0)
    made = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": 2},
    ).json
    url = f"/api/v1/reservations/{made['id']}/accept"
    assert client.post(url, headers=token_for(seller)).status_code == 200
    again = client.post(url, headers={**token_for(seller), "Accept-Language": "de"})
    assert again.status_code == 409 and again.json["current_status"] == "accepted"
    assert again.json["message"] == (
        "Diese Reservierung kann nicht angenommen werden (Status: Angenommen)."
    )


# ------------------------------------------------------------------ the inbox
def test_an_inbox_message_is_stored_as_a_code_and_read_in_the_readers_language(
    client, db, seller, buyer, make_listing, make_lot, token_for, login
):
    listing, _notes = _publish_a_match(db, seller, buyer, make_listing, make_lot)
    note = db.session.scalar(select(Notification))
    assert note.kind == "saved_search_match" and note.message == ""
    assert note.params == {
        "search": "Deuren",
        "title": listing.title,
        "quantity": 12.0,
        "unit": "pcs",
        "city": listing.city,
    }
    api = client.get("/api/v1/notifications", headers={**token_for(buyer), **DUTCH}).json
    [item] = api["items"]
    assert item["message"] == (
        f"Nieuw op de marktplaats voor „Deuren”: {listing.title} (12 st., {listing.city})."
    )
    assert item["kind"] == "saved_search_match" and item["params"]["quantity"] == 12.0
    buyer.locale = "ja"
    db.session.commit()
    login(buyer)
    page = client.get("/inbox").get_data(as_text=True)
    assert f"「Deuren」に一致する新しい出品: {listing.title}（12 個、{listing.city}）。" in page
    assert "受信箱" in page


def test_a_notice_email_is_written_in_the_recipients_language(
    app, client, db, seller, buyer, make_user, make_listing, make_lot, smtp_server
):
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_SENDER="exchange@mpx.test",
        DEFAULT_LOCALE="da",
    )
    buyer.locale = "de"
    other = make_user("buyer")  # no saved language: the instance's, Danish
    db.session.add(SavedSearch(user_id=other.id, name="Døre", params={"q": "oak"}))
    _listing, notes = _publish_a_match(db, seller, buyer, make_listing, make_lot)
    # Sent while the seller's request is in Dutch: each recipient still reads their own.
    with app.test_request_context("/", headers=DUTCH):
        from marketplace.alerts import email_notifications

        email_notifications(notes)
    received = {}
    for envelope in smtp_server.messages:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        received[envelope.rcpt_tos[0]] = message
    german, danish = received[buyer.email], received[other.email]
    assert german["Subject"] == (
        "Material Passport Exchange: Ein neues Angebot passt zu Ihrer Suche"
    )
    assert german["Content-Language"] == "de"
    body = german.get_content()
    assert "Neu in der Bauteilbörse für „Deuren“" in body and "Ihr Posteingang:" in body
    assert danish["Subject"] == "Material Passport Exchange: et nyt udbud matcher din søgning"
    assert "Nyt på byttebørsen til »Døre«" in danish.get_content()


def test_messages_stored_as_english_text_become_codes(app, db, runner, buyer):
    user_id = buyer.id
    db.session.commit()
    db.session.remove()
    down = runner.invoke(args=["db", "downgrade", "0010"])
    assert down.exit_code == 0, down.output
    stored = [
        "New on the exchange for “Bricks near Brummen”: Reclaimed facade bricks (275 t, Zutphen).",
        "New on the exchange for “Floors”: Oak boards (12.5 m², no city).",
        "Something else entirely.",
    ]
    with _db.engine.begin() as conn:
        for message in stored:
            conn.execute(
                text(
                    "INSERT INTO notifications (user_id, kind, message, created_at) "
                    "VALUES (:user, 'saved_search_match', :message, CURRENT_TIMESTAMP)"
                ),
                {"user": user_id, "message": message},
            )
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    notes = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [n.params for n in notes] == [
        {
            "search": "Bricks near Brummen",
            "title": "Reclaimed facade bricks",
            "quantity": 275.0,
            "unit": "t",
            "city": "Zutphen",
        },
        {"search": "Floors", "title": "Oak boards", "quantity": 12.5, "unit": "m2", "city": ""},
        None,
    ]
    assert [n.message for n in notes] == ["", "", "Something else entirely."]
    with app.test_request_context("/", headers=DUTCH):
        assert [n.text for n in notes] == [
            "Nieuw op de marktplaats voor „Bricks near Brummen”: Reclaimed facade bricks "
            "(275 t, Zutphen).",
            "Nieuw op de marktplaats voor „Floors”: Oak boards (12,5 m²).",
            "Something else entirely.",  # unreadable: shown as it was stored
        ]


# ------------------------------------------------------------------ downloads
def test_the_pages_downloads_speak_the_readers_language_and_the_apis_csv_stays_english(
    client, seller, buyer, make_listing, token_for, login
):
    listing = make_listing(seller)
    api = client.get(
        f"/api/v1/listings/{listing.id}/export.csv", headers={**token_for(buyer), **DUTCH}
    )
    rows = list(csv.reader(io.StringIO(api.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Listing ID", "Title", "CPV code"]
    assert dict(zip(rows[0], rows[1], strict=True))["Future stock"] == "no"
    login(buyer)
    page = client.get(f"/exchange/listings/{listing.id}/export.csv", headers=DUTCH)
    rows = list(csv.reader(io.StringIO(page.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Aanbod-ID", "Titel", "CPV-code"]
    row = dict(zip(rows[0], rows[1], strict=True))
    # Words follow the reader; codes stay codes.
    assert row["Toekomstige voorraad"] == "nee"
    assert (row["Eenheid"], row["UN/CEFACT-eenheid"], row["CPV-code"]) == (
        "pcs",
        "C62",
        "03419000-0",
    )
    workbook = client.get(
        f"/exchange/listings/{listing.id}/export.xlsx", headers={"Accept-Language": "ja"}
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook.get_data()))
    assert book.sheetnames == ["出品", "部材", "説明"]
    assert book["出品"]["A1"].value == "出品 ID"
    about = "\n".join(str(c.value) for r in book["説明"].iter_rows() for c in r if c.value)
    assert "CO2 の算定方法" in about and "削減CO2e" in about
