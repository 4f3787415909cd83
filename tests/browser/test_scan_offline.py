"""The scan pages on a phone, in Chromium: the offline outbox, retries, the fields that follow the
kind of event, errors that replace what an earlier submission said, the scanner with and without
the browser's BarcodeDetector, and the scripts speaking the page's language."""

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from app.auth.models import User
from app.extensions import db
from passports import services
from passports.models import Component
from passports.qr import tag_url
from tests.browser.conftest import label_photo
from tests.browser.conftest import site_photo
from tests.conftest import PASSWORD

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: the playwright package is not installed"
)
expect = sync_api.expect

EVENTS_API = re.compile(r"/api/v1/components/\d+/events$")
SUBMIT = "#event-form button[type=submit]"
OUTBOX_ITEMS = "#outbox .outbox-item"


def _photo(name: str = "brick.jpg") -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": site_photo()}


def _dismantle_meanwhile(component_id: int, user_id: int) -> None:
    """A colleague records the dismantling first: the page on the phone is now out of date."""
    db.session.rollback()  # a fresh transaction, after whatever the server wrote
    component = db.session.get(Component, component_id)
    services.record_event(component, db.session.get(User, user_id), {"kind": "dismantled"})
    db.session.commit()


def test_online_event_is_sent_at_once_and_shown_in_the_history(page, site, log_in, events_of):
    brick = site.component(name="Facing brick, east")
    log_in(page, site.contractor)
    page.goto(f"/t/{brick.tag}")
    with page.expect_request(lambda r: r.method == "POST" and EVENTS_API.search(r.url)) as sent:
        page.select_option("#kind", "dismantled")
        page.set_input_files("#photos", files=[_photo()])
        page.click(SUBMIT)
    headers = sent.value.headers
    assert headers["accept"] == "application/json"
    assert headers["x-csrftoken"]
    assert headers["idempotency-key"]
    expect(page.locator(".flash-success")).to_have_text("Recorded: Dismantled.")
    expect(page.locator("#timeline .event").first).to_contain_text("Dismantled")
    expect(page.locator("#timeline .event .photos img")).to_have_count(1)
    expect(page.locator(".scan-head .badge")).to_have_text("Harvested")
    assert [(e["kind"], e["photos"]) for e in events_of(brick.id)] == [("dismantled", 1)]


def test_offline_event_waits_in_the_outbox_and_is_sent_once_back_online(
    page, context, site, log_in, events_of, shot
):
    brick = site.component(name="Facing brick, north")
    log_in(page, site.contractor)
    page.goto(f"/t/{brick.tag}")
    expect(page.locator("#event-form")).to_be_visible()

    context.set_offline(True)
    page.select_option("#kind", "dismantled")
    page.set_input_files("#photos", files=[_photo()])
    page.fill("#notes", "Taken down by hand, north facade")
    captured = datetime.now(UTC).replace(tzinfo=None)
    page.click(SUBMIT)

    item = page.locator(OUTBOX_ITEMS)
    expect(item).to_have_count(1)
    expect(item).to_contain_text(
        re.compile(r"Waiting to send: Dismantled · Facing brick, north — captured \d\d:\d\d")
    )
    expect(item).to_contain_text("1 photo")
    expect(page.locator("#event-form .flash")).to_contain_text("Saved on this phone")
    expect(page.locator("#notes")).to_have_value("")  # the form is ready for the next one
    shot(page, "scan-offline-outbox")
    assert events_of(brick.id) == []

    context.set_offline(False)  # fires the `online` event
    expect(page.locator(OUTBOX_ITEMS)).to_have_count(0)
    expect(page.locator("#outbox")).to_contain_text("Sent 1 waiting event")
    expect(page.locator("#event-form .flash")).to_have_count(0)  # "saved on this phone" is gone
    shot(page, "scan-back-online")
    events = events_of(brick.id)
    assert len(events) == 1
    event = events[0]
    assert (event["kind"], event["photos"], event["notes"]) == (
        "dismantled",
        1,
        "Taken down by hand, north facade",
    )
    # Recorded at the moment of capture (sent as occurred_at), to the second.
    assert abs(event["occurred_at"] - captured) < timedelta(seconds=5)

    page.click("#outbox [data-action=reload]")
    expect(page.locator("#timeline .event").first).to_contain_text("Dismantled")


