"""The permission matrix: role x action x relation to a building, through the API and the pages.

The world: organisation "home" owns building B (with component C and an active grant to a
third contractor organisation) and building B2 (no grants). Each actor is a user of one role whose
organisation relates to B in one way:

- own: the actor belongs to the owning organisation;
- other: another organisation without a grant;
- granted: another organisation with an active grant on B;
- expired: a grant whose expiry day has passed;
- revoked: a grant that was revoked.

What is expected follows passports/permissions.py: admins read and write everything; owners read
and write their own organisation's buildings and read the ones granted to them; contractors read
granted buildings only and write nothing; buyers read only their own organisation's buildings.
Reading what one may not see answers 404, writing what one may read but not change answers
403; anonymous callers get a 401 JSON error from the API and a redirect to /login from the
pages. Every request is checked against a snapshot of the database: a refused write (and any
read) leaves it exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.auth import services as accounts
from app.auth.models import ApiToken
from app.auth.models import Organisation
from app.auth.models import User
from passports import services
from passports.models import Building
from passports.models import BuildingAccess
from passports.models import Component
from passports.models import ComponentMaterial
from passports.models import Material

ROLES = ("admin", "owner", "contractor", "buyer")
RELATIONS = ("own", "other", "granted", "expired", "revoked")
ORG_KIND = {
    "admin": "company",
    "owner": "municipality",
    "contractor": "contractor",
    "buyer": "company",
}
ANONYMOUS = (None, None)
# Every role in every relation to building B, and nobody logged in.
MATRIX = [*((role, rel) for role in ROLES for rel in RELATIONS), ANONYMOUS]
# Where only the role matters (materials, tokens, creating buildings).
BY_ROLE = [(role, "other" if role != "owner" else "own") for role in ROLES]
FUTURE = (date.today() + timedelta(days=30)).isoformat()
JSON_ERROR_KEYS = {"code", "status", "message", "errors"}


def actor_id(param) -> str:
    """Readable test ids: contractor-granted, buyer-own, anonymous."""
    role, relation = param
    return "anonymous" if role is None else f"{role}-{relation}"


def role_id(param) -> str:
    """Readable test ids where only the role matters."""
    return param[0] or "anonymous"


# ---------------------------------------------------------------- the world
@dataclass
class World:
    """Ids of everything the matrix acts on."""

    owner: User
    home_id: int
    building_id: int
    other_building_id: int
    component_id: int
    grant_id: int
    newcomer_id: int
    hardwood_id: int
    brick_id: int


@dataclass
class Actor:
    """A user in one relation to building B, and what that user may do there."""

    role: str | None
    relation: str | None
    user: User | None

    @property
    def reads(self) -> bool:
        """May read building B's passport."""
        return (
            self.role == "admin"
            or (self.role == "owner" and self.relation in ("own", "granted"))
            or (self.role == "contractor" and self.relation == "granted")
            or (self.role == "buyer" and self.relation == "own")
        )

    @property
    def writes(self) -> bool:
        """May change building B, its components and its grants."""
        return self.role == "admin" or (self.role == "owner" and self.relation == "own")

    def expect(self, rule: str, ok: int, *, api: bool) -> int:
        """The status this actor should get for an action needing `rule` ("read"/"write")."""
        if self.user is None:
            return 401 if api else 302
        if rule == "read":
            return ok if self.reads else 404
        return ok if self.writes else 403 if self.reads else 404


@pytest.fixture
def world(db, make_user, make_org, make_building, make_component, material_id) -> World:
    """Home organisation with buildings B (component C, one active grant) and B2."""
    owner = make_user("owner")
    building = make_building(owner, name="Brummen town hall")
    other_building = make_building(owner, name="Depot Zutphen")
    component = make_component(building, name="Facade brick wall")
    third = make_org("contractor", "Third Party Demolition")
    grant = services.grant_access(building, third.id, owner)
    newcomer = make_org("contractor", "Newcomer Builders")
    db.session.commit()
    return World(
        owner=owner,
        home_id=owner.organisation_id,
        building_id=building.id,
        other_building_id=other_building.id,
        component_id=component.id,
        grant_id=grant.id,
        newcomer_id=newcomer.id,
        hardwood_id=material_id("sawn-hardwood"),
        brick_id=material_id("common-clay-brick"),
    )


