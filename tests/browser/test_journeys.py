"""The four user journeys of the exchange, in Chromium, through the pages people use.

1. An owner logs in, registers a building due for demolition, imports its components from a
   spreadsheet, prints their QR labels and offers the bricks on the exchange.
2. A contractor on site opens /scan on a phone; the camera (Chromium's fake camera playing a
   clip of a real printed label) reads the tag, the component's passport opens, and the
   dismantling is recorded with a photo.
3. A buyer searches the exchange within a radius, opens a listing, reserves part of it and
   downloads the search and the listing as Excel workbooks.
4. The owner accepts the reservation and marks it collected; the buyer finds the bricks in
   their own building, with their history.

Each journey saves numbered screenshots in test-artifacts/<journey>/. Journeys 3 and 4 start
from data arranged with the services (the steps before them are journeys 1 and 2); every step a
person takes is taken in the browser.
"""

import io
import re
from datetime import date
from datetime import timedelta
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import select

from marketplace import services as exchange
from marketplace.models import Listing
from marketplace.models import Reservation
from passports import services as passports
from passports.labels import LabelData
from passports.models import Building
from passports.models import Component
from passports.qr import tag_url
from passports.services import record_event
from tests.browser.conftest import CHROMIUM
from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.conftest import PHONE
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.conftest import site_photo
from tests.browser.journeys import DESKTOP
from tests.browser.journeys import Journey
from tests.browser.journeys import Watch
from tests.browser.journeys import camera_scene
from tests.browser.journeys import label_picture
from tests.browser.journeys import pdf_pages
from tests.browser.journeys import qr_texts
from tests.browser.journeys import sheet_csv
from tests.browser.journeys import write_y4m
from tests.conftest import PASSWORD

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: the playwright package is not installed"
)
expect = sync_api.expect

FAKE_CAMERA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
ZUTPHEN = ("52.13860", "6.20030")
BRICK_LOT = "Yellow facing brick, 1962, lime mortar"


# ------------------------------------------------------------------ people and browsers
@pytest.fixture
def camera_browser(browser):
    """A second Chromium whose camera films a clip: camera_browser(path_to_y4m)."""
    launched = []

    def launch(clip):
        args = [*CHROMIUM_ARGS, *FAKE_CAMERA_ARGS, f"--use-file-for-fake-video-capture={clip}"]
        chromium = browser.browser_type.launch(executable_path=str(CHROMIUM), args=args)
        launched.append(chromium)
        return chromium

    yield launch
    for chromium in launched:
        chromium.close()


