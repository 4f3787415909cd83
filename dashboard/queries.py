"""The dashboards of an organisation and of a city, summed in SQL from the per-building
aggregates (`dashboard.models`) and the exchange's collected reservations.

What each figure means:
- buildings with passports: live buildings in scope with at least one live component;
- the urban mine: the mass of the passports' components by material family (archived
  components left out), with its embodied carbon A1-A3;
- lifecycle: count and mass of components in each status, from installed to reinstalled;
- average MCI and disassembly score: mass-weighted over every component with a mass, exactly
  as for one building (Σ score·M / Σ M over the whole scope);
- CO2 avoided to date: the sum over collected reservations (the exchange's transactions) of the
  CO2 avoided each recorded when it was reserved (new A1-A3 of the mass, less reprocessing and
  the A4 transport of the distance to its destination). A transaction counts for the scope when
  the material left one of its buildings (harvested) or arrived at one (received); the headline
  counts each transaction once;
- activity: events recorded in the passports of the scope's components, per month.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import utcnow
from dashboard.models import BuildingActivity
from dashboard.models import BuildingMetricPart
from dashboard.models import BuildingMetrics
from dashboard.permissions import city_is_open
from dashboard.permissions import own_part
from dashboard.permissions import sees_whole_city
from marketplace.models import Listing
from marketplace.models import Reservation
from passports.metrics.queries import SUMS
from passports.metrics.queries import figures
from passports.models import COMPONENT_STATUSES
from passports.models import Building
from passports.models import Component
from passports.permissions import readable_buildings

TOP_BUILDINGS = 25
TOP_BUILDING_FIGURES = ("component_count", "mass_kg", "carbon_a1a3_kg", "mci", "disassembly_score")
ACTIVITY_MONTHS = 12


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


def _months(count: int, today: date | None = None) -> list[str]:
    today = today or utcnow().date()
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def _co2(scope: Scope) -> dict:
    origin = Building.__table__.alias("origin")
    destination = Building.__table__.alias("destination")
    harvested = origin.c.id.in_(select(Building.id).where(scope.condition))
    received = destination.c.id.in_(select(Building.id).where(scope.condition))
    if scope.organisation_id is not None:
        received = or_(received, Reservation.buyer_organisation_id == scope.organisation_id)
    base = (
        select(
            func.count(Reservation.id),
            func.coalesce(func.sum(Reservation.co2_avoided_kg), 0.0),
        )
        .join(Listing, Listing.id == Reservation.listing_id)
        .join(origin, origin.c.id == Listing.building_id)
        .outerjoin(destination, destination.c.id == Reservation.destination_building_id)
        .where(Reservation.status == "collected")
    )
    out = {}
    for name, condition in (
        ("harvested", harvested),
        ("received", received),
        ("total", or_(harvested, received)),
    ):
        count, kg = db.session.execute(base.where(condition)).one()
        out[f"{name}_kg"] = float(kg)
        out[f"{name}_transactions"] = int(count)
    return out


def dashboard_data(scope: Scope, user, *, months: int = ACTIVITY_MONTHS) -> dict:
    """Every figure of a dashboard for `scope`; buildings are listed only if `user` may read
    them."""
    in_scope = select(Building.id).where(scope.condition)
    m = BuildingMetrics
    with_passports, *sums = db.session.execute(
        select(
            func.count(m.building_id),
            *(func.coalesce(func.sum(getattr(m, name)), 0) for name in SUMS),
        ).where(m.building_id.in_(in_scope), m.component_count > 0)
    ).one()
    buildings_in_scope = db.session.scalar(select(func.count()).select_from(in_scope.subquery()))
    not_summarised = db.session.scalar(
        select(func.count(Building.id)).where(
            scope.condition,
            ~select(m.building_id).where(m.building_id == Building.id).exists(),
            select(Component.id).where(Component.building_id == Building.id).exists(),
        )
    )
    p = BuildingMetricPart
    parts = db.session.execute(
        select(
            p.dimension,
            p.key,
            func.sum(p.component_count),
            func.sum(p.mass_kg),
            func.sum(p.carbon_a1a3_kg),
        )
        .where(p.building_id.in_(in_scope))
        .group_by(p.dimension, p.key)
    ).all()
    families = sorted(
        (
            {
                "family": k,
                "component_count": int(n),
                "mass_kg": float(kg),
                "carbon_a1a3_kg": float(c),
            }
            for d, k, n, kg, c in parts
            if d == "family"
        ),
        key=lambda r: (-r["mass_kg"], r["family"]),
    )
    statuses = {k: (int(n), float(kg)) for d, k, n, kg, _ in parts if d == "status"}
    lifecycle = [
        {
            "status": s,
            "count": statuses.get(s, (0, 0.0))[0],
            "mass_kg": statuses.get(s, (0, 0.0))[1],
        }
        for s in COMPONENT_STATUSES
    ]
    month_list = _months(months)
    a = BuildingActivity
    activity_rows = db.session.execute(
        select(a.month, a.kind, func.sum(a.event_count))
        .where(a.building_id.in_(in_scope), a.month >= month_list[0])
        .group_by(a.month, a.kind)
    ).all()
    per_month = dict.fromkeys(month_list, 0)
    per_kind: dict[str, int] = {}
    for month, kind, n in activity_rows:
        if month in per_month:
            per_month[month] += int(n)
            per_kind[kind] = per_kind.get(kind, 0) + int(n)
    return {
        "scope": {
            "kind": scope.kind,
            "name": scope.name,
            "organisation_id": scope.organisation_id,
            "own_organisation_only": scope.own_organisation_only,
        },
        "generated_at": utcnow(),
        "buildings": {
            "in_scope": int(buildings_in_scope or 0),
            "with_passports": int(with_passports or 0),
            "not_summarised": int(not_summarised or 0),
        },
        **figures(dict(zip(SUMS, sums, strict=True))),
        "urban_mine": families,
        "lifecycle": lifecycle,
        "co2_avoided": _co2(scope),
        "activity": [{"month": k, "events": v} for k, v in per_month.items()],
        "activity_by_kind": sorted(
            ({"kind": k, "events": v} for k, v in per_kind.items()), key=lambda r: -r["events"]
        ),
        "top_buildings": top_buildings(scope, user),
    }


def top_buildings(scope: Scope, user, limit: int = TOP_BUILDINGS) -> list[dict]:
    """The scope's largest buildings by mass that the user may read, with their figures."""
    m = BuildingMetrics
    visible = readable_buildings(user) if user is not None else false()
    rows = db.session.execute(
        select(
            Building.id,
            Building.name,
            Building.city,
            Building.status,
            *(getattr(m, name) for name in SUMS),
        )
        .join(m, m.building_id == Building.id)
        .where(scope.condition, visible, m.component_count > 0)
        .order_by(m.mass_kg.desc(), Building.id)
        .limit(limit)
    ).all()
    out = []
    for bid, name, city, status, *sums in rows:
        f = figures(dict(zip(SUMS, sums, strict=True)))
        out.append(
            {"id": bid, "name": name, "city": city, "status": status}
            | {key: f[key] for key in TOP_BUILDING_FIGURES}
        )
    return out


def building_reuse_impact(building_id: int) -> dict:
    """CO2 avoided by everything that left this building through collection and reuse."""
    count, kg = db.session.execute(
        select(
            func.count(Reservation.id),
            func.coalesce(func.sum(Reservation.co2_avoided_kg), 0.0),
        )
        .join(Listing, Listing.id == Reservation.listing_id)
        .where(Listing.building_id == building_id, Reservation.status == "collected")
    ).one()
    return {"co2_avoided_kg": float(kg), "transactions": int(count)}