@pytest.fixture
def actor(request, db, world, make_org, make_user) -> Actor:
    """The user of request.param = (role, relation), with the grant the relation implies."""
    role, relation = request.param
    if role is None:
        return Actor(None, None, None)
    org = (
        db.session.get(Organisation, world.home_id)
        if relation == "own"
        else make_org(ORG_KIND[role])
    )
    user = make_user(role, org=org)
    building = db.session.get(Building, world.building_id)
    if relation == "granted":
        services.grant_access(building, org.id, world.owner)
    elif relation == "expired":
        # The service refuses past expiry dates, so the lapsed grant is written directly.
        db.session.add(
            BuildingAccess(
                building_id=building.id,
                organisation_id=org.id,
                granted_by_id=world.owner.id,
                expires_on=date.today() - timedelta(days=1),
            )
        )
    elif relation == "revoked":
        services.revoke_access(services.grant_access(building, org.id, world.owner))
    db.session.commit()
    return Actor(role, relation, user)


def snapshot(db) -> dict:
    """Everything a permission-checked write could touch, read afresh from the database."""
    # Ending the test's own transaction lets it see every commit the requests made.
    db.session.rollback()
    s = db.session
    snap = {
        "buildings": {
            r.id: (r.organisation_id, r.name, r.archived_at is not None)
            for r in s.execute(
                select(Building.id, Building.organisation_id, Building.name, Building.archived_at)
            )
        },
        "components": {
            r.id: (r.building_id, r.name, r.status, r.archived_at is not None)
            for r in s.execute(
                select(
                    Component.id,
                    Component.building_id,
                    Component.name,
                    Component.status,
                    Component.archived_at,
                )
            )
        },
        "shares": sorted(
            tuple(r)
            for r in s.execute(
                select(
                    ComponentMaterial.component_id,
                    ComponentMaterial.material_id,
                    ComponentMaterial.fraction,
                )
            )
        ),
        "grants": {
            r.id: (r.building_id, r.organisation_id, r.expires_on, r.revoked_at)
            for r in s.execute(
                select(
                    BuildingAccess.id,
                    BuildingAccess.building_id,
                    BuildingAccess.organisation_id,
                    BuildingAccess.expires_on,
                    BuildingAccess.revoked_at,
                )
            )
        },
        "materials": {
            r.id: (r.slug, r.name, r.density_kg_m3)
            for r in s.execute(
                select(Material.id, Material.slug, Material.name, Material.density_kg_m3)
            )
        },
        "tokens": {
            r.id: (r.user_id, r.revoked_at is not None)
            for r in s.execute(select(ApiToken.id, ApiToken.user_id, ApiToken.revoked_at))
        },
    }
    db.session.rollback()
    return snap


def assert_api_error(response, status: int) -> None:
    """The one JSON error shape under /api, with the expected status and no trace."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, text
    assert response.is_json, text
    body = response.get_json()
    assert set(body) >= JSON_ERROR_KEYS, body
    assert body["code"] == status
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    assert "Traceback" not in text
    if status == 401:
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


def assert_login_redirect(response) -> None:
    """Pages send anonymous visitors to the login form."""
    assert response.status_code == 302, response.get_data(as_text=True)
    assert urlsplit(response.headers["Location"]).path == "/login"


def assert_html_status(response, status: int) -> None:
    """A page (or an error page) with this status, never JSON."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "text/html"


# ---------------------------------------------------------------- effects of allowed writes
Effect = Callable[[World, dict, dict], bool]


def building_named(name: str) -> Effect:
    return lambda w, before, after: after["buildings"][w.building_id][1] == name


def building_archived(w, before, after) -> bool:
    return after["buildings"][w.building_id][2] and not before["buildings"][w.building_id][2]


def component_added(w, before, after) -> bool:
    def count(snap):
        return sum(1 for b, *_ in snap["components"].values() if b == w.building_id)

    return count(after) == count(before) + 1


def component_named(name: str) -> Effect:
    return lambda w, before, after: after["components"][w.component_id][1] == name


def component_status(status: str) -> Effect:
    return lambda w, before, after: after["components"][w.component_id][2] == status


def component_archived(w, before, after) -> bool:
    return after["components"][w.component_id][3] and not before["components"][w.component_id][3]


def newcomer_granted(w, before, after) -> bool:
    return any(
        b == w.building_id and o == w.newcomer_id and revoked is None
        for b, o, _exp, revoked in after["grants"].values()
    )


def grant_revoked(w, before, after) -> bool:
    return after["grants"][w.grant_id][3] is not None and before["grants"][w.grant_id][3] is None


# ---------------------------------------------------------------- REST API matrix
@dataclass(frozen=True)
class ApiAction:
    """One REST call on building B or its component C."""

    name: str
    method: str
    path: Callable[[World], str]
    rule: str
    ok: int
    body: Callable[[World], dict] | None = None
    check: Callable[[World, object], None] | None = None
    effect: Effect | None = None


def component_body(w: World) -> dict:
    return {
        "name": "Door",
        "quantity": 3,
        "unit": "pcs",
        "materials": [{"material_id": w.hardwood_id, "fraction": 1.0}],
    }


def _check_id(key: Callable[[World], int], pick: Callable[[object], int]):
    def check(w, body):
        assert pick(body) == key(w), body

    return check


def _assert_listed(row_id: int, body) -> None:
    assert row_id in [row["id"] for row in body["items"]], body


def _check_ids(key: Callable[[World], int]):
    def check(w, body):
        assert [row["id"] for row in body["items"]] == [key(w)], body

    return check


B = "/api/v1/buildings"
API_ACTIONS = [
    ApiAction(
        "get_building",
        "GET",
        lambda w: f"{B}/{w.building_id}",
        "read",
        200,
        check=_check_id(lambda w: w.building_id, lambda b: b["id"]),
    ),
    ApiAction(
        "building_summary",
        "GET",
        lambda w: f"{B}/{w.building_id}/summary",
        "read",
        200,
        check=_check_id(lambda w: w.building_id, lambda b: b["building"]["id"]),
    ),
    ApiAction(
        "list_components",
        "GET",
        lambda w: f"{B}/{w.building_id}/components",
        "read",
        200,
        check=_check_ids(lambda w: w.component_id),
    ),
    ApiAction(
        "get_component",
        "GET",
        lambda w: f"/api/v1/components/{w.component_id}",
        "read",
        200,
        check=_check_id(lambda w: w.component_id, lambda b: b["id"]),
    ),
    ApiAction(
        "update_building",
        "PATCH",
        lambda w: f"{B}/{w.building_id}",
        "write",
        200,
        body=lambda w: {"name": "Renamed by API"},
        effect=building_named("Renamed by API"),
    ),
    ApiAction(
        "archive_building",
        "DELETE",
        lambda w: f"{B}/{w.building_id}",
        "write",
        204,
        effect=building_archived,
    ),
    ApiAction(
        "create_component",
        "POST",
        lambda w: f"{B}/{w.building_id}/components",
        "write",
        201,
        body=component_body,
        effect=component_added,
    ),
    ApiAction(
        "update_component",
        "PATCH",
        lambda w: f"/api/v1/components/{w.component_id}",
        "write",
        200,
        body=lambda w: {"name": "Renamed door"},
        effect=component_named("Renamed door"),
    ),
    ApiAction(
        "archive_component",
        "DELETE",
        lambda w: f"/api/v1/components/{w.component_id}",
        "write",
        204,
        effect=component_archived,
    ),
    ApiAction(
        "list_grants",
        "GET",
        lambda w: f"{B}/{w.building_id}/grants",
        "write",
        200,
        check=lambda w, body: _assert_listed(w.grant_id, body),
    ),
    ApiAction(
        "grant_access",
        "POST",
        lambda w: f"{B}/{w.building_id}/grants",
        "write",
        201,
        body=lambda w: {"organisation_id": w.newcomer_id, "expires_on": FUTURE},
        effect=newcomer_granted,
    ),
    ApiAction(
        "revoke_grant",
        "DELETE",
        lambda w: f"{B}/{w.building_id}/grants/{w.grant_id}",
        "write",
        204,
        effect=grant_revoked,
    ),
]


@pytest.mark.parametrize("actor", MATRIX, indirect=True, ids=actor_id)
@pytest.mark.parametrize("action", API_ACTIONS, ids=lambda a: a.name)
def test_api_matrix(client, db, world, actor, action, token_for):
    """Each role and relation gets exactly its rights on B through the REST API."""
    headers = token_for(actor.user) if actor.user else {}
    before = snapshot(db)
    response = client.open(
        action.path(world),
        method=action.method,
        headers=headers,
        json=action.body(world) if action.body else None,
    )
    after = snapshot(db)
    expected = actor.expect(action.rule, action.ok, api=True)
    if expected != action.ok:
        assert_api_error(response, expected)
        assert after == before, "a refused request changed the database"
        return
    assert response.status_code == action.ok, response.get_data(as_text=True)
    if action.check:
        action.check(world, response.get_json())
    if action.effect:
        assert action.effect(world, before, after), (before, after)
    else:
        assert after == before, "a read changed the database"


@pytest.mark.parametrize("actor", MATRIX, indirect=True, ids=actor_id)
def test_api_building_list_shows_only_readable_buildings(client, db, world, actor, token_for):
    """The list holds B only for readers, B2 only for its own owners and admins."""
    if actor.user is None:
        assert_api_error(client.get(B), 401)
        return
    response = client.get(B, headers=token_for(actor.user))
    assert response.status_code == 200, response.get_data(as_text=True)
    ids = {b["id"] for b in response.get_json()["items"]}
    expected = set()
    if actor.reads:
        expected.add(world.building_id)
    if actor.writes or (actor.role == "buyer" and actor.relation == "own"):
        expected.add(world.other_building_id)
    assert ids == expected


