"""Writing rows below the ORM, on the session's connection and in its transaction: COPY FROM
STDIN on PostgreSQL, a compiled INSERT run with the driver's executemany on SQLite (with a
larger page cache while it runs), a Core executemany elsewhere. The columns not written get
their Python-side defaults, as a Core INSERT would give them."""

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter

from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from app.extensions import db

# SQLite's page cache for the generating connection, in KiB (the default is 2 MB). The
# random tags put every insert into the tag index on a random page; a larger cache spills
# fewer of them. Measured on 1M components: 64 MB saves 5% for 60 MB more RSS; 256 MB saves
# no more and costs 270 MB. Memory is only taken as pages are used.
SQLITE_CACHE_KIB = 64 * 1024


Writer = Callable[[Table, tuple[str, ...], list[tuple]], None]


def _core_writer(table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One executemany of a Core INSERT on the session's connection."""
    db.session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def _python_defaults(table: Table, columns: tuple[str, ...]) -> tuple[tuple, tuple]:
    """Names and values of the Python-side defaults of the columns not written.

    A Core INSERT fills them in by itself; COPY only knows the server's defaults, so a new
    NOT NULL column with `default=` on the model would otherwise fail only on PostgreSQL.
    """
    names, values = [], []
    for column in table.columns:
        default = column.default
        if column.name in columns or default is None:
            continue
        if default.is_scalar:
            values.append(default.arg)
        elif default.is_callable:
            values.append(default.arg(None))
        else:  # SQL expressions and sequences run on the server anyway
            continue
        names.append(column.name)
    return tuple(names), tuple(values)


def _executemany_writer(connection) -> Writer:
    """A writer that runs a compiled Core INSERT with the driver's executemany.

    The statement is `insert(table)` compiled once per batch; the rows go to the driver as
    tuples. Only the columns whose type converts values for the driver (dates and times on
    SQLite) are converted, once per distinct value. This skips the per-row parameter handling
    of a Core executemany, which costs more than SQLite's own work.
    """
    dialect = connection.dialect

    def write(table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        extra_columns, extra_values = _python_defaults(table, columns)
        names = columns + extra_columns
        compiled = insert(table).compile(dialect=dialect, column_keys=list(names))
        in_statement_order = itemgetter(*(names.index(key) for key in compiled.positiontup))
        conversions = []
        for i, name in enumerate(names):
            impl = table.c[name].type.dialect_impl(dialect)
            if (convert := impl.bind_processor(dialect)) is not None:
                conversions.append((i, convert, {}))

        def parameters(row: tuple) -> tuple:
            values = list(row + extra_values)
            for i, convert, seen in conversions:
                value = values[i]
                try:
                    values[i] = seen[value]
                except KeyError:
                    values[i] = seen[value] = convert(value)
            return in_statement_order(values)

        connection.exec_driver_sql(compiled.string, [parameters(row) for row in rows])

    return write


def _copy_writer(driver_connection) -> Writer:
    """A writer that streams rows with COPY FROM STDIN on the session's psycopg connection.

    Driver errors are raised as SQLAlchemy's (IntegrityError for a duplicate tag...), as
    from the other writers.
    """
    import psycopg
    from psycopg import sql

    def write(table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        extra_columns, extra_values = _python_defaults(table, columns)
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name),
            sql.SQL(", ").join(map(sql.Identifier, columns + extra_columns)),
        )
        try:
            with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
                if extra_values:
                    for row in rows:
                        copy.write_row(row + extra_values)
                else:
                    for row in rows:
                        copy.write_row(row)
        except psycopg.Error as exc:
            raise DBAPIError.instance(
                statement.as_string(driver_connection), None, exc, psycopg.Error
            ) from exc

    return write


@contextmanager
def bulk_writer() -> Iterator[Writer]:
    """The fastest way to write rows on the session's connection, in its transaction."""
    connection = db.session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        yield _copy_writer(connection.connection.driver_connection)
        return
    if dialect != "sqlite":
        yield _core_writer
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield _executemany_writer(connection)
    finally:
        # Restored on success and failure: the connection goes back to the pool.
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")