@pytest.fixture
def people(browser, live_server):
    """A browser profile per person: people("owner") → a page, desktop-sized unless phone=True.

    Every page fails the test on an uncaught script error or a CSP violation.
    """
    contexts, watches = [], []

    def open_page(who: str, *, phone: bool = False, chromium=None, **options):
        device = (
            {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
            if phone
            else {"viewport": DESKTOP}
        )
        context = (chromium or browser).new_context(
            base_url=live_server,
            locale="en-GB",
            timezone_id="Europe/Amsterdam",
            accept_downloads=True,
            **device,
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watches.append(Watch(page, who))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert [p for watch in watches for p in watch.problems] == []


def log_in(page, journey: Journey, person) -> None:
    """Log in through the login form, as that person would."""
    page.goto("/login")
    page.fill("#email", person.email)
    page.fill("#password", PASSWORD)
    journey.shot(page, "login")
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: not url.endswith("/login"))
    expect(page.locator(".topbar .who")).to_contain_text(person.email)


def menu(page, item: str) -> None:
    """Follow a link of the top menu."""
    page.locator(".topbar .nav").get_by_role("link", name=item, exact=True).click()


def person(user) -> SimpleNamespace:
    """The plain values of a user, read while the test thread's transaction is open."""
    return SimpleNamespace(id=user.id, email=user.email, organisation_id=user.organisation_id)


def fresh(db):
    """End the test thread's transaction, so reads see what the server committed."""
    db.session.rollback()
    return db.session


# ------------------------------------------------------------------ 1. owner
BRICK_ROW = {
    "category": "external_wall",
    "storey": "00 Ground floor",
    "unit": "m3",
    "materials": "Common clay brick 85%; Lime mortar 15%",
    "condition": "4",
    "connection_type": "lime_mortar",
    "install_year": "1962",
    "service_life_years": "150",
    "description": "Lime mortar: the bricks can be cleaned and reused.",
}
SPREADSHEET = [
    {**BRICK_ROW, "external_id": "W-101", "name": "Facing brick, east facade", "quantity": "38"},
    {**BRICK_ROW, "external_id": "W-102", "name": "Facing brick, west facade", "quantity": "24,5"},
    {
        "external_id": "B-201",
        "name": "Steel beam HEA 200",
        "category": "structure",
        "storey": "01 First floor",
        "quantity": "6,4",
        "unit": "m",
        "volume_m3": "0,32",
        "materials": "Structural steel section",
        "condition": "3",
        "connection_type": "bolted",
        "install_year": "1962",
    },
]


def test_owner_registers_imports_prints_labels_and_lists_on_the_exchange(
    people, db, make_org, make_user
):
    journey = Journey("1-owner-registers-imports-prints-lists")
    owner = person(make_user("owner", org=make_org("municipality", "Gemeente Brummen")))
    db.session.commit()
    page = people("owner")
    log_in(page, journey, owner)

    # Register the building, due for demolition: its components can be offered before then.
    menu(page, "Buildings")
    page.get_by_role("link", name="Register a building").click()
    demolition = date.today() + timedelta(days=90)
    page.fill("#name", "Raadhuis Brummen, 1962 wing")
    page.fill("#address", "Engelenburgerstraat 32")
    page.fill("#city", "Brummen")
    page.fill("#country", "NL")
    page.fill("#latitude", "52.0903")
    page.fill("#longitude", "6.1553")
    page.fill("#year_built", "1962")
    page.fill("#gross_floor_area_m2", "2400")
    page.select_option("#use_type", "civic")
    page.select_option("#status", "demolition_planned")
    page.fill("#planned_date", demolition.isoformat())
    journey.shot(page, "building-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_have_text("Building registered.")
    expect(page.locator("h1")).to_have_text("Raadhuis Brummen, 1962 wing")
    building_url = page.url
    journey.shot(page, "building-registered")

    # Import the components: upload, wait for the preview, confirm.
    page.get_by_role("link", name="Import", exact=True).click()
    page.set_input_files(
        "#file",
        files=[{"name": "raadhuis.csv", "mimeType": "text/csv", "buffer": sheet_csv(SPREADSHEET)}],
    )
    journey.shot(page, "import-upload")
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("h1")).to_have_text("Preview: raadhuis.csv")  # after the progress page
    confirm = page.locator(".confirm-box")
    expect(confirm).to_contain_text("3 components will be created · 0 updated")
    journey.shot(page, "import-preview")
    confirm.get_by_role("button", name="Import 3 components").click()
    expect(page.locator("h1")).to_have_text("Imported: raadhuis.csv")
    journey.shot(page, "import-report")
    page.goto(building_url)
    expect(page.locator(".stats .stat").first).to_contain_text("3")

    # Print the labels: the form, a layout, the PDF.
    page.get_by_role("link", name="Print labels").click()
    expect(page.locator("h1")).to_have_text("Print QR labels")
    page.select_option("#layout", "l7163")
    journey.shot(page, "labels-form")
    with page.expect_download() as downloaded:
        page.get_by_role("button", name="Download PDF").click()
    download = downloaded.value
    assert download.suggested_filename == "labels-raadhuis-brummen-1962-wing-l7163.pdf"
    pdf = journey.keep(download)
    assert pdf.startswith(b"%PDF-")
    sheet = pdf_pages(pdf)
    assert len(sheet) == 1
    journey.picture(sheet[0], "label-sheet")
    tags = (
        fresh(db)
        .scalars(
            select(Component.tag)
            .join(Building)
            .where(Building.name == "Raadhuis Brummen, 1962 wing")
        )
        .all()
    )
    db.session.rollback()
    assert len(tags) == 3
    assert sorted(qr_texts(sheet[0])) == sorted(tag_url(t) for t in tags)

    # Offer the bricks as one lot, then publish it.
    page.goto(building_url)
    page.get_by_role("link", name="List on the exchange").click()
    expect(page.locator("h1")).to_have_text("List components on the exchange")
    expect(page.locator(".flash-info")).to_contain_text("Future stock.")
    page.get_by_label("Facing brick, east facade").check()
    page.get_by_label("Facing brick, west facade").check()
    expect(page.get_by_label("Steel beam HEA 200")).not_to_be_checked()
    page.fill("#title", BRICK_LOT)
    page.fill("#description", "Yellow facing brick from the 1962 wing, laid in lime mortar.")
    page.select_option("#price_basis", "fixed")
    page.fill("#price_eur", "45")
    page.fill("#evidence", "Mortar analysis 2025: lime-rich, no cement. Asbestos survey: none.")
    # Left empty, future stock takes the planned date (checked once saved, below).
    expect(page.locator("#available_from")).to_have_value("")
    expect(page.locator("#available_from + .help")).to_contain_text(
        f"{demolition.day} {demolition:%b %Y}"
    )
    journey.shot(page, "listing-form")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash-success")).to_contain_text("Draft saved.")
    expect(page.locator("h1")).to_have_text(BRICK_LOT)
    journey.shot(page, "listing-draft")
    page.get_by_role("button", name="Publish on the exchange").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Published: the listing is on the exchange."
    )
    expect(page.locator(".page-head .badge").first).to_have_text("Published")
    expect(page.locator("#reserve")).to_contain_text("No reservations yet.")
    journey.shot(page, "listing-published")

    listing = fresh(db).scalar(select(Listing).where(Listing.title == BRICK_LOT))
    assert (listing.status, listing.future_stock, listing.quantity_available) == (
        "published",
        True,
        62.5,
    )
    assert listing.unit == "m3" and listing.price_eur == 45.0
    assert listing.available_from == demolition
    db.session.rollback()

    # The lot is on the exchange for everyone.
    menu(page, "Exchange")
    page.fill("#q", "yellow facing brick")
    page.locator("#search-form .exchange-go button").click()
    expect(page.locator(".result h2")).to_have_text([BRICK_LOT])
    journey.shot(page, "on-the-exchange")
    print(f"\njourney 1: {journey.seconds:.1f} s, {len(journey.steps)} screenshots")


