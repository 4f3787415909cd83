"""Generating the synthetic buildings and components: cities, storeys, names and hazards drawn
from `seed`, random tags from the operating system, ids assigned here, rows written in
batches with the fastest writer of the database."""

import base64
import random
import secrets
from collections.abc import Callable
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from app.auth.models import Organisation
from app.extensions import db
from app.models import utcnow
from passports.models import CATEGORIES
from passports.models import CONNECTION_TYPES
from passports.models import Building
from passports.models import Component
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material
from passports.models.buildings import BUILDING_FIELDS
from passports.synthetic.writers import bulk_writer
from passports.tags import ALPHABET
from passports.tags import LENGTH

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
HAZARD_SHARE = 0.02
HAZARDS = ("asbestos", "pcb", "lead")


BUILDING_COLUMNS = (
    "id",
    "organisation_id",
    *BUILDING_FIELDS,
    "archived_at",
    "created_at",
    "updated_at",
)
# The columns the generator varies. Every other column, passport fields included
# (`passports.models.PASSPORT_FIELDS`), is written with its model default, so a new field
# reaches the generated rows without a change here.
COMPONENT_COLUMNS = (
    "id",
    "building_id",
    "tag",
    "name",
    "category",
    "storey",
    "quantity",
    "unit",
    "mass_kg",
    "mass_source",
    "mass_derivation",
    "condition",
    "connection_type",
    "install_year",
    "service_life_years",
    "created_at",
    "updated_at",
)
LINK_COLUMNS = ("id", "component_id", "material_id", "position", "fraction", "mass_kg")
HAZARD_COLUMNS = ("id", "component_id", "kind", "notes")


# 15 random bytes are 24 base32 symbols, two tags; RFC 4648 symbols map one to one onto ours.
_RFC4648 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_TAG_ALPHABET = bytes.maketrans(_RFC4648, ALPHABET.encode("ascii"))


def _random_tags(count: int) -> list[str]:
    """`count` random tags (60 bits each, from the OS), with no duplicates among them."""
    tags: dict[str, None] = {}
    while len(tags) < count:
        missing = count - len(tags)
        symbols = base64.b32encode(secrets.token_bytes(15 * ((missing + 1) // 2)))
        chunk = symbols.translate(_TO_TAG_ALPHABET).decode("ascii")
        ends = range(LENGTH, (missing + 1) * LENGTH, LENGTH)
        tags.update(dict.fromkeys(chunk[end - LENGTH : end] for end in ends))
    return list(tags)


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _building_of(buildings: int, components: int) -> Callable[[int], int]:
    """Index of the building of the k-th component: consecutive blocks, as imports come."""
    base, extra = divmod(components, buildings)
    big = extra * (base + 1)

    def building(k: int) -> int:
        return k // (base + 1) if k < big else extra + (k - big) // base

    return building


def generate(
    buildings: int,
    components: int,
    *,
    organisation: Organisation | None = None,
    seed: int = 1,
    batch_size: int = 25_000,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Insert `buildings` buildings sharing `components` components; returns the id ranges.

    Each building gets a consecutive block of components (the first `components % buildings`
    buildings one more than the others). The session is flushed, not committed.
    """
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
    first_component = component_id = _next_id(Component)
    link_id = _next_id(ComponentMaterial)
    hazard_id = _next_id(ComponentHazard)
    with bulk_writer() as write:
        write(
            Building.__table__,
            BUILDING_COLUMNS,
            _building_rows(rng, buildings, first_building, organisation.id, now),
        )
        building_of = _building_of(buildings, components)
        done = 0
        while done < components:
            count = min(batch_size, components - done)
            rows, links, hazards = _component_rows(
                rng,
                materials,
                _random_tags(count),
                ids=(component_id, link_id, hazard_id),
                building_ids=[first_building + building_of(done + j) for j in range(count)],
                now=now,
            )
            write(Component.__table__, COMPONENT_COLUMNS, rows)
            write(ComponentMaterial.__table__, LINK_COLUMNS, links)
            if hazards:
                write(ComponentHazard.__table__, HAZARD_COLUMNS, hazards)
            component_id += count
            link_id += len(links)
            hazard_id += len(hazards)
            done += count
            if progress:
                progress(count)
    _reset_sequences()
    return {
        "buildings": (first_building, first_building + buildings - 1),
        "components": (first_component, component_id - 1),
    }


def _building_rows(
    rng: random.Random, count: int, first_id: int, organisation_id: int, now
) -> list[tuple]:
    rows = []
    for i in range(count):
        city, country, lat, lon = CITIES[i % len(CITIES)]
        demolition = i % 5 == 0
        rows.append(
            (
                first_id + i,
                organisation_id,
                f"Synthetic building {first_id + i}",
                f"Straat {i + 1}",
                city,
                country,
                lat + rng.uniform(-0.05, 0.05),
                lon + rng.uniform(-0.05, 0.05),
                rng.randint(1900, 2020),
                rng.uniform(200, 20000),
                rng.choice(("office", "education", "healthcare", "civic", "residential")),
                "demolition_planned" if demolition else "in_use",
                date(2027, 1 + i % 12, 1) if demolition else None,
                None,
                now,
                now,
            )
        )
    return rows


def _component_rows(
    rng: random.Random,
    materials: list,
    tags: list[str],
    *,
    ids: tuple[int, int, int],
    building_ids: list[int],
    now,
) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """One batch: component rows, their material links and the odd hazard, as tuples."""
    component_id, link_id, hazard_id = ids
    # random() and integer arithmetic instead of randrange/randint/choice: several times
    # faster, and this loop runs a million times.
    rand, uniform = rng.random, rng.uniform
    n_categories, n_storeys = len(CATEGORIES), len(STOREYS)
    n_connections, n_materials = len(CONNECTION_TYPES), len(materials)
    densities = [(mat_id, density, f"{density:g}") for mat_id, density in materials]
    rows, links, hazards = [], [], []
    for tag, building_id in zip(tags, building_ids, strict=True):
        category = CATEGORIES[int(rand() * n_categories)]
        volume = round(uniform(0.05, 12.0), 3)
        mat_id, density, density_text = densities[int(rand() * n_materials)]
        mass = volume * density
        rows.append(
            (
                component_id,
                building_id,
                tag,
                NAMES[category],
                category,
                STOREYS[int(rand() * n_storeys)],
                volume,
                "m3",
                mass,
                "derived",
                f"{volume} m³ × {density_text} kg/m³ = {mass:.3f} kg",
                1 + int(rand() * 5),
                CONNECTION_TYPES[int(rand() * n_connections)],
                1950 + int(rand() * 71),
                50,
                now,
                now,
            )
        )
        links.append((link_id, component_id, mat_id, 0, 1.0, mass))
        link_id += 1
        if rand() < HAZARD_SHARE:
            hazards.append((hazard_id, component_id, HAZARDS[int(rand() * 3)], ""))
            hazard_id += 1
        component_id += 1
    return rows, links, hazards


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
