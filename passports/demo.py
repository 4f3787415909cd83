"""A believable demo world: a demountable town hall, a hospital due for demolition, a user per role.

The town hall is modelled on Brummen (NL, 2013), the first Dutch building with a materials
passport: a prefabricated timber frame with dry, bolted connections, so that most of it can be
taken apart. The hospital ward block stands for the two Copenhagen hospitals whose bricks, laid
in lime mortar, were reclaimed for the Katrinedals School: about 275 t of facade brick.
"""

from datetime import date

from sqlalchemy import select

from app.auth import services as accounts
from app.auth.models import User
from app.extensions import db
from passports import services
from passports.models import Material

DEMO_PASSWORD = "demo-passport-2026"
DEMO_USERS = (
    # email, role, organisation, kind, display name
    ("admin@mpx.example", "admin", "Material Passport Exchange", "company", "Platform admin"),
    ("owner@brummen.example", "owner", "Gemeente Brummen", "municipality", "Anne de Vries"),
    ("owner@regionh.example", "owner", "Region Hovedstaden", "municipality", "Mette Larsen"),
    (
        "contractor@demontage.example",
        "contractor",
        "Demontage Oost B.V.",
        "contractor",
        "Joost Bakker",
    ),
    ("buyer@kk.example", "buyer", "Københavns Kommune", "municipality", "Søren Holm"),
)


def _m(slug: str) -> int:
    material_id = db.session.scalar(select(Material.id).where(Material.slug == slug))
    if material_id is None:
        raise LookupError(f"demo needs material {slug!r}: run `flask passports load-materials`")
    return material_id


def _c(name, category, storey, quantity, unit, materials, **extra) -> dict:
    data = {
        "name": name,
        "category": category,
        "storey": storey,
        "quantity": quantity,
        "unit": unit,
        "materials": [{"material_id": _m(s), "fraction": f} for s, f in materials],
    }
    data.update(extra)
    return data


