"""The audit log: every write through the app leaves a row with its actor and the values
before and after, in the write's own transaction; secrets never reach it; admins read it."""

import enum
import io
import json
import math
import re
from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.services import record
from app.audit.values import MAX_VALUE_CHARS
from app.audit.values import fields
from app.audit.values import id_ranges
from app.auth import services as accounts
from app.auth.models import ApiToken
from app.auth.models import User
from app.auth.passwords import hash_password
from app.errors import Conflict
from app.extensions import csrf
from marketplace import services as exchange
from passports import services as passport_services
from passports.models import Building
from passports.models import ComponentEvent
from tests.conftest import PASSWORD
from tests.passports.imports.conftest import CSV_HEADER
from tests.passports.imports.conftest import multipart
from tests.passports.imports.conftest import wait_until_done

WALLS = CSV_HEADER + (
    "W-1,Brick wall,external_wall,00,12.5,m3,Common clay brick,4\n"
    "W-2,Partition,internal_wall,01,3,m3,Common clay brick,3\n"
)


def entries(db, entity=None, entity_id=None, **where) -> list[AuditEntry]:
    """Audit rows, oldest first, fresh from the database."""
    db.session.rollback()
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if entity is not None:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == str(entity_id))
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(stmt))


def audit_count(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(AuditEntry.id)))


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def test_building_created_updated_archived_through_the_api(client, db, owner, token_for):
    headers = token_for(owner)
    created = client.post(
        "/api/v1/buildings",
        headers=headers,
        json={"name": "Brummen town hall", "city": "Brummen", "country": "NL"},
    )
    assert created.status_code == 201, created.json
    building_id = created.json["id"]
    (create,) = entries(db, "buildings", building_id)
    assert (create.action, create.actor_user_id, create.actor_email) == (
        "create",
        owner.id,
        owner.email,
    )
    assert create.actor_org_id == owner.organisation_id and create.source == "api"
    assert (create.method, create.path) == ("POST", "/api/v1/buildings")
    assert create.before is None and create.changed is None
    assert create.after["name"] == "Brummen town hall" and create.after["id"] == building_id
    assert create.after["year_built"] is None  # a create logs the whole row, NULLs included
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?", create.after["created_at"])
    assert create.request_id

    patched = client.patch(
        f"/api/v1/buildings/{building_id}",
        headers={**headers, "X-Request-ID": "trace-42"},
        json={"name": "Brummen Town Hall", "year_built": 1850},
    )
    assert patched.status_code == 200, patched.json
    update = entries(db, "buildings", building_id, action="update")[-1]
    assert sorted(update.changed) == ["name", "year_built"]
    assert update.before == {"name": "Brummen town hall", "year_built": None}
    assert update.after == {"name": "Brummen Town Hall", "year_built": 1850}
    assert update.request_id == "trace-42" and update.method == "PATCH"

    assert client.delete(f"/api/v1/buildings/{building_id}", headers=headers).status_code == 204
    archive = entries(db, "buildings", building_id, action="update")[-1]
    assert archive.changed == ["archived_at"]
    assert archive.before == {"archived_at": None} and archive.after["archived_at"]
    assert archive.method == "DELETE"


def test_building_created_and_edited_through_the_pages(client, db, owner, login):
    login(owner)
    form = {
        "name": "Katrinedals Skole",
        "address": "Katrinedalsvej 1",
        "city": "København",
        "country": "DK",
        "latitude": "55.67",
        "longitude": "12.51",
        "year_built": "1938",
        "gross_floor_area_m2": "",
        "use_type": "education",
        "status": "in_use",
        "planned_date": "",
    }
    assert client.submit("/buildings/new", form).status_code == 302
    building = db.session.scalar(select(Building).where(Building.name == "Katrinedals Skole"))
    (create,) = entries(db, "buildings", building.id)
    assert create.source == "web" and create.actor_email == owner.email
    assert create.after["city"] == "København" and create.remote_addr

    url = f"/buildings/{building.id}/edit"
    saved = client.submit(
        url, {**form, "status": "demolition_planned", "planned_date": "2031-06-01"}
    )
    assert saved.status_code == 302
    (update,) = entries(db, "buildings", building.id, action="update")
    assert sorted(update.changed) == ["planned_date", "status"]
    assert update.before == {"planned_date": None, "status": "in_use"}
    assert update.after == {"planned_date": "2031-06-01", "status": "demolition_planned"}

    archived = client.submit(f"/buildings/{building.id}/archive", page=f"/buildings/{building.id}")
    assert archived.status_code == 302
    assert entries(db, "buildings", building.id, action="update")[-1].changed == ["archived_at"]


