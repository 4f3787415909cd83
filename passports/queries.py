"""Reads for passports: lists, searches and the building overview, aggregated in SQL."""

from functools import cache

from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from app.extensions import db
from passports.gs1 import normalize_gtin
from passports.lineage import lineage
from passports.models import Building
from passports.models import Component
from passports.models import ComponentEvent
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material
from passports.permissions import readable_buildings
from passports.public_reads import read
from passports.public_reads import read_one

HAZARD_LIST_LIMIT = 100


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _contains(q: str, *columns):
    """Any of the columns contains the search text, ignoring case (LIKE wildcards in it are
    taken literally)."""
    pattern = _like(q.strip())
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


def materials_query(q: str | None = None, family: str | None = None) -> Select:
    """Materials matching a search of name, slug and aliases."""
    stmt = select(Material).order_by(Material.family, Material.name)
    if q:
        stmt = stmt.where(_contains(q, Material.name, Material.slug, Material.aliases))
    if family:
        stmt = stmt.where(Material.family == family)
    return stmt


def buildings_query(
    user,
    q: str | None = None,
    city: str | None = None,
    status: str | None = None,
    archived: bool = False,
) -> Select:
    """Buildings the user may read, filtered."""
    stmt = select(Building).where(readable_buildings(user)).order_by(Building.name, Building.id)
    stmt = stmt.where(
        Building.archived_at.is_not(None) if archived else Building.archived_at.is_(None)
    )
    if q:
        stmt = stmt.where(_contains(q, Building.name, Building.address, Building.city))
    if city:
        stmt = stmt.where(func.lower(Building.city) == city.strip().lower())
    if status:
        stmt = stmt.where(Building.status == status)
    return stmt


def components_query(
    building_id: int,
    q: str | None = None,
    storey: str | None = None,
    category: str | None = None,
    status: str | None = None,
    hazardous: bool | None = None,
    archived: bool = False,
) -> Select:
    """A building's components, filtered, in storey and name order."""
    stmt = (
        select(Component)
        .where(Component.building_id == building_id)
        .order_by(Component.storey, Component.category, Component.name, Component.id)
    )
    stmt = stmt.where(
        Component.archived_at.is_not(None) if archived else Component.archived_at.is_(None)
    )
    if q:
        stmt = stmt.where(_contains(q, Component.name, Component.tag, Component.manufacturer))
    if storey is not None:
        stmt = stmt.where(Component.storey == storey)
    if category:
        stmt = stmt.where(Component.category == category)
    if status:
        stmt = stmt.where(Component.status == status)
    if hazardous is not None:
        has = (
            select(ComponentHazard.id).where(ComponentHazard.component_id == Component.id).exists()
        )
        stmt = stmt.where(has if hazardous else ~has)
    return stmt


def building_summary(building: Building) -> dict:
    """The passport overview: counts, mass by family, groups and hazards, all in SQL."""
    live = (Component.building_id == building.id, Component.archived_at.is_(None))
    totals = db.session.execute(
        select(
            func.count(Component.id),
            func.coalesce(func.sum(Component.mass_kg), 0.0),
            func.coalesce(func.sum(case((Component.mass_kg.is_(None), 1), else_=0)), 0),
        ).where(*live)
    ).one()
    by_status = db.session.execute(
        select(Component.status, func.count(Component.id))
        .where(*live)
        .group_by(Component.status)
        .order_by(Component.status)
    ).all()
    groups = db.session.execute(
        select(
            Component.storey,
            Component.category,
            func.count(Component.id),
            func.sum(Component.mass_kg),
        )
        .where(*live)
        .group_by(Component.storey, Component.category)
        .order_by(Component.storey, Component.category)
    ).all()
    families = db.session.execute(
        select(Material.family, func.sum(ComponentMaterial.mass_kg))
        .join(ComponentMaterial.material)
        .join(ComponentMaterial.component)
        .where(*live, ComponentMaterial.mass_kg.is_not(None))
        .group_by(Material.family)
        .order_by(func.sum(ComponentMaterial.mass_kg).desc())
    ).all()
    hazard_count = db.session.scalar(
        select(func.count(func.distinct(ComponentHazard.component_id)))
        .join(ComponentHazard.component)
        .where(*live)
    )
    hazard_rows = db.session.execute(
        select(Component.id, Component.tag, Component.name, Component.storey, ComponentHazard.kind)
        .join(ComponentHazard, ComponentHazard.component_id == Component.id)
        .where(*live)
        .order_by(Component.storey, Component.name, Component.id)
        .limit(HAZARD_LIST_LIMIT * 4)
    ).all()
    hazardous: dict[int, dict] = {}
    for cid, tag, name, storey, kind in hazard_rows:
        row = hazardous.setdefault(
            cid, {"id": cid, "tag": tag, "name": name, "storey": storey, "kinds": []}
        )
        if kind not in row["kinds"]:
            row["kinds"].append(kind)
    return {
        "building": building,
        "component_count": totals[0],
        "total_mass_kg": float(totals[1] or 0.0),
        "mass_unknown_count": int(totals[2] or 0),
        "by_status": [{"status": s, "count": n} for s, n in by_status],
        "groups": [
            {
                "storey": st,
                "category": cat,
                "count": n,
                "mass_kg": float(m) if m is not None else None,
            }
            for st, cat, n, m in groups
        ],
        "mass_by_family": [{"family": f, "mass_kg": float(m)} for f, m in families],
        "hazardous_count": hazard_count or 0,
        "hazardous": list(hazardous.values())[:HAZARD_LIST_LIMIT],
    }


