"""`flask demo load` builds a believable world; `flask demo generate` bulk-inserts passports."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import User
from passports.demo import DEMO_PASSWORD
from passports.models import Building
from passports.models import Component


def test_demo_load_builds_the_world_and_prints_logins(runner, db, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    for role in ("admin", "owner", "contractor", "buyer"):
        assert db.session.scalar(select(User).where(User.role == role)) is not None
        assert role in result.output
    assert DEMO_PASSWORD in result.output
    town_hall = db.session.scalar(select(Building).where(Building.city == "Brummen"))
    hospital = db.session.scalar(select(Building).where(Building.status == "demolition_planned"))
    assert town_hall and hospital and hospital.planned_date
    demountable = {"dry", "click", "bolted", "screwed", "nailed"}
    parts = db.session.scalars(select(Component).where(Component.building_id == town_hall.id))
    parts = list(parts)
    share = sum(1 for c in parts if c.connection_type in demountable) / len(parts)
    assert share > 0.75
    bricks = db.session.scalars(
        select(Component).where(
            Component.building_id == hospital.id, Component.name.like("Facing brick%")
        )
    ).all()
    assert sum(c.mass_kg for c in bricks) / 1000 == pytest.approx(275, rel=0.1)
    assert all(c.status == "to_harvest" for c in bricks)
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert db.session.scalar(select(func.count(Building.id))) == 2


def test_demo_users_can_log_in(runner, client):
    runner.invoke(args=["demo", "load"])
    response = client.post(
        "/api/v1/auth/tokens", json={"email": "owner@brummen.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 201
    headers = {"Authorization": f"Bearer {response.json['token']}"}
    buildings = client.get("/api/v1/buildings", headers=headers).json["items"]
    assert [b["name"] for b in buildings] == ["Brummen Town Hall"]


def test_demo_generate_bulk_inserts(runner, db):
    result = runner.invoke(args=["demo", "generate", "--buildings", "3", "--components", "500"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Building.id))) == 3
    assert db.session.scalar(select(func.count(Component.id))) == 500
    counts = db.session.execute(
        select(Component.building_id, func.count()).group_by(Component.building_id)
    ).all()
    assert sorted(n for _, n in counts) == [166, 167, 167]
    tags = db.session.scalars(select(Component.tag)).all()
    assert len(set(tags)) == 500
    more = runner.invoke(args=["demo", "generate", "--buildings", "1", "--components", "10"])
    assert more.exit_code == 0, more.output
    assert db.session.scalar(select(func.count(Component.id))) == 510
