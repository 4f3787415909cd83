"""Fuzzing of the REST API with schemathesis, from the OpenAPI document the app serves.

Every operation is its own test (pytest-xdist spreads them), run on a fresh database seeded
with a building and its components, a grant, listings, reservations, a snapshot, an import, a
mapping, saved searches and a notification, so that generated ids often name real objects.

`test_api` calls every operation as the building's owner:
- coverage phase: boundary and invalid values of each parameter and property, missing required
  ones, and methods the document does not list (405 with an `Allow` header);
- fuzzing phase: positive and negative data, `EXAMPLES` per operation.
`test_api_as_other_roles` calls the operations a buyer, a contractor or an admin (the audit log)
uses, with their tokens, in a shorter fuzzing phase: the permission paths must answer as
documented too.

Checks (schemathesis defaults): no 5xx; status codes, content types, headers and bodies as
documented; schema-valid input accepted, or refused for a reason that depends on stored state
(401, 403, 404, 409, 429) but never with a 422 (positive_data_acceptance); schema-invalid input
refused (negative_data_rejection); an operation refuses a missing or a bad token;
unsupported methods answer 405 with `Allow`.

For a longer hunt: MPX_FUZZ_SEED=<n> picks other examples, MPX_FUZZ_EXAMPLES=<n> more of them.
"""

import copy
import os
import uuid
from datetime import date
from datetime import timedelta
from io import BytesIO

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st

from app import create_app
from app.auth.models import ApiToken
from app.auth.services import hash_token
from app.auth.services import issue_token
from app.extensions import db
from app.schema_fields import MAX_ID
from marketplace import alerts
from marketplace import services as exchange
from marketplace.models import Notification
from passports import services as passport_services
from passports.documents import snapshots
from passports.documents.export import build_document
from passports.gs1 import gtin_check_digit
from passports.imports import services as imports

EXAMPLES = int(os.environ.get("MPX_FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("MPX_FUZZ_SEED", "20240611"))
# Schema-valid input is accepted, or refused for a documented reason that depends on stored
# state: an unknown id (404), a conflict with what is stored (409), a missing right or token
# (401, 403), a rate limit (429). A 422 is for schema-invalid input only.
ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]


def _config(*, coverage: bool, examples: int) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": examples,
                # PostgreSQL refuses NUL in text: the API must refuse it first, with a 422.
                "allow-x00": True,
            },
            "checks": {
                "positive_data_acceptance": {"expected-statuses": ACCEPTED},
                "negative_data_rejection": {"enabled": True},
            },
            "phases": {
                "examples": {"enabled": False},
                "coverage": {"enabled": coverage},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )


# The document is the same for every app: load it once, from an app without a database.
_SPEC_APP = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
# The exports of a search take the search's own arguments, whose coverage phase runs on
# `GET /api/v1/listings`: they are fuzzed without it (each case writes a whole file).
SEARCH_EXPORTS = ["GET /api/v1/listings/export.csv", "GET /api/v1/listings/export.xlsx"]
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _SPEC_APP, config=_config(coverage=True, examples=EXAMPLES)
).exclude(name=SEARCH_EXPORTS)
search_exports = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _SPEC_APP, config=_config(coverage=False, examples=EXAMPLES)
).include(name=SEARCH_EXPORTS)
# What buyers, contractors and admins do, beyond what every user may do.
OTHER_ROLES = {
    "admin": ["GET /api/v1/audit"],
    "buyer": [
        "GET /api/v1/buildings",
        "GET /api/v1/listings",
        "GET /api/v1/listings/{listing_id}",
        "POST /api/v1/listings/{listing_id}/reservations",
        "GET /api/v1/reservations",
        "GET /api/v1/reservations/{reservation_id}",
        "GET /api/v1/reservations/{reservation_id}/ocds.json",
        "POST /api/v1/reservations/{reservation_id}/accept",
        "POST /api/v1/reservations/{reservation_id}/cancel",
        "POST /api/v1/saved-searches",
        "GET /api/v1/notifications",
        "POST /api/v1/notifications/{notification_id}/read",
        "GET /api/v1/dashboard/organisation",
        "POST /api/v1/bundles",
        "GET /api/v1/bundles",
        "GET /api/v1/bundles/{bundle_id}",
    ],
    "contractor": [
        "GET /api/v1/buildings/{building_id}",
        "GET /api/v1/buildings/{building_id}/passport.json",
        "GET /api/v1/components/{component_id}",
        "PATCH /api/v1/components/{component_id}",
        "POST /api/v1/components/{component_id}/events",
    ],
}
ROLE_OF = {label: role for role, labels in OTHER_ROLES.items() for label in labels}
other_roles = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _SPEC_APP, config=_config(coverage=False, examples=10)
).include(name=list(ROLE_OF))

