"""Writes to passports. Services flush and never commit: the request or command commits."""

import csv
from datetime import date
from pathlib import Path

from marshmallow import ValidationError
from sqlalchemy import select

from app.auth.models import Organisation
from app.errors import Forbidden
from app.extensions import db
from app.models import utcnow
from passports.lifecycle import transition_error
from passports.mass import Part, derive_mass
from passports.models import (
    Building,
    BuildingAccess,
    Component,
    ComponentHazard,
    ComponentMaterial,
    Material,
)
from passports.tags import new_tag

MATERIALS_CSV = Path(__file__).resolve().parent / "data" / "materials.csv"
_COMPONENT_FIELDS = (
    "name",
    "category",
    "storey",
    "quantity",
    "unit",
    "volume_m3",
    "condition",
    "connection_type",
    "install_year",
    "service_life_years",
    "recycled_content",
    "reused_content",
    "manufacturer",
    "gtin",
    "serial_number",
    "ifc_guid",
    "description",
)


# ---------------------------------------------------------------- materials
def create_material(data: dict) -> Material:
    """Add a material to the library; slugs are unique."""
    if db.session.scalar(select(Material.id).where(Material.slug == data["slug"])):
        raise ValidationError({"slug": ["A material with this slug already exists."]})
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
        raise ValidationError({"slug": ["A material with this slug already exists."]})
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


# ---------------------------------------------------------------- buildings
def register_building(user, data: dict) -> Building:
    """Create a building for the user's organisation (admins may name another)."""
    data = dict(data)
    org_id = data.pop("organisation_id", None)
    if org_id is not None and user.role != "admin" and org_id != user.organisation_id:
        raise Forbidden("You can only register buildings for your own organisation.")
    org_id = org_id or user.organisation_id
    if db.session.get(Organisation, org_id) is None:
        raise ValidationError({"organisation_id": ["Unknown organisation."]})
    building = Building(organisation_id=org_id)
    _apply_building(building, data)
    db.session.add(building)
    db.session.flush()
    return building


def update_building(building: Building, data: dict) -> Building:
    """Edit a building's fields."""
    data = dict(data)
    if "organisation_id" in data:
        raise ValidationError({"organisation_id": ["Ownership cannot be changed here."]})
    _apply_building(building, data)
    db.session.flush()
    return building


def _apply_building(building: Building, data: dict) -> None:
    for key, value in data.items():
        setattr(building, key, value)
    if (building.latitude is None) != (building.longitude is None):
        raise ValidationError({"latitude": ["Give latitude and longitude together."]})
    if (
        building.status in ("renovation_planned", "demolition_planned")
        and not building.planned_date
    ):
        raise ValidationError({"planned_date": ["A planned status needs a planned date."]})


def archive_building(building: Building) -> Building:
    """Hide a building from lists; its passport and history stay intact."""
    if building.archived_at is None:
        building.archived_at = utcnow()
    db.session.flush()
    return building


def restore_building(building: Building) -> Building:
    """Bring an archived building back."""
    building.archived_at = None
    db.session.flush()
    return building


def grant_access(
    building: Building, organisation_id: int, granted_by, expires_on: date | None = None
) -> BuildingAccess:
    """Let another organisation (a contractor, usually) read this building's passport."""
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        raise ValidationError({"organisation_id": ["Unknown organisation."]})
    if org.id == building.organisation_id:
        raise ValidationError({"organisation_id": ["The owner already has access."]})
    if expires_on is not None and expires_on < date.today():
        raise ValidationError({"expires_on": ["The expiry date is in the past."]})
    grant = db.session.scalar(
        select(BuildingAccess).where(
            BuildingAccess.building_id == building.id, BuildingAccess.organisation_id == org.id
        )
    )
    if grant is None:
        grant = BuildingAccess(building=building, organisation=org)
        db.session.add(grant)
    grant.granted_by = granted_by
    grant.expires_on = expires_on
    grant.revoked_at = None
    grant.created_at = utcnow()
    db.session.flush()
    return grant


