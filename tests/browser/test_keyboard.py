"""Keyboard-only journeys: each role does its main task with Tab, Shift+Tab, Enter, Space, Escape
and typing, never a pointer, on a desktop (1280 px) and a phone (390 px, where the menu sits
behind its button).

Each step moves focus with Tab until the element it needs has focus, so a control that Tab never
reaches (hidden from the keyboard, or behind a menu that does not open) fails the journey. The
page must also never scroll sideways at 320 px (WCAG 1.4.10), checked on every page visited.
"""

import pytest
from playwright.sync_api import expect

from passports.demo import DEMO_PASSWORD
from tests.browser.conftest import PAGES_ONLY
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_axe import world  # noqa: F401  (the demo world fixture)

pytestmark = PAGES_ONLY

# The tests take the imported `world` fixture as an argument.
# ruff: noqa: F811

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
MAX_TABS = 120


@pytest.fixture
def keyboard_page(browser, live_server):
    contexts = []

    def open_page(width: str):
        context = browser.new_context(
            base_url=live_server,
            viewport=WIDTHS[width],
            locale="en-GB",
            timezone_id="Europe/Amsterdam",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, backwards: bool = False) -> None:
    """Press Tab until the element matching selector has focus; fail if it never gets it."""
    for _ in range(MAX_TABS):
        if focused(page, selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def no_sideways_scroll(page) -> None:
    """At 320 CSS px the page fits its width (WCAG 1.4.10 reflow)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.set_viewport_size(size)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px at 320 px"


def open_menu_link(page, href: str, width: str) -> None:
    """Follow a link of the main menu by keyboard, through the menu button on a phone."""
    page.keyboard.press("Home")  # focus stays; just making sure nothing scrolled us away
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    if width == "phone":
        tab_to(page, ".topbar button[aria-expanded]")
        expect(page.locator(".topbar button[aria-expanded]")).to_have_attribute(
            "aria-expanded", "false"
        )
        page.keyboard.press("Enter")
        expect(page.locator(".topbar button[aria-expanded]")).to_have_attribute(
            "aria-expanded", "true"
        )
    tab_to(page, f'.topbar .nav a[href="{href}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    no_sideways_scroll(page)


def log_in(page, email: str) -> None:
    page.goto("/login")
    no_sideways_scroll(page)
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type("not the password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The wrong password is announced, and focus is where the person fixes it.
    expect(page.locator("[role=alert]").first).to_be_visible()
    tab_to(page, "#password")
    page.keyboard.press("Control+A")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url


@pytest.mark.slow
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_an_owner_registers_a_building_by_keyboard(keyboard_page, world, width):
    page = keyboard_page(width)
    log_in(page, "owner@brummen.example")
    open_menu_link(page, "/buildings", width)
    tab_to(page, 'main a[href="/buildings/new"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    no_sideways_scroll(page)
    # Submit too early: the errors are announced and focus goes to the first field in error.
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main [role=alert]").first).to_be_visible()
    assert page.evaluate("() => document.activeElement.getAttribute('aria-invalid')") == "true"
    tab_to(page, "#name", backwards=True)
    page.keyboard.type("Kindcentrum Het Brummelhuis")
    tab_to(page, "#city")
    page.keyboard.type("Brummen")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_contain_text("Kindcentrum Het Brummelhuis")
    no_sideways_scroll(page)


@pytest.mark.slow
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_contractor_finds_a_tag_and_reads_its_passport_by_keyboard(keyboard_page, world, width):
    page = keyboard_page(width)
    log_in(page, "contractor@demontage.example")
    open_menu_link(page, "/scan", width)
    tab_to(page, "main input[name=tag], main input[name=q], main input#tag")
    page.keyboard.type(world.tag)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/t/{world.tag}" in page.url
    no_sideways_scroll(page)
    # The event form: every control is reachable.
    tab_to(page, "main form select, main form input[type=radio]")


@pytest.mark.slow
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_buyer_searches_and_reserves_by_keyboard(keyboard_page, world, width):
    page = keyboard_page(width)
    log_in(page, "buyer@kk.example")
    open_menu_link(page, "/exchange", width)
    tab_to(page, "main input[name=q]")
    page.keyboard.type("brick")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    no_sideways_scroll(page)
    tab_to(page, 'main a[href^="/exchange/listings/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    no_sideways_scroll(page)
    tab_to(page, "#quantity")
    page.keyboard.type("2")
    tab_to(page, 'form[action$="/reserve"] button[type=submit]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/exchange/reservations/" in page.url or page.locator("[role=alert]").count()
    no_sideways_scroll(page)


@pytest.mark.slow
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_city_reads_its_urban_mine_and_the_figures_behind_a_chart_by_keyboard(
    keyboard_page, world, width
):
    page = keyboard_page(width)
    log_in(page, "admin@mpx.example")
    open_menu_link(page, "/dashboard/", width)
    page.goto(f"/dashboard/cities/{world.city}")
    no_sideways_scroll(page)
    # Every chart's figures are reachable as a table, opened with the keyboard.
    summary = page.locator("main details > summary")
    if summary.count():
        tab_to(page, "main details > summary")
        page.keyboard.press("Enter")
        expect(page.locator("main details[open] table").first).to_be_visible()
    tab_to(page, 'main a[href$="report.pdf"]')