# ------------------------------------------------------------------ 2. contractor
def test_contractor_scans_a_printed_label_with_the_phone_camera_and_records_the_dismantling(
    camera_browser, people, site, live_server, tmp_path, events_of
):
    journey = Journey("2-contractor-scans-and-dismantles")
    brick = site.component(name="Facing brick, north facade", storey="00 Ground floor")
    # The label as the owner printed it, stuck on the wall and filmed by the phone.
    label = LabelData(
        brick.tag, tag_url(brick.tag), brick.name, "00 Ground floor", "Raadhuis Brummen"
    )
    scene = camera_scene(label_picture(label))
    journey.picture(scene, "what-the-camera-films")
    clip = write_y4m(tmp_path / "label.y4m", scene)
    phone = people("contractor", phone=True, chromium=camera_browser(clip), permissions=["camera"])
    log_in(phone, journey, site.contractor)
    assert phone.evaluate("'BarcodeDetector' in window") is False  # Chromium on Linux

    # Until the screenshot of the live camera is taken, the server "sees nothing".
    def nothing_yet(route):
        route.fulfill(status=204, headers={"Cache-Control": "no-store"})

    phone.route("**/scan/frame", nothing_yet)
    with phone.expect_request(lambda r: r.url.endswith("/scan/frame")) as first_frame:
        phone.goto("/scan")
        scanner = phone.locator("#scanner")
        expect(scanner).to_have_attribute("data-camera", "yes")
        expect(scanner).to_have_attribute("data-decoder", "server")
        expect(phone.locator("#camera-start")).to_be_hidden()  # allowed before: it starts
    frame = first_frame.value
    assert frame.method == "POST"
    assert frame.headers["x-csrftoken"]
    assert frame.headers["content-type"].startswith("multipart/form-data")
    assert b"image/jpeg" in frame.post_data_buffer
    size = phone.evaluate(
        "() => { const v = document.getElementById('camera-video');"
        " return [v.videoWidth, v.videoHeight]; }"
    )
    assert size == [640, 480]
    expect(phone.locator("#camera-status")).to_contain_text("Point the camera at the label")
    journey.shot(phone, "scanner-live-camera")

    # Now the frames reach the server's decoder; the first one opens the passport.
    phone.unroute("**/scan/frame")
    phone.wait_for_url(f"{live_server}/t/{brick.tag}")
    expect(phone.locator("h1")).to_have_text("Facing brick, north facade")
    expect(phone.locator(".scan-head .badge")).to_have_text("Installed")
    journey.shot(phone, "passport-opened")

    # Record the dismantling, with a photo taken through the file chooser.
    phone.select_option("#kind", "dismantled")
    phone.fill("#notes", "Taken down by hand; lime mortar cleaned off on site.")
    with phone.expect_file_chooser() as chooser:
        phone.locator("#photos").click()
    photo = {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": site_photo()}
    chooser.value.set_files(files=[photo])
    journey.shot(phone, "dismantled-form")
    phone.click("#event-form button[type=submit]")
    expect(phone.locator(".flash-success")).to_have_text("Recorded: Dismantled.")
    event = phone.locator("#timeline .event").first
    expect(event).to_contain_text("Dismantled")
    expect(event).to_contain_text("Taken down by hand; lime mortar cleaned off on site.")
    expect(event.locator(".photos img")).to_have_count(1)
    expect(phone.locator(".scan-head .badge")).to_have_text("Harvested")
    phone.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=event.locator(".photos img").element_handle(),
    )
    phone.locator("#timeline").scroll_into_view_if_needed()
    journey.shot(phone, "history")
    assert [(e["kind"], e["photos"]) for e in events_of(brick.id)] == [("dismantled", 1)]
    print(f"\njourney 2: {journey.seconds:.1f} s, {len(journey.steps)} screenshots")


