"""Fast inserts of many rows: COPY on PostgreSQL, one multi-row INSERT on SQLite.

Every row is completed with the columns' Python-side defaults first (the ORM would add them,
COPY does not), so all rows have the same columns and go to the database in one statement.
"""

from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.extensions import db


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def complete(table, rows: list[dict]) -> list[dict]:
    """The rows with every column that has a Python default, and the same keys in each."""
    keys = set().union(*rows)
    defaults = {}
    for column in table.columns:
        default = column.default
        if column.key in keys or default is None or column.primary_key:
            continue
        # SQLAlchemy wraps a no-argument callable (utcnow) into one taking the context.
        defaults[column.key] = default.arg if default.is_scalar else default.arg(None)
    for key in keys:
        column, value = table.c[key], None
        if column.default is not None and column.default.is_scalar:
            value = column.default.arg
        defaults.setdefault(key, value)
    return [{**defaults, **row} for row in rows]


def reserve_ids(table, count: int) -> list[int] | None:
    """Take `count` ids from the table's sequence (PostgreSQL); None where there is none."""
    if not _is_postgresql():
        return None
    sequence = func.pg_get_serial_sequence(table.name, "id")
    return list(
        db.session.scalars(
            select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        )
    )


def insert_rows(model, rows: list[dict]) -> None:
    """Insert complete rows (see `complete`) within the session's transaction."""
    if not rows:
        return
    if not _is_postgresql():
        db.session.execute(insert(model), rows, execution_options={"render_nulls": True})
        return
    import psycopg
    from psycopg import sql
    from psycopg.types.json import Jsonb

    table = model.__table__
    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    raw = db.session.connection().connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [Jsonb(v) if isinstance(v, dict | list) else v for v in map(row.get, columns)]
                )
    except psycopg.IntegrityError as exc:
        # The same exception the ORM path raises, so callers handle one kind.
        raise IntegrityError(f"COPY {table.name}", None, exc) from exc


def insert_components(
    rows: list[dict], material_rows: dict[str, list[dict]], hazard_rows: dict[str, list[dict]]
) -> list[int]:
    """Insert new components, then their material and hazard rows, joined by tag; returns the
    new components' ids."""
    from passports.models import Component
    from passports.models import ComponentHazard
    from passports.models import ComponentMaterial

    table = Component.__table__
    numbers = reserve_ids(table, len(rows))
    if numbers is not None:
        # PostgreSQL: numbered from the sequence first, then sent with COPY.
        for row, number in zip(rows, numbers, strict=True):
            row["id"] = number
        insert_rows(Component, complete(table, rows))
        ids = {row["tag"]: row["id"] for row in rows}
    else:
        inserted = db.session.execute(
            insert(Component).returning(Component.id, Component.tag),
            complete(table, rows),
            # Without it the ORM drops None values, which splits the rows by key set.
            execution_options={"render_nulls": True},
        )
        ids = {tag: component_id for component_id, tag in inserted}
    for model, children in ((ComponentMaterial, material_rows), (ComponentHazard, hazard_rows)):
        linked = [
            {**row, "component_id": ids[tag]} for tag, items in children.items() for row in items
        ]
        insert_rows(model, complete(model.__table__, linked))
    return list(ids.values())


def refresh_statistics(table) -> None:
    """Let PostgreSQL's planner see the rows this transaction added (ANALYZE samples them).

    A table that grew from nothing inside one transaction still looks empty to the planner,
    which then scans it whole for every lookup by tag: quadratic over a large import.
    """
    if _is_postgresql():
        db.session.execute(text(f'ANALYZE "{table.name}"'))