# Fixed tokens: the coverage phase builds its requests before any fixture runs.
TOKENS = {
    role: f"mpx_fuzz-{role}-token-known-before-the-database-exists"
    for role in ("owner", "buyer", "contractor", "admin")
}
WALLS_CSV = b"external_id,name,quantity,unit,material\nW-1,Wall,2,m3,brick\n"
# Ids of the running test's seeded objects, by path parameter name.
SEEDED: dict[str, list] = {}
# The seeded building's passport document, as its owner exports it.
PASSPORT: dict = {}


class OwnerToken:
    """The owner's token, given the way schemathesis can also take it away: the `ignored_auth`
    check then proves that each operation refuses a missing or a bad token."""

    def get(self, case, context):
        return TOKENS["owner"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


class RoleToken(OwnerToken):
    """The buyer's, the contractor's or the admin's token, by the operation."""

    def get(self, case, context):
        return TOKENS[ROLE_OF[case.operation.label]]


def flatmap_path_parameters(context, path_parameters):
    """Point generated ids at seeded objects half of the time, so operations get past 404."""
    if not SEEDED or not path_parameters:
        return st.just(path_parameters)
    seeded = {
        name: st.sampled_from(SEEDED[name])
        for name, value in path_parameters.items()
        if name in SEEDED and _valid(value, SEEDED[name][0])
    }
    if not seeded:
        return st.just(path_parameters)
    real = st.fixed_dictionaries(seeded).map(lambda ids: {**path_parameters, **ids})
    return st.one_of(st.just(path_parameters), real)


def _valid(value, seeded) -> bool:
    """Only values the schema allows are replaced: a negative case's bad id must stay bad."""
    if isinstance(seeded, int):
        return type(value) is int and 0 <= value <= MAX_ID
    return isinstance(value, str) and value != ""


# Rules the document states in words because JSON Schema cannot (ComponentCreate's
# descriptions; an import's file is a CSV, XLSX or IFC file of the template's columns): a client
# keeps them, so valid input here keeps them too; breaking them is a 422 (a 415 for a file of
# another kind) that negative cases and tests/passports pin.
SUMS = (("recycled_content", "reused_content"), ("eol_reuse_fraction", "eol_recycle_fraction"))


def map_case(context, case):
    """The generation hook: positive cases keep the rules stated in words (see keep_rules)."""
    return keep_rules(case)


def keep_rules(case):
    """Positive component bodies keep the rules on sums: shares of distinct materials sum to
    1, and each pair of fractions to at most 1; a positive import sends a readable file, a
    positive passport import an exported passport."""
    meta = case.meta
    body = case.body
    if meta is None or meta.generation.mode.is_negative:
        return case
    if case.headers and "Idempotency-Key" in case.headers:
        # A client makes a new key for each new request (the header's description); the same
        # key with other content is a 422 (IETF draft-ietf-httpapi-idempotency-key-header).
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    if case.operation.path == "/api/v1/map/clusters" and isinstance(case.query, dict):
        # West < east, south < north, a box of a few tiles (stated in the bbox's description):
        # a map asks for the box it shows.
        case.query["bbox"] = "6.150,52.085,6.154,52.088"
    if not isinstance(body, dict):
        return case
    if "file" in body and case.operation.path.endswith("/imports"):
        body["file"] = WALLS_CSV
        return case
    if case.operation.path.endswith("/passports/import") and PASSPORT:
        # The rules across fields and items are stated in words (RULES_BEYOND_THE_SCHEMA): a
        # client sends a document another instance exported, so valid input here is one.
        case.body = copy.deepcopy(PASSPORT)
        return case
    if "occurred_at" in body and case.operation.path.endswith("/events"):
        body["occurred_at"] = "2024-05-01T12:00:00+02:00"  # not ahead of the server's clock
        if "building_id" in body and SEEDED.get("building_id"):
            body["building_id"] = SEEDED["building_id"][0]  # a building the caller can read
        return case
    if case.operation.path.startswith("/api/v1/wanted") and body.get("needed_by"):
        # "not in the past", stated in the field's description: a client asks for a date ahead.
        body["needed_by"] = (date.today() + timedelta(days=90)).isoformat()
        return case
    if case.operation.path == "/api/v1/bundles" and isinstance(body.get("parts"), list):
        # A bundle names each listing once (stated in the parts' description).
        body["parts"] = list({p.get("listing_id"): p for p in body["parts"]}.values())
        return case
    if "Component" not in str(case.operation.definition.raw.get("requestBody", "")):
        return case
    if isinstance(body.get("materials"), list) and body["materials"]:
        shares = list({m["material_id"]: m for m in body["materials"]}.values())
        for share in shares:
            share["fraction"] = 1 / len(shares)
        body["materials"] = shares
    for first, second in SUMS:
        a, b = body.get(first), body.get(second)
        if isinstance(a, float | int) and isinstance(b, float | int) and a + b > 1:
            body[second] = max(0.0, 1.0 - a)
    gtin = body.get("gtin")
    if isinstance(gtin, str) and gtin.isascii() and gtin.isdigit() and len(gtin) > 1:
        # "with its check digit", stated in words: a client sends a real GTIN.
        body["gtin"] = gtin[:-1] + str(gtin_check_digit(gtin[:-1]))
    return case


schema.auth(refresh_interval=None)(OwnerToken)
search_exports.auth(refresh_interval=None)(OwnerToken)
other_roles.auth(refresh_interval=None)(RoleToken)
for _schema in (schema, search_exports, other_roles):
    _schema.hook(flatmap_path_parameters)
    _schema.hook(map_case)


def _add_token(user, role: str) -> None:
    token = TOKENS[role]
    db.session.add(
        ApiToken(user=user, name="fuzz", token_hash=hash_token(token), prefix=token[:10])
    )


@pytest.fixture
def seeded(app, make_user, make_building, make_component, material_id):
    """A building due for demolition with a hazardous wall and stored doors, a contractor's
    grant, a published and a draft listing, a requested and an accepted reservation, a
    snapshot, an import, a mapping, saved searches, a notification and the three tokens."""
    owner, contractor, buyer = make_user("owner"), make_user("contractor"), make_user("buyer")
    admin = make_user("admin")
    building = make_building(
        owner, status="demolition_planned", planned_date=date.today() + timedelta(days=90)
    )
    brick = [{"material_id": material_id("common-clay-brick"), "fraction": 1.0}]
    wall = make_component(building, materials=brick, hazards=[{"kind": "asbestos"}])
    doors = [
        make_component(
            building,
            name=f"Oak door {i}",
            category="door",
            unit="pcs",
            quantity=10.0,
            mass_kg=250.0,
            status="in_storage",
            materials=[{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
        )
        for i in range(3)
    ]
    grant = passport_services.grant_access(building, contractor.organisation_id, owner, None)
    alerts.save_search(buyer, "Doors", {"q": "door"})
    free = {"title": "Oak doors", "price_basis": "free"}
    listing = exchange.create_listing(
        owner, building, {**free, "component_ids": [doors[0].id, doors[1].id]}
    )
    exchange.publish_listing(listing, owner)
    alerts.notify_saved_searches(listing)
    draft = exchange.create_listing(owner, building, {**free, "component_ids": [doors[2].id]})
    db.session.commit()
    requested = exchange.reserve_listing(buyer, listing.id, {"quantity": 5.0})
    accepted = exchange.reserve_listing(buyer, listing.id, {"quantity": 5.0})
    exchange.accept_reservation(accepted)
    snapshot = snapshots.freeze_snapshot(building, owner, "as built")
    mapping = imports.save_mapping(
        owner.organisation_id, "baksteen", brick[0]["material_id"], owner
    )
    saved = alerts.save_search(owner, "Bricks", {"q": "brick"})
    # A token of the owner's for DELETE /auth/tokens/{id} to revoke, so that the fuzzing
    # keeps its own (a drawn id may still hit it: the rest of that one test then gets 401s).
    spare, _ = issue_token(owner, "spare")
    for user, role in (
        (owner, "owner"),
        (buyer, "buyer"),
        (contractor, "contractor"),
        (admin, "admin"),
    ):
        _add_token(user, role)
    db.session.commit()
    imported = app.test_client().post(
        f"/api/v1/buildings/{building.id}/imports",
        data={"file": (BytesIO(WALLS_CSV), "walls.csv")},
        headers={"Authorization": f"Bearer {TOKENS['owner']}"},
    )
    assert imported.status_code == 201, imported.get_json()
    PASSPORT.clear()
    PASSPORT.update(build_document(building))
    SEEDED.update(
        building_id=[building.id],
        component_id=[wall.id, doors[0].id, doors[2].id],
        hazard_id=[h.id for h in wall.hazards],
        grant_id=[grant.id],
        listing_id=[listing.id, draft.id],
        reservation_id=[requested.id, accepted.id],
        snapshot_id=[snapshot.id],
        import_id=[imported.get_json()["import_id"]],
        material_id=[brick[0]["material_id"]],
        mapping_id=[mapping.id],
        saved_search_id=[saved.id],
        notification_id=list(db.session.scalars(db.select(Notification.id))),
        token_id=[spare.id],
        city=["Brummen"],
    )
    yield
    SEEDED.clear()


_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        # The seeded database is shared by the examples of one operation, on purpose.
        HealthCheck.function_scoped_fixture,
    ],
)


def _request_per_context(app):
    """The app as a WSGI callable that runs each request in its own application context, as
    in production: inside the test's context, `g` (and the user Flask-Login caches there)
    would carry over from one request to the next."""

    def wsgi(environ, start_response):
        with app.app_context():
            return app(environ, start_response)

    return wsgi


@schema.parametrize()
@_SETTINGS
def test_api(case, app, seeded):
    """As the owner, each operation answers as documented, valid input or not, never a 5xx."""
    if case.operation.path.endswith("/passports/import"):
        keep_rules(case)  # the coverage phase's cases do not pass through the generation hook
    case.call_and_validate(app=_request_per_context(app))


@search_exports.parametrize()
@_SETTINGS
def test_search_exports(case, app, seeded):
    """As the owner, the exports of a search answer as documented, never a 5xx."""
    case.call_and_validate(app=_request_per_context(app))


@other_roles.parametrize()
@_SETTINGS
def test_api_as_other_roles(case, app, seeded):
    """As a buyer, a contractor or an admin, the same holds on the operations they use."""
    case.call_and_validate(app=_request_per_context(app))


# ---------------------------------------------------------------- what the fuzzing found, pinned
@pytest.fixture
def owner_api(client, make_user, make_building, make_component, token_for):
    """An owner's token, building and brick wall: (client, headers, building, component)."""
    owner = make_user("owner")
    building = make_building(owner)
    return client, token_for(owner), building, make_component(building)


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/api/v1/buildings", {"name": "Town\x00hall"}),
        ("post", "/api/v1/buildings", {"name": "Hall", "address": ["Markt\x001"]}),
        ("get", "/api/v1/buildings?q=town%00hall", None),
        ("get", "/api/v1/listings?q=door%00", None),
    ],
)
def test_nul_characters_are_a_422_not_a_database_error(owner_api, method, path, body):
    client, headers, _, _ = owner_api
    response = getattr(client, method)(path, json=body, headers=headers)
    assert response.status_code == 422, response.get_json()


