"""Writes to the register beyond the import itself: re-estimating every building after the
intensity table or the estimate changed, and the demo register of the demo city."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import update

from app.auth.models import Organisation
from app.extensions import db
from mine.models import RegisterBuilding
from mine.register.importer import FIELDS
from mine.register.importer import _same
from mine.register.jobs import run_file
from mine.register.rows import estimate_fields
from mine.synthetic import REGISTER_COLUMNS
from mine.synthetic import register_rows
from passports.models import Building

_TABLE = RegisterBuilding.__table__
_ESTIMATE = ("floor_area_m2", "intensity_key", "estimated_mass_kg", "estimated_carbon_kg")
_INPUTS = (
    "use_type",
    "structure",
    "year_built",
    "country",
    "gross_floor_area_m2",
    "footprint_m2",
    "storeys",
)
CHUNK = 5000

#: The demo city: its organisation (passports' demo data), and how many synthetic buildings.
DEMO_CITY = "Brummen"
DEMO_ORGANISATION = "Gemeente Brummen"
DEMO_BUILDINGS = 3000


def reestimate(organisation_id: int | None = None, progress=None) -> dict:
    """Recompute floor area, intensity cell and estimate of every register building (of one
    organisation, or all) with mine.register.rows.estimate_fields; write those that changed.
    {"buildings": n, "changed": m}; the caller commits."""
    columns = [_TABLE.c.id, *(_TABLE.c[c] for c in _INPUTS + _ESTIMATE)]
    last_id, seen, changed = 0, 0, 0
    statement = (
        update(_TABLE)
        .where(_TABLE.c.id == bindparam("_id"))
        .values({c: bindparam(c) for c in _ESTIMATE})
    )
    while True:
        query = select(*columns).where(_TABLE.c.id > last_id).order_by(_TABLE.c.id).limit(CHUNK)
        if organisation_id is not None:
            query = query.where(_TABLE.c.organisation_id == organisation_id)
        rows = db.session.execute(query).all()
        if not rows:
            break
        updates = []
        for row in rows:
            fields = estimate_fields({c: getattr(row, c) for c in _INPUTS})
            if not all(_same(getattr(row, c), fields[c]) for c in _ESTIMATE):
                updates.append({"_id": row.id, **fields})
        if updates:
            db.session.connection().execute(statement, updates)
        seen += len(rows)
        changed += len(updates)
        last_id = rows[-1].id
        if progress:
            progress(len(rows))
    return {"buildings": seen, "changed": changed}


assert set(_ESTIMATE) <= set(FIELDS)


def load_demo_register(count: int = DEMO_BUILDINGS) -> dict:
    """The demo register of Brummen: `count` synthetic buildings around the town centre and an
    entry for each demo passport building of the city (same address and coordinates, so they
    link), owned by the city's organisation. Idempotent: a second run changes nothing.
    Needs the passports' demo data (`flask demo load`); {"ok": False} without it."""
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION)
    )
    if organisation is None:
        return {"ok": False, "organisation": DEMO_ORGANISATION}
    passports = db.session.execute(
        select(Building).where(Building.city == DEMO_CITY, Building.archived_at.is_(None))
    ).scalars()
    with tempfile.TemporaryDirectory(prefix="mpx-demo-register-") as folder:
        path = Path(folder) / "brummen-register.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=REGISTER_COLUMNS)
            writer.writeheader()
            writer.writerows(register_rows(count, city=DEMO_CITY, prefix="BRU", seed=15))
            for building in passports:
                writer.writerow(
                    {
                        "register_id": building.register_id or f"BRU-P{building.id:06d}",
                        "address": building.address,
                        "city": building.city,
                        "country": building.country,
                        "latitude": building.latitude,
                        "longitude": building.longitude,
                        "use": building.use_type,
                        "structure": "",
                        "year_built": building.year_built or "",
                        "gross_floor_area_m2": building.gross_floor_area_m2 or "",
                        "footprint_m2": "",
                        "storeys": "",
                        "planned_demolition": building.planned_date or "",
                    }
                )
        report = run_file(organisation.id, str(path), dry_run=False, filename=path.name)
    return {"ok": report["ok"], "organisation": organisation.name, "report": report}
