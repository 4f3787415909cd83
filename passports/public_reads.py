"""Reads of public facts (a scanned tag, the GS1 resolver), run outside the request's ORM
session on the public-read pool (app.database.public_read_engine).

Every label scan lands on these reads, and for their one-row lookups the ORM session, its
transaction and SQLAlchemy's per-execution work cost several times the query. Nothing is
written here and no transaction of the request is joined; statements are compiled once per
statement and dialect. The request checks out one connection on its first read and gives it
back at teardown (`release_connection`).
"""

from collections import namedtuple

from flask import current_app
from flask import g

from app.database import public_read_engine
from app.database import read_rows

# SELECT statements compiled for a dialect: (SQL, positional parameter names, default values).
_COMPILED: dict = {}
_ROW_TYPES: dict = {}
_HOLDER = "_public_read_connection"


def read(statement, params: dict) -> list[tuple]:
    """The rows of a SELECT as tuples. `statement` must be built once (a module constant or
    cached): its compiled form is kept by identity."""
    engine = public_read_engine(current_app)
    key = (statement, engine.dialect.name)
    compiled = _COMPILED.get(key)
    if compiled is None:
        done = statement.compile(
            dialect=engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        compiled = _COMPILED[key] = (
            str(done),
            done.positiontup,
            done.construct_params(_check=False),
        )
    sql, positions, defaults = compiled
    values = {**defaults, **params}
    arguments = tuple(values[name] for name in positions) if positions else values
    holder = g.get(_HOLDER)
    if holder is None:
        holder = {}
        setattr(g, _HOLDER, holder)
    return read_rows(engine, holder, sql, arguments)


def read_one(statement, params: dict):
    """The first row of a SELECT as a named tuple (fields named as the statement's columns),
    or None."""
    rows = read(statement, params)
    if not rows:
        return None
    row_type = _ROW_TYPES.get(statement)
    if row_type is None:
        row_type = _ROW_TYPES[statement] = namedtuple(
            "Row", list(statement.selected_columns.keys())
        )
    return row_type(*rows[0])


def release_connection(_exc: BaseException | None = None) -> None:
    """Give the request's connection back to its pool; a teardown of the routes that read."""
    holder = g.pop(_HOLDER, None)
    if holder and holder.get("connection") is not None:
        holder["connection"].close()