def events_query(component: Component) -> Select:
    """A component's history, newest first. A part split off a lot inherits the lot's history
    up to the split."""
    scope = [ComponentEvent.component_id == component.id]
    child = component
    for parent in lineage(component):
        scope.append(
            and_(
                ComponentEvent.component_id == parent.id,
                ComponentEvent.recorded_at <= child.created_at,
            )
        )
        child = parent
    return (
        select(ComponentEvent)
        .where(or_(*scope))
        .order_by(ComponentEvent.occurred_at.desc(), ComponentEvent.id.desc())
    )


@cache
def _tag_facts_statement() -> Select:
    """The statement of tag_facts, built once: building it cost more than running it."""
    family = (
        select(Material.family)
        .join(ComponentMaterial, ComponentMaterial.material_id == Material.id)
        .where(ComponentMaterial.component_id == Component.id)
        .order_by(ComponentMaterial.mass_kg.desc().nulls_last(), ComponentMaterial.fraction.desc())
        .limit(1)
        .correlate(Component)
        .scalar_subquery()
    )
    return (
        select(
            Component.id,
            Component.tag,
            Component.name,
            Component.status,
            Component.building_id,
            Component.gtin,
            Component.serial_number,
            Building.city,
            family.label("material_family"),
            # Most components have no hazard: their scan then needs no second query.
            exists(
                select(ComponentHazard.id).where(ComponentHazard.component_id == Component.id)
            ).label("has_hazards"),
        )
        .join(Building, Building.id == Component.building_id)
        .where(Component.tag == bindparam("tag"))
    )


def tag_facts(tag: str):
    """What anyone may know of a tag, in one query: name, status, city, main family, and
    the GTIN and serial number its GS1 Digital Link URI carries."""
    # A public read (passports.public_reads): the tag URL is read at every scan.
    return read_one(_tag_facts_statement(), {"tag": tag})


@cache
def _public_hazards_statement() -> Select:
    return (
        select(ComponentHazard.kind, ComponentHazard.cleared_at)
        .where(ComponentHazard.component_id == bindparam("id"))
        .order_by(ComponentHazard.id)
    )


def public_hazards(facts) -> list[dict]:
    """What anyone who scans a tag must know of its hazards (`facts` from tag_facts): each
    kind and whether it is cleared. The notes stay private: they may name rooms, people or
    survey findings."""
    if not facts.has_hazards:
        return []
    rows = read(_public_hazards_statement(), {"id": facts.id})
    return [{"kind": kind, "cleared": cleared is not None} for kind, cleared in rows]


def tag_for_gtin_serial(gtin: str, serial: str) -> str | None:
    """The tag of the component with this GTIN (any zero padding) and serial number: GTINs
    are stored as 14 digits and the pair is unique, so there is at most one."""
    return db.session.scalar(
        select(Component.tag).where(
            Component.gtin == normalize_gtin(gtin), Component.serial_number == serial
        )
    )


def passport_component(condition) -> Component | None:
    """The component matching `condition` with what its passport reads (its building, its
    materials and their library rows, its hazards), in three queries; None when there is none."""
    return db.session.scalar(
        select(Component)
        .where(condition)
        .options(
            joinedload(Component.building),
            selectinload(Component.materials).joinedload(ComponentMaterial.material),
            selectinload(Component.hazards),
        )
    )
