"""The machine-readable passport of a building (schema 1.0, `passports/schema/`).

One document serves everything the passport is turned into: the JSON export, the printable
HTML and PDF, the frozen snapshots and their differences. It is read with a handful of row
queries (no ORM objects: a building of 10,000 components exports in well under a second):
components, their materials, hazards and history, plus the aggregates of
`passports.metrics.queries`.

Identifiers are stable: every component carries its public tag and tag URL (the address on its
printed QR label) and, when it came from another instance, the tag URL it had there. The ids of
this database appear only under `source`, which says where the document came from.
"""

import gc
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import utcnow
from app.urls import public_base_url
from passports.metrics.component import ComponentFacts
from passports.metrics.component import MaterialFacts
from passports.metrics.component import PartFacts
from passports.metrics.component import evaluate
from passports.metrics.queries import building_figures
from passports.metrics.queries import status_masses
from passports.models import EVENT_FIELDS
from passports.models import PASSPORT_FIELDS
from passports.models import Building
from passports.models import Component
from passports.models import ComponentEvent
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material
from passports.models.buildings import BUILDING_FIELDS

SCHEMA_VERSION = "1.0"
GENERATOR = "Material Passport Exchange"
METHODS = {
    "mci": "Material Circularity Indicator, Ellen MacArthur Foundation (2015, rev. 2019); "
    "E_F = E_C = 0.75; X = L/L_av against the main material's reference service life; "
    "end-of-life fractions recorded or defaulted (passports/metrics/circularity.py); building "
    "figure weighted by mass.",
    "disassembly": "Disassembly score after the DGBC detachability index (Meetmethodiek "
    "Losmaakbaarheid 2021): harmonic mean of connection type, accessibility, intersections and "
    "edge enclosure, each 0.1-1.0; building figure weighted by mass.",
    "carbon": "Embodied carbon A1-A3 (EN 15978), Σ mass × factor of each material from the "
    "material library (ICE v2 unless cited otherwise), in kgCO2e.",
}
# A passport document's events: what happened, without the ids that only mean something here.
EVENT_COLUMNS = (
    "kind",
    "status_before",
    "status_after",
    *(name for name in EVENT_FIELDS if name != "building_id"),
)


def iso_datetime(value: datetime | None) -> str | None:
    """A stored naive-UTC time as ISO 8601 with its offset."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).isoformat()


def parse_datetime(text: str) -> datetime:
    """ISO 8601 (with Z or an offset) back to the naive UTC the database stores."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large acyclic structure.

    A document of 10,000 components is about 300,000 new dicts, lists and strings; each
    allocation burst would otherwise trigger generation scans that cost as much as the work.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def building_identity(building: Building) -> dict:
    """The building's descriptive fields as the document holds them."""
    out = {name: getattr(building, name) for name in BUILDING_FIELDS}
    out["planned_date"] = building.planned_date.isoformat() if building.planned_date else None
    return out


def passport_summary(building_id: int) -> dict:
    """The document's summary block: the building's figures and counts by status."""
    figures = building_figures(building_id)
    hazardous = db.session.scalar(
        select(func.count(func.distinct(ComponentHazard.component_id)))
        .join(Component, Component.id == ComponentHazard.component_id)
        .where(Component.building_id == building_id, Component.archived_at.is_(None))
    )
    return _rounded(
        {
            "component_count": figures["component_count"],
            "total_mass_kg": figures["mass_kg"],
            "components_without_mass": figures["components_without_mass"],
            "mci": figures["mci"],
            "disassembly_score": figures["disassembly_score"],
            "carbon_a1a3_kg": figures["carbon_a1a3_kg"],
            "completeness": figures["completeness"],
            "mass_by_family": figures["mass_by_family"],
            "by_status": status_masses(building_id),
            "hazardous_components": int(hazardous or 0),
        }
    )


def _rounded(value, digits: int = 6):
    """Aggregates rounded to a micro-unit: SQL sums of floats may differ in their last bits
    from one run to the next (PostgreSQL adds in parallel), and a document must not."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    return value


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
    _unscored_to_defaults(out)
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


def _unscored_to_defaults(components: list[dict]) -> None:
    """Rows written below the ORM and never scored get their metrics computed here, so the
    document is always complete (a refresh stores them: `flask dashboard refresh`)."""
    missing = [c for c in components if c["metrics"]["quality"] is None]
    if not missing:
        return
    library = {
        m.slug: MaterialFacts(m.family, m.carbon_a1a3, m.reference_service_life_years)
        for m in db.session.scalars(select(Material))
    }
    for c in missing:
        result = evaluate(
            ComponentFacts(
                mass_kg=c["mass_kg"],
                parts=tuple(
                    PartFacts(library[m["slug"]], m["fraction"], m["mass_kg"])
                    for m in c["materials"]
                    if m["slug"] in library
                ),
                recycled_content=c["recycled_content"],
                reused_content=c["reused_content"],
                reuse_cycles=c["reuse_cycles"],
                eol_reuse_fraction=c["eol_reuse_fraction"],
                eol_recycle_fraction=c["eol_recycle_fraction"],
                service_life_years=c["service_life_years"],
                condition=c["condition"],
                connection_type=c["connection_type"],
                accessibility=c["accessibility"],
                intersections=c["intersections"],
                edge_enclosure=c["edge_enclosure"],
                hazardous=any(h["cleared_at"] is None for h in c["hazards"]),
            )
        )
        c["metrics"] = {
            "mci": result.mci,
            "disassembly_score": result.disassembly_score,
            "carbon_a1a3_kg": result.carbon_a1a3_kg,
            "quality": result.quality,
        }


def passport_filename(building: Building, suffix: str, day: date | None = None) -> str:
    """A download name like `passport-12-brummen-town-hall-2026-11-27.pdf`."""
    ascii_name = unicodedata.normalize("NFKD", building.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50] or "building"
    return f"passport-{building.id}-{slug}-{(day or date.today()).isoformat()}.{suffix}"
