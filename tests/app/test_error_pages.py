"""Error pages say in people's words what happened and where to go next, in the page's language;
a refusal can bring its own message and next steps; the API keeps its one JSON shape."""

import re

from flask_smorest import abort as api_abort

from app.errors import ServiceError


def _next_links(html: str) -> list[tuple[str, str]]:
    block = html.split('class="next-steps"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', block)


def test_a_missing_page_says_so_and_offers_the_start_page(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in html
    assert "There is nothing at this address" in html
    assert "check your spelling" not in html  # werkzeug's words for developers
    assert _next_links(html) == [("/", "Go to the start page")]


def test_a_logged_in_user_is_offered_the_buildings_too_in_their_language(client, login, make_user):
    login(make_user("contractor"))
    page = client.get("/no/such/page", headers={"Accept-Language": "nl"})
    html = page.get_data(as_text=True)
    assert "<h1>Pagina niet gevonden</h1>" in html and "Fout 404" in html
    assert _next_links(html) == [("/buildings", "Naar de gebouwen"), ("/", "Naar de startpagina")]


def test_a_forbidden_page_explains_what_to_do(client, login, make_user):
    login(make_user("owner"))
    page = client.get("/admin/audit", headers={"Accept-Language": "de"})
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert "Sie haben keinen Zugriff auf diese Seite" in html
    assert "Nur Administratoren sehen das Prüfprotokoll." in html
    assert ("/buildings", "Zu den Gebäuden") in _next_links(html)


def test_a_refusal_brings_its_own_message_and_next_steps(app, client):
    @app.route("/elsewhere")
    def elsewhere():
        raise ServiceError(
            "This building belongs to another organisation.",
            code=404,
            links=[("/exchange", "Search the exchange")],
        )

    @app.route("/elsewhere-too")
    def elsewhere_too():
        api_abort(404, message="Gone to another organisation.", links=[("/", "Start")])

    html = client.get("/elsewhere").get_data(as_text=True)
    assert "This building belongs to another organisation." in html
    assert _next_links(html) == [("/exchange", "Search the exchange")]
    html = client.get("/elsewhere-too").get_data(as_text=True)
    assert "Gone to another organisation." in html and _next_links(html) == [("/", "Start")]
    api = client.get("/elsewhere", headers={"Accept": "application/json"})
    assert set(api.json) == {"code", "status", "message", "errors"}  # no links in the API


def test_an_unexpected_error_page_in_japanese(app, client):
    @app.route("/broken")
    def broken():
        raise RuntimeError("internals")

    page = client.get("/broken", headers={"Accept-Language": "ja"})
    assert page.status_code == 500
    html = page.get_data(as_text=True)
    assert "問題が発生しました" in html and "こちら側で問題が発生しました。" in html
    assert "internals" not in html


def test_api_errors_keep_their_shape_with_a_message_in_the_language_asked(client):
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 404
    assert response.json["status"] == "Not Found"
    assert response.json["message"] == "此地址没有内容。链接可能已过期，或地址输入有误。"


def test_a_body_too_large_says_how_large_it_may_be(app, client):
    response = client.post(
        "/api/v1/auth/tokens",
        data=b"x" * (app.config["MAX_BODY_BYTES"] + 1),
        content_type="application/json",
        headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 413
    assert response.json["message"] == (
        "Wat u verstuurde is groter dan dit adres accepteert: hoogstens 1 MB."
    )
