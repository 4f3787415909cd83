"""A believable demo world: a demountable town hall, a hospital due for demolition, a user per role.

The town hall is modelled on Brummen (NL, 2013), the first Dutch building with a materials
passport: a prefabricated timber frame with dry, bolted connections, so that most of it can be
taken apart. The hospital ward block stands for the two Copenhagen hospitals whose bricks, laid
in lime mortar, were reclaimed for the Katrinedals School: about 275 t of facade brick.
Both, and their components, are tables: data/demo_buildings.csv and data/demo_components.csv.
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
# The demo's buildings and their components are tables, one row each: a component's materials
# as "slug fraction; slug fraction", a hazard as its kind and notes, and an empty cell for a
# fact not recorded.
DEMO_DATA = Path(__file__).resolve().parent / "data"


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


_TYPES = {
    "latitude": float,
    "longitude": float,
    "year_built": int,
    "gross_floor_area_m2": float,
    "planned_date": date.fromisoformat,
    "quantity": _number,
    "volume_m3": float,
    "mass_kg": float,
    "recycled_content": float,
    "condition": int,
    "install_year": int,
    "service_life_years": int,
    "width_mm": float,
    "height_mm": float,
    "depth_mm": float,
    "length_mm": float,
}


def _m(slug: str) -> int:
    material_id = db.session.scalar(select(Material.id).where(Material.slug == slug))
    if material_id is None:
        raise LookupError(f"demo needs material {slug!r}: run `flask passports load-materials`")
    return material_id


def _rows(filename: str) -> list[dict]:
    """The rows of a demo table, with their empty cells left out and their values typed."""
    with (DEMO_DATA / filename).open(newline="", encoding="utf-8") as fh:
        return [
            {key: _TYPES.get(key, str)(value) for key, value in row.items() if value}
            for row in csv.DictReader(fh)
        ]


def _component(row: dict) -> dict:
    """One row of the components table as `create_component` data."""
    data = {key: value for key, value in row.items() if key != "building"}
    data["materials"] = [
        {"material_id": _m(slug), "fraction": float(fraction)}
        for slug, fraction in (part.split() for part in data["materials"].split(";"))
    ]
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
    contractor = users["contractor@demontage.example"]
    components = _rows("demo_components.csv")
    buildings = []
    for data in _rows("demo_buildings.csv"):
        key, owner = data.pop("key"), users[data.pop("owner")]
        building = services.register_building(owner, data)
        for row in components:
            if row["building"] == key:
                services.create_component(building, _component(row))
        services.grant_access(building, contractor.organisation_id, owner)
        buildings.append(building.id)
    db.session.flush()
    return {"created": True, "buildings": buildings}