# ---------------------------------------------------------------- HTML pages matrix
@dataclass(frozen=True)
class PageAction:
    """One page visit or form post on building B or its component C."""

    name: str
    method: str
    url: Callable[[World], str]
    rule: str
    ok: int
    form: Callable[[World], dict] | None = None
    page: Callable[[World], str] | None = None
    shows: Callable[[World], list[str]] | None = None
    writer_only: Callable[[World], list[str]] | None = None
    effect: Effect | None = None


def component_form(w: World) -> dict:
    return {
        "name": "Door",
        "quantity": "3",
        "unit": "pcs",
        "materials-0-material_id": str(w.hardwood_id),
        "materials-0-fraction": "1",
    }


def component_edit_form(w: World) -> dict:
    # The edit form comes prefilled with C's own material (brick), so a browser re-posts it.
    return {
        "name": "Renamed door",
        "quantity": "10",
        "unit": "m3",
        "category": "external_wall",
        "materials-0-material_id": str(w.brick_id),
        "materials-0-fraction": "1",
    }


PAGE_ACTIONS = [
    PageAction(
        "building_detail",
        "GET",
        lambda w: f"/buildings/{w.building_id}",
        "read",
        200,
        shows=lambda w: ["Brummen town hall"],
        writer_only=lambda w: [
            f'"/buildings/{w.building_id}/edit"',
            f'"/buildings/{w.building_id}/components/new"',
            f'"/buildings/{w.building_id}/archive"',
            f'"/buildings/{w.building_id}/grants"',
            f'"/buildings/{w.building_id}/grants/{w.grant_id}/revoke"',
            "Third Party Demolition",
        ],
    ),
    PageAction(
        "component_list",
        "GET",
        lambda w: f"/buildings/{w.building_id}/components",
        "read",
        200,
        shows=lambda w: ["Facade brick wall"],
        writer_only=lambda w: [f'"/buildings/{w.building_id}/components/new"'],
    ),
    PageAction(
        "component_detail",
        "GET",
        lambda w: f"/components/{w.component_id}",
        "read",
        200,
        shows=lambda w: ["Facade brick wall"],
        writer_only=lambda w: [
            f'"/components/{w.component_id}/edit"',
            f'"/components/{w.component_id}/status"',
            f'"/components/{w.component_id}/archive"',
        ],
    ),
    PageAction(
        "building_edit_form", "GET", lambda w: f"/buildings/{w.building_id}/edit", "write", 200
    ),
    PageAction(
        "building_edit",
        "POST",
        lambda w: f"/buildings/{w.building_id}/edit",
        "write",
        302,
        form=lambda w: {"name": "Renamed on page"},
        effect=building_named("Renamed on page"),
    ),
    PageAction(
        "building_archive",
        "POST",
        lambda w: f"/buildings/{w.building_id}/archive",
        "write",
        302,
        form=lambda w: {},
        page=lambda w: f"/buildings/{w.building_id}",
        effect=building_archived,
    ),
    PageAction(
        "component_new_form",
        "GET",
        lambda w: f"/buildings/{w.building_id}/components/new",
        "write",
        200,
    ),
    PageAction(
        "component_new",
        "POST",
        lambda w: f"/buildings/{w.building_id}/components/new",
        "write",
        302,
        form=component_form,
        effect=component_added,
    ),
    PageAction(
        "component_edit_form", "GET", lambda w: f"/components/{w.component_id}/edit", "write", 200
    ),
    PageAction(
        "component_edit",
        "POST",
        lambda w: f"/components/{w.component_id}/edit",
        "write",
        302,
        form=component_edit_form,
        effect=component_named("Renamed door"),
    ),
    PageAction(
        "component_status",
        "POST",
        lambda w: f"/components/{w.component_id}/status",
        "write",
        302,
        form=lambda w: {"status": "to_harvest"},
        page=lambda w: f"/components/{w.component_id}",
        effect=component_status("to_harvest"),
    ),
    PageAction(
        "component_archive",
        "POST",
        lambda w: f"/components/{w.component_id}/archive",
        "write",
        302,
        form=lambda w: {},
        page=lambda w: f"/components/{w.component_id}",
        effect=component_archived,
    ),
    PageAction(
        "grant_create",
        "POST",
        lambda w: f"/buildings/{w.building_id}/grants",
        "write",
        302,
        form=lambda w: {"organisation_id": str(w.newcomer_id), "expires_on": FUTURE},
        page=lambda w: f"/buildings/{w.building_id}",
        effect=newcomer_granted,
    ),
    PageAction(
        "grant_revoke",
        "POST",
        lambda w: f"/buildings/{w.building_id}/grants/{w.grant_id}/revoke",
        "write",
        302,
        form=lambda w: {},
        page=lambda w: f"/buildings/{w.building_id}",
        effect=grant_revoked,
    ),
]


