"""Benchmark `scan`: resolving a printed tag, `GET /t/<tag>` as JSON for an anonymous caller.

It runs on the database the generate benchmark left (a million components), with a few
thousand random existing tags, and compares the scan route with a bare route registered on
the same app by bench.scan_app (one SELECT of the component by its unique tag, a two-field
JSON answer). The figure is the ratio of their request rates; the target is at least 0.5.

- Over HTTP: gunicorn (sync workers, the production configuration) serves
  `bench.scan_app:create()` on 127.0.0.1, and wrk (a C load generator, in its own process,
  one thread, a few connections) drives it. The two routes alternate in timed rounds, in
  ABBA order, so changes in background load fall on both alike. Every round also reads the
  CPU time of the gunicorn workers (and on PostgreSQL of the cluster's processes) from
  /proc, a figure that depends less on what else the machine is doing than a rate does.
- In-process with the Flask test client (testing configuration), every request in its own
  application context, alternating the routes in the same way: server time without HTTP.

Then one request of each kind runs with the statement recorder (count, SQL time, plans), and
a few hundred under cProfile, grouped by package, to show where the scan route's extra time
goes. wrk must be installed (scripts/ensure-debian-packages.sh postgresql wrk).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import text

from bench.common import Result
from bench.common import Settings
from bench.common import human_count
from bench.common import log
from bench.common import normalise_url
from bench.overview import profile as statement_profile
from bench.scan_app import JSON_HEADERS
from bench.scan_app import PATHS
from bench.scan_app import ROUTES
from bench.scan_http import over_http
from bench.scan_inprocess import cpu_profile
from bench.scan_inprocess import in_process

TARGET_RATIO = 0.5


def sample_tags(url: str, count: int) -> list[str]:
    """`count` distinct tags of existing components, drawn at random."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    text("SELECT tag FROM components ORDER BY random() LIMIT :n"), {"n": count}
                ).scalars()
            )
    finally:
        engine.dispose()


def settle(url: str) -> None:
    """On PostgreSQL, VACUUM ANALYZE after the bulk load, as autovacuum would do soon."""
    if not normalise_url(url).startswith("postgresql"):
        return
    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _versions() -> dict:
    import gunicorn as gunicorn_package

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "gunicorn": gunicorn_package.__version__,
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "",
    }


def _cpu_figure(http: dict) -> str:
    scan, bare = http["scan"], http["bare"]
    figure = f"app {scan['app_cpu_ms_per_request']:.2f} vs {bare['app_cpu_ms_per_request']:.2f} ms"
    if scan["db_cpu_ms_per_request"] is not None:
        figure += (
            f", db {scan['db_cpu_ms_per_request']:.2f} vs {bare['db_cpu_ms_per_request']:.2f} ms"
        )
    return figure


def _plan_summary(plan: list[str]) -> str:
    """The access paths of a plan, without costs: which index finds which rows."""
    steps = []
    for line in plan:
        line = re.sub(r"\s*\((cost|actual)[^)]*\)", "", line).strip(" ->")
        line = re.sub(r"^\d+ \d+ \d+ ", "", line)  # EXPLAIN QUERY PLAN ids
        if re.search(r"Scan|SEARCH|SCAN|Loop|Limit|Sort", line):
            steps.append(line)
    return " | ".join(steps)


def _profile_note(profile: dict) -> str:
    extra = [(k, v) for k, v in profile["extra_us_by_package"].items() if v > 0][:6]
    scan_us = profile["scan"]["profiled_us_per_request"]
    bare_us = profile["bare"]["profiled_us_per_request"]
    parts = ", ".join(f"{k} +{v:.0f}" for k, v in extra)
    return (
        f"cProfile (inflates Python code): scan {scan_us:.0f} µs/req vs bare {bare_us:.0f}; "
        f"the extra µs by package: {parts}"
    )