# ------------------------------------------------------------------ 3 and 4: the exchange
@pytest.fixture
def exchange_story(db, make_org, make_user, make_building, make_component, material_id):
    """Bricks of Raadhuis Brummen, dismantled and stored by the contractor, on offer; red
    bricks far away in Groningen; the buyer, Gemeente Zutphen, and its new school."""
    owner = make_user("owner", org=make_org("municipality", "Gemeente Brummen"))
    contractor = make_user("contractor", org=make_org("contractor", "Demontage Oost B.V."))
    buyer = make_user("buyer", org=make_org("municipality", "Gemeente Zutphen"))
    town_hall = make_building(
        owner,
        name="Raadhuis Brummen",
        address="Engelenburgerstraat 32",
        city="Brummen",
        latitude=52.0903,
        longitude=6.1553,
        year_built=1962,
    )
    passports.grant_access(town_hall, contractor.organisation_id, owner)
    brick_mix = [
        {"material_id": material_id("common-clay-brick"), "fraction": 0.85},
        {"material_id": material_id("lime-mortar"), "fraction": 0.15},
    ]
    bricks = make_component(
        town_hall,
        name="Facing brick, east facade",
        quantity=38.0,
        unit="m3",
        materials=brick_mix,
        install_year=1962,
    )
    record_event(bricks, contractor, {"kind": "dismantled", "notes": "Taken down by hand."})
    record_event(bricks, contractor, {"kind": "stored", "location": "Depot Zutphen, rack B4"})
    lot = exchange.create_listing(
        owner,
        town_hall,
        {
            "component_ids": [bricks.id],
            "title": BRICK_LOT,
            "description": "Cleaned, on pallets.",
            "price_basis": "fixed",
            "price_eur": 45.0,
        },
    )
    exchange.publish_listing(lot, owner)

    groningen = make_user("owner", org=make_org("municipality", "Gemeente Groningen"))
    theatre = make_building(
        groningen,
        name="Stadsschouwburg annex",
        city="Groningen",
        latitude=53.2194,
        longitude=6.5665,
    )
    red = make_component(
        theatre, name="Facing brick, red", quantity=20.0, unit="m3", status="in_storage"
    )
    far = exchange.create_listing(
        groningen,
        theatre,
        {"component_ids": [red.id], "title": "Red facing brick, 1975", "price_basis": "free"},
    )
    exchange.publish_listing(far, groningen)

    school = make_building(
        buyer,
        name="Nieuwbouw school De Hanzehof",
        address="Isendoornstraat 1",
        city="Zutphen",
        latitude=float(ZUTPHEN[0]),
        longitude=float(ZUTPHEN[1]),
        use_type="education",
        year_built=2026,
    )
    db.session.commit()
    story = SimpleNamespace(
        owner=person(owner),
        contractor=person(contractor),
        buyer=person(buyer),
        buyer_user=buyer,
        town_hall=town_hall.id,
        school=school.id,
        school_name=school.name,
        bricks=SimpleNamespace(id=bricks.id, tag=bricks.tag, name=bricks.name),
        lot=lot.id,
        far=far.id,
    )
    db.session.commit()
    return story


