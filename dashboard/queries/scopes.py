"""Which buildings a dashboard covers: an organisation's, or a city's (by any spelling of its
name), and the cities a user may open, whole or only their organisation's part of it (a city
whose register the user's organisation imported opens too, before it has any passport)."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from dashboard.models import BuildingMetrics
from dashboard.permissions import city_is_open
from dashboard.permissions import own_part
from dashboard.permissions import sees_whole_city
from mine.queries import register_cities
from passports.models import Building
from passports.models import Component


@dataclass(frozen=True)
class Scope:
    """Which buildings a dashboard covers."""

    kind: str  # organisation | city
    name: str
    condition: ColumnElement[bool]
    organisation_id: int | None = None
    cities: tuple[str, ...] = ()
    # A city the user may not see whole: only their organisation's part of it.
    own_organisation_only: bool = False


def organisation_scope(organisation) -> Scope:
    """The live buildings of an organisation."""
    return Scope(
        "organisation",
        organisation.name,
        and_(Building.organisation_id == organisation.id, Building.archived_at.is_(None)),
        organisation_id=organisation.id,
    )


def _open_cities() -> set[str]:
    """The cities (case-folded) whose aggregates may be shown whole (dashboard.permissions)."""
    has_passport = (
        select(Component.id)
        .where(Component.building_id == Building.id, Component.archived_at.is_(None))
        .exists()
    )
    rows = db.session.execute(
        select(Building.city, Building.organisation_id, func.count(Building.id))
        .where(Building.archived_at.is_(None), Building.city != "", has_passport)
        .group_by(Building.city, Building.organisation_id)
    ).all()
    buildings: dict[str, int] = {}
    organisations: dict[str, set[int]] = {}
    for city, organisation_id, count in rows:
        key = city.casefold()
        buildings[key] = buildings.get(key, 0) + count
        organisations.setdefault(key, set()).add(organisation_id)
    return {key for key, n in buildings.items() if city_is_open(n, len(organisations[key]))}


def city_names(user) -> list[dict]:
    """Cities with live buildings that the user may see, with their number of buildings and
    mass: the whole city where it is open to them, else their organisation's part of it."""
    open_keys = _open_cities()
    spellings = db.session.scalars(
        select(Building.city).distinct().where(Building.archived_at.is_(None), Building.city != "")
    ).all()
    whole = [s for s in spellings if sees_whole_city(user, s.casefold() in open_keys)]
    rows = db.session.execute(
        select(
            Building.city,
            func.count(Building.id),
            func.coalesce(func.sum(BuildingMetrics.mass_kg), 0.0),
        )
        .outerjoin(BuildingMetrics, BuildingMetrics.building_id == Building.id)
        .where(
            Building.archived_at.is_(None),
            Building.city != "",
            or_(Building.city.in_(whole), own_part(user)),
        )
        .group_by(Building.city)
        .order_by(Building.city)
    ).all()
    merged: dict[str, dict] = {}
    for city, count, mass in rows:
        key = city.casefold()
        row = merged.setdefault(
            key,
            {
                "city": city,
                "buildings": 0,
                "mass_kg": 0.0,
                "spellings": [],
                "own_organisation_only": not sees_whole_city(user, key in open_keys),
            },
        )
        row["buildings"] += count
        row["mass_kg"] += float(mass)
        row["spellings"].append(city)
    # A city whose building register the user's organisation imported (admins: any register)
    # opens before any of its buildings has a passport: its urban mine is estimated.
    for city, organisation_id in register_cities():
        if user.role != "admin" and organisation_id != user.organisation_id:
            continue
        key = city.casefold()
        if key not in merged:
            merged[key] = {
                "city": city,
                "buildings": 0,
                "mass_kg": 0.0,
                "spellings": [city],
                "own_organisation_only": not sees_whole_city(user, key in open_keys),
            }
    return sorted(merged.values(), key=lambda r: r["city"].casefold())


def city_scope(name: str, user) -> Scope | None:
    """The live buildings of a city that the user may see (matched without regard to case):
    all of them, or only their organisation's; None if there are none."""
    wanted = name.strip().casefold()
    for row in city_names(user):
        if row["city"].casefold() == wanted:
            spellings = tuple(row["spellings"])
            conditions = [Building.city.in_(spellings), Building.archived_at.is_(None)]
            if row["own_organisation_only"]:
                conditions.append(own_part(user))
            return Scope(
                "city",
                row["city"],
                and_(*conditions),
                cities=spellings,
                own_organisation_only=row["own_organisation_only"],
            )
    return None
