"""The demo world's stock on the exchange, so that every role has something to see.

On top of `flask demo load` (passports/demo.py):
- Bispebjerg Ward Block K, due for demolition, offers its four facing-brick facades (about 275 t)
  as one lot of future stock, available from the planned demolition date: the bricks that,
  in the Katrinedals School story, went into a new facade.
- The hospital's aluminium windows sit in a draft: their PCB sealant has no clearance record
  yet, so the draft cannot be published. The asbestos floor tiles and the copper pipework with
  lead solder are not offered at all.
- Brummen town hall's internal refit frees oak doors, ceiling tiles and larch cladding: the
  contractor records their dismantling (and storage) as events, and they are listed as stock.
- Københavns Kommune (the demo buyer) has a school to build, Katrinedals Skole, and has asked
  for part of the bricks: one reservation, waiting for the hospital owner's answer.
- The demand side: the school also needs 50 interior doors of about 925 × 2312 mm. The buyer
  posts a wanted request; the hospital's owner sees it on the building page (its 40 ward doors
  come out with the demolition), offers them and publishes the lot; no seller has 50, so the
  buyer reserves a bundle across two sellers: Brummen's 24 oak doors and 26 of the ward doors.
  A second request, for facing brick, is served by the hospital's bricks alone; a third, for
  hollow-core slabs, is served by the hospital's floors, not on offer yet: the owner sees it.
"""

from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.models import utcnow
from marketplace import services
from marketplace.models import Listing
from marketplace.models import WantedRequest
from marketplace.services.bundles import reserve_bundle
from marketplace.services.wanted import make_offer
from marketplace.services.wanted import post_wanted
from passports import demo as passport_demo
from passports import services as passport_services
from passports.models import Building
from passports.models import Component

BRICKS_TITLE = "Yellow facing brick, 1962, lime mortar (4 facades)"
DOORS_WANTED = "Interior doors for Katrinedals Skole, about 925 × 2312 mm"
SCHOOL = "Katrinedals Skole"


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _building(name: str) -> Building:
    return db.session.scalar(select(Building).where(Building.name == name))


def _components(building: Building, name_like: str) -> list[Component]:
    return list(
        db.session.scalars(
            select(Component)
            .where(Component.building_id == building.id, Component.name.like(name_like))
            .order_by(Component.id)
        )
    )


def _harvest(component: Component, contractor: User, when: datetime, store: bool) -> None:
    """Record on site what the contractor did: dismantled, and stored when `store`."""
    passport_services.record_event(
        component,
        contractor,
        {
            "kind": "dismantled",
            "occurred_at": when,
            "notes": "Internal refit: taken out dry, fixings bagged with the component.",
        },
    )
    if store:
        passport_services.record_event(
            component,
            contractor,
            {
                "kind": "stored",
                "occurred_at": when + timedelta(days=2),
                "location": "Demontage Oost depot, Zutphen, bay 4",
                "notes": "Stacked on pallets under cover.",
            },
        )


def _list(
    owner: User, building: Building, components: list[Component], publish: bool, **fields
) -> Listing:
    listing = services.create_listing(
        owner, building, {"component_ids": [c.id for c in components], **fields}
    )
    if publish:
        services.publish_and_notify(listing, owner)
    return listing


def _hospital_stock(regionh: User, hospital: Building) -> list[Listing]:
    planned = hospital.planned_date or date.today() + timedelta(days=120)
    bricks = _list(
        regionh,
        hospital,
        _components(hospital, "Facing brick%"),
        publish=True,
        title=BRICKS_TITLE,
        description="About 275 t of yellow facing brick from the four facades of Ward Block K, "
        "laid in lime mortar in 1962: the mortar cleans off, so the bricks can be reused whole. "
        "Harvested by hand during the soft strip, cleaned and palletised on site.",
        price_basis="fixed",
        price_eur=180.0,
        available_until=planned + timedelta(days=270),
        evidence="Pre-demolition audit 2025 (Region Hovedstaden): no asbestos, PCB or lead in "
        "the facades. Test wall of 2 m² dismantled and cleaned: 85% whole bricks.",
    )
    windows = _list(
        regionh,
        hospital,
        _components(hospital, "Aluminium window%"),
        publish=False,
        title="Aluminium windows with double glazing, 84 pieces",
        cpv_code="44221100-6",
        description="1985 aluminium windows, double glazed. To be offered once the PCB sample "
        "of the sealant joints comes back clean.",
        price_basis="on_request",
    )
    return [bricks, windows]


