"""Databases of the benchmarks: recording a request's statements and their plans, migrating
a database, SQLite files and their size, one-off queries, and a throwaway PostgreSQL cluster."""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import text

from bench.common.processes import flask_command
from bench.common.results import log

PG_PORT = 5439


@contextmanager
def record_statements(engine):
    """Collect (statement, parameters, ms) of every statement run on the engine."""
    recorded: list[dict] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("_bench_start", []).append(time.perf_counter())

    def after(conn, cursor, statement, parameters, context, executemany):
        start = conn.info["_bench_start"].pop()
        recorded.append(
            {
                "statement": statement,
                "parameters": parameters,
                "ms": (time.perf_counter() - start) * 1000,
            }
        )

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield recorded
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def explain(
    engine, statements: list[dict], reads=("SELECT",), width: int | None = None
) -> list[dict]:
    """Plans of the recorded statements that start with one of `reads`, slowest first (each
    statement on one line, cut to `width` characters when given)."""
    prefix = (
        "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    out = []
    with engine.connect() as conn:
        for item in sorted(statements, key=lambda s: -s["ms"]):
            if not item["statement"].lstrip().upper().startswith(tuple(reads)):
                continue
            rows = conn.exec_driver_sql(prefix + item["statement"], item["parameters"]).all()
            out.append(
                {
                    "ms": round(item["ms"], 3),
                    "statement": " ".join(item["statement"].split())[:width],
                    "plan": [" ".join(str(c) for c in line) for line in rows],
                }
            )
    return out


def migrate(database_url: str, workdir: Path) -> None:
    """Bring an empty database to the head revision with `flask db upgrade`."""
    done = flask_command(
        ["db", "upgrade"], database_url, workdir / f"migrate-{uuid.uuid4().hex[:6]}.log"
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.tail()}")


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def sqlite_size(path: Path) -> int:
    """Size of a SQLite database including its WAL file."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def scalar(database_url: str, sql: str):
    """One value from a short-lived connection (the app's URL normalisation applied)."""
    engine = create_engine(normalise_url(database_url))
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def normalise_url(url: str) -> str:
    """postgresql:// -> postgresql+psycopg://, as the app factory does."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class PostgresServer:
    """One throwaway PostgreSQL cluster for the whole run, started on first use."""

    def __init__(self, stack) -> None:
        self._stack = stack
        self._url: str | None = None
        self.version: str | None = None

    def _start(self) -> str:
        from tests.pg import throwaway_cluster

        log("starting a throwaway PostgreSQL cluster")
        self._url = self._stack.enter_context(throwaway_cluster(dbname="mpx_bench", port=PG_PORT))
        self.version = scalar(self._url, "SHOW server_version")
        return self._url

    def new_database(self, name: str) -> str:
        """Create a fresh database in the cluster and return its URL."""
        base = self._url or self._start()
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return base.replace("/mpx_bench?", f"/{name}?", 1)

    def drop_database(self, url: str) -> None:
        """Drop a database made by new_database (frees disk early)."""
        name = url.split("@/", 1)[1].split("?", 1)[0]
        engine = create_engine(self._url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()
