"""Writes to components: registration, edits, lifecycle and archive."""

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict
from app.errors import ConflictingInput
from app.errors import UnknownReference
from app.extensions import db
from app.models import stamp_once
from app.models import utcnow
from passports.gs1 import gtin_serial_taken_message
from passports.gs1 import normalize_gtin
from passports.lifecycle import transition_error
from passports.mass import Part
from passports.mass import derive_mass
from passports.models import RECORDED_FIELDS
from passports.models import Building
from passports.models import Component
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material
from passports.services.events import record_system_event
from passports.tags import new_tag


def _stored(data: dict) -> dict:
    """Validated data as columns store it: a GTIN as 14 digits, so no other zero padding can
    register the same GTIN and serial again."""
    if data.get("gtin") is not None:
        return {**data, "gtin": normalize_gtin(data["gtin"])}
    return data


def _materials_by_id(shares: list[dict]) -> dict[int, Material]:
    ids = [s["material_id"] for s in shares]
    found = {m.id: m for m in db.session.scalars(select(Material).where(Material.id.in_(ids)))}
    errors = {
        i: {"material_id": [f"Unknown material {s['material_id']}."]}
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
    # The request alone was checked by the schema; here an edit meets the stored values.
    if (component.recycled_content or 0) + (component.reused_content or 0) > 1 + 1e-6:
        raise ConflictingInput(
            {"reused_content": ["Recycled and reused content together cannot exceed 1."]}
        )
    if (component.eol_reuse_fraction or 0) + (component.eol_recycle_fraction or 0) > 1 + 1e-6:
        raise ConflictingInput(
            {"eol_recycle_fraction": ["End-of-life reuse and recycling cannot exceed 1."]}
        )


def _check_external_id(component: Component) -> None:
    if component.external_id is None:
        return
    taken = select(Component.id).where(
        Component.building_id == component.building.id,
        Component.external_id == component.external_id,
        Component.id != component.id if component.id is not None else true(),
    )
    if db.session.scalar(taken) is not None:
        raise ConflictingInput(
            {"external_id": ["Another component of this building has this external id."]}
        )


def taken_gtin_serials(
    organisation_id: int, pairs, *, ignore: tuple[int, ...] = ()
) -> dict[tuple[str, str], tuple[int, str]]:
    """The (GTIN, serial) pairs already registered to another component, each with that
    component's id and the message to answer. The tag is named only when the component belongs
    to `organisation_id` (the registering one): a refusal never discloses another's."""
    wanted = {(g, s) for g, s in pairs if g and s}
    taken: dict[tuple[str, str], tuple[int, str]] = {}
    items = sorted(wanted)
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        # No autoflush: the component being checked may carry the very values in question.
        with db.session.no_autoflush:
            rows = db.session.execute(
                select(
                    Component.id,
                    Component.gtin,
                    Component.serial_number,
                    Component.tag,
                    Building.organisation_id,
                )
                .join(Building, Building.id == Component.building_id)
                .where(
                    Component.gtin.in_({g for g, _ in chunk}),
                    Component.serial_number.in_({s for _, s in chunk}),
                )
            ).all()
        for cid, gtin, serial, tag, owner_id in rows:
            if (gtin, serial) in wanted and cid not in ignore:
                visible = tag if owner_id == organisation_id else None
                taken[(gtin, serial)] = (cid, gtin_serial_taken_message(gtin, serial, visible))
    return taken


GTIN_SERIAL_RACE = (
    "This GTIN and serial number were registered by another request a moment ago; "
    "nothing was saved."
)


def _check_gtin_serial(component: Component, data: dict | None = None) -> None:
    """409 when the component's GTIN and serial (after `data`, an edit) are taken."""
    data = _stored(data or {})
    pair = (
        data.get("gtin", component.gtin),
        data.get("serial_number", component.serial_number),
    )
    ignore = (component.id,) if component.id is not None else ()
    taken = taken_gtin_serials(component.building.organisation_id, [pair], ignore=ignore)
    if pair in taken:
        message = taken[pair][1]
        raise Conflict(message, errors={"serial_number": [message]})


def flush_components(building: Building) -> None:
    """Flush new or changed components; a GTIN and serial registered meanwhile by another
    request (the unique constraint) answers 409 like the check before it."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        if "gtin" not in str(exc.orig).lower():
            raise
        message = GTIN_SERIAL_RACE
        raise Conflict(message, errors={"serial_number": [message]}) from exc


def unique_tag() -> str:
    """A tag no component has had; collisions at 60 bits are rare, but never reused."""
    while True:
        tag = new_tag()
        if db.session.scalar(select(Component.id).where(Component.tag == tag)) is None:
            return tag


def unique_tags(count: int) -> list[str]:
    """`count` distinct tags no component has had, checked with one query per 500 tags."""
    tags: list[str] = []
    while len(tags) < count:
        fresh = {new_tag() for _ in range(min(count - len(tags), 500))} - set(tags)
        taken = set(db.session.scalars(select(Component.tag).where(Component.tag.in_(fresh))))
        tags.extend(fresh - taken)
    return tags


def build_component(
    building: Building, data: dict, *, tag: str, materials: dict[int, Material] | None = None
) -> Component:
    """A new component from validated data, its mass worked out, not yet added to the session.

    `materials` maps material ids to rows already loaded, so bulk imports look them up once.
    """
    if building.archived_at is not None:
        raise ConflictingInput({"building": ["The building is archived."]})
    data = _stored(data)
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
    _check_feedstock(component)
    _set_materials(component, data.get("materials", []), materials)
    component.hazards = [
        ComponentHazard(kind=h["kind"], notes=h.get("notes", "")) for h in data.get("hazards", [])
    ]
    _recompute_mass(component, data.get("mass_kg"))
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
        raise ConflictingInput({"building": ["The building is archived."]})
    data = _stored(data)
    values = _Values(
        building_id=building.id,
        tag=tag,
        status=data.get("status", "installed"),
        recycled_content=0.0,
        reused_content=0.0,
        reuse_cycles=0,
    )
    values.update((key, data[key]) for key in RECORDED_FIELDS if key in data)
    _check_feedstock(values)
    shares = data.get("materials", [])
    parts = [
        Part(m.name, s["fraction"], m.density_kg_m3)
        for s in shares
        for m in (materials[s["material_id"]],)
    ]
    result = derive_mass(
        values["quantity"], values["unit"], values.get("volume_m3"), data.get("mass_kg"), parts
    )
    values.update(
        mass_kg=result.mass_kg, mass_source=result.source, mass_derivation=result.derivation
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
    _check_external_id(component)
    _check_gtin_serial(component)
    db.session.add(component)
    flush_components(building)
    return component


def update_component(component: Component, data: dict, actor=None) -> Component:
    """Edit a component; a status change must follow the lifecycle and is logged."""
    if "gtin" in data or "serial_number" in data:
        # Before the changes: applying them loads materials, which would flush them early.
        _check_gtin_serial(component, data)
    apply_component_changes(component, data, actor)
    if "external_id" in data:
        _check_external_id(component)
    flush_components(component.building)
    return component


def apply_component_changes(
    component: Component, data: dict, actor=None, *, materials: dict[int, Material] | None = None
) -> None:
    """Apply validated changes and recompute the mass, without flushing (bulk imports flush)."""
    data = _stored(data)
    if "status" in data:
        change_status(component, data["status"], actor)
    for key in RECORDED_FIELDS:
        if key in data:
            setattr(component, key, data[key])
    _check_feedstock(component)
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
    _recompute_mass(component, given)
    if "data_complete" not in data and component.mass_kg is not None and component.materials:
        # Completed by hand after an import flagged it.
        component.data_complete = True


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
        raise ValidationError({"note": ["Say what clears it: a survey, a removal certificate."]})
    if hazard.cleared_at is not None:
        raise ConflictingInput({"note": ["This hazard was already cleared."]})
    hazard.cleared_at = utcnow()
    hazard.cleared_by_id = user.id
    hazard.clearance_note = note.strip()[:2000]
    db.session.flush()
    return hazard