def test_a_real_delete_keeps_the_whole_row(client, db, owner, token_for, material_id):
    headers = token_for(owner)
    made = client.post(
        "/api/v1/material-mappings",
        headers=headers,
        json={"source_name": "Baksteen", "material_id": material_id("common-clay-brick")},
    )
    assert made.status_code == 201, made.json
    mapping_id = made.json["id"]
    gone = client.delete(f"/api/v1/material-mappings/{mapping_id}", headers=headers)
    assert gone.status_code == 204
    delete = entries(db, "material_mappings", mapping_id, action="delete")[0]
    assert delete.after is None and delete.before["source_name"] == "Baksteen"
    assert delete.before["material_id"] == material_id("common-clay-brick")
    assert delete.actor_email == owner.email


def test_contractor_event_is_recorded_with_the_contractor_as_actor(
    client, db, owner, make_user, make_building, make_component, token_for
):
    building = make_building(owner)
    component = make_component(building)
    contractor = make_user("contractor")
    passport_services.grant_access(building, contractor.organisation_id, owner)
    db.session.commit()
    posted = client.post(
        f"/api/v1/components/{component.id}/events",
        headers=token_for(contractor),
        json={"kind": "dismantled", "notes": "by hand"},
    )
    assert posted.status_code == 201, posted.json
    (event,) = entries(db, "component_events", posted.json["id"])
    assert event.action == "create" and event.actor_email == contractor.email
    assert event.actor_org_id == contractor.organisation_id
    assert event.after["kind"] == "dismantled" and event.after["notes"] == "by hand"
    status = entries(db, "components", component.id, action="update")[-1]
    assert status.actor_email == contractor.email and status.request_id == event.request_id
    assert status.before["status"] == "installed" and status.after["status"] == "harvested"
    # Derived metrics are recomputed on every write and never logged.
    assert not {"mci", "metrics_quality"} & set(entries(db, "components", component.id)[0].after)
    # The append-only guard of events is untouched by the hook.
    assert db.session.scalar(select(func.count(ComponentEvent.id))) == 1


