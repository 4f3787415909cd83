"""A wanted request's matches, best first: published listings now, and future stock (installed
components of buildings due for demolition, one match per building) later.

How they are ranked, and why:
1. **What covers the whole quantity first.** A procurement officer with a tender for 20 doors
   wants one lot of 20 before two of 10: each extra seller is another contract, pickup and
   inspection. Among those that cover only part, the larger share first.
2. **Then the most CO2 avoided net of transport**, for the share the buyer would take (at most
   the quantity asked): the lot's CO2 avoided estimate times that share, less the transport
   from the pickup (or the building) to the request's location, tonnes × km ×
   TRANSPORT_KGCO2E_PER_TKM (passports.metrics.transport_kg; for a listing the exchange's one
   rule, marketplace.services.reservation_co2). This is what the exchange is for, and it
   weighs distance by mass: heavy bricks from far away rank below light doors from as far.
   For future stock the CO2 avoided is the components' stored embodied carbon (A1-A3).
   A match without a known mass or carbon figure ranks after those with one.
3. **Then the nearest** (great-circle distance, passports.metrics.haversine_km; unknown last),
4. **then stock available now before future stock**, then the oldest id (a stable order).

The conditions themselves (what a request asks) live in marketplace.queries.matching. The
candidates are read as narrow rows (at most MAX_CANDIDATES of each source; future stock
already summed per building in SQL) and ranked here; only the page shown is described further
(titles, sellers, the components of each building).
"""

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import Organisation
from app.extensions import db
from marketplace.models import Listing
from marketplace.models import WantedRequest
from marketplace.queries.matching import future_stock_conditions
from marketplace.queries.matching import listing_conditions
from marketplace.services.reservations import reservation_co2
from passports.metrics import co2_avoided_kg
from passports.metrics import haversine_km
from passports.metrics import transport_kg
from passports.models import Building
from passports.models import Component

MAX_CANDIDATES = 20_000


@dataclass
class Match:
    """One match of a request, with what it covers, how far it is and the CO2 it avoids."""

    kind: str  # "listing" | "future_stock"
    building_id: int
    available: float
    unit: str
    covers: float
    coverage: float
    distance_km: float | None
    co2_avoided_kg: float | None
    transport_kg: float | None
    available_from: date | None
    listing_id: int | None = None
    component_ids: list[int] = field(default_factory=list)
    title: str = ""
    organisation_name: str = ""
    city: str = ""

    @property
    def component_id(self) -> int | None:
        """The first component of a future-stock match (None for a listing)."""
        return self.component_ids[0] if self.component_ids else None

    def as_dict(self) -> dict:
        """The match as the API shows it."""
        return {**asdict(self), "component_id": self.component_id}


def _distance(wanted: WantedRequest, lat: float | None, lon: float | None) -> float | None:
    if wanted.latitude is None or wanted.longitude is None or lat is None or lon is None:
        return None
    return haversine_km(wanted.latitude, wanted.longitude, lat, lon)


def _covers(wanted: WantedRequest, available: float) -> tuple[float, float]:
    covers = min(available, wanted.quantity)
    return covers, (covers / wanted.quantity if wanted.quantity else 0.0)


def rank_key(match: Match) -> tuple:
    """The ranking of the module docstring, as a sort key (smallest first)."""
    return (
        0 if match.coverage >= 1.0 - 1e-9 else 1,
        -match.coverage,
        match.co2_avoided_kg is None,
        -(match.co2_avoided_kg or 0.0),
        match.distance_km is None,
        match.distance_km or 0.0,
        match.kind != "listing",
        match.listing_id or 0,
        match.building_id,
    )


def _listing_matches(wanted: WantedRequest, today: date) -> list[Match]:
    rows = db.session.execute(
        select(
            Listing.id,
            Listing.building_id,
            Listing.quantity,
            Listing.quantity_available,
            Listing.mass_kg,
            Listing.co2_avoided_kg,
            Listing.pickup_latitude,
            Listing.pickup_longitude,
            Listing.available_from,
        )
        .where(*listing_conditions(wanted, today))
        .limit(MAX_CANDIDATES)
    ).all()
    factor = current_app.config["TRANSPORT_KGCO2E_PER_TKM"]
    matches = []
    for row in rows:
        distance = _distance(wanted, row.pickup_latitude, row.pickup_longitude)
        covers, coverage = _covers(wanted, row.quantity_available)
        lot = SimpleNamespace(
            quantity=row.quantity, mass_kg=row.mass_kg, co2_avoided_kg=row.co2_avoided_kg
        )
        co2 = reservation_co2(lot, covers, distance) if row.quantity else None
        moved = None
        if co2 is not None:
            moved = transport_kg(row.mass_kg * covers / row.quantity, distance or 0.0, factor)
        matches.append(
            Match(
                kind="listing",
                listing_id=row.id,
                building_id=row.building_id,
                available=row.quantity_available,
                unit=wanted.unit,
                covers=covers,
                coverage=coverage,
                distance_km=distance,
                co2_avoided_kg=co2,
                transport_kg=moved,
                available_from=row.available_from,
            )
        )
    return matches