def revoke_access(grant: BuildingAccess) -> BuildingAccess:
    """End a grant at once."""
    if grant.revoked_at is None:
        grant.revoked_at = utcnow()
    db.session.flush()
    return grant


# ---------------------------------------------------------------- components
def _materials_by_id(shares: list[dict]) -> dict[int, Material]:
    ids = [s["material_id"] for s in shares]
    found = {m.id: m for m in db.session.scalars(select(Material).where(Material.id.in_(ids)))}
    errors = {
        i: {"material_id": [f"Unknown material {s['material_id']}."]}
        for i, s in enumerate(shares)
        if s["material_id"] not in found
    }
    if errors:
        raise ValidationError({"materials": errors})
    return found


def _set_materials(component: Component, shares: list[dict]) -> None:
    found = _materials_by_id(shares)
    component.materials = [
        ComponentMaterial(material=found[s["material_id"]], fraction=s["fraction"], position=i)
        for i, s in enumerate(shares)
    ]


def _recompute_mass(component: Component, given_mass: float | None) -> None:
    parts = [
        Part(cm.material.name, cm.fraction, cm.material.density_kg_m3) for cm in component.materials
    ]
    result = derive_mass(component.quantity, component.unit, component.volume_m3, given_mass, parts)
    component.mass_kg = result.mass_kg
    component.mass_source = result.source
    component.mass_derivation = result.derivation
    for cm, part_mass in zip(component.materials, result.parts_kg, strict=True):
        cm.mass_kg = part_mass


def _check_feedstock(component: Component) -> None:
    if (component.recycled_content or 0) + (component.reused_content or 0) > 1 + 1e-6:
        raise ValidationError(
            {"reused_content": ["Recycled and reused content together cannot exceed 1."]}
        )


def unique_tag() -> str:
    """A tag no component has had; collisions at 60 bits are rare, but never reused."""
    while True:
        tag = new_tag()
        if db.session.scalar(select(Component.id).where(Component.tag == tag)) is None:
            return tag


def create_component(building: Building, data: dict) -> Component:
    """Register a component in a building, give it a tag and work out its mass."""
    if building.archived_at is not None:
        raise ValidationError({"building": ["The building is archived."]})
    component = Component(
        building=building,
        tag=unique_tag(),
        status=data.get("status", "installed"),
        recycled_content=0.0,
        reused_content=0.0,
        reuse_cycles=0,
    )
    for key in _COMPONENT_FIELDS:
        if key in data:
            setattr(component, key, data[key])
    _check_feedstock(component)
    _set_materials(component, data.get("materials", []))
    component.hazards = [
        ComponentHazard(kind=h["kind"], notes=h.get("notes", "")) for h in data.get("hazards", [])
    ]
    _recompute_mass(component, data.get("mass_kg"))
    db.session.add(component)
    db.session.flush()
    return component


def update_component(component: Component, data: dict) -> Component:
    """Edit a component; a status change must follow the lifecycle."""
    if "status" in data:
        change_status(component, data["status"])
    for key in _COMPONENT_FIELDS:
        if key in data:
            setattr(component, key, data[key])
    _check_feedstock(component)
    if "materials" in data:
        _set_materials(component, data["materials"])
    if "hazards" in data:
        component.hazards = [
            ComponentHazard(kind=h["kind"], notes=h.get("notes", "")) for h in data["hazards"]
        ]
    kept = component.mass_kg if component.mass_source == "given" else None
    given = data.get("mass_kg", kept)
    _recompute_mass(component, given)
    db.session.flush()
    return component


def change_status(component: Component, target: str) -> Component:
    """Move a component along its lifecycle, refusing any step that is not allowed."""
    error = transition_error(component.status, target)
    if error:
        raise ValidationError({"status": [error]})
    component.status = target
    return component


def archive_component(component: Component) -> Component:
    """Hide a component from the passport's lists; its tag stays reserved forever."""
    if component.archived_at is None:
        component.archived_at = utcnow()
    db.session.flush()
    return component