def test_reservation_and_the_listing_quantity_it_claims(
    client, db, owner, make_user, make_building, make_component, material_id, token_for
):
    building = make_building(owner)
    door = make_component(
        building,
        name="Oak door",
        category="door",
        quantity=40.0,
        unit="pcs",
        mass_kg=1000.0,
        status="in_storage",
        materials=[{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
    )
    listing = exchange.create_listing(
        owner, building, {"component_ids": [door.id], "title": "Oak doors", "price_basis": "free"}
    )
    exchange.publish_listing(listing, owner)
    db.session.commit()
    buyer = make_user("buyer")
    headers = token_for(buyer)
    reserved = client.post(
        f"/api/v1/listings/{listing.id}/reservations", headers=headers, json={"quantity": 15}
    )
    assert reserved.status_code == 201, reserved.json
    (reservation,) = entries(db, "reservations", reserved.json["id"])
    assert reservation.action == "create" and reservation.actor_email == buyer.email
    assert reservation.after["quantity"] == 15 and reservation.after["status"] == "requested"
    claim = entries(db, "listings", listing.id, action="update")[-1]
    assert claim.actor_email == buyer.email and claim.changed == ["quantity_available"]
    assert claim.before == {"quantity_available": 40} and claim.after == {"quantity_available": 25}

    cancelled = client.post(f"/api/v1/reservations/{reserved.json['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200, cancelled.json
    release = entries(db, "listings", listing.id, action="update")[-1]
    assert release.before == {"quantity_available": 25} and release.after == {
        "quantity_available": 40
    }
    status = entries(db, "reservations", reserved.json["id"], action="update")[-1]
    assert status.before["status"] == "requested" and status.after["status"] == "cancelled"


def test_a_rolled_back_write_leaves_no_audit_row(app, client, db, owner, token_for):
    owner_id = owner.id

    @app.post("/api/v1/test-failing-write")
    @csrf.exempt
    def failing_write():
        user = db.session.get(User, owner_id)
        passport_services.register_building(user, {"name": "Never built", "country": "NL"})
        raise Conflict("Something clashed after the write was flushed.")

    before = audit_count(db)
    response = client.post("/api/v1/test-failing-write", headers=token_for(owner))
    assert response.status_code == 409
    assert db.session.scalar(select(Building.id).where(Building.name == "Never built")) is None
    assert audit_count(db) == before + 1  # the token, issued by the fixture

    passport_services.register_building(owner, {"name": "Rolled back", "country": "NL"})
    assert db.session.scalar(select(func.count(AuditEntry.id))) == before + 2  # flushed
    db.session.rollback()
    assert audit_count(db) == before + 1


def test_secrets_are_redacted(client, db, make_org, runner):
    org = make_org("company")
    user = accounts.create_user("clerk@example.org", PASSWORD, "owner", org)
    db.session.commit()
    (created,) = entries(db, "users", user.id)
    assert created.after["password_hash"] == "[redacted]" and created.source == "system"

    user = db.session.get(User, user.id)
    user.password_hash = hash_password("a brand new password")
    db.session.commit()
    (changed,) = entries(db, "users", user.id, action="update")
    assert changed.changed == ["password_hash"]
    assert changed.before == {"password_hash": "[redacted]"}
    assert changed.after == {"password_hash": "[redacted]"}

    issued = client.post(
        "/api/v1/auth/tokens",
        json={"email": "clerk@example.org", "password": "a brand new password", "name": "tablet"},
    )
    assert issued.status_code == 201, issued.json
    (token,) = entries(db, "api_tokens", issued.json["id"])
    assert token.after["token_hash"] == "[redacted]" and token.after["name"] == "tablet"
    assert token.actor_email == "clerk@example.org" and token.source == "api"

    made = runner.invoke(
        args=["users", "create", "cli@example.org", "--role", "buyer", "--org", "Dealer BV"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert made.exit_code == 0, made.output
    cli_user = db.session.scalar(select(User).where(User.email == "cli@example.org"))
    (cli,) = entries(db, "users", cli_user.id)
    assert cli.source == "cli:users create" and cli.actor_user_id is None
    assert cli.after["password_hash"] == "[redacted]"

    stored_hashes = [u.password_hash for u in db.session.scalars(select(User))]
    stored_hashes += [t.token_hash for t in db.session.scalars(select(ApiToken))]
    dump = json.dumps([[e.before, e.after] for e in entries(db)])
    assert not any(secret in dump for secret in stored_hashes)
    assert issued.json["token"] not in dump and PASSWORD not in dump


def test_only_admins_read_the_log(client, db, make_user, token_for, login):
    assert client.get("/admin/audit").status_code == 302  # to the login page
    assert client.get("/api/v1/audit").status_code == 401
    for role in ("owner", "contractor", "buyer"):
        user = make_user(role)
        assert client.get("/api/v1/audit", headers=token_for(user)).status_code == 403
        login(user)
        assert client.get("/admin/audit").status_code == 403
        assert "/admin/audit" not in client.get("/buildings").get_data(as_text=True)
        client.post("/logout", data={"csrf_token": _csrf(client)})
    admin = make_user("admin")
    assert client.get("/api/v1/audit", headers=token_for(admin)).status_code == 200
    login(admin)
    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert 'href="/admin/audit"' in client.get("/buildings").get_data(as_text=True)


def _csrf(client) -> str:
    html = client.get("/buildings").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_filters_on_the_api_and_the_page(client, db, owner, admin, token_for, login):
    owner_headers = token_for(owner)
    first = client.post(
        "/api/v1/buildings", headers=owner_headers, json={"name": "North", "country": "NL"}
    ).json
    second = client.post(
        "/api/v1/buildings", headers=owner_headers, json={"name": "South", "country": "NL"}
    ).json
    client.patch(f"/api/v1/buildings/{second['id']}", headers=owner_headers, json={"city": "Ede"})
    headers = token_for(admin)

    def listed(**params):
        response = client.get("/api/v1/audit", headers=headers, query_string=params)
        assert response.status_code == 200, response.json
        return response.json

    everything = listed(entity="buildings")
    assert [e["entity_id"] for e in everything["items"]] == [
        str(second["id"]),
        str(second["id"]),
        str(first["id"]),
    ]  # newest first
    assert everything["total"] == 3
    (update,) = listed(entity="buildings", action="update")["items"]
    assert update["before"] == {"city": ""} and update["after"] == {"city": "Ede"}
    assert update["changed"] == ["city"] and update["actor_email"] == owner.email
    assert len(listed(entity="buildings", entity_id=str(first["id"]))["items"]) == 1
    assert {e["actor_email"] for e in listed(actor=owner.email.upper())["items"]} == {owner.email}
    assert listed(actor="nobody@example.org")["items"] == []
    today = date.today()
    assert len(listed(entity="buildings", since=today.isoformat())["items"]) == 3
    assert listed(entity="buildings", since=(today + timedelta(days=2)).isoformat())["items"] == []
    assert (
        len(listed(entity="buildings", until=(today + timedelta(days=1)).isoformat())["items"]) == 3
    )
    paged = listed(entity="buildings", page=2, per_page=2)
    assert len(paged["items"]) == 1 and paged["items"][0]["entity_id"] == str(first["id"])
    assert listed(since="2030-01-02", until="2030-01-01")["items"] == []  # an empty range
    assert client.get("/api/v1/audit?action=burn", headers=headers).status_code == 422

    login(admin)
    html = client.get(f"/admin/audit?entity=buildings&entity_id={second['id']}").get_data(
        as_text=True
    )
    assert html.count("Building #") == 2 and "North" not in html
    assert "Ede" in html and "1 field changed" in html and owner.email in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html) and not re.search(r"\sstyle\s*=", html)
    updates = client.get("/admin/audit?entity=buildings&action=update").get_data(as_text=True)
    assert updates.count("Building #") == 1
    refused = client.get("/admin/audit?since=someday")
    assert refused.status_code == 400 and "Building #" not in refused.get_data(as_text=True)


def test_openapi_documents_the_audit_list(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/audit"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"entity", "entity_id", "actor", "action", "since", "until", "page"} <= names
    assert {"200", "403"} <= set(operation["responses"])
    entry = spec["components"]["schemas"]["AuditEntry"]["properties"]
    assert {"before", "after", "changed", "actor_email", "at"} <= set(entry)


def test_import_through_the_api_leaves_one_summary_row(client, db, owner, make_building, token_for):
    building = make_building(owner)
    response = client.post(
        f"/api/v1/buildings/{building.id}/imports",
        headers=token_for(owner),
        **multipart({"file": (io.BytesIO(WALLS.encode()), "walls.csv")}),
    )
    assert response.status_code == 201, response.json
    (summary,) = entries(db, "import_job")
    assert summary.action == "create" and summary.actor_email == owner.email
    assert summary.entity_id == str(response.json["import_id"])
    assert summary.after["created"] == 2 and summary.after["building_id"] == building.id
    assert summary.after["filename"] == "walls.csv"
    ids = summary.after["created_component_ids"]
    assert sum(last - first + 1 for first, last in ids) == 2


def test_import_confirmed_on_the_page_is_attributed_to_its_user(
    client, db, owner, make_building, login
):
    building = make_building(owner)
    login(owner)
    url = f"/buildings/{building.id}/imports"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    uploaded = client.post(
        url,
        **multipart({"file": (io.BytesIO(WALLS.encode()), "walls.csv"), "csrf_token": token[1]}),
    )
    stage = uploaded.headers["Location"]
    wait_until_done(client, stage + "/status")
    html = client.get(stage).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
    assert client.post(stage + "/confirm", data={"csrf_token": csrf}).status_code == 302
    assert wait_until_done(client, stage + "/status")["status"] == "done"
    (summary,) = entries(db, "import_job")
    assert summary.actor_email == owner.email and summary.source == "job:import"
    assert summary.after["created"] == 2
    (run,) = entries(db, "import_runs", summary.entity_id, action="create")
    assert run.actor_email == owner.email


def test_an_update_of_a_value_never_loaded_still_logs_what_it_was(db, owner, make_building):
    building = make_building(owner, name="Before")  # committed, so expired
    building.name = "After"  # set without reading: the ORM never loads the old value
    db.session.commit()
    (update,) = entries(db, "buildings", building.id, action="update")
    assert update.before == {"name": "Before"} and update.after == {"name": "After"}
    assert update.source == "system" and update.actor_user_id is None


def test_values_are_stored_json_safe_and_bounded():
    class Kind(enum.Enum):
        BRICK = "brick"

    row = fields(
        {
            "price": Decimal("12.50"),
            "photo": b"\x89PNG",
            "kind": Kind.BRICK,
            "ratio": math.nan,
            "when": date(2026, 11, 27),
            "notes": "x" * (MAX_VALUE_CHARS + 10),
            "document": {"items": ["y" * 100] * 100},
            "api_secret": "s3cret",
            "password_hash": None,
        }
    )
    assert row["price"] == "12.50" and row["photo"] == "[4 bytes]" and row["kind"] == "brick"
    assert row["ratio"] == "nan" and row["when"] == "2026-11-27"
    assert row["notes"].endswith(f"… [{MAX_VALUE_CHARS + 10} characters]")
    assert row["document"].endswith("characters of JSON omitted]")
    assert row["api_secret"] == "[redacted]" and row["password_hash"] is None
    json.dumps(row)
    assert id_ranges([7, 1, 2, 3, 3]) == [[1, 3], [7, 7]] and id_ranges([]) == []


def test_record_refuses_unknown_actions(db):
    with pytest.raises(ValueError):
        record("upsert", "buildings", 1)


def test_the_page_speaks_in_peoples_words(client, db, owner, admin, token_for, login):
    created = client.post(
        "/api/v1/buildings", headers=token_for(owner), json={"name": "Town hall", "country": "NL"}
    ).json
    client.patch(
        f"/api/v1/buildings/{created['id']}",
        headers=token_for(owner),
        json={"status": "demolition_planned"},
    )
    login(admin)
    html = client.get("/admin/audit", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    # The record type is a list of kinds of record in words; its values stay the table names.
    select = re.search(r'<select id="entity" name="entity"[^>]*>(.*?)</select>', html, re.S)
    assert select and '<option value="components" >Bouwdeel</option>' in select.group(1)
    assert '<option value="buildings" >Gebouw</option>' in select.group(1)
    # Every filter has a label people see (none hidden for screen readers only).
    for name in ("entity", "entity_id", "actor", "action", "since", "until"):
        label = re.search(rf'<label for="{name}"[^>]*>', html).group(0)
        assert "sr-only" not in label, name
    assert '<label for="since">Vanaf (datum)</label>' in html
    # Actions, record types and times as people read them.
    assert ">Gewijzigd</span>" in html and ">Aangemaakt</span>" in html
    assert f"Gebouw #{created['id']}" in html
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", html)  # no ISO timestamps
    assert "UTC" in html  # the reader's zone is named with each time
    assert "1 veld gewijzigd" in html
    # A filter by record type in words still sends the table name.
    filtered = client.get("/admin/audit?entity=buildings&action=update").get_data(as_text=True)
    assert '<option value="buildings" selected>' in filtered


def test_the_page_filters_days_in_the_readers_time_zone(client, db, owner, admin, token_for, login):
    client.post(
        "/api/v1/buildings", headers=token_for(owner), json={"name": "Late", "country": "JP"}
    )
    entry = entries(db, "buildings")[-1]
    db.session.execute(
        AuditEntry.__table__.update()
        .where(AuditEntry.id == entry.id)
        .values(at=entry.at.replace(year=2026, month=3, day=1, hour=20, minute=0))
    )
    db.session.commit()
    admin.timezone = "Asia/Tokyo"  # 20:00 UTC on 1 March is 05:00 on 2 March in Tokyo
    db.session.commit()
    login(admin)
    on_second = client.get("/admin/audit?entity=buildings&since=2026-03-02&until=2026-03-02")
    assert "Building #" in on_second.get_data(as_text=True)
    on_first = client.get("/admin/audit?entity=buildings&since=2026-03-01&until=2026-03-01")
    assert "Building #" not in on_first.get_data(as_text=True)
