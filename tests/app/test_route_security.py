"""Every route of the app, swept: who may call it, CSRF on every form and every cookie write.

The permission matrices of each package test who may do what to which record. This sweep makes
sure none is forgotten: it walks the URL map, so a new route is covered the day it is added.
A route is either listed in PUBLIC with the reason anybody may call it, or it must refuse an
anonymous caller (401 from the API, a redirect to the login page from the HTML), and a refused
call changes nothing in the database.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

# Endpoint -> why an anonymous caller may use it.
PUBLIC = {
    "core.choose_language": "the language switcher: visitors choose a language too",
    "core.index": "the landing page",
    "core.accessibility": "the accessibility statement: the law wants it public",
    "core.privacy": "the privacy notice: people read it before they have an account",
    "auth.login": "the login form",
    "auth_api.create_token": "exchanging credentials for a token",
    "api-docs.openapi_json": "the API description",
    "api-docs.openapi_swagger_ui": "the API documentation",
    "passports_api.passport_json_schema": "the published passport document schema",
    "health.healthz": "the load balancer's liveness check",
    "health.readyz": "the load balancer's readiness check",
    "static": "stylesheets, scripts and icons",
    "passports.scanner": "the scanner page, usable before logging in",
    "passports.scanner_photo": "decoding a photo of a label (rate-limited, CSRF-protected)",
    "passports.scanner_frame": "decoding a camera frame of a label (rate-limited, CSRF-protected)",
    "passports.tag_lookup": "typing a tag by hand",
    "passports.scan": "the public face of a tag: name, material family, city, status",
    "passports.tag_qr_png": "the QR image of a tag, as printed on its label",
    "passports.tag_qr_svg": "the QR image of a tag, as printed on its label",
    "passports.gs1_serial": "GS1 resolver: the tag page, a link type or the public linkset",
    "passports.gs1_giai": "GS1 resolver: the tag page, a link type or the public linkset",
    "passports.gs1_resolver_description": "the GS1 resolver description file (well-known)",
    "passports.tag_hazards": "a tag's hazards and whether cleared, as on its public page",
    "passports.tag_master_data": "a tag's identifiers and public facts (GS1 master data)",
    "auth.logout": "logging out (CSRF-protected; anonymous callers are just sent home)",
    "exchange.search": "the exchange is open to visitors: what is on offer is public",
    "exchange.listing_detail": "a listing on the exchange, open to visitors (a draft is a 404)",
    "exchange_api.search_listings": "searching the exchange, open to visitors like its page",
    "exchange_api.get_listing": "a listing on the exchange, open to visitors (a draft is a 404)",
    "exchange.request_account": "a visitor asks for an account (CSRF-protected, rate-limited)",
    "exchange.wanted_list": "wanted requests: browsed and searched by anyone (open ones)",
    "map.page": "the map: visitors see the exchange's public listings and open wanted requests",
    "map.popup": "a map popup: the public parts to anyone, the rest only to who may read it",
    "map_api.clusters": "the map's clusters: public layers to visitors, like the exchange's API",
    "exchange.wanted_detail": "a wanted request: read by anyone while open",
    "exchange_wanted_api.list_wanted": "wanted requests: browsed and searched by anyone",
    "exchange_wanted_api.get_wanted": "a wanted request: read by anyone while open",
    "passports.tag_credential": "the public UNTP credential of a tag: what its page shows anyone",
    "passports.tag_credential_signed": "the same public credential, signed by the instance",
    "passports.did_json": "the instance's did:web document: the key anyone verifies with",
}
# Endpoints that answer 404 to whoever may not read them, logged in or not: an <img> source
# has no use for a redirect to the login page, and a 404 says nothing about what exists.
HIDDEN = {"passports.photo"}
DEMO_PASSWORD = "demo-passport-2026"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class _Forms(HTMLParser):
    """Collect each <form>'s method, action and whether it carries a csrf_token field."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action")}
            )
        elif tag == "input" and attrs.get("name") == "csrf_token" and self.forms:
            self.forms[-1]["csrf"] = bool(attrs.get("value"))


