"""The bare app the resolver benchmark compares with: a minimal Flask app, outside this one,
that reads the same component row with the database driver alone (sqlite3 or psycopg, no
SQLAlchemy, no app code) and answers it as JSON.

`GET /bare/<tag>` runs one `SELECT ... FROM components WHERE tag = ?` on a connection the
worker opens on its first request and keeps (gunicorn's sync workers serve one request at a
time), and answers the row as a five-field JSON object (404 when no row). Gunicorn serves
`bench.bare_app:create()` with DATABASE_URL in its environment, as it serves the real app.
"""

from __future__ import annotations

import os
import sqlite3

from flask import Flask
from flask import jsonify

COLUMNS = ("id", "tag", "name", "gtin", "serial_number")
PATH = "/bare/{}"


def _connect(url: str):
    """A connection and the statement's parameter style for sqlite:/// or postgresql URLs."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1]
        return sqlite3.connect(path, check_same_thread=False), "?"
    import psycopg

    url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    return psycopg.connect(url, autocommit=True), "%s"


def create(url: str | None = None) -> Flask:
    """The bare app on DATABASE_URL (or `url`)."""
    url = url or os.environ["DATABASE_URL"]
    app = Flask(__name__)
    state: dict = {}

    def connection():
        # Opened in the worker, after gunicorn forked it: a connection is never shared.
        if "conn" not in state:
            conn, style = _connect(url)
            sql = f"SELECT {', '.join(COLUMNS)} FROM components WHERE tag = {style}"
            state.update(conn=conn, sql=sql)
        return state["conn"], state["sql"]

    @app.get("/bare/<tag>")
    def bare(tag: str):
        conn, sql = connection()
        row = conn.execute(sql, (tag,)).fetchone()
        if row is None:
            return jsonify({"code": 404, "message": "No component has this tag."}), 404
        return jsonify(dict(zip(COLUMNS, row, strict=True)))

    return app
