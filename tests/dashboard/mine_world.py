"""A small city for the urban-mine tests: a municipality's register of four Brummen buildings (one
surveyed by a passport, one without a floor area), the passport building due for demolition
next year, a published listing from it, an open wanted request, and one reuse collected this
year. Built with a few ORM inserts, once per test."""

from dataclasses import dataclass
from datetime import date
from datetime import datetime

from marketplace.models import Listing
from marketplace.models import Reservation
from marketplace.models import ReservationComponent
from marketplace.models import WantedRequest
from mine.estimate import estimate_building
from mine.intensity import period_for
from mine.intensity import region_key
from mine.intensity import structure_key
from mine.intensity import use_key
from mine.models import RegisterBuilding

THIS_YEAR = date.today().year
NEXT_YEAR = THIS_YEAR + 1
# (register id, use, structure, year, floor area m², planned demolition, surveyed by the passport)
REGISTER = (
    ("BAG1", "residential", "masonry", 1930, 120.0, date(NEXT_YEAR, 3, 1), False),
    ("BAG2", "office", "concrete", 1985, 2000.0, None, False),
    ("BAG3", "retail", "", 1960, None, None, False),
    ("BAG4", "civic", "masonry", 1970, 500.0, None, True),
)


def key_for(use, structure, year, country="NL") -> str:
    return "|".join((use_key(use), structure_key(structure), period_for(year), region_key(country)))


def estimate(rows) -> dict:
    """{family: (mass, low, high)} summed over register rows, building by building."""
    total: dict = {}
    for _id, use, structure, year, area, _d, _s in rows:
        for family, (m, lo, hi) in estimate_building(area, use, structure, year, "NL").items():
            t = total.setdefault(family, [0.0, 0.0, 0.0])
            t[0], t[1], t[2] = t[0] + m, t[1] + lo, t[2] + hi
    return total


@dataclass
class World:
    owner: object
    buyer: object
    building: object
    bricks: object


def build(db, make_user, make_building, make_component, material_id) -> World:
    owner = make_user("owner")
    buyer = make_user("buyer")
    building = make_building(
        owner,
        name="Brummen town hall",
        city="Brummen",
        status="demolition_planned",
        planned_date=date(NEXT_YEAR, 6, 1),
    )
    bricks = make_component(
        building,
        name="Facing brick",
        quantity=20.0,
        unit="t",
        materials=[{"material_id": material_id("facing-brick"), "fraction": 1.0}],
    )
    make_component(
        building,
        name="Concrete floors",
        quantity=30.0,
        unit="t",
        materials=[{"material_id": material_id("reinforced-concrete"), "fraction": 1.0}],
    )
    for register_id, use, structure, year, area, demolition, surveyed in REGISTER:
        db.session.add(
            RegisterBuilding(
                organisation_id=owner.organisation_id,
                register_id=register_id,
                city="brummen",  # the register spells it otherwise: matched without case
                country="NL",
                use_type=use,
                structure=structure,
                year_built=year,
                floor_area_m2=area,
                planned_demolition=demolition,
                intensity_key=key_for(use, structure, year),
                building_id=building.id if surveyed else None,
                imported_at=datetime(THIS_YEAR, 1, 2),
            )
        )
    listing = Listing(
        organisation_id=owner.organisation_id,
        building_id=building.id,
        title="Facing brick",
        cpv_code="44111000",
        quantity=20.0,
        quantity_available=10.0,
        unit="t",
        status="published",
        material_family="masonry",
        mass_kg=20000.0,
        available_from=date(NEXT_YEAR, 7, 1),
        city="Brummen",
    )
    db.session.add(listing)
    db.session.add(
        WantedRequest(
            organisation_id=buyer.organisation_id,
            title="Bricks for a school",
            material_family="masonry",
            quantity=5.0,
            unit="t",
            needed_by=date(NEXT_YEAR, 9, 1),
            status="open",
        )
    )
    db.session.flush()
    reservation = Reservation(
        listing_id=listing.id,
        buyer_id=buyer.id,
        buyer_organisation_id=buyer.organisation_id,
        quantity=10.0,
        status="collected",
        co2_avoided_kg=2500.0,
        collected_at=datetime(THIS_YEAR, 2, 1),
    )
    db.session.add(reservation)
    db.session.flush()
    db.session.add(
        ReservationComponent(reservation_id=reservation.id, component_id=bricks.id, quantity=10.0)
    )
    db.session.commit()
    return World(owner, buyer, building, bricks)