def _future_matches(wanted: WantedRequest) -> list[Match]:
    """Future stock, one match per building: the candidates summed per building in one
    statement (a building of 400 fitting doors is one row, not 400), with their embodied
    carbon as each component stores it (passports.metrics, at write time): what making them
    new would emit, the CO2 their reuse avoids. (A listing's estimate also deducts the
    materials' reprocessing, mostly nil or about 1 %; reading every material of every
    candidate for it would cost the ranking its speed.)"""
    rows = db.session.execute(
        select(
            Building.id,
            Building.latitude,
            Building.longitude,
            Building.planned_date,
            func.sum(Component.quantity).label("quantity"),
            func.sum(case((Component.carbon_a1a3_kg.is_not(None), Component.mass_kg))).label(
                "mass"
            ),
            func.sum(Component.carbon_a1a3_kg).label("gross"),
        )
        .join(Building, Building.id == Component.building_id)
        .where(*future_stock_conditions(wanted))
        .group_by(Building.id, Building.latitude, Building.longitude, Building.planned_date)
        .limit(MAX_CANDIDATES)
    ).all()
    factor = current_app.config["TRANSPORT_KGCO2E_PER_TKM"]
    matches = []
    for row in rows:
        distance = _distance(wanted, row.latitude, row.longitude)
        if wanted.radius_km is not None and distance is not None and distance > wanted.radius_km:
            continue
        covers, coverage = _covers(wanted, row.quantity)
        co2 = moved = None
        if row.mass and row.gross is not None:
            share = covers / row.quantity
            mass = row.mass * share
            moved = transport_kg(mass, distance or 0.0, factor)
            # The embodied carbon per kg of the candidates, as passports.metrics weighs it.
            co2 = co2_avoided_kg(mass, row.gross / row.mass, 0.0, distance or 0.0, factor)
        matches.append(
            Match(
                kind="future_stock",
                building_id=row.id,
                available=row.quantity,
                unit=wanted.unit,
                covers=covers,
                coverage=coverage,
                distance_km=distance,
                co2_avoided_kg=co2,
                transport_kg=moved,
                available_from=row.planned_date,
            )
        )
    return matches


def describe(matches: list[Match], wanted: WantedRequest | None = None) -> list[Match]:
    """Fill in the titles, sellers and cities of the matches shown (one query per source),
    and, given the request, the components of each future-stock match."""
    listing_ids = [m.listing_id for m in matches if m.listing_id]
    building_ids = {m.building_id for m in matches}
    listings = {}
    if listing_ids:
        listings = {
            row.id: row
            for row in db.session.execute(
                select(Listing.id, Listing.title, Listing.city, Organisation.name)
                .join(Organisation, Organisation.id == Listing.organisation_id)
                .where(Listing.id.in_(listing_ids))
            )
        }
    buildings = {}
    if building_ids:
        buildings = {
            row.id: row
            for row in db.session.execute(
                select(Building.id, Building.name, Building.city, Organisation.name)
                .join(Organisation, Organisation.id == Building.organisation_id)
                .where(Building.id.in_(building_ids))
            )
        }
    for m in matches:
        if m.listing_id and m.listing_id in listings:
            row = listings[m.listing_id]
            m.title, m.city, m.organisation_name = row.title, row.city, row.name
        elif m.building_id in buildings:
            row = buildings[m.building_id]
            m.title, m.city, m.organisation_name = row[1], row.city, row[3]
    future = [m for m in matches if m.kind == "future_stock"]
    if wanted is not None and future:
        ids: dict[int, list[int]] = {}
        for component_id, building_id in db.session.execute(
            select(Component.id, Component.building_id)
            .join(Building, Building.id == Component.building_id)
            .where(
                *future_stock_conditions(wanted),
                Building.id.in_([m.building_id for m in future]),
            )
            .order_by(Component.id)
        ):
            ids.setdefault(building_id, []).append(component_id)
        for m in future:
            m.component_ids = ids.get(m.building_id, [])
    return matches


def find_matches(wanted: WantedRequest, today: date | None = None) -> list[Match]:
    """Every match of an open request, best first (see the module docstring); undescribed:
    pass the page shown to `describe`."""
    if wanted.status != "open":
        return []
    today = today or date.today()
    matches = _listing_matches(wanted, today) + _future_matches(wanted)
    return sorted(matches, key=rank_key)


def matches_page(wanted: WantedRequest, page: int, per_page: int) -> dict:
    """One page of the ranked matches in the envelope of every list, described."""
    matches = find_matches(wanted)
    start = (page - 1) * per_page
    shown = describe(matches[start : start + per_page], wanted)
    return {"items": shown, "total": len(matches), "page": page, "per_page": per_page}
