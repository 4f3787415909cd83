"""Writes to components: registration, edits, lifecycle and archive (the checks they pass, and
tags, are in component_checks)."""

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from app.errors import ConflictingInput
from app.errors import UnknownReference
from app.extensions import db
from app.models import stamp_once
from app.models import utcnow
from passports.lifecycle import transition_error
from passports.mass import Part
from passports.mass import derive_mass
from passports.models import RECORDED_FIELDS
from passports.models import Building
from passports.models import Component
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material
from passports.services.component_checks import as_stored
from passports.services.component_checks import check_external_id
from passports.services.component_checks import check_feedstock
from passports.services.component_checks import check_gtin_serial
from passports.services.component_checks import flush_components
from passports.services.component_checks import taken_gtin_serials  # noqa: F401
from passports.services.component_checks import unique_tag
from passports.services.component_checks import unique_tags  # noqa: F401
from passports.services.events import record_system_event


def _materials_by_id(shares: list[dict]) -> dict[int, Material]:
    ids = [s["material_id"] for s in shares]
    found = {m.id: m for m in db.session.scalars(select(Material).where(Material.id.in_(ids)))}
    errors = {
        i: {"material_id": [_("Unknown material %(id)s.", id=s["material_id"])]}
        for i, s in enumerate(shares)
        if s["material_id"] not in found
    }
    if errors:
        raise UnknownReference({"materials": errors})
    return found


def _set_materials(
    component: Component, shares: list[dict], found: dict[int, Material] | None = None
) -> None:
    if found is None:
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


def _recompute_mass(
    component: Component, given_mass: float | None, given_unit_mass: float | None
) -> None:
    parts = [
        Part(cm.material.name, cm.fraction, cm.material.density_kg_m3) for cm in component.materials
    ]
    result = derive_mass(
        component.quantity, component.unit, component.volume_m3, given_mass, parts, given_unit_mass
    )
    component.mass_kg = result.mass_kg
    component.unit_mass_kg = result.unit_mass_kg
    component.mass_source = result.source
    component.mass_derivation = result.derivation
    for cm, part_mass in zip(component.materials, result.parts_kg, strict=True):
        cm.mass_kg = part_mass


def build_component(
    building: Building, data: dict, *, tag: str, materials: dict[int, Material] | None = None
) -> Component:
    """A new component from validated data, its mass worked out, not yet added to the session.

    `materials` maps material ids to rows already loaded, so bulk imports look them up once.
    """
    if building.archived_at is not None:
        raise ConflictingInput({"building": [_("The building is archived.")]})
    data = as_stored(data)
    component = Component(
        building=building,
        tag=tag,
        status=data.get("status", "installed"),
        recycled_content=0.0,
        reused_content=0.0,
        reuse_cycles=0,
    )
    for key in RECORDED_FIELDS:
        if key in data:
            setattr(component, key, data[key])
    check_feedstock(component)
    _set_materials(component, data.get("materials", []), materials)
    component.hazards = [
        ComponentHazard(kind=h["kind"], notes=h.get("notes", "")) for h in data.get("hazards", [])
    ]
    _recompute_mass(component, data.get("mass_kg"), data.get("unit_mass_kg"))
    return component


class _Values(dict):
    """Column values that read as attributes, so the checks written for components apply."""

    def __getattr__(self, name):
        return self.get(name)


def component_values(
    building: Building, data: dict, *, tag: str, materials: dict[int, Material]
) -> tuple[dict, list[dict], list[dict]]:
    """A new component as column values, with its material and hazard rows (bulk inserts).

    The same fields, checks and mass derivation as `build_component`, without building ORM
    objects, so a bulk import can insert thousands of rows at once.
    """
    if building.archived_at is not None:
        raise ConflictingInput({"building": [_("The building is archived.")]})
    data = as_stored(data)
    values = _Values(
        building_id=building.id,
        tag=tag,
        status=data.get("status", "installed"),
        recycled_content=0.0,
        reused_content=0.0,
        reuse_cycles=0,
    )
    values.update((key, data[key]) for key in RECORDED_FIELDS if key in data)
    check_feedstock(values)
    shares = data.get("materials", [])
    parts = [
        Part(m.name, s["fraction"], m.density_kg_m3)
        for s in shares
        for m in (materials[s["material_id"]],)
    ]
    result = derive_mass(
        values["quantity"],
        values["unit"],
        values.get("volume_m3"),
        data.get("mass_kg"),
        parts,
        data.get("unit_mass_kg"),
    )
    values.update(
        mass_kg=result.mass_kg,
        mass_source=result.source,
        mass_derivation=result.derivation,
        unit_mass_kg=result.unit_mass_kg,
    )
    material_rows = [
        {"material_id": s["material_id"], "position": i, "fraction": s["fraction"], "mass_kg": m}
        for i, (s, m) in enumerate(zip(shares, result.parts_kg, strict=True))
    ]
    hazard_rows = [
        {"kind": h["kind"], "notes": h.get("notes", "")} for h in data.get("hazards", [])
    ]
    return dict(values), material_rows, hazard_rows