def _town_hall_components() -> list[dict]:
    dry = {"connection_type": "bolted", "condition": 5, "install_year": 2013}
    return [
        _c(
            "Glulam column 240×240",
            "structure",
            "00 Ground floor",
            36,
            "pcs",
            [("glulam", 1.0)],
            volume_m3=36 * 0.24 * 0.24 * 3.6,
            service_life_years=75,
            manufacturer="Derix",
            **dry,
        ),
        *(
            _c(
                "Glulam beam 200×600",
                "structure",
                storey,
                48,
                "pcs",
                [("glulam", 1.0)],
                volume_m3=48 * 0.2 * 0.6 * 7.2,
                service_life_years=75,
                **dry,
            )
            for storey in ("01 First floor", "02 Second floor")
        ),
        *(
            _c(
                "CLT floor panel 160 mm",
                "floor",
                storey,
                1150,
                "m2",
                [("clt", 1.0)],
                volume_m3=1150 * 0.16,
                service_life_years=75,
                **{**dry, "connection_type": "screwed"},
            )
            for storey in ("01 First floor", "02 Second floor")
        ),
        _c(
            "Precast concrete foundation beam",
            "foundation",
            "-1 Foundation",
            64,
            "pcs",
            [("precast-concrete", 0.97), ("rebar", 0.03)],
            volume_m3=64 * 0.4 * 0.6 * 7.2,
            connection_type="bolted",
            condition=5,
            install_year=2013,
            service_life_years=100,
        ),
        _c(
            "Steel connection plate set",
            "structure",
            "00 Ground floor",
            3.2,
            "t",
            [("structural-steel-section", 1.0)],
            connection_type="bolted",
            condition=5,
            install_year=2013,
            recycled_content=0.6,
        ),
        *(
            _c(
                "Unitised glass facade element",
                "facade",
                storey,
                420,
                "m2",
                [("float-glass", 0.55), ("aluminium-extruded", 0.45)],
                volume_m3=420 * 0.03,
                connection_type="click",
                condition=5,
                install_year=2013,
                service_life_years=40,
                manufacturer="Schüco",
            )
            for storey in ("00 Ground floor", "01 First floor")
        ),
        _c(
            "Timber cladding, larch",
            "facade",
            "02 Second floor",
            380,
            "m2",
            [("sawn-softwood", 1.0)],
            volume_m3=380 * 0.022,
            connection_type="screwed",
            condition=4,
            install_year=2013,
            service_life_years=30,
        ),
        _c(
            "Wood-fibre insulation board",
            "external_wall",
            "01 First floor",
            760,
            "m2",
            [("wood-fibre-insulation", 1.0)],
            volume_m3=760 * 0.16,
            connection_type="dry",
            condition=5,
            install_year=2013,
            service_life_years=50,
        ),
        _c(
            "Plasterboard partition on steel studs",
            "internal_wall",
            "00 Ground floor",
            540,
            "m2",
            [("plasterboard", 0.8), ("galvanised-steel-sheet", 0.2)],
            volume_m3=540 * 0.03,
            connection_type="screwed",
            condition=4,
            install_year=2013,
            service_life_years=30,
        ),
        _c(
            "Plasterboard partition on steel studs",
            "internal_wall",
            "01 First floor",
            610,
            "m2",
            [("plasterboard", 0.8), ("galvanised-steel-sheet", 0.2)],
            volume_m3=610 * 0.03,
            connection_type="screwed",
            condition=4,
            install_year=2013,
            service_life_years=30,
        ),
        _c(
            "Oak internal door 930×2315",
            "door",
            "00 Ground floor",
            24,
            "pcs",
            [("sawn-hardwood", 0.9), ("stainless-steel", 0.1)],
            volume_m3=24 * 0.93 * 2.315 * 0.04,
            connection_type="screwed",
            condition=4,
            install_year=2013,
            service_life_years=40,
            gtin="08712345000011",
            serial_number="BRM-D-01",
        ),
        _c(
            "Mineral-wool ceiling tile 600×600",
            "ceiling",
            "01 First floor",
            980,
            "m2",
            [("stone-wool", 1.0)],
            volume_m3=980 * 0.02,
            connection_type="dry",
            condition=4,
            install_year=2013,
            service_life_years=25,
        ),
        _c(
            "Steel stair with oak treads",
            "stair",
            "00 Ground floor",
            2,
            "pcs",
            [("structural-steel-section", 0.85), ("sawn-hardwood", 0.15)],
            mass_kg=3400.0,
            connection_type="bolted",
            condition=5,
            install_year=2013,
        ),
        _c(
            "Bitumen roofing membrane",
            "roof",
            "03 Roof",
            1180,
            "m2",
            [("bitumen-membrane", 1.0)],
            volume_m3=1180 * 0.008,
            connection_type="glued",
            condition=3,
            install_year=2013,
            service_life_years=25,
        ),
        _c(
            "PIR roof insulation",
            "roof",
            "03 Roof",
            1180,
            "m2",
            [("pir-pur", 1.0)],
            volume_m3=1180 * 0.14,
            connection_type="dry",
            condition=4,
            install_year=2013,
            service_life_years=50,
        ),
        _c(
            "Linoleum floor finish",
            "finish",
            "00 Ground floor",
            1100,
            "m2",
            [("linoleum", 1.0)],
            volume_m3=1100 * 0.0025,
            connection_type="glued",
            condition=3,
            install_year=2013,
            service_life_years=25,
        ),
    ]


