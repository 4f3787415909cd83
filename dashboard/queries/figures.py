"""The figures of a dashboard for a scope, summed in SQL: the urban mine, lifecycle, averages,
CO2 avoided through the exchange, activity per month, and the largest buildings."""

from datetime import date

from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import utcnow
from dashboard.models import BuildingActivity
from dashboard.models import BuildingMetricPart
from dashboard.models import BuildingMetrics
from dashboard.queries.mine import future_supply
from dashboard.queries.mine import urban_mine
from dashboard.queries.scopes import Scope
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


def reuse_sides(scope: Scope, *columns):
    """(select of `columns` over collected reservations, with their listing and its origin and
    destination buildings joined; condition "harvested" from the scope; condition "received" by
    it). A reservation counts for the scope when either holds."""
    origin = Building.__table__.alias("origin")
    destination = Building.__table__.alias("destination")
    harvested = origin.c.id.in_(select(Building.id).where(scope.condition))
    received = destination.c.id.in_(select(Building.id).where(scope.condition))
    if scope.organisation_id is not None:
        received = or_(received, Reservation.buyer_organisation_id == scope.organisation_id)
    base = (
        select(*columns)
        .join(Listing, Listing.id == Reservation.listing_id)
        .join(origin, origin.c.id == Listing.building_id)
        .outerjoin(destination, destination.c.id == Reservation.destination_building_id)
        .where(Reservation.status == "collected")
    )
    return base, harvested, received


def _co2(scope: Scope) -> dict:
    base, harvested, received = reuse_sides(
        scope,
        func.count(Reservation.id),
        func.coalesce(func.sum(Reservation.co2_avoided_kg), 0.0),
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
    data = {
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
    # The urban mine as surveyed + estimated from the building register, and its future supply.
    data["mine"] = urban_mine(scope, user, families, data["buildings"]["with_passports"])
    data["future_supply"] = future_supply(scope, user)
    return data


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