def page_post(client, actor: Actor, url: str, data: dict, page: str | None = None):
    """Post a form as a browser would; anonymous visitors take their CSRF token from /login."""
    return client.submit(url, data, page="/login" if actor.user is None else (page or url))


@pytest.mark.parametrize("actor", MATRIX, indirect=True, ids=actor_id)
@pytest.mark.parametrize("action", PAGE_ACTIONS, ids=lambda a: a.name)
def test_page_matrix(client, db, world, actor, action, login):
    """Each role and relation gets exactly its rights on B through the HTML pages."""
    if actor.user:
        login(actor.user)
    before = snapshot(db)
    url = action.url(world)
    if action.method == "GET":
        response = client.get(url)
    else:
        response = page_post(
            client, actor, url, action.form(world), action.page(world) if action.page else None
        )
    after = snapshot(db)
    expected = actor.expect(action.rule, action.ok, api=False)
    if actor.user is None:
        assert_login_redirect(response)
        assert after == before
        return
    if expected != action.ok:
        assert_html_status(response, expected)
        assert after == before, "a refused request changed the database"
        return
    if action.method == "GET":
        assert_html_status(response, 200)
        html = response.get_data(as_text=True)
        for text in action.shows(world) if action.shows else []:
            assert text in html
        for text in action.writer_only(world) if action.writer_only else []:
            assert (text in html) == actor.writes, f"{text} offered={not actor.writes}"
        assert after == before, "a page view changed the database"
        return
    assert response.status_code == 302, response.get_data(as_text=True)
    assert action.effect(world, before, after), (before, after)


@pytest.mark.parametrize("actor", MATRIX, indirect=True, ids=actor_id)
def test_page_building_list_shows_only_readable_buildings(client, world, actor, login):
    """The building list page names B only for readers, B2 only for its own organisation."""
    if actor.user is None:
        assert_login_redirect(client.get("/buildings"))
        return
    login(actor.user)
    response = client.get("/buildings")
    assert_html_status(response, 200)
    html = response.get_data(as_text=True)
    assert ("Brummen town hall" in html) == actor.reads
    assert ("Depot Zutphen" in html) == (
        actor.writes or (actor.role == "buyer" and actor.relation == "own")
    )


