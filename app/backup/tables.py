"""Which tables and columns a backup holds, read from the database itself, and the
dialect-specific work around loading them (locks, emptiness, sequences).

The tables are reflected from the live database, so a table a later migration adds is backed
up without a change here, in foreign-key order (`MetaData.sorted_tables`). Left out, because
they are not data or are rebuilt from the data after a restore:

- `alembic_version`: the revision is in the manifest and must already match;
- SQLite's own tables (`sqlite_*`), virtual tables and their shadow tables: the FTS5 index
  `listing_search` of the exchange;
- derived columns: `listings.search_vector`, the tsvector of PostgreSQL (plain text, unused,
  on SQLite), and any computed column.

Everything else is copied as it is, the stored results of each component's metrics and the
dashboards' per-building aggregates included: they are plain tables and columns, and copying
them restores exactly what was there, faster than recomputing it.
"""

from sqlalchemy import Column
from sqlalchemy import Connection
from sqlalchemy import MetaData
from sqlalchemy import Table
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

EXCLUDED_TABLES = frozenset({"alembic_version"})
# Rebuilt after a restore by marketplace.search.reindex_all.
DERIVED_COLUMNS = {"listings": frozenset({"search_vector"})}
# Shadow tables of SQLite virtual tables, for SQLite without PRAGMA table_list (< 3.37).
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


def _sqlite_not_data(connection: Connection) -> set[str]:
    """Names of SQLite virtual and shadow tables."""
    rows = connection.exec_driver_sql("PRAGMA main.table_list").all()
    if rows:
        return {row[1] for row in rows if row[2] in ("virtual", "shadow")}
    # SQLite before 3.37 ignores the unknown pragma: name the shadow tables by their suffixes.
    virtual = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).scalars()
    return {f"{name}{suffix}" for name in virtual for suffix in ("", *_SHADOW_SUFFIXES)}


def data_tables(connection: Connection) -> list[Table]:
    """The database's data tables, reflected, in foreign-key dependency order."""
    names = inspect(connection).get_table_names()
    skip = set(EXCLUDED_TABLES)
    if connection.dialect.name == "sqlite":
        skip |= _sqlite_not_data(connection)
    wanted = [n for n in names if n not in skip and not n.startswith("sqlite_")]
    metadata = MetaData()
    metadata.reflect(bind=connection, only=wanted)
    return list(metadata.sorted_tables)


def data_columns(table: Table) -> list[Column]:
    """The columns of a table that a backup copies (derived and computed ones left out)."""
    derived = DERIVED_COLUMNS.get(table.name, frozenset())
    return [
        c
        for c in table.columns
        if c.name not in derived
        and c.computed is None
        and not isinstance(c.type, postgresql.TSVECTOR)
    ]


def revision(connection: Connection) -> str | None:
    """The alembic revision of the database ("a+b" for several heads), None if unmigrated."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    heads = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return "+".join(sorted(heads)) or None


def row_count(connection: Connection, table: Table) -> int:
    """How many rows a table has."""
    return connection.execute(select(func.count()).select_from(table)).scalar_one()


def non_empty(connection: Connection, tables: list[Table]) -> list[str]:
    """The names of the tables that hold at least one row."""
    return [t.name for t in tables if connection.execute(select(1).select_from(t).limit(1)).first()]


def begin_snapshot(connection: Connection) -> None:
    """Start a read-only transaction that sees one instant of the database throughout."""
    if connection.dialect.name == "sqlite":
        # pysqlite opens no transaction for reads: without BEGIN every SELECT would see the
        # database as it is at that moment (WAL gives the snapshot once a transaction is open).
        connection.exec_driver_sql("BEGIN")
    elif connection.dialect.name == "postgresql":
        # Set before the transaction begins; reset when the connection goes back to the pool.
        connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def lock_for_restore(connection: Connection, tables: list[Table]) -> None:
    """Take the write lock for the restoring transaction, before it reads anything: SQLite's
    BEGIN IMMEDIATE (with foreign keys checked at commit), PostgreSQL's table locks."""
    if connection.dialect.name == "sqlite":
        if not connection.connection.driver_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    elif connection.dialect.name == "postgresql" and tables:
        quote = connection.dialect.identifier_preparer.quote
        names = ", ".join(quote(t.name) for t in tables)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")


def reset_sequences(connection: Connection, tables: list[Table]) -> int:
    """PostgreSQL: point every serial or identity sequence of these tables past the largest
    value in its column, so new rows get fresh ids; returns how many were reset."""
    if connection.dialect.name != "postgresql":
        return 0
    wanted = {t.name for t in tables}
    owned = connection.execute(
        text(
            "SELECT t.relname, a.attname, "
            "pg_get_serial_sequence(format('%I.%I', n.nspname, t.relname), a.attname) "
            "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = t.oid "
            "WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') "
            "AND a.attnum > 0 AND NOT a.attisdropped"
        )
    ).all()
    quote = connection.dialect.identifier_preparer.quote
    done = 0
    for table, column, sequence in owned:
        if sequence is None or table not in wanted:
            continue
        connection.execute(
            text(
                f"SELECT setval(:sequence, COALESCE((SELECT MAX({quote(column)}) "
                f"FROM {quote(table)}), 0) + 1, false)"
            ),
            {"sequence": sequence},
        )
        done += 1
    return done


def analyze(connection: Connection, tables: list[Table]) -> None:
    """PostgreSQL: refresh the planner's statistics of freshly loaded tables."""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        connection.exec_driver_sql(f"ANALYZE {quote(table.name)}")