def test_the_last_page_the_document_allows_is_empty_and_one_further_is_a_422(owner_api):
    client, headers, _, _ = owner_api
    last = client.get(f"/api/v1/buildings?page={MAX_ID}&per_page=100", headers=headers)
    assert last.status_code == 200
    assert last.get_json() == {"items": [], "total": 1, "page": MAX_ID, "per_page": 100}
    further = client.get(f"/api/v1/buildings?page={10**20}", headers=headers)
    assert further.status_code == 422 and "page" in further.get_json()["errors"]["query"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"quantity": 5e-324}, "quantity"),  # PostgreSQL: "value out of range: underflow"
        ({"mass_kg": 1e300}, "mass_kg"),
        ({"gtin": "²²²²²²²²"}, "gtin"),  # str.isdigit() says yes, int() says no
        ({"materials": [{"material_id": 1}]}, "materials"),  # a share without its fraction
        ({"materials": [{"material_id": 2**40, "fraction": 1.0}]}, "materials"),
    ],
)
def test_component_edits_the_database_cannot_take_are_422(owner_api, change, field):
    client, headers, _, wall = owner_api
    response = client.patch(f"/api/v1/components/{wall.id}", json=change, headers=headers)
    assert response.status_code == 422 and field in response.get_json()["errors"]["json"]