def test_a_lost_answer_is_retried_with_the_same_key_and_recorded_once(
    page, site, log_in, events_of
):
    brick = site.component(name="Reclaimed oak beam")
    log_in(page, site.contractor)
    page.goto(f"/t/{brick.tag}")

    keys, answers, reached = [], [], []
    page.on(
        "request",
        lambda r: (
            keys.append(r.headers.get("idempotency-key"))
            if r.method == "POST" and EVENTS_API.search(r.url)
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            answers.append((r.status, r.headers.get("idempotent-replayed")))
            if r.request.method == "POST" and EVENTS_API.search(r.url)
            else None
        ),
    )

    def lose_the_answer(route):
        reached.append(route.fetch().status)  # the server records the event...
        route.abort("connectionreset")  # ...but the phone never hears back

    page.route(EVENTS_API, lose_the_answer, times=1)
    page.select_option("#kind", "inspected")
    page.select_option("#condition", "3")
    page.click(SUBMIT)

    expect(page.locator("#outbox")).to_contain_text("Sent 1 waiting event")
    expect(page.locator(OUTBOX_ITEMS)).to_have_count(0)
    assert reached == [201]
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert re.fullmatch(r"[0-9a-f-]{36}", keys[0])
    assert answers == [(201, "true")]  # the retry was answered from the first recording
    events = events_of(brick.id)
    assert [(e["kind"], e["key"]) for e in events] == [("inspected", keys[0])]


def test_fields_follow_the_kind_of_event(page, site, log_in, shot):
    lot = site.component(name="Steel beams HEA 200", status="harvested")
    log_in(page, site.contractor)
    page.goto(f"/t/{lot.tag}")
    transport = ["#from_location", "#to_location", "#distance_km"]

    page.select_option("#kind", "note")
    for selector in [*transport, "#location", "#condition"]:
        expect(page.locator(selector)).to_be_hidden()
        expect(page.locator(selector)).to_be_disabled()

    page.select_option("#kind", "transported")
    for selector in transport:
        expect(page.locator(selector)).to_be_visible()
        expect(page.locator(selector)).to_be_enabled()
    expect(page.locator("#location")).to_be_hidden()

    # A missing distance is caught on the phone: nothing is sent or queued.
    page.fill("#from_location", "Raadhuis Brummen")
    page.fill("#to_location", "Depot Zutphen, rack B4")
    page.click(SUBMIT)
    expect(page.locator("#distance_km-error")).to_have_text("Required for this kind of event.")
    expect(page.locator("#distance_km")).to_be_focused()
    shot(page, "scan-transported-fields")
    expect(page.locator(OUTBOX_ITEMS)).to_have_count(0)

    page.select_option("#kind", "stored")
    expect(page.locator("#location")).to_be_visible()
    for selector in transport:
        expect(page.locator(selector)).to_be_hidden()


