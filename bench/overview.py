"""Benchmarks `overview` and `overview-scale`: one building's passport overview.

Both the HTML page `GET /buildings/<id>` (owner logged in through the login form) and the
JSON summary `GET /api/v1/buildings/<id>/summary` (bearer token) are timed in-process with
the Flask test client, so the figures are server-side time without network. Every request
runs in its own application context (the client is used outside any context), as in
production: no identity map or session survives between requests.

After the timed loops, one request of each kind runs with a statement recorder on the engine:
the number of SQL statements, their time and their plans (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN ANALYZE on PostgreSQL) go into the JSON results, to check that the aggregation
happens in SQL and to see which statement dominates.
"""

from __future__ import annotations

import gc
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from bench.common import PASSWORD
from bench.common import Result
from bench.common import Settings
from bench.common import explain
from bench.common import human_count
from bench.common import log
from bench.common import login
from bench.common import migrate
from bench.common import record_statements
from bench.common import sqlite_url
from bench.common import stats_ms

TARGET_MS = 150.0


@dataclass
class Prepared:
    """An app on a database holding the owner, the token and the benchmark building."""

    app: object
    building_id: int
    email: str
    token: str
    setup_s: float
    components_in_db: int


def prepare(url: str, components: int) -> Prepared:
    """Create the app, an owner with a token, and a building of `components` components."""
    from app import create_app
    from app.auth import services as accounts
    from app.extensions import db
    from passports import services
    from passports import synthetic

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    suffix = uuid.uuid4().hex[:8]
    with app.app_context():
        services.load_material_library()
        db.session.commit()
        org = accounts.create_organisation(f"Bench Owner {suffix}", "municipality")
        user = accounts.create_user(f"bench-{suffix}@example.org", PASSWORD, "owner", org)
        _token, clear = accounts.issue_token(user, "bench")
        db.session.commit()
        start = time.perf_counter()
        result = synthetic.generate(1, components, organisation=org, seed=7)
        db.session.commit()
        setup_s = time.perf_counter() - start
        if db.engine.dialect.name == "postgresql":
            # Autovacuum does this soon after a bulk load in production; do it now so that
            # the figures show the settled state, not whatever the daemon is busy with.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        total = db.session.scalar(text("SELECT count(*) FROM components"))
        email = user.email
        db.session.remove()
    return Prepared(app, result["buildings"][0], email, clear, setup_s, total)


def time_requests(client, requests: list[tuple], warmup: int, iterations: int) -> list[list]:
    """Warm up, then time GET requests, alternating between the given (path, headers, check).

    Alternating spreads background noise evenly over the kinds of request. Every response
    is checked, outside the timed section.
    """
    for _ in range(warmup):
        for path, headers, check in requests:
            check(client.get(path, headers=headers))
    gc.collect()
    samples: list[list] = [[] for _ in requests]
    for _ in range(iterations):
        for out, (path, headers, check) in zip(samples, requests, strict=True):
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            out.append(time.perf_counter() - start)
            check(response)
    return samples


