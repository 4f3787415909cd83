"""Scoring rows written below the ORM, in bulk: batches of components evaluated from plain rows
and their results written with one UPDATE per batch (`flask dashboard refresh`)."""

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from app.extensions import db
from passports.metrics.component import INPUT_FIELDS
from passports.metrics.component import MaterialFacts
from passports.metrics.component import PartFacts
from passports.metrics.component import evaluate
from passports.metrics.component import facts_of
from passports.metrics.stored.hook import material_facts
from passports.models import Component
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material


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
        select(Component.id, *(getattr(Component, name) for name in INPUT_FIELDS)).where(*in_range)
    )
    out = []
    for row in rows:
        values = row._mapping
        cid = values["id"]
        result = evaluate(facts_of(values, parts.get(cid, ()), hazardous=cid in hazardous))
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
