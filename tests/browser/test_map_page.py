"""The map in Chromium at phone width: the app's own basemap is drawn, the server's clusters
come in, selecting a cluster zooms in to the places, and a place's popup opens."""

import pytest

from tests.dashboard.test_map import register

pytest.importorskip("playwright.sync_api", reason="browser tests skipped: no playwright package")


def test_map_draws_the_basemap_a_cluster_and_opens_a_popup(db, page, log_in, make_user):
    from playwright.sync_api import expect

    owner = make_user("owner")
    for lat, lon, mass in ((52.0900, 6.1500, 2e6), (52.0910, 6.1530, 4e5), (52.0905, 6.1560, 9e6)):
        register(db, owner.organisation, lat, lon, mass)
    db.session.commit()
    log_in(page, owner)
    page.goto("/map")
    expect(page.locator(".map-canvas.map-basemap-ready")).to_be_visible()
    assert page.locator(".leaflet-overlay-pane path").count() > 0
    cluster = page.locator(".map-cluster").first
    expect(cluster).to_be_visible()
    assert sum(int(t) for t in page.locator(".map-cluster").all_inner_texts()) == 3
    dots = page.locator(".leaflet-marker-icon.map-dot")
    for _ in range(5):
        if dots.count():
            break
        with page.expect_response(lambda r: "/api/v1/map/clusters" in r.url):
            page.locator(".map-cluster").first.click()
        page.wait_for_timeout(50)
    expect(dots.first).to_be_visible()
    dots.first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup .map-popup")).to_contain_text("Straat")
