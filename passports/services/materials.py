"""Writes to the material library."""

import csv
from pathlib import Path

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from app.extensions import db
from passports.models import Material

MATERIALS_CSV = Path(__file__).resolve().parents[1] / "data" / "materials.csv"


def create_material(data: dict) -> Material:
    """Add a material to the library; slugs are unique."""
    if db.session.scalar(select(Material.id).where(Material.slug == data["slug"])):
        raise ValidationError({"slug": [_("A material with this slug already exists.")]})
    material = Material()
    _apply_material(material, data)
    db.session.add(material)
    db.session.flush()
    return material


def update_material(material: Material, data: dict) -> Material:
    """Edit a material. Stored component masses keep the density they were derived with."""
    if (
        "slug" in data
        and data["slug"] != material.slug
        and db.session.scalar(select(Material.id).where(Material.slug == data["slug"]))
    ):
        raise ValidationError({"slug": [_("A material with this slug already exists.")]})
    _apply_material(material, data)
    db.session.flush()
    return material


def _apply_material(material: Material, data: dict) -> None:
    for key, value in data.items():
        if key == "aliases":
            value = ";".join(a.strip().lower() for a in value if a.strip())
        setattr(material, key, value)


def load_material_library(path: Path = MATERIALS_CSV) -> tuple[int, int]:
    """Insert or refresh the curated library from its CSV; returns (added, updated)."""
    existing = {m.slug: m for m in db.session.scalars(select(Material))}
    added = updated = 0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            values = {
                "name": row["name"],
                "family": row["family"],
                "density_kg_m3": float(row["density_kg_m3"]),
                "carbon_a1a3": float(row["carbon_a1a3_kgco2e_per_kg"]),
                "carbon_source": row["carbon_source"],
                "cpv_code": row["cpv_code"],
                "reference_service_life_years": int(row["reference_service_life_years"])
                if row["reference_service_life_years"]
                else None,
                "reprocessing_kgco2e_per_kg": float(row["reprocessing_kgco2e_per_kg"] or 0),
                "reprocessing_source": row["reprocessing_source"],
                "aliases": row["aliases"].lower(),
            }
            material = existing.get(row["slug"])
            if material is None:
                db.session.add(Material(slug=row["slug"], **values))
                added += 1
            else:
                for key, value in values.items():
                    setattr(material, key, value)
                updated += 1
    db.session.flush()
    return added, updated
