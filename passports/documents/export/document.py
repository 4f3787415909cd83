"""Building the document: the live components with their materials, hazards and history, read
with one row query each and assembled into schema 1.0."""

from datetime import datetime

from sqlalchemy import and_
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import utcnow
from app.urls import public_base_url
from passports.documents.export.formats import EVENT_COLUMNS
from passports.documents.export.formats import GENERATOR
from passports.documents.export.formats import METHODS
from passports.documents.export.formats import SCHEMA_VERSION
from passports.documents.export.formats import gc_paused
from passports.documents.export.formats import iso_datetime
from passports.documents.export.summary import building_identity
from passports.documents.export.summary import passport_summary
from passports.documents.export.summary import unscored_to_defaults
from passports.models import PASSPORT_FIELDS
from passports.models import Building
from passports.models import Component
from passports.models import ComponentEvent
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material


def _grouped(rows, key_index: int = 0) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row[key_index], []).append(row)
    return grouped


def _per_component(live, model, columns, order, *, join=None) -> dict[int, list]:
    """Rows of `model` (materials, hazards, events) of the live components as
    (component id, *columns), grouped by component, each group in `order`."""
    stmt = select(model.component_id, *columns)
    if join is not None:
        stmt = stmt.join(*join)
    stmt = (
        stmt.join(Component, Component.id == model.component_id)
        .where(*live)
        .order_by(model.component_id, *order)
    )
    return _grouped(db.session.execute(stmt))


def build_document(building: Building, *, generated_at: datetime | None = None) -> dict:
    """The passport of a building as a dict that validates against schema 1.0."""
    with gc_paused():
        return _build_document(building, generated_at)


def _build_document(building: Building, generated_at: datetime | None) -> dict:
    base = public_base_url()
    live = (Component.building_id == building.id, Component.archived_at.is_(None))
    parent = aliased(Component)
    components = db.session.execute(
        select(
            Component.id,
            Component.tag,
            Component.origin_tag_url,
            parent.tag,
            Component.mci,
            Component.disassembly_score,
            Component.carbon_a1a3_kg,
            Component.metrics_quality,
            *(getattr(Component, name) for name in PASSPORT_FIELDS),
        )
        .outerjoin(
            parent,
            and_(
                parent.id == Component.split_from_id,
                parent.building_id == building.id,
                parent.archived_at.is_(None),
            ),
        )
        .where(*live)
        .order_by(Component.storey, Component.category, Component.name, Component.id)
    ).all()
    materials = _per_component(
        live,
        ComponentMaterial,
        (
            Material.slug,
            Material.name,
            Material.family,
            ComponentMaterial.fraction,
            ComponentMaterial.mass_kg,
            Material.carbon_a1a3,
        ),
        (ComponentMaterial.position,),
        join=(Material, Material.id == ComponentMaterial.material_id),
    )
    hazards = _per_component(
        live,
        ComponentHazard,
        (
            ComponentHazard.kind,
            ComponentHazard.notes,
            ComponentHazard.cleared_at,
            ComponentHazard.clearance_note,
        ),
        (ComponentHazard.id,),
    )
    events = _per_component(
        live,
        ComponentEvent,
        tuple(getattr(ComponentEvent, name) for name in EVENT_COLUMNS),
        (ComponentEvent.occurred_at, ComponentEvent.id),
    )
    out = []
    for row in components:
        cid, tag, origin, parent_tag, mci, ds, carbon, quality, *values = row
        item = {"tag": tag, "tag_url": f"{base}/t/{tag}", "origin_tag_url": origin}
        item.update(zip(PASSPORT_FIELDS, values, strict=True))
        item["split_from_tag"] = parent_tag
        item["materials"] = [
            {
                "slug": slug,
                "name": name,
                "family": family,
                "fraction": fraction,
                "mass_kg": mass,
                "carbon_a1a3_per_kg": factor,
            }
            for _, slug, name, family, fraction, mass, factor in materials.get(cid, ())
        ]
        item["hazards"] = [
            {
                "kind": kind,
                "notes": notes or "",
                "cleared_at": iso_datetime(cleared),
                "clearance_note": note or "",
            }
            for _, kind, notes, cleared, note in hazards.get(cid, ())
        ]
        history = []
        for event in events.get(cid, ()):
            entry = dict(zip(EVENT_COLUMNS, event[1:], strict=True))
            entry["occurred_at"] = iso_datetime(entry["occurred_at"])
            for text_field in ("location", "from_location", "to_location", "notes"):
                entry[text_field] = entry[text_field] or ""
            history.append(entry)
        item["events"] = history
        item["metrics"] = {
            "mci": mci,
            "disassembly_score": ds,
            "carbon_a1a3_kg": carbon,
            "quality": quality,
        }
        out.append(item)
    unscored_to_defaults(out)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": iso_datetime(generated_at or utcnow()),
        "generator": GENERATOR,
        "source": {
            "base_url": base,
            "building_id": building.id,
            "building_url": f"{base}/buildings/{building.id}",
            "passport_url": f"{base}/api/v1/buildings/{building.id}/passport.json",
        },
        "building": building_identity(building),
        "owner": {"name": building.organisation.name, "kind": building.organisation.kind},
        "summary": passport_summary(building.id),
        "methods": dict(METHODS),
        "components": out,
    }