def _town_hall_stock(brummen: User, contractor: User, town_hall: Building) -> list[Listing]:
    start = utcnow() - timedelta(days=21)
    doors = _components(town_hall, "Oak internal door%")
    tiles = _components(town_hall, "Mineral-wool ceiling tile%")
    cladding = _components(town_hall, "Timber cladding%")
    for c in doors + cladding:
        _harvest(c, contractor, start, store=True)
    for c in tiles:
        _harvest(c, contractor, start + timedelta(days=5), store=False)
    pickup = "Demontage Oost depot, Zutphen"
    depot = {"pickup_address": pickup, "pickup_latitude": 52.1386, "pickup_longitude": 6.2011}
    return [
        _list(
            brummen,
            town_hall,
            doors,
            publish=True,
            title="Oak internal doors 930×2315 with stainless hardware",
            cpv_code="44221200-7",
            description="24 solid oak doors from the 2013 town hall, with hinges and handles. "
            "GTIN on each door.",
            price_basis="fixed",
            price_eur=85.0,
            evidence="Inspected by Demontage Oost: light wear, no damage.",
            **depot,
        ),
        _list(
            brummen,
            town_hall,
            tiles,
            publish=True,
            title="Mineral-wool ceiling tiles 600×600",
            description="980 m² of ceiling tiles, lifted out of the grid. Collect from site.",
            price_basis="free",
        ),
        _list(
            brummen,
            town_hall,
            cladding,
            publish=True,
            title="Larch cladding boards, screwed",
            cpv_code="44191000-5",
            description="380 m² of larch cladding taken down in one piece per board.",
            price_basis="fixed",
            price_eur=9.5,
            **depot,
        ),
    ]


def _school(admin: User, buyer: User) -> Building:
    school = _building(SCHOOL)
    if school is None:
        school = passport_services.register_building(
            admin,
            {
                "organisation_id": buyer.organisation_id,
                "name": SCHOOL,
                "address": "Katrinedalsvej 1",
                "city": "København",
                "country": "DK",
                "latitude": 55.6657,
                "longitude": 12.4995,
                "year_built": 1938,
                "use_type": "education",
                "status": "renovation_planned",
                "planned_date": date(2027, 8, 1),
            },
        )
    return school


