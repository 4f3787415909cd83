"""The accessibility statement and the privacy notice: public, linked from the footer of every
page, in the reader's language, with the contacts the instance configures."""

import re

import pytest


def _footer_links(html: str) -> list[str]:
    footer = html.split('<footer class="footer">', 1)[1]
    return re.findall(r'<a href="([^"]+)"', footer)


def test_every_page_links_both_from_its_footer(client, login, make_user):
    for path in ("/", "/login", "/no/such/page", "/accessibility", "/privacy"):
        assert _footer_links(client.get(path).get_data(as_text=True)) == [
            "/accessibility",
            "/privacy",
        ], path
    login(make_user("buyer"))
    html = client.get("/account/tokens", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert _footer_links(html) == ["/accessibility", "/privacy"]
    assert ">Tilgængelighedserklæring</a>" in html and ">Privatlivserklæring</a>" in html


def test_the_accessibility_statement_in_english(app, client):
    app.config.update(ACCESSIBILITY_CONTACT="access@city.example", OPERATOR_NAME="Gemeente Brummen")
    page = client.get("/accessibility")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Accessibility statement</h1>" in html
    assert "Gemeente Brummen is committed to making this service accessible" in html
    assert "Directive (EU) 2016/2102" in html
    assert "<strong>partially compliant</strong> with EN 301 549 V3.2.1" in html
    assert "WCAG) 2.1 at level AA" in html
    assert "type the tag" in html  # the alternative to the camera scanner
    assert "axe-core" in html and "1280 and 390 pixels" in html
    assert '<a href="mailto:access@city.example">access@city.example</a>' in html
    assert "Enforcement procedure" in html
    assert re.search(r"prepared on [^<]*2026", html)


def test_the_statement_falls_back_to_the_support_address_and_names_the_enforcement_body(
    app, client
):
    app.config.update(
        SUPPORT_EMAIL="help@mpx.example",
        ACCESSIBILITY_ENFORCEMENT_URL="https://enforcement.example/complaints",
    )
    html = client.get("/accessibility", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "<h1>Tilgængelighedserklæring</h1>" in html
    assert "<strong>delvist i overensstemmelse</strong> med EN 301 549 V3.2.1" in html
    assert '<a href="mailto:help@mpx.example">help@mpx.example</a>' in html
    assert 'href="https://enforcement.example/complaints"' in html
    assert "Håndhævelsesprocedure" in html


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_privacy_notice_lists_what_is_kept(app, client, language):
    app.config.update(PRIVACY_CONTACT="https://city.example/privacy")
    page = client.get("/privacy", headers={"Accept-Language": language})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    expected = {
        "en": [
            "argon2id",
            "SHA-256",
            "The audit log is kept for the life of the instance",
            "removes their metadata (EXIF)",
            "no tracking",
            "15 minutes",
        ],
        "da": [
            "argon2id",
            "SHA-256",
            "Revisionsloggen gemmes, så længe installationen findes",
            "fjerner deres metadata (EXIF)",
            "sporing",
            "15 minutter",
        ],
    }[language]
    for text in expected:
        assert text in html, text
    assert '<a href="https://city.example/privacy">https://city.example/privacy</a>' in html


def test_both_pages_are_public_and_keep_to_the_csp(client):
    for path in ("/accessibility", "/privacy"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert not re.search(r"\sstyle\s*=", html)
