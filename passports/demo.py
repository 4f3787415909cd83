"""A believable demo world: a demountable town hall, a hospital due for demolition, a user per role.

The town hall is modelled on Brummen (NL, 2013), the first Dutch building with a materials
passport: a prefabricated timber frame with dry, bolted connections, so that most of it can be
taken apart. The hospital ward block stands for the two Copenhagen hospitals whose bricks, laid
in lime mortar, were reclaimed for the Katrinedals School: about 275 t of facade brick.
Their components are a table, data/demo_components.csv, one row a component.
"""

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.auth import services as accounts
from app.auth.models import User
from app.extensions import db
from passports import services
from passports.models import Material

DEMO_PASSWORD = "demo-passport-2026"
# One row a component (a lot); materials as "slug fraction; slug fraction", a hazard as its
# kind and notes, and an empty cell for a fact not recorded.
DEMO_COMPONENTS_CSV = Path(__file__).resolve().parent / "data" / "demo_components.csv"
_TYPES = {
    "volume_m3": float,
    "mass_kg": float,
    "recycled_content": float,
    "condition": int,
    "install_year": int,
    "service_life_years": int,
}
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


def _components(building: str) -> list[dict]:
    """The demo components of one building (`town_hall`, `hospital`), in the file's order."""
    with DEMO_COMPONENTS_CSV.open(newline="", encoding="utf-8") as fh:
        rows = [row for row in csv.DictReader(fh) if row.pop("building") == building]
    return [_component(row) for row in rows]


def _component(row: dict) -> dict:
    """One row of the table as `create_component` data; an empty cell is a fact not recorded."""
    data = {key: value for key, value in row.items() if value}
    quantity = data["quantity"]
    data["quantity"] = float(quantity) if "." in quantity else int(quantity)
    data["materials"] = [
        {"material_id": _m(slug), "fraction": float(fraction)}
        for slug, fraction in (part.split() for part in data["materials"].split(";"))
    ]
    for key, kind in _TYPES.items():
        if key in data:
            data[key] = kind(data[key])
    if "hazard" in data:
        data["hazards"] = [{"kind": data.pop("hazard"), "notes": data.pop("hazard_notes")}]
    return data


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
    for data in _components("town_hall"):
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
    for data in _components("hospital"):
        services.create_component(hospital, data)
    contractor = users["contractor@demontage.example"]
    services.grant_access(hospital, contractor.organisation_id, regionh)
    services.grant_access(town_hall, contractor.organisation_id, brummen)
    db.session.flush()
    return {"created": True, "buildings": [town_hall.id, hospital.id]}