def _demand(buyer: User, regionh: User, school: Building, doors: Listing) -> tuple:
    """The school's wanted requests, the hospital's offer of its ward doors, and a bundle of
    doors from two sellers."""
    hospital = _building("Bispebjerg Ward Block K")
    place = {
        "location": "Katrinedalsvej 1, København",
        "latitude": school.latitude,
        "longitude": school.longitude,
        "radius_km": 1000.0,
    }
    wanted_doors = post_wanted(
        buyer,
        {
            "title": DOORS_WANTED,
            "description": "Solid timber doors for the classrooms of the new wing; one door "
            "leaf per opening, hinges welcome. We collect.",
            "material_family": "timber",
            "quantity": 50.0,
            "unit": "pcs",
            "width_mm": 925.0,
            "height_mm": 2312.0,
            "tolerance_mm": 10.0,
            "condition_min": 3,
            "needed_by": date(2027, 9, 30),
            "max_price_eur": 120.0,
            **place,
        },
    )
    post_wanted(
        buyer,
        {
            "title": "Yellow facing brick for the school's new wing",
            "description": "Yellow facing brick to match the 1938 school, cleaned, on pallets.",
            "cpv_prefix": "44111",
            "material_family": "masonry",
            "quantity": 40.0,
            "unit": "m3",
            "condition_min": 3,
            "needed_by": date(2027, 10, 31),
            **place,
        },
    )
    # Not on offer yet: the hospital's owner sees this demand on the building page.
    post_wanted(
        buyer,
        {
            "title": "Hollow-core floor slabs for the school's bicycle pavilion",
            "description": "Precast hollow-core slabs, 1200 wide and 220 deep, spans up to "
            "7.2 m. Lifting loops or anchors welcome.",
            "material_family": "concrete",
            "quantity": 40.0,
            "unit": "pcs",
            "width_mm": 1200.0,
            "depth_mm": 220.0,
            "tolerance_mm": 10.0,
            "needed_by": date(2027, 12, 31),
            **{**place, "radius_km": 50.0},
        },
    )
    ward_doors = _components(hospital, "Hardwood ward door%")
    offer, _notes = make_offer(
        regionh,
        wanted_doors,
        hospital,
        {
            "component_ids": [c.id for c in ward_doors],
            "title": "Hardwood ward doors 920×2310, 1962",
        },
    )
    services.update_listing(
        offer,
        {
            "description": "40 solid hardwood doors of the 1962 wards, to be taken out before "
            "the demolition. Offered for the Katrinedals Skole request.",
            "cpv_code": "44221200-7",
            "price_basis": "fixed",
            "price_eur": 60.0,
        },
    )
    services.publish_and_notify(offer, regionh)
    bundle = reserve_bundle(
        buyer,
        {
            "wanted_request_id": wanted_doors.id,
            "destination_building_id": school.id,
            "needed_by": date(2027, 9, 30),
            "message": "Doors for the classrooms of the new wing.",
            "parts": [
                {"listing_id": doors.id, "quantity": 24.0},
                {"listing_id": offer.id, "quantity": 26.0},
            ],
        },
    )
    return wanted_doors, offer, bundle


def load_exchange_demo() -> dict:
    """List the demo world's stock and make one reservation (idempotent)."""
    passport_demo.load_demo()
    if db.session.scalar(select(Listing.id).where(Listing.title == BRICKS_TITLE)):
        return {"created": False}
    regionh, brummen = _user("owner@regionh.example"), _user("owner@brummen.example")
    contractor, buyer = _user("contractor@demontage.example"), _user("buyer@kk.example")
    hospital = _building("Bispebjerg Ward Block K")
    town_hall = _building("Brummen Town Hall")
    listings = _hospital_stock(regionh, hospital) + _town_hall_stock(brummen, contractor, town_hall)
    school = _school(_user("admin@mpx.example"), buyer)
    bricks = listings[0]
    reservation = services.reserve_listing(
        buyer,
        bricks.id,
        {
            "quantity": 60.0,
            "needed_by": date(2027, 9, 30),
            "destination_building_id": school.id,
            "message": "For the new outer wall of Katrinedals Skole; we collect in weekly loads.",
        },
    )
    wanted, offer, bundle = _demand(buyer, regionh, school, listings[2])
    listings.append(offer)
    summary = [f"{li.status:<9} {li.title} ({li.quantity:g} {li.unit})" for li in listings]
    summary.append(
        f"requested {reservation.quantity:g} {bricks.unit} of bricks by "
        f"{buyer.email} for {school.name}"
    )
    requests = db.session.scalars(select(WantedRequest).order_by(WantedRequest.id)).all()
    summary += [f"wanted    {w.title} ({w.quantity:g} {w.unit})" for w in requests]
    summary.append(
        f"bundle    {bundle.quantity:g} {bundle.unit} of doors from "
        f"{len(bundle.parts)} sellers for {wanted.title}"
    )
    return {
        "created": True,
        "listings": [li.id for li in listings],
        "reservations": [reservation.id, *(part.id for part in bundle.parts)],
        "wanted_requests": [w.id for w in requests],
        "bundles": [bundle.id],
        "summary": summary,
    }