def _hospital_components() -> list[dict]:
    brick = {
        "connection_type": "lime_mortar",
        "install_year": 1962,
        "condition": 4,
        "service_life_years": 150,
        "status": "to_harvest",
        "description": "Yellow facing brick in lime mortar: cleanable for reuse.",
    }
    return [
        # About 275 t of brick in all, as reclaimed for the Katrinedals School.
        *(
            _c(
                f"Facing brick, {side} elevation",
                "facade",
                "Facade",
                volume,
                "m3",
                [("facing-brick", 0.8), ("lime-mortar", 0.2)],
                **brick,
            )
            for side, volume in (("north", 41.0), ("south", 41.0), ("east", 33.0), ("west", 33.0))
        ),
        *(
            _c(
                "Hollow-core floor slab 1200×220",
                "floor",
                storey,
                96,
                "pcs",
                [("precast-concrete", 0.98), ("rebar", 0.02)],
                volume_m3=96 * 1.2 * 0.22 * 7.2 * 0.6,
                connection_type="cement_mortar",
                condition=3,
                install_year=1962,
                service_life_years=100,
            )
            for storey in ("01 First floor", "02 Second floor")
        ),
        _c(
            "In-situ concrete frame",
            "structure",
            "00 Ground floor",
            410,
            "m3",
            [("reinforced-concrete", 1.0)],
            connection_type="cast",
            condition=3,
            install_year=1962,
        ),
        _c(
            "Terrazzo floor tiles",
            "finish",
            "00 Ground floor",
            860,
            "m2",
            [("terrazzo", 1.0)],
            volume_m3=860 * 0.025,
            connection_type="cement_mortar",
            condition=4,
            install_year=1962,
        ),
        _c(
            "Vinyl floor tiles with asbestos adhesive",
            "finish",
            "02 Second floor",
            640,
            "m2",
            [("vinyl-flooring", 1.0)],
            volume_m3=640 * 0.003,
            connection_type="glued",
            condition=2,
            install_year=1968,
            hazards=[{"kind": "asbestos", "notes": "Chrysotile in bitumen adhesive; survey 2025."}],
        ),
        _c(
            "Aluminium window with double glazing",
            "window",
            "01 First floor",
            84,
            "pcs",
            [("aluminium-extruded", 0.35), ("float-glass", 0.65)],
            mass_kg=84 * 62.0,
            connection_type="screwed",
            condition=3,
            install_year=1985,
            service_life_years=40,
            hazards=[
                {"kind": "pcb", "notes": "PCB in sealant joints (1985); sample result pending."}
            ],
        ),
        _c(
            "Steel panel radiator",
            "installation",
            "01 First floor",
            120,
            "pcs",
            [("steel-sheet", 1.0)],
            mass_kg=120 * 28.0,
            connection_type="screwed",
            condition=3,
            install_year=1990,
        ),
        _c(
            "Copper heating pipework",
            "installation",
            "00 Ground floor",
            1.8,
            "t",
            [("copper", 1.0)],
            connection_type="welded",
            condition=3,
            install_year=1990,
            hazards=[{"kind": "lead", "notes": "Lead-based solder at joints."}],
        ),
        _c(
            "Ceramic wall tiles, wards",
            "finish",
            "01 First floor",
            520,
            "m2",
            [("ceramic-tile", 1.0)],
            volume_m3=520 * 0.008,
            connection_type="cement_mortar",
            condition=3,
            install_year=1962,
        ),
        _c(
            "Slate window sills",
            "window",
            "00 Ground floor",
            84,
            "pcs",
            [("slate", 1.0)],
            volume_m3=84 * 1.2 * 0.25 * 0.03,
            connection_type="lime_mortar",
            condition=4,
            install_year=1962,
        ),
        _c(
            "Hardwood ward door",
            "door",
            "01 First floor",
            40,
            "pcs",
            [("sawn-hardwood", 1.0)],
            volume_m3=40 * 0.9 * 2.1 * 0.045,
            connection_type="screwed",
            condition=4,
            install_year=1962,
        ),
    ]


def load_demo() -> dict:
    """Create the demo world (idempotent: an existing demo is left as it is)."""
    services.load_material_library()
    if db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0][0])):
        return {"created": False}
    users = {}
    for email, role, org_name, kind, name in DEMO_USERS:
        org = accounts.find_organisation(org_name) or accounts.create_organisation(org_name, kind)
        users[email] = accounts.create_user(email, DEMO_PASSWORD, role, org, name=name)
    brummen = users["owner@brummen.example"]
    town_hall = services.register_building(
        brummen,
        {
            "name": "Brummen Town Hall",
            "address": "Ambthuis 1",
            "city": "Brummen",
            "country": "NL",
            "latitude": 52.0878,
            "longitude": 6.1549,
            "year_built": 2013,
            "gross_floor_area_m2": 3500.0,
            "use_type": "civic",
            "status": "in_use",
        },
    )
    for data in _town_hall_components():
        services.create_component(town_hall, data)
    regionh = users["owner@regionh.example"]
    hospital = services.register_building(
        regionh,
        {
            "name": "Bispebjerg Ward Block K",
            "address": "Bispebjerg Bakke 23",
            "city": "København",
            "country": "DK",
            "latitude": 55.7128,
            "longitude": 12.5385,
            "year_built": 1962,
            "gross_floor_area_m2": 6800.0,
            "use_type": "healthcare",
            "status": "demolition_planned",
            "planned_date": date(2027, 4, 1),
        },
    )
    for data in _hospital_components():
        services.create_component(hospital, data)
    contractor = users["contractor@demontage.example"]
    services.grant_access(hospital, contractor.organisation_id, regionh)
    services.grant_access(town_hall, contractor.organisation_id, brummen)
    db.session.flush()
    return {"created": True, "buildings": [town_hall.id, hospital.id]}