# ---------------------------------------------------------------- grants end to end
def test_api_grant_gives_a_contractor_read_access_until_revoked(
    client, world, make_user, make_org, token_for
):
    """An owner grants a contractor organisation; it reads B; a revoke ends that at once."""
    contractor = make_user("contractor")
    as_contractor = token_for(contractor)
    as_owner = token_for(world.owner)
    detail = f"{B}/{world.building_id}"
    assert client.get(detail, headers=as_contractor).status_code == 404
    response = client.post(
        f"{detail}/grants", headers=as_owner, json={"organisation_id": contractor.organisation_id}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    grant_id = response.get_json()["id"]
    assert client.get(detail, headers=as_contractor).status_code == 200
    listed = client.get(B, headers=as_contractor).get_json()["items"]
    assert [b["id"] for b in listed] == [world.building_id]
    assert client.patch(detail, headers=as_contractor, json={"name": "Mine now"}).status_code == 403
    assert client.delete(f"{detail}/grants/{grant_id}", headers=as_owner).status_code == 204
    assert_api_error(client.get(detail, headers=as_contractor), 404)
    assert client.get(B, headers=as_contractor).get_json()["items"] == []


def test_page_grant_form_gives_a_contractor_read_access(
    client, db, world, make_user, login, token_for
):
    """The grant form on the building page does what the API does."""
    contractor = make_user("contractor")
    as_contractor = token_for(contractor)
    login(world.owner)
    response = client.submit(
        f"/buildings/{world.building_id}/grants",
        {"organisation_id": str(contractor.organisation_id), "expires_on": FUTURE},
        page=f"/buildings/{world.building_id}",
    )
    assert response.status_code == 302
    assert client.get(f"{B}/{world.building_id}", headers=as_contractor).status_code == 200
    db.session.rollback()
    grant = db.session.scalar(
        select(BuildingAccess).where(BuildingAccess.organisation_id == contractor.organisation_id)
    )
    assert grant.expires_on.isoformat() == FUTURE and grant.revoked_at is None


def test_grant_counts_through_its_expiry_day(client, db, world, make_user, token_for):
    """A grant expiring today still reads; the matrix covers the day after."""
    contractor = make_user("contractor")
    building = db.session.get(Building, world.building_id)
    services.grant_access(building, contractor.organisation_id, world.owner, date.today())
    db.session.commit()
    response = client.get(f"{B}/{world.building_id}", headers=token_for(contractor))
    assert response.status_code == 200


@pytest.mark.parametrize("whose", ["same_owner", "other_owner"])
def test_grant_cannot_be_revoked_through_another_building(
    client, db, world, make_user, make_building, token_for, login, whose
):
    """A grant id is only reachable through its own building, on the API and the page."""
    if whose == "same_owner":
        user, building_id = world.owner, world.other_building_id
    else:
        user = make_user("owner")
        building_id = make_building(user, name="Elsewhere").id
    before = snapshot(db)
    response = client.delete(f"{B}/{building_id}/grants/{world.grant_id}", headers=token_for(user))
    assert_api_error(response, 404)
    login(user)
    response = client.submit(
        f"/buildings/{building_id}/grants/{world.grant_id}/revoke",
        {},
        page=f"/buildings/{building_id}",
    )
    assert_html_status(response, 404)
    after = snapshot(db)
    assert after["grants"] == before["grants"]


# ---------------------------------------------------------------- creating buildings
BUILDING_BODY = {"name": "X", "city": "Y", "country": "NL", "latitude": 52.0, "longitude": 6.0}


@pytest.mark.parametrize("actor", [*BY_ROLE, ANONYMOUS], indirect=True, ids=role_id)
def test_api_create_building(client, db, world, actor, token_for):
    """Owners and admins register buildings for their own organisation; others may not."""
    headers = token_for(actor.user) if actor.user else {}
    before = snapshot(db)
    response = client.post(B, headers=headers, json=BUILDING_BODY)
    after = snapshot(db)
    if actor.role in ("owner", "admin"):
        assert response.status_code == 201, response.get_data(as_text=True)
        assert response.get_json()["organisation_id"] == actor.user.organisation_id
        assert len(after["buildings"]) == len(before["buildings"]) + 1
    else:
        assert_api_error(response, 401 if actor.user is None else 403)
        assert after == before


@pytest.mark.parametrize("actor", BY_ROLE, indirect=True, ids=role_id)
def test_api_create_building_for_another_organisation(client, db, world, actor, token_for):
    """Only an admin may register a building for another organisation."""
    headers = token_for(actor.user)
    before = snapshot(db)
    response = client.post(
        B, headers=headers, json={**BUILDING_BODY, "organisation_id": world.newcomer_id}
    )
    after = snapshot(db)
    if actor.role == "admin":
        assert response.status_code == 201, response.get_data(as_text=True)
        assert response.get_json()["organisation_id"] == world.newcomer_id
    else:
        assert_api_error(response, 403)
        assert after == before


def test_api_owner_cannot_hand_a_building_to_another_organisation(client, db, world, token_for):
    """Ownership is not a field an owner can edit."""
    headers = token_for(world.owner)
    before = snapshot(db)
    response = client.patch(
        f"{B}/{world.building_id}", headers=headers, json={"organisation_id": world.newcomer_id}
    )
    assert_api_error(response, 422)
    assert snapshot(db) == before


BUILDING_FORM = {"name": "X", "city": "Y", "country": "NL", "latitude": "52.0", "longitude": "6.0"}


@pytest.mark.parametrize("actor", [*BY_ROLE, ANONYMOUS], indirect=True, ids=role_id)
def test_page_create_building(client, db, world, actor, login):
    """The new-building form is for owners and admins."""
    if actor.user is None:
        assert_login_redirect(client.get("/buildings/new"))
        before = snapshot(db)
        assert_login_redirect(page_post(client, actor, "/buildings/new", BUILDING_FORM))
        assert snapshot(db) == before
        return
    login(actor.user)
    allowed = actor.role in ("owner", "admin")
    assert_html_status(client.get("/buildings/new"), 200 if allowed else 403)
    before = snapshot(db)
    response = client.submit("/buildings/new", BUILDING_FORM)
    after = snapshot(db)
    if allowed:
        assert response.status_code == 302, response.get_data(as_text=True)
        new = set(after["buildings"]) - set(before["buildings"])
        assert len(new) == 1
        assert after["buildings"][new.pop()][0] == actor.user.organisation_id
    else:
        assert_html_status(response, 403)
        assert after == before


# ---------------------------------------------------------------- materials
MATERIAL_BODY = {
    "slug": "reclaimed-oak-beam",
    "name": "Reclaimed oak beam",
    "family": "timber",
    "density_kg_m3": 700.0,
    "carbon_a1a3": 0.1,
    "carbon_source": "Hand-set figure for tests",
    "cpv_code": "03419000-0",
}


@pytest.mark.parametrize("actor", [*BY_ROLE, ANONYMOUS], indirect=True, ids=role_id)
def test_materials_list_is_for_every_logged_in_role(client, world, actor, token_for, login):
    """The material library is readable by every role, on the API and the page."""
    if actor.user is None:
        assert_api_error(client.get("/api/v1/materials"), 401)
        assert_login_redirect(client.get("/materials"))
        return
    response = client.get("/api/v1/materials", headers=token_for(actor.user))
    assert response.status_code == 200
    assert response.get_json()["items"]
    login(actor.user)
    page = client.get("/materials")
    assert_html_status(page, 200)
    assert "Sawn hardwood" in page.get_data(as_text=True)


@pytest.mark.parametrize("actor", [*BY_ROLE, ANONYMOUS], indirect=True, ids=role_id)
def test_api_create_material_is_for_admins(client, db, world, actor, token_for):
    """Only admins add to the library."""
    headers = token_for(actor.user) if actor.user else {}
    before = snapshot(db)
    response = client.post("/api/v1/materials", headers=headers, json=MATERIAL_BODY)
    after = snapshot(db)
    if actor.role == "admin":
        assert response.status_code == 201, response.get_data(as_text=True)
        assert len(after["materials"]) == len(before["materials"]) + 1
    else:
        assert_api_error(response, 401 if actor.user is None else 403)
        assert after == before


@pytest.mark.parametrize("actor", [*BY_ROLE, ANONYMOUS], indirect=True, ids=role_id)
def test_api_edit_material_is_for_admins(client, db, world, actor, token_for):
    """Only admins edit the library."""
    headers = token_for(actor.user) if actor.user else {}
    before = snapshot(db)
    response = client.patch(
        f"/api/v1/materials/{world.hardwood_id}", headers=headers, json={"name": "Renamed hardwood"}
    )
    after = snapshot(db)
    if actor.role == "admin":
        assert response.status_code == 200, response.get_data(as_text=True)
        assert after["materials"][world.hardwood_id][1] == "Renamed hardwood"
    else:
        assert_api_error(response, 401 if actor.user is None else 403)
        assert after == before


MATERIAL_FORM = {
    **{k: str(v) for k, v in MATERIAL_BODY.items()},
    "aliases": "oak beam",
    "reprocessing_kgco2e_per_kg": "0",
}


@pytest.mark.parametrize("actor", [*BY_ROLE, ANONYMOUS], indirect=True, ids=role_id)
@pytest.mark.parametrize("form", ["new", "edit"])
def test_page_material_forms_are_for_admins(client, db, world, actor, login, form):
    """The material forms answer 403 to everyone but admins, and write nothing for them."""
    if form == "new":
        url, data, effect = (
            "/materials/new",
            MATERIAL_FORM,
            (lambda b, a: len(a["materials"]) == len(b["materials"]) + 1),
        )
    else:
        url, data, effect = (
            f"/materials/{world.hardwood_id}/edit",
            {"name": "Renamed"},
            (lambda b, a: a["materials"][world.hardwood_id][1] == "Renamed"),
        )
    if actor.user is None:
        assert_login_redirect(client.get(url))
        before = snapshot(db)
        assert_login_redirect(page_post(client, actor, url, data))
        assert snapshot(db) == before
        return
    login(actor.user)
    admin = actor.role == "admin"
    assert_html_status(client.get(url), 200 if admin else 403)
    before = snapshot(db)
    response = client.submit(url, data)
    after = snapshot(db)
    if admin:
        assert response.status_code == 302, response.get_data(as_text=True)
        assert effect(before, after)
    else:
        assert_html_status(response, 403)
        assert after == before


# ---------------------------------------------------------------- tokens
@pytest.fixture
def stranger_token(db, make_user):
    """Another user's token: (id, Authorization header)."""
    stranger = make_user("owner")
    token, clear = accounts.issue_token(stranger, "stranger")
    db.session.commit()
    return token.id, {"Authorization": f"Bearer {clear}"}


def _own_token(db, user) -> int:
    token, _clear = accounts.issue_token(user, "spare")
    db.session.commit()
    return token.id


@pytest.mark.parametrize("actor", BY_ROLE, indirect=True, ids=role_id)
def test_api_tokens_list_and_revoke_only_ones_own(
    client, db, world, actor, token_for, stranger_token
):
    """The token list holds one's own tokens; another user's token id is 404 and survives."""
    headers = token_for(actor.user)
    spare = _own_token(db, actor.user)
    other_id, other_headers = stranger_token
    listed = client.get("/api/v1/auth/tokens", headers=headers)
    assert listed.status_code == 200
    ids = {t["id"] for t in listed.get_json()["items"]}
    assert spare in ids and other_id not in ids
    before = snapshot(db)
    assert_api_error(client.delete(f"/api/v1/auth/tokens/{other_id}", headers=headers), 404)
    assert snapshot(db) == before
    assert client.get("/api/v1/auth/me", headers=other_headers).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{spare}", headers=headers).status_code == 204
    assert snapshot(db)["tokens"][spare][1] is True


@pytest.mark.parametrize("actor", BY_ROLE, indirect=True, ids=role_id)
def test_page_tokens_revoke_only_ones_own(client, db, world, actor, login, stranger_token):
    """The token page revokes one's own tokens; another user's token id is 404."""
    spare = _own_token(db, actor.user)
    other_id, other_headers = stranger_token
    login(actor.user)
    before = snapshot(db)
    response = client.submit(f"/account/tokens/{other_id}/revoke", {}, page="/account/tokens")
    assert_html_status(response, 404)
    assert snapshot(db) == before
    assert client.get("/api/v1/auth/me", headers=other_headers).status_code == 200
    response = client.submit(f"/account/tokens/{spare}/revoke", {}, page="/account/tokens")
    assert response.status_code == 302
    assert snapshot(db)["tokens"][spare][1] is True


def test_tokens_need_a_login(client, db, stranger_token):
    """Anonymous callers cannot list or revoke tokens."""
    other_id, _headers = stranger_token
    assert_api_error(client.get("/api/v1/auth/tokens"), 401)
    before = snapshot(db)
    assert_api_error(client.delete(f"/api/v1/auth/tokens/{other_id}"), 401)
    assert_login_redirect(client.get("/account/tokens"))
    assert_login_redirect(client.submit(f"/account/tokens/{other_id}/revoke", {}, page="/login"))
    assert snapshot(db) == before


# ---------------------------------------------------------------- CSRF
def test_page_post_without_csrf_token_is_refused(client, db, world, login):
    """A form post without its CSRF token is a 400 and writes nothing."""
    login(world.owner)
    before = snapshot(db)
    response = client.post("/buildings/new", data=BUILDING_FORM)
    assert_html_status(response, 400)
    response = client.post(f"/buildings/{world.building_id}/edit", data={"name": "Forged"})
    assert_html_status(response, 400)
    response = client.post(f"/buildings/{world.building_id}/grants/{world.grant_id}/revoke")
    assert_html_status(response, 400)
    assert snapshot(db) == before


def test_api_write_with_session_cookie_needs_csrf_header(client, db, world, login, token_for):
    """A cookie session may write to the API only with X-CSRFToken; a bearer token needs none."""
    login(world.owner)
    before = snapshot(db)
    assert_api_error(client.post(B, json=BUILDING_BODY), 400)
    assert_api_error(client.patch(f"{B}/{world.building_id}", json={"name": "Forged"}), 400)
    assert_api_error(client.delete(f"{B}/{world.building_id}"), 400)
    assert snapshot(db) == before
    # Reads need no CSRF token.
    assert client.get(f"{B}/{world.building_id}").status_code == 200
    token = _csrf_token(client, "/buildings")
    response = client.post(B, json=BUILDING_BODY, headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.get_data(as_text=True)
    response = client.post(B, json=BUILDING_BODY, headers=token_for(world.owner))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert len(snapshot(db)["buildings"]) == len(before["buildings"]) + 2


def test_api_bearer_write_needs_no_session(app, db, world, token_for):
    """A bearer token alone (no cookie at all) writes without a CSRF token."""
    fresh = app.test_client()
    response = fresh.post(B, json=BUILDING_BODY, headers=token_for(world.owner))
    assert response.status_code == 201, response.get_data(as_text=True)


def test_api_bogus_bearer_header_does_not_skip_csrf_for_a_cookie_session(client, db, world, login):
    """A cookie session with a made-up Authorization header is still CSRF-checked.

    The session, not the header, authenticates such a request, so skipping the CSRF check
    because an `Authorization: Bearer` header is present would let any value of it through.
    """
    login(world.owner)
    before = snapshot(db)
    response = client.post(
        B, json=BUILDING_BODY, headers={"Authorization": "Bearer not-a-real-token"}
    )
    assert response.status_code in (400, 401), response.get_data(as_text=True)
    assert_api_error(response, response.status_code)
    assert snapshot(db) == before


def _csrf_token(client, page: str) -> str:
    """The CSRF token a page of the logged-in session carries."""
    html = client.get(page).get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
