"""axe-core over every page of every role, in English (on a phone) and Japanese (on a desktop).

The demo world (`flask demo load`, `flask exchange demo`) gives every role something to see. For
each role, language and width, a person logs in and opens every page their menu and their data
lead to, and every form in its empty state and after submitting it empty (its errors shown);
axe-core (vendored in tests/browser/vendor, for the tests only) checks each against WCAG 2.1
A and AA. A violation fails the test with the page, the rule and the elements.

`test_every_page_of_the_app_is_checked` keeps the list honest: every HTML page the app serves is
in it, or named in NOT_PAGES with the reason it is not a page a person reads.
"""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from passports.demo import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the browser fixture uses them)
from tests.browser.conftest import PAGES_ONLY
from tests.browser.conftest import PHONE
from tests.browser.conftest import TIMEOUT_MS

pytestmark = PAGES_ONLY

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PEOPLE = {
    "owner": "owner@brummen.example",
    "contractor": "contractor@demontage.example",
    "buyer": "buyer@kk.example",
    "admin": "admin@mpx.example",
}
# A visitor has no account: the exchange, wanted requests and the account request are theirs.
ROLES = sorted([*PEOPLE, "visitor"])
# Endpoints answered by something other than a page for people to read.
NOT_PAGES = {
    "passports.gs1_serial": "redirects to the component's page",
    "passports.gs1_giai": "redirects to the component's page",
    "passports.gs1_resolver_description": "JSON for GS1 clients",
    "passports.tag_hazards": "JSON",
    "passports.tag_master_data": "JSON",
    "passports.tag_lookup": "redirects to the tag's page",
    "passports.tag_qr_png": "an image",
    "passports.tag_qr_svg": "an image",
    "passports.label_pdf": "a PDF (its text is tested in the label tests)",
    "passports.passport_pdf": "a PDF",
    "passports.passport_version_pdf": "a PDF",
    "passports.photo": "an image",
    "passports.import_status": "JSON for the progress bar",
    "mine.import_status": "JSON for the progress bar",
    "mine.register_home": "redirects to the organisation's register",
    "passports.import_template": "a spreadsheet",
    "dashboard.city_csv": "a CSV file",
    "dashboard.city_pdf": "a PDF",
    "dashboard.organisation_csv": "a CSV file",
    "dashboard.organisation_pdf": "a PDF",
    "dashboard.city_monitoring_pdf": "a PDF (text tested in test_monitoring)",
    "dashboard.city_monitoring_csv": "a CSV file",
    "exchange.export_search": "a CSV or XLSX file",
    "exchange.listing_export": "a CSV or XLSX file",
    "exchange.bundle_export": "a CSV or XLSX file",
    "passports.tag_credential": "a UNTP credential (JSON)",
    "passports.tag_credential_signed": "a signed UNTP credential (JWT)",
    "passports.did_json": "the instance's DID document (JSON)",
    "passports.ifc_model_download": "an IFC model",
    "health.healthz": "JSON for load balancers",
    "health.readyz": "JSON for load balancers",
    "api-docs.openapi_json": "JSON",
    "static": "files",
    "api-docs.openapi_swagger_ui": "Swagger UI, a third-party page for developers (named in the "
    "accessibility statement)",
    "passports.label_job_status": "JSON for the progress bar",
    "passports.label_job_pdf": "a PDF",
    "passports.label_job": "a label sheet job's page, which needs a job of the user: the import "
    "progress page's markup (checked here), tested in tests/passports/test_label_jobs.py",
    "map.popup": "an HTML fragment the map shows in a popup (checked on the map page's popups)",
}