def test_buyer_searches_within_a_radius_reserves_and_exports(people, db, exchange_story):
    story = exchange_story
    journey = Journey("3-buyer-searches-reserves-exports")
    page = people("buyer")
    log_in(page, journey, story.buyer)

    # Search: both brick lots match the words; only one is within 25 km of Zutphen.
    menu(page, "Exchange")
    page.fill("#q", "facing brick")
    page.fill("#lat", ZUTPHEN[0])
    page.fill("#lon", ZUTPHEN[1])
    page.locator("#search-form .exchange-go button").click()
    results = page.locator(".result h2")
    expect(results).to_have_count(2)
    page.fill("#radius_km", "25")
    journey.shot(page, "search-form")
    page.locator("#search-form .exchange-go button").click()
    expect(page).to_have_url(re.compile(r"radius_km=25"))
    expect(results).to_have_text([BRICK_LOT])
    result = page.locator(".result").first
    expect(result).to_contain_text(re.compile(r"Distance\s*\d+(\.\d)? km"))
    expect(page.locator(".results-count")).to_contain_text("within 25 km of 52.1386, 6.2003")
    journey.shot(page, "search-results")

    # The search's results as a workbook, as they are now.
    with page.expect_download() as downloaded:
        page.locator("#export").get_by_role("link", name="Excel").click()
    rows = _sheet_rows(journey.keep(downloaded.value), "Listings")
    assert [r["Title"] for r in rows] == [BRICK_LOT]
    assert rows[0]["Quantity available"] == 38
    assert rows[0]["CPV code"] == "44111100-2"

    # Open the listing and reserve part of it for the new school.
    result.get_by_role("link", name=BRICK_LOT).click()
    expect(page.locator("h1")).to_have_text(BRICK_LOT)
    expect(page.locator("#reserve")).to_contain_text("38 m³ left")
    journey.shot(page, "listing")
    page.fill("#quantity", "12")
    page.fill("#needed_by", (date.today() + timedelta(days=30)).isoformat())
    page.select_option("#destination_building_id", label=f"{story.school_name}, Zutphen")
    page.fill("#message", "For the inner courtyard wall of the new school.")
    journey.shot(page, "reserve-form")
    page.get_by_role("button", name="Reserve").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Reserved 12 m³: Gemeente Brummen has been asked to accept."
    )
    expect(page.locator("h1")).to_contain_text("12 m³")
    expect(page.locator(".page-head .badge")).to_have_text("Requested")
    journey.shot(page, "reservation-requested")

    # The listing as a workbook: the lot, what is left, and its components' passports.
    page.get_by_role("link", name=BRICK_LOT).click()
    expect(page.locator("#reserve")).to_contain_text("26 m³ left")
    journey.shot(page, "listing-after-reservation")
    with page.expect_download() as downloaded:
        page.locator(".page-head").get_by_role("link", name="Excel").click()
    book = journey.keep(downloaded.value)
    listing_rows = _sheet_rows(book, "Listings")
    assert [(r["Title"], r["Quantity available"]) for r in listing_rows] == [(BRICK_LOT, 26)]
    components = _sheet_rows(book, "Components")
    assert [c["Tag"].replace("-", "") for c in components] == [story.bricks.tag]

    reservation = fresh(db).scalar(select(Reservation).where(Reservation.listing_id == story.lot))
    assert (reservation.status, reservation.quantity, reservation.destination_building_id) == (
        "requested",
        12.0,
        story.school,
    )
    assert reservation.distance_km == pytest.approx(6.5, abs=1.0)
    db.session.rollback()
    print(f"\njourney 3: {journey.seconds:.1f} s, {len(journey.steps)} screenshots")