def create_component(building: Building, data: dict) -> Component:
    """Register a component in a building, give it a tag and work out its mass."""
    component = build_component(building, data, tag=unique_tag(), materials=None)
    check_external_id(component)
    check_gtin_serial(component)
    db.session.add(component)
    flush_components(building)
    return component


def update_component(component: Component, data: dict, actor=None) -> Component:
    """Edit a component; a status change must follow the lifecycle and is logged."""
    if "gtin" in data or "serial_number" in data:
        # Before the changes: applying them loads materials, which would flush them early.
        check_gtin_serial(component, data)
    apply_component_changes(component, data, actor)
    if "external_id" in data:
        check_external_id(component)
    flush_components(component.building)
    return component


def apply_component_changes(
    component: Component, data: dict, actor=None, *, materials: dict[int, Material] | None = None
) -> None:
    """Apply validated changes and recompute the mass, without flushing (bulk imports flush)."""
    data = as_stored(data)
    before = (component.unit, component.mass_source)
    if "status" in data:
        change_status(component, data["status"], actor)
    for key in RECORDED_FIELDS:
        if key in data:
            setattr(component, key, data[key])
    check_feedstock(component)
    if "materials" in data:
        _set_materials(component, data["materials"], materials)
    if "hazards" in data:
        # A hazard that is still listed keeps its row, and so its clearance record.
        existing = {(h.kind, h.notes): h for h in component.hazards}
        component.hazards = [
            existing.pop((h["kind"], h.get("notes", "")), None)
            or ComponentHazard(kind=h["kind"], notes=h.get("notes", ""))
            for h in data["hazards"]
        ]
    kept = component.mass_kg if component.mass_source == "given" else None
    given = data.get("mass_kg", kept)
    _recompute_mass(component, given, _given_unit_mass(component, data, before))
    if "data_complete" not in data and component.mass_kg is not None and component.materials:
        # Completed by hand after an import flagged it.
        component.data_complete = True


def _given_unit_mass(component: Component, data: dict, before: tuple[str, str]) -> float | None:
    """The unit mass an edit keeps as recorded: the one given now, or the one stored when it was
    recorded (not worked out from the lot's mass, which is worked out again)."""
    if "unit_mass_kg" in data:
        return data["unit_mass_kg"]
    unit, source = before
    # Worked out only for pieces whose mass came from elsewhere than their unit mass.
    recorded = unit != "pcs" or source == "unit_mass"
    return component.unit_mass_kg if recorded else None


def change_status(component: Component, target: str, actor=None) -> Component:
    """Move a component along its lifecycle, refusing any step that is not allowed."""
    error = transition_error(component.status, target)
    if error:
        # The step depends on the status stored now: a conflict, not malformed input.
        raise ConflictingInput({"status": [error]})
    if target != component.status:
        before = component.status
        component.status = target
        if actor is not None:
            record_system_event(component, "status_changed", actor, before)
    return component


def archive_component(component: Component) -> Component:
    """Hide a component from the passport's lists; its tag stays reserved forever."""
    return stamp_once(component, "archived_at")


def clear_hazard(hazard: ComponentHazard, user, note: str) -> ComponentHazard:
    """Record that a hazard was removed or found safe, with the evidence (survey, certificate)."""
    if not note.strip():
        raise ValidationError({"note": [_("Say what clears it: a survey, a removal certificate.")]})
    if hazard.cleared_at is not None:
        raise ConflictingInput({"note": [_("This hazard was already cleared.")]})
    hazard.cleared_at = utcnow()
    hazard.cleared_by_id = user.id
    hazard.clearance_note = note.strip()[:2000]
    db.session.flush()
    return hazard