@pytest.fixture
def world(app, db, runner):
    """The demo world, and the ids of what each role's pages show."""
    from marketplace.models import Bundle
    from marketplace.models import Listing
    from marketplace.models import ListingComponent
    from marketplace.models import Reservation
    from marketplace.models import WantedRequest
    from passports.documents.snapshots import freeze_snapshot
    from passports.models import Building
    from passports.models import Component
    from passports.models import Material

    for command in (["demo", "load"], ["exchange", "demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    town_hall = db.session.scalar(select(Building).where(Building.name == "Brummen Town Hall"))
    component = db.session.scalar(
        select(Component).where(Component.building_id == town_hall.id).order_by(Component.id)
    )
    from app.auth.models import User

    owner = db.session.scalar(select(User).where(User.email == PEOPLE["owner"]))
    snapshot = freeze_snapshot(town_hall, owner, "Oplevering 2026")
    listing = db.session.scalar(select(Listing).where(Listing.status == "published"))
    reservation = db.session.scalar(select(Reservation).order_by(Reservation.id))
    hospital = db.session.scalar(select(Building).where(Building.name == "Bispebjerg Ward Block K"))
    offered = db.session.scalar(
        select(Component)
        .join(ListingComponent, ListingComponent.component_id == Component.id)
        .join(Listing, Listing.id == ListingComponent.listing_id)
        .where(Listing.status == "published", Component.building_id == hospital.id)
        .order_by(Component.id)
    )
    values = SimpleNamespace(
        hospital=hospital.id,
        wanted=db.session.scalar(select(WantedRequest.id).order_by(WantedRequest.id)),
        bundle=db.session.scalar(select(Bundle.id).order_by(Bundle.id)),
        offered_component=offered.id,
        offered_tag=offered.tag,
        building=town_hall.id,
        city=town_hall.city,
        component=component.id,
        tag=component.tag,
        snapshot=snapshot.id,
        listing=listing.id,
        reservation=reservation.id,
        material=db.session.scalar(select(Material.id).order_by(Material.id)),
        organisation=town_hall.organisation_id,
    )
    db.session.commit()
    return values


def pages_of(role: str, w) -> list[tuple[str, str, bool]]:
    """(what, path, also submit it empty) for the pages a role opens."""
    visitor = [
        ("home", "/", False),
        ("exchange search", "/exchange", False),
        ("exchange search by measures", "/exchange?width_mm=930&height_mm=2315", False),
        ("listing", f"/exchange/listings/{w.listing}", False),
        ("wanted requests", "/exchange/wanted", False),
        ("wanted request", f"/exchange/wanted/{w.wanted}", False),
        ("account request", "/exchange/account-request", True),
        ("map", "/map", False),
        ("accessibility statement", "/accessibility", False),
    ]
    if role == "visitor":
        return visitor
    everyone = [
        ("home", "/", False),
        ("buildings", "/buildings", False),
        ("exchange search", "/exchange", False),
        ("exchange search with results", "/exchange?q=brick", False),
        ("listing", f"/exchange/listings/{w.listing}", False),
        ("materials", "/materials", False),
        ("dashboard", "/dashboard/", False),
        ("map", "/map", False),
        ("inbox", "/inbox", False),
        ("wanted requests", "/exchange/wanted", False),
        ("wanted request", f"/exchange/wanted/{w.wanted}", False),
        ("tokens", "/account/tokens", True),
        ("password", "/account/password", True),
        ("accessibility statement", "/accessibility", False),
        ("privacy notice", "/privacy", False),
        ("not found", "/buildings/999999", False),
    ]
    building = [
        ("building", f"/buildings/{w.building}", False),
        ("components", f"/buildings/{w.building}/components", False),
        ("component", f"/components/{w.component}", False),
        ("passport", f"/buildings/{w.building}/passport", False),
        ("scan page", f"/t/{w.tag}", False),
        ("scanner", "/scan", False),
    ]
    owner = [
        ("new building", "/buildings/new", True),
        ("edit building", f"/buildings/{w.building}/edit", False),
        ("new component", f"/buildings/{w.building}/components/new", True),
        ("edit component", f"/components/{w.component}/edit", False),
        ("import", f"/buildings/{w.building}/imports", True),
        ("labels", f"/buildings/{w.building}/labels", False),
        ("new listing", f"/buildings/{w.building}/listings/new", True),
        ("edit listing", f"/exchange/listings/{w.listing}/edit", False),
        ("versions", f"/buildings/{w.building}/versions", False),
        ("version", f"/passport-versions/{w.snapshot}", False),
        ("compare versions", f"/buildings/{w.building}/versions/compare", False),
        ("column mappings", "/imports/mappings", False),
        ("organisation dashboard", "/dashboard/organisation", False),
        ("reservations", "/exchange/reservations", False),
        ("reservation", f"/exchange/reservations/{w.reservation}", False),
        ("saved searches", "/exchange/saved-searches", False),
        ("building register", f"/register/{w.organisation}", False),
        ("register import", "/register/imports/new", True),
    ]
    buyer = [
        ("reservations", "/exchange/reservations", False),
        ("reservation", f"/exchange/reservations/{w.reservation}", False),
        ("saved searches", "/exchange/saved-searches", False),
        ("organisation dashboard", "/dashboard/organisation", False),
        ("city dashboard", f"/dashboard/cities/{w.city}", False),
        ("post a wanted request", "/exchange/wanted/new", True),
        ("edit a wanted request", f"/exchange/wanted/{w.wanted}/edit", False),
        ("bundles proposed", f"/exchange/wanted/{w.wanted}/bundles", False),
        ("bundles", "/exchange/bundles", False),
        ("bundle", f"/exchange/bundles/{w.bundle}", False),
        ("a listed component's passport", f"/components/{w.offered_component}", False),
        ("a listed component's tag page", f"/t/{w.offered_tag}", False),
    ]
    admin = owner + [
        ("audit log", "/admin/audit", False),
        ("audit log filtered", "/admin/audit?table=components", False),
        ("city dashboard", f"/dashboard/cities/{w.city}", False),
        ("new material", "/materials/new", True),
        ("edit material", f"/materials/{w.material}/edit", False),
        ("account requests", "/exchange/account-requests", False),
        ("account requests handled", "/exchange/account-requests?handled=1", False),
        ("the hospital, with its demand", f"/buildings/{w.hospital}", False),
    ]
    return {
        "owner": everyone + building + owner,
        "contractor": everyone + building,
        "buyer": everyone + buyer,
        "admin": everyone + building + admin,
    }[role]


def _import_states(page, w) -> list[tuple[str, str]]:
    """An owner imports a spreadsheet: a file with a bad row (the preview with its errors), then a
    good file (the preview, then the run's report). Returns the pages reached."""
    from tests.browser.journeys import sheet_csv
    from tests.browser.test_journeys import SPREADSHEET

    reached = []
    bad = [{**SPREADSHEET[0], "quantity": "lots"}, {**SPREADSHEET[1], "unit": "bushel"}]
    for what, rows in (("import preview with errors", bad), ("import preview", SPREADSHEET)):
        page.goto(f"/buildings/{w.building}/imports")
        page.set_input_files(
            "#file",
            files=[{"name": "inventory.csv", "mimeType": "text/csv", "buffer": sheet_csv(rows)}],
        )
        page.click("main form button[type=submit]")
        page.wait_for_selector(".import-progress", state="detached")
        page.wait_for_load_state()
        reached.append((what, page.url))
    page.click(".confirm-box form button[type=submit]")
    page.wait_for_selector(".import-progress", state="detached")
    page.wait_for_url("**/imports/runs/*")
    reached.append(("import report", page.url))
    return reached


def _audit(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "where": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def _submit_empty(page) -> bool:
    """Submit the page's main form with nothing filled in (browser checks off), as a person who
    pressed the button too early: the page answers with its errors."""
    form = page.locator("main form:has(button[type=submit])").first
    if not form.count():
        return False
    form.evaluate("f => { f.noValidate = true; }")
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    return True


@pytest.mark.slow
# Every role in both languages and at both widths, in pairs: English on a phone, Japanese on a
# desktop. What a phone's width changes (the menu, tables in their scroll boxes, wrapped grids)
# is the same markup in every language, and what a language changes (names, longer or denser
# text, fonts) the same at every width; the keyboard journeys check the reflow at 320 px.
@pytest.mark.parametrize(("language", "width"), [("en", "phone"), ("ja", "desktop")])
@pytest.mark.parametrize("role", ROLES)
def test_no_wcag_violation_on_any_page(browser, live_server, world, role, language, width):
    viewport = DESKTOP if width == "desktop" else PHONE
    context = browser.new_context(
        base_url=live_server,
        viewport=viewport,
        locale={"en": "en-GB", "ja": "ja-JP"}[language],
        extra_http_headers={"Accept-Language": language},
        timezone_id="Europe/Amsterdam",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    found, checked = {}, 0
    try:
        if role != "visitor":
            checked += _log_in(page, role, found)
            if role in ("owner", "admin"):
                for what, url in _import_states(page, world):
                    page.goto(url)
                    if violations := _audit(page):
                        found[f"{what} ({url})"] = violations
                    checked += 1
        checked += _visit(page, pages_of(role, world), found)
    finally:
        context.close()
    assert checked > 7
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def _log_in(page, role: str, found: dict) -> int:
    """The login page, a wrong password, then the role's own login; each state audited.
    Returns how many states were checked."""
    page.goto("/login")
    if violations := _audit(page):
        found["login"] = violations
    page.fill("#email", PEOPLE[role])
    page.fill("#password", "not the password")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if violations := _audit(page):
        found["login with a wrong password"] = violations
    page.fill("#email", PEOPLE[role])
    page.fill("#password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: not url.endswith("/login"))
    return 2


def _visit(page, pages, found: dict) -> int:
    """Open each page (and submit it empty where asked), auditing each state; returns how many
    states were checked, and adds what failed to `found`."""
    checked = 0
    for what, path, submit in pages:
        page.goto(path)
        if violations := _audit(page):
            found[f"{what} ({path})"] = violations
        checked += 1
        if submit and _submit_empty(page):
            if violations := _audit(page):
                found[f"{what} with errors ({path})"] = violations
            checked += 1
    return checked


def test_every_page_of_the_app_is_checked(app, world):
    paths = {path.split("?")[0] for role in ROLES for _, path, _ in pages_of(role, world)}
    paths |= {"/login", "/buildings/1/imports/stage", "/buildings/1/imports/runs/1"}
    paths |= {"/register/imports/stage"}
    paths |= {"/buildings/1/imports/stage/ids.html", "/buildings/1/imports/runs/1/ids.html"}
    adapter = app.url_map.bind("localhost")
    checked = set()
    for path in paths:
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except Exception:  # noqa: BLE001 - the not-found page
            continue
        checked.add(endpoint)
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.startswith("/api/v1")
    }
    missing = pages - checked - set(NOT_PAGES)
    assert not missing, f"pages axe does not check: {sorted(missing)}"


@pytest.mark.parametrize(("language", "width"), [("en", "phone"), ("ja", "desktop")])
def test_an_ifc_import_and_its_ids_report_have_no_wcag_violation(
    browser, live_server, world, language, width
):
    """An owner imports an IFC model: the preview with its IDS check, the IDS report, the
    committed import's report and its IDS report, then the building page with the kept model,
    each audited."""
    from tests.passports.imports.conftest import sample

    model = sample("IfcOpenHouse_IFC4.ifc").read_bytes()
    context = browser.new_context(
        base_url=live_server,
        viewport=DESKTOP if width == "desktop" else PHONE,
        locale={"en": "en-GB", "ja": "ja-JP"}[language],
        extra_http_headers={"Accept-Language": language},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    found: dict = {}
    try:
        _log_in(page, "owner", found)
        page.goto(f"/buildings/{world.building}/imports")
        page.set_input_files(
            "#file",
            files=[{"name": "house.ifc", "mimeType": "application/x-step", "buffer": model}],
        )
        page.click("main form button[type=submit]")
        page.wait_for_selector(".import-progress", state="detached", timeout=120_000)
        page.wait_for_load_state()
        preview = page.url
        reached = [("IFC import preview", preview), ("IDS report", preview + "/ids.html")]
        page.click(".confirm-box form button[type=submit]")
        page.wait_for_selector(".import-progress", state="detached", timeout=120_000)
        page.wait_for_url("**/imports/runs/*")
        run = page.url.split("?")[0].split("#")[0]
        reached += [("IFC import report", run), ("IDS report of the import", run + "/ids.html")]
        for what, url in reached:
            page.goto(url)
            assert "MP-02" in page.content(), what
            if violations := _audit(page):
                found[f"{what} ({url})"] = violations
        # The building page lists the kept model, with its download (the IFC write-back).
        page.goto(f"/buildings/{world.building}#ifc")
        assert page.locator("#ifc a[href$='passport.ifc']").count() >= 1
        if violations := _audit(page):
            found["building page with an IFC model"] = violations
    finally:
        context.close()
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
