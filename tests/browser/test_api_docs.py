"""The API documentation renders from the app's own Swagger UI copy under the strict CSP."""

from playwright.sync_api import expect


def test_swagger_ui_renders_offline_under_the_csp(page, shot, live_server):
    requested_hosts = set()
    page.on("request", lambda request: requested_hosts.add(request.url.split("/")[2]))
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Material Passport Exchange API"
    )
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    shot(page, "api-docs")
    assert requested_hosts == {live_server.split("/")[2]}  # no CDN, nothing from elsewhere
