"""The rules a listing obeys, each in one place: what may be offered and when, its defaults,
what may be edited, and the hazards that stop it being published. Pages, the API, the CLI and
the demo ask here."""

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select

from app.errors import Conflict
from app.errors import ConflictingInput
from app.extensions import db
from app.i18n import word
from marketplace.models import Listing
from marketplace.models import ListingComponent
from passports.hazards import uncleared_hazards
from passports.models import DIMENSION_FIELDS
from passports.models import Building
from passports.models import Component
from passports.models import ComponentHazard
from passports.models import Material

# Components in these states can be offered; installed or to-harvest ones only as future
# stock of a building that is due for demolition or renovation.
LISTABLE = ("installed", "to_harvest", "harvested", "in_storage")
HARVESTED = ("harvested", "in_storage")
FUTURE_BUILDINGS = ("demolition_planned", "renovation_planned")
OPEN_LISTING = ("draft", "published", "sold_out")
EDITABLE = ("draft", "published")
EPSILON = 1e-9
_LISTING_FIELDS = (
    "title",
    "description",
    "cpv_code",
    "price_eur",
    "price_basis",
    "available_from",
    "available_until",
    "pickup_address",
    "pickup_latitude",
    "pickup_longitude",
    "condition",
    "evidence",
)


# Each rule a listing obeys lives here once; the pages, the API, the CLI and the demo ask.
def offers_future_stock(building: Building) -> bool:
    """True when the building is due for demolition or renovation, so that components still
    in it may be offered as future stock."""
    return building.status in FUTURE_BUILDINGS


def listable_statuses(building: Building) -> tuple[str, ...]:
    """The component statuses this building may put in a lot."""
    return LISTABLE if offers_future_stock(building) else HARVESTED


def offered_elsewhere(listing: Listing | None = None) -> Select:
    """The ids of components offered in an open listing other than `listing`: a component
    is offered in one open listing at a time."""
    stmt = (
        select(ListingComponent.component_id)
        .join(ListingComponent.listing)
        .where(Listing.status.in_(OPEN_LISTING))
    )
    if listing is not None and listing.id is not None:
        stmt = stmt.where(Listing.id != listing.id)
    return stmt


def main_material(component: Component) -> Material | None:
    """A component's main material: the largest by mass, else by share; None without one."""
    best = max(component.materials, key=lambda cm: cm.mass_kg or cm.fraction, default=None)
    return best.material if best else None


def main_cpv(component: Component) -> str | None:
    """The CPV code of a component's main material (by mass, else by share)."""
    material = main_material(component)
    return material.cpv_code if material else None


def lot_tolerance_mm() -> float:
    """How far the measures of a lot's components may lie apart (config LOT_TOLERANCE_MM)."""
    return float(current_app.config.get("LOT_TOLERANCE_MM", 10.0))


def _spread_message(name: str, low: str, high: str, tolerance: str) -> str:
    # Whole sentences per measure, so that each language can say it its own way.
    texts = {
        "width_mm": _(
            "Their widths differ by more than %(tolerance)s mm: %(low)s and %(high)s mm.",
            low=low,
            high=high,
            tolerance=tolerance,
        ),
        "height_mm": _(
            "Their heights differ by more than %(tolerance)s mm: %(low)s and %(high)s mm.",
            low=low,
            high=high,
            tolerance=tolerance,
        ),
        "depth_mm": _(
            "Their depths differ by more than %(tolerance)s mm: %(low)s and %(high)s mm.",
            low=low,
            high=high,
            tolerance=tolerance,
        ),
        "length_mm": _(
            "Their lengths differ by more than %(tolerance)s mm: %(low)s and %(high)s mm.",
            low=low,
            high=high,
            tolerance=tolerance,
        ),
    }
    return texts[name]


def lot_differences(components: list[Component]) -> list[str]:
    """What keeps these components from being one lot, in words: a lot is components of one
    kind, in one unit, of one category and one main material, with measures within
    LOT_TOLERANCE_MM of each other. A material or measure not recorded on a component does
    not set it apart (nothing says it differs); empty when they make one lot."""
    found: list[str] = []
    units = list(dict.fromkeys(c.unit for c in components))
    if len(units) > 1:
        found.append(
            _(
                "They are counted in different units: %(units)s.",
                units=", ".join(word(u) for u in units),
            )
        )
    categories = list(dict.fromkeys(c.category for c in components))
    if len(categories) > 1:
        found.append(
            _(
                "They are of different categories: %(categories)s.",
                categories=", ".join(word(c) for c in categories),
            )
        )
    materials = list(dict.fromkeys(m for c in components if (m := main_material(c))))
    if len(materials) > 1:
        found.append(
            _(
                "Their main materials differ: %(materials)s.",
                materials=", ".join(m.local_name for m in materials),
            )
        )
    tolerance = lot_tolerance_mm()
    for name in DIMENSION_FIELDS:
        known = [v for c in components if (v := getattr(c, name)) is not None]
        if known and max(known) - min(known) > tolerance + EPSILON:
            found.append(
                _spread_message(
                    name,
                    format_decimal(min(known)),
                    format_decimal(max(known)),
                    format_decimal(tolerance),
                )
            )
    return found


def ensure_one_kind(components: list[Component]) -> None:
    """Refuse (409 on component_ids) components that are not of one kind, saying what differs."""
    differences = lot_differences(components)
    if differences:
        raise ConflictingInput(
            {
                "component_ids": [
                    _(
                        "A lot is made of components of one kind. %(differences)s",
                        differences=" ".join(differences),
                    )
                ]
            }
        )


def default_cpv(components: list[Component]) -> str | None:
    """A lot's CPV code when none is given: that of the first component with a material."""
    return next((code for code in map(main_cpv, components) if code), None)


def listing_defaults(building: Building, future_stock: bool) -> dict:
    """What a listing of the building takes for the fields left empty: the building's address
    and coordinates as the pickup and, for future stock, the planned date."""
    return {
        "pickup_address": ", ".join(p for p in (building.address, building.city) if p),
        "pickup_latitude": building.latitude,
        "pickup_longitude": building.longitude,
        "available_from": building.planned_date if future_stock else None,
    }


def is_editable(listing: Listing) -> bool:
    """A draft or a published listing can be edited; sold out, withdrawn or expired not."""
    return listing.status in EDITABLE


def ensure_editable(listing: Listing) -> None:
    """Refuse (409) to edit a listing that is no longer open to edits."""
    if not is_editable(listing):
        raise Conflict(
            _(
                "This listing can no longer be edited (status: %(status)s).",
                status=word(listing.status),
            )
        )


def components_editable(listing: Listing | None) -> bool:
    """A lot's components are chosen while it is a draft (or not yet saved), never after."""
    return listing is None or listing.status == "draft"


def unresolved_hazards(listing: Listing) -> list[tuple[Component, list[ComponentHazard]]]:
    """The listing's components with asbestos, PCB or lead that has no clearance record."""
    return [
        (item.component, hazards)
        for item in listing.items
        if (hazards := uncleared_hazards(item.component))
    ]


def unlisted_counts(building: Building) -> dict[str, int]:
    """What keeps a building's components off a new listing, for a page that says what to do:
    how many are `offered` (in an open listing already), `waiting` (installed or to harvest,
    where only harvested or stored components may be listed), `moved_on` (reserved,
    transferred, reinstalled or disposed), `listable`, and the `total` (archived ones left
    out)."""
    alive = (Component.building_id == building.id, Component.archived_at.is_(None))
    by_status = db.session.execute(
        select(Component.status, func.count()).where(*alive).group_by(Component.status)
    ).all()
    offered = dict(
        db.session.execute(
            select(Component.status, func.count())
            .where(*alive, Component.id.in_(offered_elsewhere()))
            .group_by(Component.status)
        ).all()
    )
    allowed = listable_statuses(building)
    counts = {"listable": 0, "offered": 0, "waiting": 0, "moved_on": 0, "total": 0}
    for status, n in by_status:
        taken = offered.get(status, 0)
        counts["total"] += n
        counts["offered"] += taken
        if status in allowed:
            counts["listable"] += n - taken
        elif status in LISTABLE:
            counts["waiting"] += n - taken
        else:
            counts["moved_on"] += n - taken
    return counts
