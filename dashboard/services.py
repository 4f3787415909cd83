"""Keeping the dashboards' per-building aggregates current (writes: they flush, never commit).

Each building has one `building_metrics` row (totals), `building_metric_parts` rows (mass and
carbon by material family, count and mass by lifecycle status) and `building_activity` rows
(events per month and kind), all recomputed in SQL from its live components and their stored
results (`passports.metrics.stored`).

When: a session hook notes the buildings whose components, materials, hazards or events were
written in each flush (a component moving to another building touches both), and refreshes
them just before the transaction commits, in the same transaction, so the aggregates are never
older than the passports they summarise. A refresh of one building re-reads only its own
components (indexed by building), a few milliseconds for thousands of components.

Concurrency: on PostgreSQL the refresh first upserts the buildings' totals rows, which locks
them until commit, in building order; a second writer of the same building waits, then reads
what the first committed. SQLite serialises writers anyway.

Rows written below the ORM (synthetic data, or a database from before these tables) are
covered by `refresh_all`, run by `flask dashboard refresh`.
"""

from collections.abc import Callable
from collections.abc import Iterable
from itertools import chain

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm.attributes import get_history

from app.database import listen_once
from app.extensions import db
from app.models import utcnow
from dashboard.models import BuildingActivity
from dashboard.models import BuildingMetricPart
from dashboard.models import BuildingMetrics
from passports.metrics.queries import EMPTY_SUMS
from passports.metrics.queries import SUMS
from passports.metrics.queries import building_sums
from passports.metrics.stored import recompute_components
from passports.models import Building
from passports.models import Component
from passports.models import ComponentEvent
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material

_PENDING = "dashboard_pending_buildings"
CHUNK = 500


def _insert(session):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    return None


def _month(session, column):
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _refresh_chunk(session, ids: list[int]) -> None:
    now = utcnow()
    insert = _insert(session)
    table = BuildingMetrics.__table__
    if insert is not None:
        # Lock (or create) the totals rows first: concurrent refreshes of a building queue up.
        touch = insert(table).values([{"building_id": i, "refreshed_at": now} for i in ids])
        session.execute(
            touch.on_conflict_do_update(
                index_elements=[table.c.building_id],
                set_={"refreshed_at": touch.excluded.refreshed_at},
            )
        )
    else:
        session.execute(delete(table).where(table.c.building_id.in_(ids)))
    totals = building_sums(ids, session=session)
    rows = []
    for i in ids:
        sums = totals.get(i, EMPTY_SUMS)
        # An unknown carbon adds nothing to a group's total.
        carbon = sums["carbon_a1a3_kg"] or 0.0
        rows.append({"building_id": i, "refreshed_at": now, **sums, "carbon_a1a3_kg": carbon})
    if insert is not None:
        upsert = insert(table).values(rows)
        session.execute(
            upsert.on_conflict_do_update(
                index_elements=[table.c.building_id],
                set_={name: upsert.excluded[name] for name in (*SUMS, "refreshed_at")},
            )
        )
    else:
        session.execute(table.insert(), rows)

    parts = BuildingMetricPart.__table__
    session.execute(delete(parts).where(parts.c.building_id.in_(ids)))
    live = (Component.building_id.in_(ids), Component.archived_at.is_(None))
    by_status = (
        select(
            Component.building_id,
            literal("status"),
            Component.status,
            func.count(Component.id),
            func.coalesce(func.sum(Component.mass_kg), 0.0),
            func.coalesce(func.sum(Component.carbon_a1a3_kg), 0.0),
        )
        .where(*live)
        .group_by(Component.building_id, Component.status)
    )
    by_family = (
        select(
            Component.building_id,
            literal("family"),
            Material.family,
            func.count(func.distinct(Component.id)),
            func.coalesce(func.sum(ComponentMaterial.mass_kg), 0.0),
            func.coalesce(func.sum(ComponentMaterial.mass_kg * Material.carbon_a1a3), 0.0),
        )
        .join(ComponentMaterial, ComponentMaterial.component_id == Component.id)
        .join(Material, Material.id == ComponentMaterial.material_id)
        .where(*live)
        .group_by(Component.building_id, Material.family)
    )
    columns = ["building_id", "dimension", "key", "component_count", "mass_kg", "carbon_a1a3_kg"]
    session.execute(parts.insert().from_select(columns, by_status))
    session.execute(parts.insert().from_select(columns, by_family))

    activity = BuildingActivity.__table__
    session.execute(delete(activity).where(activity.c.building_id.in_(ids)))
    month = _month(session, ComponentEvent.occurred_at)
    events = (
        select(Component.building_id, month, ComponentEvent.kind, func.count(ComponentEvent.id))
        .join(Component, Component.id == ComponentEvent.component_id)
        # Activity is what happened here: imported history (another instance's) never counts.
        .where(*live, ComponentEvent.imported.is_(False))
        .group_by(Component.building_id, month, ComponentEvent.kind)
    )
    session.execute(
        activity.insert().from_select(["building_id", "month", "kind", "event_count"], events)
    )


def refresh_buildings(building_ids: Iterable[int], *, session=None) -> int:
    """Recompute the aggregates of these buildings; returns how many (unknown ids skipped)."""
    session = session or db.session
    wanted = sorted({i for i in building_ids if i is not None})
    existing: list[int] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        existing += session.scalars(
            select(Building.id).where(Building.id.in_(chunk)).order_by(Building.id)
        ).all()
    for start in range(0, len(existing), CHUNK):
        _refresh_chunk(session, existing[start : start + CHUNK])
    return len(existing)


def refresh_all(
    *, score_components: bool = True, progress: Callable[[int], None] | None = None
) -> dict:
    """Score unscored components, then recompute every building's aggregates."""
    scored = recompute_components(only_missing=True, progress=progress) if score_components else 0
    ids = db.session.scalars(select(Building.id).order_by(Building.id)).all()
    refreshed = refresh_buildings(ids)
    return {"components_scored": scored, "buildings_refreshed": refreshed}


# ---------------------------------------------------------------- write-time hook
def _component_of(session, obj) -> Component | None:
    state = inspect(obj)
    component = state.dict.get("component")
    if component is None and getattr(obj, "component_id", None) is not None:
        component = session.get(Component, obj.component_id)
    return component


def _after_flush(session, _flush_context) -> None:
    """Note the buildings whose passports this flush wrote."""
    pending = session.info.setdefault(_PENDING, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Component):
            pending.add(obj.building_id)
            if not inspect(obj).pending:  # a move touches the building it left, too
                pending.update(get_history(obj, "building_id").deleted)
        elif isinstance(obj, ComponentMaterial | ComponentHazard | ComponentEvent):
            component = _component_of(session, obj)
            if component is not None:
                pending.add(component.building_id)
    pending.discard(None)


def _before_commit(session) -> None:
    """Refresh the noted buildings in the committing transaction."""
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending:
        refresh_buildings(pending, session=session)


def _after_rollback(session) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Attach the refresh hooks to the application's session (idempotent)."""
    listen_once(
        db.session,
        {
            "after_flush": _after_flush,
            "before_commit": _before_commit,
            "after_rollback": _after_rollback,
        },
    )