def test_the_form_asks_for_the_kind_first_and_a_new_error_replaces_an_old_success(
    page, site, log_in, shot
):
    """No dead end: nothing required is out of sight, and an error is not read under a stale
    "Recorded" line."""
    brick = site.component(name="Facing brick, south")
    log_in(page, site.contractor)
    page.goto(f"/t/{brick.tag}")
    kind = page.get_by_label("What happened")
    # The kind comes first, visible, labelled and required; nothing is chosen for the user.
    expect(kind).to_be_visible()
    expect(kind).to_have_value("")
    expect(kind).to_have_attribute("required", "")
    # Every required control is visible, or disabled (a field of another kind: never sent).
    for control in page.locator("#event-form [required]").all():
        assert control.is_visible() or control.is_disabled()

    page.click(SUBMIT)
    expect(page.locator("#event-form [role=alert]")).to_contain_text("The event was not recorded")
    expect(page.locator("#kind-error")).to_have_text("Choose what happened.")
    expect(kind).to_be_focused()

    # Choosing a kind shows its fields, marked required, and says what to fill in.
    page.select_option("#kind", "inspected")
    condition = page.get_by_label("Condition found")
    expect(condition).to_be_visible()
    expect(condition).to_have_attribute("required", "")
    expect(page.locator("label[for=condition] .req")).to_have_text("*")
    expect(page.locator("#kind-hint")).to_have_text("Inspected: fill in Condition found.")
    expect(page.locator("#kind-error")).to_have_count(0)  # an error from before is gone
    page.select_option("#condition", "4")
    page.click(SUBMIT)
    expect(page.locator(".flash-success")).to_have_text("Recorded: Inspected.")

    # The next submission fails: the success line goes, the error is announced at the form,
    # and the focus is on the field to fix.
    page.select_option("#kind", "inspected")
    page.click(SUBMIT)
    alert = page.locator("#event-form [role=alert]")
    expect(alert).to_contain_text("The event was not recorded")
    expect(page.locator(".flash-success")).to_have_count(0)
    expect(condition).to_be_focused()
    expect(condition).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#condition-error")).to_have_text("Required for this kind of event.")
    shot(page, "scan-error-replaces-success")


def test_a_refused_event_is_explained_at_the_form_and_not_queued(page, site, log_in, events_of):
    brick = site.component(name="Window frame W3")
    log_in(page, site.contractor)
    page.goto(f"/t/{brick.tag}")
    _dismantle_meanwhile(brick.id, site.owner.id)

    page.select_option("#kind", "dismantled")
    page.click(SUBMIT)
    message = page.locator("#event-form .flash-error")
    expect(message).to_contain_text("cannot be dismantled")
    expect(page.locator(OUTBOX_ITEMS)).to_have_count(0)
    assert [e["kind"] for e in events_of(brick.id)] == ["dismantled"]  # the colleague's only


def test_a_queued_event_refused_later_is_shown_as_refused_and_leaves_the_queue(
    page, context, site, log_in, events_of, shot
):
    brick = site.component(name="Roof tiles, south")
    log_in(page, site.contractor)
    page.goto(f"/t/{brick.tag}")

    context.set_offline(True)
    page.select_option("#kind", "dismantled")
    page.click(SUBMIT)
    expect(page.locator(OUTBOX_ITEMS)).to_contain_text("Waiting to send: Dismantled")
    _dismantle_meanwhile(brick.id, site.owner.id)

    sent = []
    page.on("request", lambda r: sent.append(r) if EVENTS_API.search(r.url) else None)
    context.set_offline(False)
    item = page.locator(OUTBOX_ITEMS)
    expect(item).to_contain_text("Refused: Dismantled · Roof tiles, south")
    expect(item).to_contain_text("cannot be dismantled")
    expect(item).to_contain_text("will not be sent again")
    shot(page, "scan-refused")
    # Out of the queue: neither "Send now" nor the periodic flush sends it again.
    expect(page.locator("#outbox [data-action=flush]")).to_have_count(0)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert len(sent) == 1
    item.get_by_role("button", name="Dismiss").click()
    expect(page.locator(OUTBOX_ITEMS)).to_have_count(0)
    expect(page.locator("#outbox")).to_be_hidden()
    assert [e["kind"] for e in events_of(brick.id)] == ["dismantled"]


def _find_asbestos_meanwhile(component_id: int) -> None:
    """The owner's survey finds asbestos while the contractor's phone is offline."""
    db.session.rollback()
    component = db.session.get(Component, component_id)
    services.update_component(component, {"hazards": [{"kind": "asbestos", "notes": "survey"}]})
    db.session.commit()