@pytest.fixture
def demo(app, runner, db):
    """The demo world (both owners, a contractor, a buyer, listings and reservations)."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["exchange", "demo"]).exit_code == 0

    def first(sql: str):
        return db.session.execute(text(sql)).scalar()

    tag = first("SELECT tag FROM components ORDER BY id LIMIT 1")
    values = {
        "building_id": first("SELECT min(id) FROM buildings"),
        "component_id": first("SELECT min(id) FROM components"),
        "listing_id": first("SELECT min(id) FROM listings"),
        "reservation_id": first("SELECT min(id) FROM reservations"),
        "material_id": first("SELECT min(id) FROM materials"),
        "token_id": 1,
        "grant_id": first("SELECT min(id) FROM building_access") or 1,
        "hazard_id": 1,
        "import_id": 1,
        "snapshot_id": 1,
        "mapping_id": 1,
        "notification_id": 1,
        "account_request_id": 1,
        "saved_search_id": 1,
        "bundle_id": 1,
        "wanted_id": 1,
        "item_id": 1,
        "kind": "listings",
        "photo_id": 1,
        "run_id": 1,
        "stage_id": "no-such-stage",
        "step": "accept",
        "city": first("SELECT city FROM buildings ORDER BY id LIMIT 1"),
        "fmt": "csv",
        "year": 2025,
        "gtin": "08712345000011",
        "serial": "1",
        "giai": "1",
        "filename": "favicon.svg",
        "raw": tag,
        "tag": tag,
        "job_id": "no-such-job",
        "organisation_id": 1,
    }
    return values


def _routes(app, values):
    adapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        url = adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def _row_counts(db) -> dict[str, int]:
    db.session.rollback()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _csrf_token(client) -> str:
    html = client.get("/login").get_data(as_text=True)
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def test_every_private_route_refuses_anonymous_callers(app, client, db, demo):
    token = _csrf_token(client)  # a valid anonymous token: the refusal must be the login's
    before = _row_counts(db)
    problems = []
    for endpoint, method, url in _routes(app, demo):
        if endpoint in PUBLIC:
            continue
        is_api = url.startswith("/api/")
        headers = {"X-CSRFToken": token}
        data = {"csrf_token": token} if method in WRITE_METHODS and not is_api else None
        with client.open(url, method=method, data=data, headers=headers) as response:
            location = urlsplit(response.headers.get("Location", "")).path
            if endpoint in HIDDEN:
                refused = response.status_code == 404
            elif is_api:
                refused = response.status_code == 401 and response.json["code"] == 401
            else:
                refused = response.status_code == 302 and location == "/login"
        if not refused:
            problems.append(f"{method} {url} ({endpoint}) answered {response.status_code}")
    assert problems == []
    assert _row_counts(db) == before


def test_every_route_is_either_public_or_private(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(PUBLIC) <= endpoints, "PUBLIC names an endpoint that no longer exists"


def test_every_page_write_needs_a_csrf_token(app, client, db, demo):
    admin = db.session.scalar(text("SELECT email FROM users WHERE role = 'admin' LIMIT 1"))
    response = client.submit("/login", {"email": admin, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    before = _row_counts(db)
    problems = []
    for endpoint, method, url in _routes(app, demo):
        if method not in WRITE_METHODS or url.startswith("/api/") or endpoint == "auth.logout":
            continue
        with client.open(url, method=method, data={}) as response:
            if response.status_code != 400 or "CSRF" not in response.get_data(as_text=True):
                problems.append(f"{method} {url} ({endpoint}) answered {response.status_code}")
    assert problems == []
    assert _row_counts(db) == before
    assert client.get("/buildings").status_code == 200  # still logged in: logout needs CSRF too
    assert client.post("/logout").status_code == 400


def test_api_writes_with_a_session_cookie_need_the_csrf_header(client, db, make_user, login):
    owner = make_user("owner")
    login(owner)
    before = _row_counts(db)
    response = client.post("/api/v1/buildings", json={"name": "Forged", "city": "Zutphen"})
    assert response.status_code == 400
    assert _row_counts(db) == before


@pytest.mark.parametrize("role", ["admin", "owner", "contractor", "buyer"])
def test_every_form_on_every_page_carries_a_csrf_token(app, client, db, demo, role):
    email = db.session.scalar(text("SELECT email FROM users WHERE role = :r LIMIT 1"), {"r": role})
    assert client.submit("/login", {"email": email, "password": DEMO_PASSWORD}).status_code
    pages = seen = 0
    problems = []
    for _endpoint, method, url in _routes(app, demo):
        if method != "GET" or url.startswith(("/api/", "/static/")):
            continue
        with client.get(url) as response:
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            parser = _Forms()
            parser.feed(response.get_data(as_text=True))
        pages += 1
        for form in parser.forms:
            if form["method"] == "post":
                seen += 1
                if not form.get("csrf"):
                    problems.append(f"{url}: form to {form['action']} has no csrf_token")
    assert problems == []
    assert pages >= 8 and seen >= 3, (pages, seen)