def _sheet_rows(data: bytes, sheet: str) -> list[dict]:
    """The rows of a sheet as dicts keyed by the header row."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert sheet in book.sheetnames, book.sheetnames
    values = list(book[sheet].iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def test_owner_hands_over_and_the_buyer_finds_the_bricks_with_their_history(
    people, db, exchange_story
):
    story = exchange_story
    journey = Journey("4-owner-hands-over-buyer-receives")
    reservation = exchange.reserve_listing(
        story.buyer_user,
        story.lot,
        {"quantity": 12.0, "destination_building_id": story.school, "message": "Courtyard wall."},
    )
    reservation_id = reservation.id
    db.session.commit()

    # The owner accepts, then marks the bricks collected.
    owner = people("owner")
    log_in(owner, journey, story.owner)
    menu(owner, "Reservations")
    row = owner.locator("tr", has=owner.get_by_role("link", name=str(reservation_id), exact=True))
    expect(row).to_contain_text("Gemeente Zutphen")
    journey.shot(owner, "reservations-received")
    row.get_by_role("link", name=str(reservation_id), exact=True).click()
    expect(owner.locator("h1")).to_have_text(f"Reservation {reservation_id}: 12 m³")
    owner.get_by_role("button", name="Accept").click()
    expect(owner.locator(".flash-success")).to_have_text("Accepted: the buyer can collect.")
    expect(owner.locator(".page-head .badge")).to_have_text("Accepted")
    journey.shot(owner, "accepted")
    owner.get_by_role("button", name="Mark collected").click()
    expect(owner.locator(".flash-success")).to_have_text(
        f"Collected: 1 component passport moved to {story.school_name}."
    )
    expect(owner.locator("#moved")).to_contain_text("Facing brick, east facade")
    journey.shot(owner, "collected")

    # The buyer finds the bricks in the school's passport...
    buyer = people("buyer")
    log_in(buyer, journey, story.buyer)
    menu(buyer, "Buildings")
    buyer.get_by_role("link", name=re.compile(story.school_name)).click()
    expect(buyer.locator("h1")).to_have_text(story.school_name)
    expect(buyer.locator(".stats .stat").first).to_contain_text("1")
    expect(buyer.locator("table.groups")).to_contain_text("00 Ground floor")
    journey.shot(buyer, "buyer-building")
    buyer.get_by_role("link", name="All components →").click()
    buyer.get_by_role("link", name="Facing brick, east facade").click()
    expect(buyer.locator("h1")).to_have_text("Facing brick, east facade")
    expect(buyer.locator(".page-head .badge").first).to_have_text("Transferred")
    expect(buyer.locator(".facts")).to_contain_text("12 m³")
    journey.shot(buyer, "buyer-component")

    # ...with their history: the lot's dismantling and storage, and the handover.
    buyer.get_by_role("link", name="history and on-site events").click()
    timeline = buyer.locator("#timeline .event")
    expect(timeline.first).to_contain_text("Transferred")
    expect(timeline.first).to_contain_text("Raadhuis Brummen, Brummen → Nieuwbouw school")
    kinds = [k.strip() for k in timeline.locator(".what > strong").all_inner_texts()]
    assert kinds[0] == "Transferred"
    assert "Dismantled" in kinds and "Stored" in kinds
    assert kinds.index("Transferred") < kinds.index("Stored") < kinds.index("Dismantled")
    expect(buyer.locator("#timeline")).to_contain_text("Demontage Oost B.V.")
    buyer.locator("#timeline").scroll_into_view_if_needed()
    journey.shot(buyer, "buyer-history")

    moved = fresh(db).scalars(select(Component).where(Component.building_id == story.school)).all()
    assert [(c.name, c.quantity, c.status, c.reuse_cycles) for c in moved] == [
        ("Facing brick, east facade", 12.0, "transferred", 1)
    ]
    assert moved[0].split_from_id == story.bricks.id
    db.session.rollback()
    print(f"\njourney 4: {journey.seconds:.1f} s, {len(journey.steps)} screenshots")