def test_a_queued_dismantling_of_a_hazard_found_meanwhile_is_refused_with_the_reason(
    page, context, site, log_in, events_of, shot
):
    sheet = site.component(name="Corrugated roof sheet")
    log_in(page, site.contractor)
    page.goto(f"/t/{sheet.tag}")

    context.set_offline(True)
    page.select_option("#kind", "dismantled")
    page.click(SUBMIT)
    expect(page.locator(OUTBOX_ITEMS)).to_contain_text("Waiting to send: Dismantled")
    _find_asbestos_meanwhile(sheet.id)

    context.set_offline(False)
    item = page.locator(OUTBOX_ITEMS)
    expect(item).to_contain_text("Refused: Dismantled · Corrugated roof sheet")
    expect(item).to_contain_text("contains asbestos, not cleared")
    shot(page, "scan-refused-hazard")
    assert events_of(sheet.id) == []

    page.reload()  # still listed after the page is closed and opened again: never lost silently
    expect(page.locator(OUTBOX_ITEMS)).to_contain_text("Refused: Dismantled")
    expect(page.locator("#kind option[value=dismantled]")).to_have_count(0)
    expect(page.locator("#held-back")).to_contain_text("Dismantled")


NO_CAMERA = """
Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined });
"""


def test_scanner_without_a_live_camera_reads_a_photo_of_the_label(
    page, context, site, live_server, shot
):
    """No getUserMedia (a page on plain http, an old browser): the photo comes first."""
    brick = site.component(name="Facing brick, north")
    context.add_init_script(NO_CAMERA)
    page.goto("/scan")
    assert page.evaluate("'BarcodeDetector' in window") is False
    assert page.evaluate("navigator.mediaDevices") is None
    expect(page.locator("#scanner")).to_have_attribute("data-camera", "no")
    expect(page.locator("#camera")).to_be_hidden()
    expect(page.locator("#photo-scan")).to_have_class(re.compile(r"\bis-primary\b"))
    expect(page.locator("#photo-form")).to_be_visible()
    expect(page.locator("#tag")).to_be_visible()
    shot(page, "scanner")

    # Taking the photo is enough: it is sent at once. A photo of the wall is explained...
    page.set_input_files("#photo", files=[_photo("IMG_2040.jpg")])
    expect(page.locator("#scan-message")).to_contain_text("No QR code found in the photo.")
    expect(page.locator("#photo-form")).to_be_visible()
    shot(page, "scanner-no-code")
    # ...and a photo of the label opens the tag's page.
    photo = label_photo(tag_url(brick.tag))
    page.set_input_files(
        "#photo", files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    page.wait_for_url(f"{live_server}/t/{brick.tag}")
    expect(page.locator("h1")).to_have_text("Facing brick, north")
    shot(page, "scanner-tag-page")


def test_without_a_camera_the_tag_is_typed_with_the_keyboard_alone(
    page, context, site, live_server
):
    """The scanner needs no camera and no mouse: the typed tag is a labelled field that the
    Tab key reaches, and what the page says about the camera is in a live region."""
    brick = site.component(name="Facing brick, west")
    context.add_init_script(NO_CAMERA)
    page.goto("/scan")
    expect(page.locator("#scanner")).to_have_attribute("data-camera", "no")
    for status in ("#camera-status", "#photo-status"):
        expect(page.locator(status)).to_have_attribute("aria-live", "polite")
    field = page.get_by_label("Tag", exact=True)
    expect(field).to_be_visible()
    expect(field).to_have_accessible_description(re.compile("twelve characters"))
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "tag":
            break
    expect(field).to_be_focused()
    page.keyboard.type(f"{brick.tag[:4]} {brick.tag[4:8]} {brick.tag[8:]}".lower())
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/t/{brick.tag}")
    expect(page.locator("h1")).to_have_text("Facing brick, west")


FAKE_CAMERA = """
window.__codes = [];
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ['qr_code']; }
  constructor(options) { this.options = options; }
  async detect() { return window.__codes.shift() || []; }
};
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 320; canvas.height = 320;
  const g = canvas.getContext('2d');
  let n = 0;
  setInterval(() => { g.fillStyle = n++ % 2 ? '#333' : '#444'; g.fillRect(0, 0, 320, 320); }, 50);
  return canvas.captureStream(20);
};
"""


def test_scanner_with_a_camera_opens_the_tag_it_sees(page, context, site, live_server, shot):
    """BarcodeDetector and the camera faked in the page: the live path of scanner.js."""
    brick = site.component(name="Facing brick, north")
    context.add_init_script(FAKE_CAMERA)
    page.goto("/scan")
    expect(page.locator("#scanner")).to_have_attribute("data-camera", "yes")
    expect(page.locator("#scanner")).to_have_attribute("data-decoder", "device")
    expect(page.locator("#camera")).to_be_visible()
    expect(page.locator("#photo-title")).to_contain_text("No luck with the camera?")

    target = page.evaluate(
        "u => window.mpxScanner.tagTarget(u)", "https://x.example//evil.com/t/AB"
    )
    assert target.startswith(f"{live_server}/")
    assert page.evaluate("u => window.mpxScanner.tagTarget(u)", "https://x.example/menu") is None

    page.click("#camera-start")
    expect(page.locator("#camera-start")).to_be_hidden()
    shot(page, "scanner-camera")
    page.evaluate("window.__codes.push([{rawValue: 'https://example.com/menu'}])")
    expect(page.locator("#camera-status")).to_contain_text(
        "This QR code is not a Material Passport tag"
    )
    printed = f"{brick.tag[:4]}-{brick.tag[4:8]}-{brick.tag[8:]}"
    label = f"https://labels.example.org/t/{printed}"
    page.evaluate("url => window.__codes.push([{rawValue: url}])", label)
    page.wait_for_url(f"{live_server}/t/{printed}")  # same path, this origin
    expect(page.locator("h1")).to_have_text("Facing brick, north")


def test_the_scripts_speak_the_page_language(browser, live_server, site, shot):
    """A phone set to Japanese: what scanner.js and event-form.js say comes in Japanese,
    counts in its plural forms, times with Intl."""
    ctx = browser.new_context(
        base_url=live_server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
    )
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.add_init_script(FAKE_CAMERA)
        page.goto("/scan")
        expect(page.locator("html")).to_have_attribute("lang", "ja")
        expect(page.locator("#photo-title")).to_have_text("カメラで読み取れない場合は写真を撮影")
        page.click("#camera-start")
        page.evaluate("window.__codes.push([{rawValue: 'https://example.com/menu'}])")
        expect(page.locator("#camera-status")).to_have_text(
            "この QR コードはマテリアルパスポートのタグではありません"
            "（内容：「https://example.com/menu」）。"
        )
        shot(page, "scanner-ja")

        brick = site.component(name="化粧れんが 北面")
        page.goto("/login")
        page.fill("#email", site.contractor.email)
        page.fill("#password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: not url.endswith("/login"))
        page.goto(f"/t/{brick.tag}")
        ctx.set_offline(True)
        page.select_option("#kind", "dismantled")
        page.set_input_files("#photos", files=[_photo(), _photo("brick-2.jpg")])
        page.click(SUBMIT)
        item = page.locator(OUTBOX_ITEMS)
        waiting = re.compile(r"^送信待ち： .+ · 化粧れんが 北面 — \d\d:\d\d に記録")
        expect(item).to_contain_text(waiting)
        expect(item).to_contain_text("写真 2 枚")
        expect(page.locator("#outbox h3")).to_have_text("送信トレイ · この端末に 1 件")
        expect(page.locator("#event-form .flash")).to_have_text(
            "接続がないため、この端末に保存しました。接続が戻りしだい送信します。"
        )
        shot(page, "scan-offline-outbox-ja")
        ctx.set_offline(False)
        expect(page.locator("#outbox .outbox-sent")).to_contain_text(
            "✓ 送信待ちの記録を 1 件送信しました。"
        )
    finally:
        ctx.close()
    assert errors == []
