"""Engine tuning that differs between SQLite and PostgreSQL.

SQLite: foreign keys on, WAL and a busy timeout. A request that may write (any method but
GET/HEAD/OPTIONS) opens its transaction with BEGIN IMMEDIATE, so it takes the write lock up
front and waits its turn, instead of failing when it upgrades a read lock under concurrency.
Elsewhere the driver's own deferred BEGIN before the first write stays, and reads run in
parallel without holding a snapshot.
"""

import math
import sqlite3
from collections.abc import Callable

from flask import g
from flask import has_request_context
from flask import request
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

_READ_METHODS = ("GET", "HEAD", "OPTIONS")


def write_intent() -> bool:
    """True inside a request that may write, or where code declared it (g.db_write_intent)."""
    if not has_request_context():
        return False
    return request.method not in _READ_METHODS or bool(g.get("db_write_intent"))


# Seconds to wait for a new PostgreSQL connection before the request fails with a 503.
PG_CONNECT_TIMEOUT = 5


def engine_options(uri: str, configured: dict | None = None) -> dict:
    """SQLAlchemy engine options for the database at `uri`, over the configured ones.

    PostgreSQL: every pooled connection is pinged before use (pool_pre_ping), so those a
    server restart closed are replaced quietly instead of failing a request each, and a new
    connection gives up after PG_CONNECT_TIMEOUT seconds rather than holding a worker while
    the server is unreachable.
    """
    options = dict(configured or {})
    if uri.startswith("postgresql"):
        options.setdefault("pool_pre_ping", True)
        if "connect_timeout" not in uri:
            connect_args = dict(options.get("connect_args") or {})
            connect_args.setdefault("connect_timeout", PG_CONNECT_TIMEOUT)
            options["connect_args"] = connect_args
    return options


def configure_engine(engine: Engine, random_page_cost: float | None = None) -> None:
    """Give SQLite foreign keys, WAL, a busy timeout and BEGIN IMMEDIATE for writers; tell
    PostgreSQL that random reads are cheap (SSD storage), so that it uses the covering indexes
    for one building's aggregates instead of scanning whole tables."""
    if engine.dialect.name == "postgresql":
        if random_page_cost is not None:

            @event.listens_for(engine, "connect")
            def _postgres_connect(dbapi_connection, _record):
                with dbapi_connection.cursor() as cursor:
                    cursor.execute(f"SET random_page_cost = {float(random_page_cost)}")
                dbapi_connection.commit()

        return
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        try:
            cursor.execute("SELECT sin(0), asin(0), sqrt(1), radians(0)")
        except sqlite3.OperationalError:
            # SQLite built without its math functions: distance search needs these four.
            for name, fn in (
                ("sin", math.sin),
                ("cos", math.cos),
                ("asin", math.asin),
                ("sqrt", math.sqrt),
                ("radians", math.radians),
            ):
                dbapi_connection.create_function(name, 1, fn, deterministic=True)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        if write_intent():
            connection.exec_driver_sql("BEGIN IMMEDIATE")


_PUBLIC_READS = "mpx.public_reads"


def public_read_engine(app) -> Engine:
    """The engine for short reads of public facts outside any request transaction (the GS1
    resolver, a scanned tag), made on first use in each process.

    On PostgreSQL, a second small pool on the same database in autocommit, without the ping
    on checkout: a lookup is then one round trip, where the app's pool adds a ping, a BEGIN
    and a ROLLBACK to it. A connection the server dropped is caught when used instead, and
    the read retried once on a new one (`read_rows`). SQLite: the app's engine (a read there
    opens no transaction and pings nothing)."""
    from app.extensions import db

    engine = db.engine
    if engine.dialect.name != "postgresql":
        return engine
    made = app.extensions.get(_PUBLIC_READS)
    if made is None or made[0] is not engine:
        options = {
            key: value
            for key, value in app.config["SQLALCHEMY_ENGINE_OPTIONS"].items()
            if key != "pool_pre_ping"
        }
        options.update(
            isolation_level="AUTOCOMMIT", pool_pre_ping=False, pool_size=2, max_overflow=8
        )
        public = create_engine(engine.url, **options)
        configure_engine(public, app.config.get("PG_RANDOM_PAGE_COST"))
        made = app.extensions[_PUBLIC_READS] = (engine, public)
    return made[1]


def dispose_public_reads(app) -> None:
    """Close the public-read pool's connections (tests and forks)."""
    made = app.extensions.pop(_PUBLIC_READS, None)
    if made is not None:
        made[1].dispose()


def after_fork(app) -> None:
    """In a web worker gunicorn has just forked from a master that loaded the app
    (`preload_app`): forget the pools' connections inherited from the master without closing
    them (they belong to the master), so the worker opens its own on first use."""
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return
    from app.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
    made = app.extensions.pop(_PUBLIC_READS, None)
    if made is not None:
        made[1].dispose(close=False)


def read_rows(engine: Engine, connection_holder: dict, sql: str, arguments) -> list[tuple]:
    """Run one SELECT on the holder's DBAPI connection (checked out on first use), retrying
    once on a new connection when the server had dropped the old one. The driver's errors
    come out as SQLAlchemy's (an unreachable database is an OperationalError, as anywhere
    else in the app, so the outage page answers)."""
    dbapi_error = engine.dialect.loaded_dbapi.Error
    for attempt in (1, 2):
        connection = connection_holder.get("connection")
        try:
            if connection is None:
                connection = connection_holder["connection"] = engine.raw_connection()
            cursor = connection.cursor()
        except DBAPIError:
            raise
        except dbapi_error as exc:
            raise DBAPIError.instance(
                sql, arguments, exc, dbapi_error, dialect=engine.dialect
            ) from exc
        try:
            cursor.execute(sql, arguments)
            return cursor.fetchall()
        except dbapi_error as exc:
            dropped = engine.dialect.is_disconnect(exc, connection, cursor)
            if dropped:
                connection.invalidate(exc)
                connection_holder.pop("connection", None)
            if attempt == 2 or not dropped:
                raise DBAPIError.instance(
                    sql,
                    arguments,
                    exc,
                    dbapi_error,
                    connection_invalidated=dropped,
                    dialect=engine.dialect,
                ) from exc
        finally:
            cursor.close()
    raise AssertionError("unreachable")


# Objects the migrations write by hand and the models do not describe: the FTS5 table of the
# exchange (with its shadow tables) and the GIN index on its tsvector column.
_HAND_WRITTEN = ("listing_search", "ix_listings_search_vector")


def include_in_autogenerate(name: str | None, type_: str, _parent_names: dict) -> bool:
    """Alembic include_name hook: leave hand-written search objects alone."""
    return not (name and type_ in ("table", "index") and name.startswith(_HAND_WRITTEN))


def listen_once(target, hooks: dict[str, Callable]) -> None:
    """Attach event listeners (event name to function) unless they are attached already: the
    factory may run more than once in a process, as the tests do."""
    for name, listener in hooks.items():
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
