"""Each component's metrics, stored on its row whenever it is written.

`components.mci`, `disassembly_score`, `carbon_a1a3_kg` and `metrics_quality` are results of
`passports.metrics.component.evaluate`, kept on the row so that a building, an organisation or
a city aggregates them in SQL instead of re-evaluating every component on every read.

They are kept current by a `before_flush` hook on the session, installed by the app factory:
whatever writes a component through the ORM (the passport pages and API, bulk imports,
collections on the exchange, passport imports) gets its results recomputed in the same flush,
when an input changed: its own fields, its materials or its hazards, or a library material it
uses (a new carbon factor re-scores every component made of it).

Rows written below the ORM (`passports.synthetic`, or a database migrated from before these
columns) are scored in bulk by `recompute_components`, run by `flask dashboard refresh`.
"""

from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable

from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE
from sqlalchemy.orm.attributes import get_history

from app.database import listen_once
from app.extensions import db
from passports.metrics.component import ComponentFacts
from passports.metrics.component import MaterialFacts
from passports.metrics.component import PartFacts
from passports.metrics.component import evaluate
from passports.models import Component
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material

# The component fields that feed its metrics (mass and materials via their own rows too).
INPUT_ATTRIBUTES = (
    "mass_kg",
    "recycled_content",
    "reused_content",
    "reuse_cycles",
    "eol_reuse_fraction",
    "eol_recycle_fraction",
    "service_life_years",
    "condition",
    "connection_type",
    "accessibility",
    "intersections",
    "edge_enclosure",
    "materials",
    "hazards",
)
MATERIAL_ATTRIBUTES = ("family", "carbon_a1a3", "reference_service_life_years")
RESULT_COLUMNS = ("mci", "disassembly_score", "carbon_a1a3_kg", "metrics_quality")


def material_facts(material: Material) -> MaterialFacts:
    """The library facts of a material that the metrics use."""
    return MaterialFacts(
        material.family, material.carbon_a1a3 or 0.0, material.reference_service_life_years
    )


def component_facts(
    component: Component, material_of: Callable[[ComponentMaterial], Material | None]
) -> ComponentFacts:
    """The recorded inputs of an ORM component (its materials looked up with `material_of`)."""
    parts = []
    for cm in component.materials:
        material = material_of(cm)
        if material is not None:
            parts.append(PartFacts(material_facts(material), cm.fraction, cm.mass_kg))
    return ComponentFacts(
        mass_kg=component.mass_kg,
        parts=tuple(parts),
        recycled_content=component.recycled_content or 0.0,
        reused_content=component.reused_content or 0.0,
        reuse_cycles=component.reuse_cycles or 0,
        eol_reuse_fraction=component.eol_reuse_fraction,
        eol_recycle_fraction=component.eol_recycle_fraction,
        service_life_years=component.service_life_years,
        condition=component.condition,
        connection_type=component.connection_type,
        accessibility=component.accessibility,
        intersections=component.intersections,
        edge_enclosure=component.edge_enclosure,
        hazardous=any(h.cleared_at is None for h in component.hazards),
    )


def score_component(component: Component, material_of=None) -> None:
    """Evaluate a component and store its results on it (only the values that changed)."""
    if material_of is None:
        material_of = _material_lookup(db.session)
    result = evaluate(component_facts(component, material_of))
    values = (result.mci, result.disassembly_score, result.carbon_a1a3_kg, result.quality)
    for name, value in zip(RESULT_COLUMNS, values, strict=True):
        if getattr(component, name) != value:
            setattr(component, name, value)


def _material_lookup(session) -> Callable[[ComponentMaterial], Material | None]:
    """cm.material, or the library row of cm.material_id for a share not yet flushed."""

    def material_of(cm: ComponentMaterial) -> Material | None:
        if cm.material is not None:
            return cm.material
        if cm.material_id is not None:
            return session.get(Material, cm.material_id)
        return None

    return material_of


def _changed(obj, names: Iterable[str]) -> bool:
    return any(get_history(obj, name, PASSIVE_NO_INITIALIZE).has_changes() for name in names)


def _never_scored(obj) -> bool:
    return inspect(obj).dict.get("metrics_quality", "unloaded") is None


def _before_flush(session, _flush_context, _instances) -> None:
    """Score the components whose inputs change in this flush."""
    touched: dict[int, Component] = {}
    materials: list[int] = []
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Component):
            if inspect(obj).pending or _changed(obj, INPUT_ATTRIBUTES) or _never_scored(obj):
                touched[id(obj)] = obj
        elif isinstance(obj, ComponentMaterial | ComponentHazard):
            if obj.component is not None:
                touched[id(obj.component)] = obj.component
        elif (
            isinstance(obj, Material)
            and not inspect(obj).pending
            and _changed(obj, MATERIAL_ATTRIBUTES)
        ):
            materials.append(obj.id)
    for obj in session.deleted:
        if isinstance(obj, ComponentMaterial | ComponentHazard):
            parent = obj.component
            if parent is not None and not inspect(parent).deleted:
                touched[id(parent)] = parent
    if materials:
        users = session.scalars(
            select(Component)
            .join(ComponentMaterial, ComponentMaterial.component_id == Component.id)
            .where(ComponentMaterial.material_id.in_(materials))
            .distinct()
        )
        for component in users:
            touched[id(component)] = component
    if not touched:
        return
    material_of = _material_lookup(session)
    deleted = set(map(id, session.deleted))
    for component in touched.values():
        if id(component) not in deleted:
            score_component(component, material_of)