def test_timestamps_say_they_are_utc_and_event_times_may_too(owner_api):
    client, headers, building, wall = owner_api
    shown = client.get(f"/api/v1/buildings/{building.id}", headers=headers).get_json()
    assert shown["created_at"].endswith("+00:00")
    event = client.post(
        f"/api/v1/components/{wall.id}/events",
        json={"kind": "note", "occurred_at": "2024-05-01T12:00:00+02:00"},
        headers=headers,
    )
    assert event.status_code == 201
    assert event.get_json()["occurred_at"] == "2024-05-01T10:00:00+00:00"


def test_an_xlsx_export_of_a_search_with_control_characters(owner_api):
    client, headers, _, _ = owner_api
    response = client.get("/api/v1/listings/export.xlsx?q=oak%15door", headers=headers)
    assert response.status_code == 200


def test_the_document_describes_what_the_api_answers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "headers" not in spec["components"]  # no X-Pagination: lists answer the envelope
    quantity = spec["components"]["schemas"]["ComponentCreate"]["properties"]["quantity"]
    # Above 0: below 1e-9 a number is 0, so the smallest quantity is 1e-9.
    assert quantity["minimum"] == 1e-9 and "exclusiveMinimum" not in quantity
    upload = spec["paths"]["/api/v1/buildings/{building_id}/imports"]["post"]
    assert "parameters" not in upload  # no OpenAPI 2 `formData`: dry_run is in the body
    accept = spec["paths"]["/api/v1/reservations/{reservation_id}/accept"]["post"]
    assert accept["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StatusConflict"
    }


def test_a_version_number_int_cannot_read_is_a_422_page(login, make_user, make_building):
    owner = make_user("owner")
    building = make_building(owner)
    page = login(owner).get(f"/buildings/{building.id}/versions/compare?from=%C2%B2&to=current")
    assert page.status_code == 422
