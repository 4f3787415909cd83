"""Writes to components: registration, edits, lifecycle and archive."""

from marshmallow import ValidationError
from sqlalchemy import select

from app.extensions import db
from app.models import utcnow
from passports.lifecycle import transition_error
from passports.mass import Part, derive_mass
from passports.models import Building, Component, ComponentHazard, ComponentMaterial, Material
from passports.services.events import record_system_event
from passports.tags import new_tag

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
    # Keep the rows of materials that stay: replacing them would insert a duplicate
    # (component, material) pair before the old row is deleted.
    existing = {cm.material_id: cm for cm in component.materials}
    rows = []
    for position, share in enumerate(shares):
        row = existing.get(share["material_id"]) or ComponentMaterial(
            material=found[share["material_id"]]
        )
        row.fraction, row.position = share["fraction"], position
        rows.append(row)
    component.materials = rows


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


def update_component(component: Component, data: dict, actor=None) -> Component:
    """Edit a component; a status change must follow the lifecycle and is logged."""
    if "status" in data:
        change_status(component, data["status"], actor)
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


def change_status(component: Component, target: str, actor=None) -> Component:
    """Move a component along its lifecycle, refusing any step that is not allowed."""
    error = transition_error(component.status, target)
    if error:
        raise ValidationError({"status": [error]})
    if target != component.status:
        before = component.status
        component.status = target
        if actor is not None:
            record_system_event(component, "status_changed", actor, before)
    return component


def archive_component(component: Component) -> Component:
    """Hide a component from the passport's lists; its tag stays reserved forever."""
    if component.archived_at is None:
        component.archived_at = utcnow()
    db.session.flush()
    return component