def profile(app, client, path: str, headers: dict) -> dict:
    """One request with the statement recorder attached: count, SQL time, plans."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    with record_statements(engine) as recorded:
        start = time.perf_counter()
        client.get(path, headers=headers)
        total_ms = (time.perf_counter() - start) * 1000
    sql_ms = sum(s["ms"] for s in recorded)
    return {
        "statements": len(recorded),
        "sql_ms": sql_ms,
        "request_ms": total_ms,
        "non_sql_ms": total_ms - sql_ms,
        "plans": explain(engine, recorded),
    }


def time_summary_sql(app, building_id: int, warmup: int, iterations: int) -> list[float]:
    """passports.queries.building_summary alone, each call in a fresh session."""
    from app.extensions import db
    from passports import queries
    from passports.models import Building

    samples = []
    with app.app_context():
        for i in range(warmup + iterations):
            building = db.session.get(Building, building_id)
            start = time.perf_counter()
            queries.building_summary(building)
            elapsed = time.perf_counter() - start
            db.session.remove()
            if i >= warmup:
                samples.append(elapsed)
    return samples


def measure(
    url: str, db: str, components: int, settings: Settings, dataset_label: str
) -> list[Result]:
    """Prepare the building, log in, time the page and the API summary; return result rows."""
    from app.extensions import db as sqla

    log(f"overview {db} {dataset_label}: building a {components:,}-component building")
    prepared = prepare(url, components)
    app, bid = prepared.app, prepared.building_id
    client = app.test_client()
    login(client, prepared.email)
    bearer = {"Authorization": f"Bearer {prepared.token}"}

    def check_html(response):
        if response.status_code != 200:
            raise RuntimeError(f"GET /buildings/{bid}: {response.status_code}")
        if f'<span class="value">{components}</span>' not in response.get_data(as_text=True):
            raise RuntimeError("the overview page does not show the component count")

    def check_api(response):
        if response.status_code != 200:
            raise RuntimeError(f"GET summary: {response.status_code}")
        if response.get_json()["component_count"] != components:
            raise RuntimeError("the summary has the wrong component count")

    html_path, api_path = f"/buildings/{bid}", f"/api/v1/buildings/{bid}/summary"
    log(f"overview {db} {dataset_label}: timing {settings.iterations} requests of each kind")
    html_samples, api_samples = time_requests(
        client,
        [(html_path, {}, check_html), (api_path, bearer, check_api)],
        settings.warmup,
        settings.iterations,
    )
    html, api = stats_ms(html_samples), stats_ms(api_samples)
    sql = stats_ms(time_summary_sql(app, bid, settings.warmup, settings.iterations))
    html["profile"] = profile(app, client, html_path, {})
    api["profile"] = profile(app, client, api_path, bearer)
    html["response_bytes"] = len(client.get(html_path).get_data())
    api["response_bytes"] = len(client.get(api_path, headers=bearer).get_data())
    with app.app_context():
        sqla.engine.dispose()

    comps = human_count(components)
    where = (
        f"{comps} in {human_count(prepared.components_in_db)} DB"
        if prepared.components_in_db > components
        else f"{comps} comps"
    )
    common = {
        "components": components,
        "components_in_db": prepared.components_in_db,
        "building_id": bid,
        "setup_generate_s": prepared.setup_s,
        "dataset": dataset_label,
    }
    notes = [f"setup: generating the {comps}-component building took {prepared.setup_s:.1f} s"]
    target = components == 10_000
    rows = []
    for name, figures in (("HTML", html), ("JSON", api)):
        ok = figures["median_ms"] <= TARGET_MS if target else None
        rows.append(
            Result(
                f"overview {name} ({where})",
                db,
                f"median {figures['median_ms']:.0f} ms p95 {figures['p95_ms']:.0f}",
                f"<= {TARGET_MS:.0f} ms" if target else "-",
                ok,
                {**common, **figures},
                notes if name == "HTML" else [],
            )
        )
    rows.append(
        Result(
            f"  summary SQL only ({where})",
            db,
            f"median {sql['median_ms']:.0f} ms p95 {sql['p95_ms']:.0f} "
            f"({api['profile']['statements']} stmts/req)",
            metrics={**common, **sql},
        )
    )
    return rows


def bench_empty(db: str, settings: Settings, workdir: Path, server=None) -> list[Result]:
    """The overview in a database holding only the benchmark building."""
    if db == "sqlite":
        url = sqlite_url(workdir / "overview.sqlite")
    else:
        url = server.new_database("mpx_overview")
    migrate(url, workdir)
    return measure(url, db, settings.overview_components, settings, "empty")


def bench_scale(dataset, settings: Settings) -> list[Result]:
    """The overview in the database left by the generate benchmark."""
    return measure(
        dataset.url,
        dataset.db,
        settings.overview_components,
        settings,
        f"{dataset.components} generated",
    )