def install() -> None:
    """Attach the scoring hook to the application's session (idempotent)."""
    listen_once(db.session, {"before_flush": _before_flush})


# ---------------------------------------------------------------- bulk
def _library() -> dict[int, MaterialFacts]:
    return {m.id: material_facts(m) for m in db.session.scalars(select(Material))}


def _batch_results(ids: tuple[int, int], library: dict[int, MaterialFacts]) -> list[tuple]:
    """(mci, ds, carbon, quality, id) for the live components with ids in [first, last]."""
    first, last = ids
    in_range = (Component.id >= first, Component.id <= last)
    parts: dict[int, list[PartFacts]] = defaultdict(list)
    for cid, mid, fraction, mass in db.session.execute(
        select(
            ComponentMaterial.component_id,
            ComponentMaterial.material_id,
            ComponentMaterial.fraction,
            ComponentMaterial.mass_kg,
        )
        .where(ComponentMaterial.component_id >= first, ComponentMaterial.component_id <= last)
        .order_by(ComponentMaterial.component_id, ComponentMaterial.position)
    ):
        if mid in library:
            parts[cid].append(PartFacts(library[mid], fraction, mass))
    hazardous = set(
        db.session.scalars(
            select(ComponentHazard.component_id).where(
                ComponentHazard.component_id >= first,
                ComponentHazard.component_id <= last,
                ComponentHazard.cleared_at.is_(None),
            )
        )
    )
    rows = db.session.execute(
        select(
            Component.id,
            Component.mass_kg,
            Component.recycled_content,
            Component.reused_content,
            Component.reuse_cycles,
            Component.eol_reuse_fraction,
            Component.eol_recycle_fraction,
            Component.service_life_years,
            Component.condition,
            Component.connection_type,
            Component.accessibility,
            Component.intersections,
            Component.edge_enclosure,
        ).where(*in_range)
    )
    out = []
    for cid, mass, f_r, f_u, cycles, c_u, c_r, life, cond, conn, acc, inter, edge in rows:
        result = evaluate(
            ComponentFacts(
                mass_kg=mass,
                parts=tuple(parts.get(cid, ())),
                recycled_content=f_r or 0.0,
                reused_content=f_u or 0.0,
                reuse_cycles=cycles or 0,
                eol_reuse_fraction=c_u,
                eol_recycle_fraction=c_r,
                service_life_years=life,
                condition=cond,
                connection_type=conn,
                accessibility=acc,
                intersections=inter,
                edge_enclosure=edge,
                hazardous=cid in hazardous,
            )
        )
        out.append(
            (result.mci, result.disassembly_score, result.carbon_a1a3_kg, result.quality, cid)
        )
    return out


def _write_results(rows: list[tuple]) -> None:
    """Store (mci, ds, carbon, quality, id) rows: COPY and one UPDATE on PostgreSQL,
    executemany elsewhere. Below the ORM on purpose: timestamps are not touched."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS _component_scores "
                "(mci float8, ds float8, carbon float8, quality varchar(8), id int) "
                "ON COMMIT DROP"
            )
            cursor.execute("TRUNCATE _component_scores")
            with cursor.copy(
                "COPY _component_scores (mci, ds, carbon, quality, id) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE components c SET mci = s.mci, disassembly_score = s.ds, "
                "carbon_a1a3_kg = s.carbon, metrics_quality = s.quality "
                "FROM _component_scores s WHERE c.id = s.id"
            )
        return
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(
            "UPDATE components SET mci = ?, disassembly_score = ?, carbon_a1a3_kg = ?, "
            "metrics_quality = ? WHERE id = ?",
            rows,
        )
        return
    db.session.execute(
        update(Component),
        [
            {"id": i, "mci": m, "disassembly_score": d, "carbon_a1a3_kg": c, "metrics_quality": q}
            for m, d, c, q, i in rows
        ],
    )


def recompute_components(
    *,
    only_missing: bool = False,
    batch_size: int = 20_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Score components in bulk, in id order, a batch at a time; returns how many.

    `only_missing` scores only rows never scored (after a bulk load). Flushes, never commits.
    """
    db.session.flush()
    library = _library()
    base = select(Component.id)
    if only_missing:
        base = base.where(Component.metrics_quality.is_(None))
    done, after = 0, 0
    while True:
        ids = db.session.scalars(
            base.where(Component.id > after).order_by(Component.id).limit(batch_size)
        ).all()
        if not ids:
            break
        rows = _batch_results((ids[0], ids[-1]), library)
        if only_missing:
            wanted = set(ids)
            rows = [row for row in rows if row[-1] in wanted]
        _write_results(rows)
        done += len(rows)
        after = ids[-1]
        if progress:
            progress(len(rows))
    db.session.expire_all()
    return done


def unscored_count() -> int:
    """How many components have never been scored (written below the ORM)."""
    return db.session.scalar(
        select(func.count(Component.id)).where(Component.metrics_quality.is_(None))
    )