def bench(dataset, settings: Settings, workdir: Path) -> list[Result]:
    """Measure the scan route against the bare lookup on a generated database."""
    from app.extensions import db as sqla
    from bench.scan_app import build

    if shutil.which("wrk") is None:
        raise RuntimeError(
            "wrk is not installed: run scripts/ensure-debian-packages.sh postgresql wrk"
        )
    db, url = dataset.db, dataset.url
    log(f"scan {db}: sampling {settings.scan_tags:,} tags, settling the database")
    settle(url)
    tags = sample_tags(url, settings.scan_tags)
    in_db = None
    app = build("testing", SQLALCHEMY_DATABASE_URI=normalise_url(url))
    try:
        with app.app_context():
            in_db = sqla.session.scalar(text("SELECT count(*) FROM components"))
            sqla.session.remove()
        log(f"scan {db}: in-process test client, {len(tags):,} requests of each route")
        local = in_process(app, tags, settings.scan_rounds)
        client = app.test_client()
        statements = {
            route: statement_profile(app, client, PATHS[route].format(tags[1]), JSON_HEADERS)
            for route in ROUTES
        }
        profile = cpu_profile(app, tags, min(len(tags), 300 if not settings.quick else 100))
    finally:
        with app.app_context():
            sqla.engine.dispose()
    log(
        f"scan {db}: gunicorn {settings.scan_workers} sync workers + wrk, "
        f"{settings.scan_rounds} rounds of {settings.scan_round_s} s per route"
    )
    http = over_http(url, tags, settings, workdir, db)

    ratio = http["scan"]["per_s"] / http["bare"]["per_s"]
    local_ratio = local["scan"]["per_s"] / local["bare"]["per_s"]
    where = f"{human_count(in_db)} DB" if in_db else "generated DB"
    common = {"components_in_db": in_db, "tags": len(tags), **_versions()}
    sql_note = "; ".join(
        f"{route}: {s['statements']} SQL stmt, {s['sql_ms']:.2f} ms SQL of {s['request_ms']:.2f}"
        for route, s in statements.items()
    )
    scan_plan = (
        _plan_summary(statements["scan"]["plans"][0]["plan"]) if statements["scan"]["plans"] else ""
    )
    notes = [
        f"HTTP: gunicorn {http['workers']} sync workers, wrk 1 thread {http['connections']} "
        f"connections, {settings.scan_rounds} x {settings.scan_round_s} s per route; "
        f"p50 {http['scan']['p50_ms']:.1f} vs {http['bare']['p50_ms']:.1f} ms, p99 "
        f"{http['scan']['p99_ms']:.1f} vs {http['bare']['p99_ms']:.1f} ms; ratio by round "
        + ", ".join(f"{r:.2f}" for r in http["ratio_by_round"]),
        f"in-process median {local['scan']['median_ms']:.2f} vs {local['bare']['median_ms']:.2f} "
        f"ms; {sql_note}",
        f"scan query plan: {scan_plan}",
        _profile_note(profile),
    ]
    return [
        Result(
            f"scan /t/<tag> vs bare, HTTP ({where})",
            db,
            f"{http['scan']['per_s']:,.0f} vs {http['bare']['per_s']:,.0f} req/s = {ratio:.2f}x",
            f">= {TARGET_RATIO:.2f}x",
            ratio >= TARGET_RATIO,
            {**common, "ratio": ratio, "http": http},
            notes,
        ),
        Result(
            "  same, in-process test client",
            db,
            f"{local['scan']['per_s']:,.0f} vs {local['bare']['per_s']:,.0f} req/s "
            f"= {local_ratio:.2f}x",
            metrics={
                "ratio": local_ratio,
                "in_process": local,
                "statements": statements,
                "cprofile": profile,
            },
        ),
        Result(
            "  server CPU per request, HTTP",
            db,
            _cpu_figure(http),
            metrics={
                route: {
                    k: http[route][k] for k in ("app_cpu_ms_per_request", "db_cpu_ms_per_request")
                }
                for route in ROUTES
            },
        ),
    ]
