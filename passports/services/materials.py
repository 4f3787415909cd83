"""Writes to the material library."""

import csv
from pathlib import Path

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from app.extensions import db
from passports.models import Material

MATERIALS_CSV = Path(__file__).resolve().parents[1] / "data" / "materials.csv"
NAMES_CSV = MATERIALS_CSV.with_name("material_names.csv")


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


def read_material_names(path: Path = NAMES_CSV) -> dict[str, tuple[dict, list[str]]]:
    """The library's names and words in the other shipped languages, by slug: ({locale: name},
    [names and aliases of every language]). Lines starting with # document the file."""
    found: dict[str, tuple[dict, list[str]]] = {}
    if not path.exists():
        return found
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        for row in csv.DictReader(lines):
            names, words = found.setdefault(row["slug"], ({}, []))
            names[row["locale"]] = row["name"].strip()
            words.append(row["name"])
            words.extend(row["aliases"].split(";"))
    return found


def _merged_aliases(*groups) -> str:
    """Aliases as stored: lower case, each once, in the order given, joined by ";"."""
    seen: dict[str, None] = {}
    for group in groups:
        for alias in group:
            alias = alias.strip().lower()
            if alias:
                seen.setdefault(alias, None)
    return ";".join(seen)


def load_material_library(
    path: Path = MATERIALS_CSV, names_path: Path = NAMES_CSV
) -> tuple[int, int]:
    """Insert or refresh the curated library from its CSV, with each material's names and
    words in the other shipped languages (material_names.csv); returns (added, updated)."""
    existing = {m.slug: m for m in db.session.scalars(select(Material))}
    translated = read_material_names(names_path)
    added = updated = 0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names, words = translated.get(row["slug"], ({}, []))
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
                "aliases": _merged_aliases(row["aliases"].split(";"), words),
                "names": names,
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
