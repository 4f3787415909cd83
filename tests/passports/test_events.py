"""The chain of custody: events through the API, photos, idempotent retries, append-only."""

import io
import threading

import pytest
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from app.storage import upload_root
from passports.models import Component
from passports.models import ComponentEvent
from passports.models import EventPhoto


@pytest.fixture
def site(make_user, make_building, make_component, make_org, db):
    """A building of an owner, one component, and a contractor with an active grant."""
    owner = make_user("owner")
    building = make_building(owner)
    component = make_component(building)
    contractor = make_user("contractor")
    from passports import services

    services.grant_access(building, contractor.organisation_id, owner)
    db.session.commit()
    return owner, contractor, building, component


def jpeg(size=(64, 48), colour=(180, 90, 40), fmt="JPEG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, fmt)
    return buf.getvalue()


def events(db, component_id) -> list[ComponentEvent]:
    db.session.rollback()
    return db.session.scalars(
        select(ComponentEvent)
        .where(ComponentEvent.component_id == component_id)
        .order_by(ComponentEvent.id)
    ).all()


def post(client, component, headers, body=None, **kwargs):
    return client.post(
        f"/api/v1/components/{component.id}/events", headers=headers, json=body, **kwargs
    )


def test_contractor_dismantles_stores_and_transports(client, db, site, token_for):
    _owner, contractor, _building, component = site
    headers = token_for(contractor)
    done = post(client, component, headers, {"kind": "dismantled", "notes": "by hand"})
    assert done.status_code == 201, done.json
    assert (done.json["status_before"], done.json["status_after"]) == ("installed", "harvested")
    stored = post(client, component, headers, {"kind": "stored", "location": "Depot B4"})
    assert stored.json["status_after"] == "in_storage"
    moved = post(
        client,
        component,
        headers,
        {
            "kind": "transported",
            "from_location": "Depot",
            "to_location": "Site",
            "distance_km": 31.5,
        },
    )
    assert moved.status_code == 201 and moved.json["distance_km"] == 31.5
    inspected = post(client, component, headers, {"kind": "inspected", "condition": 3})
    assert inspected.status_code == 201
    db.session.rollback()
    stored_component = db.session.get(Component, component.id)
    assert (stored_component.status, stored_component.condition) == ("in_storage", 3)
    timeline = client.get(f"/api/v1/components/{component.id}/events", headers=headers)
    assert [e["kind"] for e in timeline.json["items"]] == [
        "inspected",
        "transported",
        "stored",
        "dismantled",
    ]
    assert timeline.json["items"][-1]["organisation"] == contractor.organisation.name


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "inspected"}, "condition"),
        ({"kind": "stored"}, "location"),
        ({"kind": "transported", "from_location": "A", "to_location": "B"}, "distance_km"),
        ({"kind": "disposed"}, "disposal_route"),
        ({"kind": "disposed", "disposal_route": "buried"}, "disposal_route"),
        ({"kind": "exploded"}, "kind"),
        ({"kind": "note", "colour": "red"}, "colour"),
        (
            {"kind": "transported", "from_location": "A", "to_location": "B", "distance_km": "5"},
            "distance_km",
        ),
        ({"kind": "note", "occurred_at": "2999-01-01T00:00:00"}, "occurred_at"),
    ],
)
def test_bad_events_are_422_and_write_nothing(client, db, site, token_for, body, field):
    _owner, contractor, _building, component = site
    response = post(client, component, token_for(contractor), body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert events(db, component.id) == []


def test_a_kind_the_status_does_not_allow_is_409_with_the_next_steps(client, db, site, token_for):
    _owner, contractor, _building, component = site
    response = post(client, component, token_for(contractor), {"kind": "reinstalled"})
    assert response.status_code == 409
    assert "dismantled" in response.json["allowed"]
    assert response.json["current_status"] == "installed"
    assert "cannot be reinstalled" in response.json["message"]
    assert events(db, component.id) == []


def test_idempotency_key_records_once(client, db, site, token_for):
    _owner, contractor, _building, component = site
    headers = {**token_for(contractor), "Idempotency-Key": "phone-42-001"}
    first = post(client, component, headers, {"kind": "dismantled"})
    again = post(client, component, headers, {"kind": "dismantled"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"]
    assert len(events(db, component.id)) == 1
    other = post(client, component, headers, {"kind": "note", "notes": "different"})
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]


def test_concurrent_retries_with_one_key_record_once(app, db, site, token_for):
    _owner, contractor, _building, component = site
    headers = {**token_for(contractor), "Idempotency-Key": "race-key"}
    url = f"/api/v1/components/{component.id}/events"
    results = []

    def send():
        with app.test_client() as c:
            results.append(c.post(url, headers=headers, json={"kind": "note", "notes": "x"}))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code == 201 for r in results), [r.json for r in results]
    assert len({r.json["id"] for r in results}) == 1
    assert len(events(db, component.id)) == 1


def test_photos_are_checked_reencoded_and_stored_under_new_names(client, db, site, token_for, app):
    _owner, contractor, _building, component = site
    headers = token_for(contractor)
    data = {
        "kind": "dismantled",
        "notes": "with photo",
        "photos": [
            (io.BytesIO(jpeg()), "../../etc/passwd.jpg"),
            (io.BytesIO(jpeg(fmt="PNG")), "site.png"),
        ],
    }
    response = client.post(
        f"/api/v1/components/{component.id}/events",
        headers=headers,
        data=data,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    photos = response.json["photos"]
    assert [p["content_type"] for p in photos] == ["image/jpeg", "image/png"]
    stored = db.session.scalars(select(EventPhoto)).all()
    assert all("passwd" not in p.stored_name and "site" not in p.stored_name for p in stored)
    with client.get(photos[0]["url"], headers=headers) as image:
        assert image.status_code == 200 and image.mimetype == "image/jpeg"
        with Image.open(io.BytesIO(image.data)) as img:
            assert img.size == (64, 48)
    with client.get(photos[0]["url"], headers=token_for(_owner)) as again:
        assert again.status_code == 200


def test_photo_of_another_organisation_is_404(client, site, token_for, make_user):
    _owner, contractor, _building, component = site
    response = client.post(
        f"/api/v1/components/{component.id}/events",
        headers=token_for(contractor),
        data={"kind": "note", "photos": [(io.BytesIO(jpeg()), "a.jpg")]},
        content_type="multipart/form-data",
    )
    url = response.json["photos"][0]["url"]
    outsider = make_user("contractor")
    assert client.get(url, headers=token_for(outsider)).status_code == 404
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "blob, status",
    [
        (b"this is not an image at all", 422),
        (jpeg()[:200], 422),
        (b"GIF89a" + b"\x00" * 100, 422),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_written(
    client, db, site, token_for, app, blob, status
):
    _owner, contractor, _building, component = site
    response = client.post(
        f"/api/v1/components/{component.id}/events",
        headers=token_for(contractor),
        data={"kind": "dismantled", "photos": [(io.BytesIO(blob), "x.jpg")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == status
    assert events(db, component.id) == []
    assert db.session.get(Component, component.id).status == "installed"


def test_oversized_photo_is_413(client, db, site, token_for, app):
    _owner, contractor, _building, component = site
    app.config["MAX_PHOTO_BYTES"] = 50_000
    big = Image.effect_noise((300, 300), 80).convert("RGB")
    buf = io.BytesIO()
    big.save(buf, "PNG")
    assert len(buf.getvalue()) > 50_000
    response = client.post(
        f"/api/v1/components/{component.id}/events",
        headers=token_for(contractor),
        data={"kind": "note", "photos": [(io.BytesIO(buf.getvalue()), "big.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert events(db, component.id) == []


def test_buyers_and_strangers_cannot_record(client, db, site, token_for, make_user):
    _owner, _contractor, _building, component = site
    for role in ("buyer", "contractor", "owner"):
        response = post(client, component, token_for(make_user(role)), {"kind": "note"})
        assert response.status_code == 404, role
    assert events(db, component.id) == []


def test_owner_status_changes_are_logged(client, db, site, token_for):
    owner, _contractor, _building, component = site
    client.patch(
        f"/api/v1/components/{component.id}",
        headers=token_for(owner),
        json={"status": "to_harvest"},
    )
    logged = events(db, component.id)
    assert [(e.kind, e.status_before, e.status_after) for e in logged] == [
        ("status_changed", "installed", "to_harvest")
    ]


def test_events_are_append_only(db, site, client, token_for):
    _owner, contractor, _building, component = site
    post(client, component, token_for(contractor), {"kind": "note", "notes": "original"})
    event = events(db, component.id)[0]
    event.notes = "rewritten"
    with pytest.raises(RuntimeError, match="chain of custody"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(RuntimeError, match="chain of custody"):
        db.session.delete(events(db, component.id)[0])
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count(ComponentEvent.id))) == 1


@pytest.mark.parametrize("stored_name", ["../../secret", "../secret"])
def test_a_photo_row_naming_a_file_outside_the_upload_folder_is_not_served(
    client, db, site, token_for, app, stored_name
):
    owner, contractor, _building, component = site
    response = client.post(
        f"/api/v1/components/{component.id}/events",
        headers=token_for(contractor),
        data={"kind": "note", "photos": [(io.BytesIO(jpeg()), "a.jpg")]},
        content_type="multipart/form-data",
    )
    url = response.json["photos"][0]["url"]
    root = upload_root()
    secret = (root / stored_name).resolve()
    secret.write_bytes(b"the secret")
    db.session.execute(update(EventPhoto).values(stored_name=stored_name))
    db.session.commit()
    served = client.get(url, headers=token_for(owner))
    assert served.status_code == 404
    assert secret.read_bytes() not in served.data
