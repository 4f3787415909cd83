"""Synthetic passports at scale, for benchmarks: bulk inserts through SQLAlchemy Core.

Rows are built in Python and written with executemany in batches, never one ORM object at a
time. Ids are assigned here so component materials can be written in the same pass.
"""

import random
from collections.abc import Callable
from datetime import date

from sqlalchemy import func, insert, select, text

from app.auth.models import Organisation
from app.extensions import db
from app.models import utcnow
from passports.models import (
    CATEGORIES,
    CONNECTION_TYPES,
    Building,
    Component,
    ComponentHazard,
    ComponentMaterial,
    Material,
)
from passports.tags import ALPHABET, LENGTH

CITIES = (
    ("Amsterdam", "NL", 52.37, 4.90),
    ("Rotterdam", "NL", 51.92, 4.48),
    ("Utrecht", "NL", 52.09, 5.12),
    ("Brummen", "NL", 52.09, 6.15),
    ("København", "DK", 55.68, 12.57),
    ("Aarhus", "DK", 56.16, 10.20),
    ("Malmö", "SE", 55.60, 13.00),
    ("Gent", "BE", 51.05, 3.72),
)
STOREYS = (
    "-1 Basement",
    "00 Ground floor",
    "01 First floor",
    "02 Second floor",
    "03 Third floor",
    "04 Roof",
)
NAMES = {
    "structure": "Column",
    "external_wall": "External wall",
    "internal_wall": "Partition",
    "facade": "Facade panel",
    "floor": "Floor slab",
    "roof": "Roof element",
    "stair": "Stair",
    "window": "Window",
    "door": "Door",
    "ceiling": "Ceiling tile",
    "finish": "Floor finish",
    "installation": "Radiator",
    "fixture": "Washbasin",
    "foundation": "Foundation beam",
    "other": "Element",
}


def _tags(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    out = []
    while len(out) < count:
        tag = "".join(rng.choices(ALPHABET, k=LENGTH))
        if tag not in taken:
            taken.add(tag)
            out.append(tag)
    return out


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def generate(
    buildings: int,
    components: int,
    *,
    organisation: Organisation | None = None,
    seed: int = 1,
    batch_size: int = 25_000,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Insert `buildings` buildings sharing `components` components; returns the id ranges."""
    rng = random.Random(seed)
    materials = db.session.execute(select(Material.id, Material.density_kg_m3)).all()
    if not materials:
        raise LookupError("The material library is empty: run `flask passports load-materials`.")
    if organisation is None:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == "Synthetic Portfolio")
        )
        if organisation is None:
            organisation = Organisation(name="Synthetic Portfolio", kind="municipality")
            db.session.add(organisation)
            db.session.flush()
    now = utcnow()
    first_building = _next_id(Building)
    building_rows = []
    for i in range(buildings):
        city, country, lat, lon = CITIES[i % len(CITIES)]
        demolition = i % 5 == 0
        building_rows.append(
            {
                "id": first_building + i,
                "organisation_id": organisation.id,
                "name": f"Synthetic building {first_building + i}",
                "address": f"Straat {i + 1}",
                "city": city,
                "country": country,
                "latitude": lat + rng.uniform(-0.05, 0.05),
                "longitude": lon + rng.uniform(-0.05, 0.05),
                "year_built": rng.randint(1900, 2020),
                "gross_floor_area_m2": rng.uniform(200, 20000),
                "use_type": rng.choice(
                    ("office", "education", "healthcare", "civic", "residential")
                ),
                "status": "demolition_planned" if demolition else "in_use",
                "planned_date": date(2027, 1 + i % 12, 1) if demolition else None,
                "archived_at": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(insert(Building), building_rows)

    taken = (
        set(db.session.scalars(select(Component.tag)).all()) if _next_id(Component) > 1 else set()
    )
    component_id = _next_id(Component)
    link_id = _next_id(ComponentMaterial)
    hazard_id = _next_id(ComponentHazard)
    done = 0
    while done < components:
        count = min(batch_size, components - done)
        tags = _tags(rng, count, taken)
        rows, links, hazards = [], [], []
        for j in range(count):
            category = CATEGORIES[rng.randrange(len(CATEGORIES))]
            volume = round(rng.uniform(0.05, 12.0), 3)
            mat_id, density = materials[rng.randrange(len(materials))]
            mass = volume * density
            rows.append(
                {
                    "id": component_id,
                    "building_id": first_building + (done + j) % buildings,
                    "tag": tags[j],
                    "name": NAMES[category],
                    "category": category,
                    "storey": STOREYS[rng.randrange(len(STOREYS))],
                    "quantity": volume,
                    "unit": "m3",
                    "volume_m3": None,
                    "mass_kg": mass,
                    "mass_source": "derived",
                    "mass_derivation": f"{volume} m³ × {density:g} kg/m³ = {mass:.3f} kg",
                    "condition": rng.randint(1, 5),
                    "connection_type": CONNECTION_TYPES[rng.randrange(len(CONNECTION_TYPES))],
                    "install_year": rng.randint(1950, 2020),
                    "service_life_years": 50,
                    "recycled_content": 0.0,
                    "reused_content": 0.0,
                    "manufacturer": "",
                    "gtin": None,
                    "serial_number": None,
                    "ifc_guid": None,
                    "description": "",
                    "status": "installed",
                    "reuse_cycles": 0,
                    "archived_at": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            links.append(
                {
                    "id": link_id,
                    "component_id": component_id,
                    "material_id": mat_id,
                    "position": 0,
                    "fraction": 1.0,
                    "mass_kg": mass,
                }
            )
            link_id += 1
            if rng.random() < 0.02:
                hazards.append(
                    {
                        "id": hazard_id,
                        "component_id": component_id,
                        "kind": rng.choice(("asbestos", "pcb", "lead")),
                        "notes": "",
                    }
                )
                hazard_id += 1
            component_id += 1
        db.session.execute(insert(Component), rows)
        db.session.execute(insert(ComponentMaterial), links)
        if hazards:
            db.session.execute(insert(ComponentHazard), hazards)
        done += count
        if progress:
            progress(count)
    _reset_sequences()
    return {
        "buildings": (first_building, first_building + buildings - 1),
        "components": (component_id - components, component_id - 1),
    }


def _reset_sequences() -> None:
    """PostgreSQL sequences must learn about explicitly assigned ids."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in ("buildings", "components", "component_materials", "component_hazards"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )
