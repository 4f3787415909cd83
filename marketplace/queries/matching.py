"""What a wanted request asks of the exchange, as SQL: the conditions a published listing, or an
installed component of a building due for demolition (future stock), meets to serve it. The
matching pages and API, the bundles and the notifications after a publish all ask here.

A measure the request gives must be recorded on the lot and lie within the request's tolerance:
a lot of unknown size cannot be promised to a buyer who specified one.
"""

from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy import exists
from sqlalchemy import or_
from sqlalchemy import select

from marketplace.models import Listing
from marketplace.models import ListingComponent
from marketplace.models import WantedRequest
from marketplace.queries.filters import cpv_prefix
from marketplace.queries.filters import price_within
from marketplace.queries.filters import within
from marketplace.queries.filters import within_radius
from marketplace.services.rules import FUTURE_BUILDINGS
from marketplace.services.rules import HARVESTED
from marketplace.services.rules import OPEN_LISTING
from marketplace.services.rules import listable_statuses
from passports.metrics import bounding_box
from passports.models import DIMENSION_FIELDS
from passports.models import Building
from passports.models import Component
from passports.models import ComponentMaterial
from passports.models import Material

# Components that are still in their building: what a planned demolition will yield.
FUTURE_COMPONENT_STATUSES = ("installed", "to_harvest")


def measures_match(model, wanted: WantedRequest) -> list[ColumnElement[bool]]:
    """Conditions on `model`'s width_mm, height_mm, depth_mm and length_mm columns."""
    tolerance = wanted.tolerance_mm or 0.0
    conditions: list[ColumnElement[bool]] = []
    for name in DIMENSION_FIELDS:
        conditions += within(getattr(model, name), getattr(wanted, name), tolerance)
    return conditions


def listing_conditions(wanted: WantedRequest, today: date | None = None) -> list[ColumnElement]:
    """Conditions on Listing: published, with some left, in the request's unit, of its kind,
    size and condition, available before it is needed, within its radius and price limit, and
    not the buyer's own."""
    today = today or date.today()
    conditions: list[ColumnElement[bool]] = [
        Listing.status == "published",
        Listing.quantity_available > 0,
        Listing.unit == wanted.unit,
        Listing.organisation_id != wanted.organisation_id,
        or_(Listing.available_until.is_(None), Listing.available_until >= today),
    ]
    if wanted.needed_by is not None:
        conditions.append(
            or_(Listing.available_from.is_(None), Listing.available_from <= wanted.needed_by)
        )
    if wanted.cpv_prefix:
        conditions.append(Listing.cpv_code.like(cpv_prefix(wanted.cpv_prefix) + "%"))
    if wanted.material_family:
        conditions.append(Listing.material_family == wanted.material_family)
    if wanted.condition_min:
        conditions.append(Listing.condition >= wanted.condition_min)
    if wanted.max_price_eur is not None:
        conditions.append(price_within(wanted.max_price_eur))
    conditions += measures_match(Listing, wanted)
    if wanted.radius_km is not None and wanted.latitude is not None:
        conditions += within_radius(wanted.latitude, wanted.longitude, wanted.radius_km)
    return conditions


def component_conditions(wanted: WantedRequest) -> list[ColumnElement]:
    """Conditions on Component alone: not archived, in the request's unit, of its kind (CPV
    prefix, material family of one of its materials), size and condition."""
    conditions: list[ColumnElement[bool]] = [
        Component.archived_at.is_(None),
        Component.unit == wanted.unit,
    ]
    if wanted.condition_min:
        conditions.append(Component.condition >= wanted.condition_min)
    # The measures before the materials: a column compared costs less than a subquery run.
    conditions += measures_match(Component, wanted)
    if wanted.cpv_prefix or wanted.material_family:
        material = [ComponentMaterial.component_id == Component.id]
        if wanted.cpv_prefix:
            material.append(Material.cpv_code.like(cpv_prefix(wanted.cpv_prefix) + "%"))
        if wanted.material_family:
            material.append(Material.family == wanted.material_family)
        conditions.append(
            exists(select(ComponentMaterial.id).join(ComponentMaterial.material).where(*material))
        )
    return conditions


def not_on_offer() -> ColumnElement[bool]:
    """Condition on Component: in no open listing (a listed one is matched as the listing)."""
    return ~exists(
        select(ListingComponent.id)
        .join(Listing, Listing.id == ListingComponent.listing_id)
        .where(ListingComponent.component_id == Component.id, Listing.status.in_(OPEN_LISTING))
    )


def future_stock_conditions(wanted: WantedRequest) -> list[ColumnElement]:
    """Conditions on Component joined to its Building: still installed in a building of another
    organisation whose demolition (or renovation) is planned before the request's date, in the
    request's unit, of its kind, size and condition, within its radius (the box; the exact
    distance is checked on the candidates). Listed or not: an owner sees the demand before the
    harvest; a component already in an open listing is matched as that listing instead."""
    conditions: list[ColumnElement[bool]] = [
        Component.status.in_(FUTURE_COMPONENT_STATUSES),
        Building.status.in_(FUTURE_BUILDINGS),
        Building.organisation_id != wanted.organisation_id,
        Building.archived_at.is_(None),
        *component_conditions(wanted),
        not_on_offer(),
    ]
    if wanted.needed_by is not None:
        conditions.append(
            or_(Building.planned_date.is_(None), Building.planned_date <= wanted.needed_by)
        )
    if wanted.radius_km is not None and wanted.latitude is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(
            wanted.latitude, wanted.longitude, wanted.radius_km
        )
        conditions += [
            Building.latitude.between(min_lat, max_lat),
            Building.longitude.between(min_lon, max_lon),
        ]
    return conditions


def building_stock_conditions(wanted: WantedRequest, building: Building) -> list[ColumnElement]:
    """Conditions on Component: one of `building`'s that its owner could offer for the request
    now (harvested, in storage, or installed in a building due for demolition), not yet on
    offer. The building page's "buyers want components like these" asks here."""
    conditions = [
        Component.building_id == building.id,
        Component.status.in_(listable_statuses(building)),
        *component_conditions(wanted),
        not_on_offer(),
    ]
    if wanted.needed_by and building.planned_date and building.planned_date > wanted.needed_by:
        # Still installed on the date it is needed: only what is already out can serve.
        conditions.append(Component.status.in_(HARVESTED))
    return conditions
