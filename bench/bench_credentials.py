"""Benchmark `credentials`: a component's signed UNTP Digital Product Passport, on SQLite and
PostgreSQL.

The component is a realistic one: two materials, a GTIN and serial, two hazards (one cleared)
and 30 events in its chain of custody, in the demo world (`flask demo load`). Timed, through
the Flask test client in-process (server time, no network; each request in its own
application context as in production):

- `GET /api/v1/components/<id>/dpp.jwt` as the owner (bearer token): the full credential, its
  events credential built and hashed for the link, the whole signed (Ed25519): target p95 at
  most 20 ms;
- `GET /t/<TAG>/dpp.jwt`, the public credential, anonymous (no target);
- `GET /api/v1/buildings/<id>/dpp.jwt` for the demo's largest building (no target);
- for comparison, the component's plain JSON (`GET /api/v1/components/<id>`), same token.

Each figure gives the wall time and this process's CPU time (`time.process_time`) with the
load average: on a machine that other processes keep busy the wall time includes the wait
for a core, which the CPU time leaves out.

Each database is fresh: a SQLite file in a temporary directory, or a database in a throwaway
PostgreSQL cluster (`tests.pg`). Run it alone with
`python -m bench.bench_credentials [--quick] [--db sqlite postgresql]`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

from flask.testing import FlaskClient

from bench.common import row
from bench.metrics_world import log_progress
from bench.metrics_world import timing_stats
from bench.report import print_rows

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = 5449
TARGET_P95_MS = 20.0
EVENTS = 30


def _world(url: str) -> dict:
    """Migrate, load the demo, and add the benchmark's component; returns what to request."""
    from flask_migrate import upgrade
    from sqlalchemy import func
    from sqlalchemy import select

    from app import create_app
    from app.auth import services as accounts
    from app.auth.models import User
    from app.extensions import db
    from app.models import utcnow
    from passports import demo
    from passports import services
    from passports.models import Building
    from passports.models import Component
    from passports.models import ComponentEvent
    from passports.models import Material

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        demo.load_demo()
        db.session.commit()
        building = db.session.scalars(
            select(Building)
            .join(Component, Component.building_id == Building.id)
            .group_by(Building.id)
            .order_by(func.count(Component.id).desc())
        ).first()
        owner = db.session.scalars(
            select(User).where(
                User.organisation_id == building.organisation_id, User.role == "owner"
            )
        ).first()
        brick, mortar = (
            db.session.scalar(select(Material.id).where(Material.slug == slug))
            for slug in ("common-clay-brick", "lime-mortar")
        )
        component = services.create_component(
            building,
            {
                "name": "Facade brickwork, bench",
                "category": "external_wall",
                "storey": "01",
                "quantity": 12.0,
                "unit": "m3",
                "materials": [
                    {"material_id": brick, "fraction": 0.85},
                    {"material_id": mortar or brick, "fraction": 0.15},
                ],
                "condition": 4,
                "connection_type": "lime_mortar",
                "gtin": "8712345000011",
                "serial_number": "BENCH-1",
                "hazards": [{"kind": "asbestos", "notes": "sill"}, {"kind": "other"}],
            },
        )
        db.session.flush()
        services.clear_hazard(component.hazards[0], owner, "Removal certificate")
        start = utcnow() - timedelta(days=EVENTS)
        for n in range(EVENTS):
            db.session.add(
                ComponentEvent(
                    component_id=component.id,
                    kind=("inspected", "note", "transported", "stored")[n % 4],
                    occurred_at=start + timedelta(days=n),
                    user_id=owner.id,
                    organisation_id=owner.organisation_id,
                    status_before="installed",
                    status_after="installed",
                )
            )
        _token, token = accounts.issue_token(owner, "bench")
        db.session.commit()
        world = {
            "app": app,
            "headers": {"Authorization": f"Bearer {token}"},
            "component": component.id,
            "tag": component.tag,
            "building": building.id,
            "building_components": db.session.scalar(
                select(func.count(Component.id)).where(Component.building_id == building.id)
            ),
        }
        db.session.remove()
    return world


def _timed(
    client, url: str, headers: dict, warmup: int, iterations: int, *, signed: bool = True
) -> dict:
    for _ in range(warmup):
        response = client.get(url, headers=headers)
        if response.status_code != 200 or (signed and response.mimetype != "application/vc+jwt"):
            raise RuntimeError(f"{url} answered {response.status_code} {response.mimetype}")
    gc.collect()
    samples, cpu = [], []
    for _ in range(iterations):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        response.get_data()
        cpu.append(time.process_time() - start_cpu)
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return {**timing_stats(samples), "cpu": timing_stats(cpu), "loadavg_1min": os.getloadavg()[0]}


def _figure(stats: dict) -> str:
    """Wall time (what a client waits, here in-process) and this process's CPU time: on a
    machine that other processes keep busy, the wall time includes waiting for a core."""
    return (
        f"p50 {stats['median_ms']:.1f} ms, p95 {stats['p95_ms']:.1f} ms "
        f"(CPU p50 {stats['cpu']['median_ms']:.1f}, p95 {stats['cpu']['p95_ms']:.1f} ms; "
        f"n={stats['n']}, load {stats['loadavg_1min']:.1f})"
    )


def _run_database(db_name: str, url: str, quick: bool) -> list[dict]:
    warmup, iterations = (5, 50) if quick else (20, 300)
    log_progress(f"[{db_name}] demo world and the benchmark component")
    world = _world(url)
    app = world["app"]

    class Client(FlaskClient):
        def open(self, *args, **kwargs):
            with app.app_context():
                return super().open(*args, **kwargs)

    app.test_client_class = Client
    client = app.test_client()
    rows = []
    full = _timed(
        client,
        f"/api/v1/components/{world['component']}/dpp.jwt",
        world["headers"],
        warmup,
        iterations,
    )
    rows.append(
        row(
            "credentials",
            db_name,
            f"component dpp.jwt (full, {EVENTS} events): " + _figure(full),
            f"p95 <= {TARGET_P95_MS:.0f} ms",
            full["p95_ms"] <= TARGET_P95_MS,
            full,
        )
    )
    plain = _timed(
        client,
        f"/api/v1/components/{world['component']}",
        world["headers"],
        warmup,
        iterations,
        signed=False,
    )
    rows.append(
        row(
            "credentials",
            db_name,
            "for comparison, component JSON (GET /api/v1/components/<id>): " + _figure(plain),
            metrics=plain,
        )
    )
    public = _timed(client, f"/t/{world['tag']}/dpp.jwt", {}, warmup, iterations)
    rows.append(
        row("credentials", db_name, "tag dpp.jwt (public): " + _figure(public), metrics=public)
    )
    building = _timed(
        client,
        f"/api/v1/buildings/{world['building']}/dpp.jwt",
        world["headers"],
        warmup,
        max(10, iterations // 5),
    )
    rows.append(
        row(
            "credentials",
            db_name,
            f"building dpp.jwt ({world['building_components']} components): " + _figure(building),
            metrics=building,
        )
    )
    with app.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()
    for r in rows:
        log_progress(f"[{db_name}] {r['figure']}")
    return rows


def run(quick: bool, databases: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    """Every figure, on each database; a failure becomes an ERROR row."""
    rows: list[dict] = []
    with (
        tempfile.TemporaryDirectory(prefix="mpx-bench-credentials-") as workdir,
        ExitStack() as stack,
    ):
        for db_name in databases:
            try:
                if db_name == "sqlite":
                    url = f"sqlite:///{Path(workdir) / 'credentials.sqlite'}"
                else:
                    from tests.pg import throwaway_cluster

                    log_progress("starting a throwaway PostgreSQL cluster")
                    url = stack.enter_context(
                        throwaway_cluster(dbname="mpx_bench_credentials", port=PG_PORT)
                    )
                rows += _run_database(db_name, url, quick)
            except Exception as exc:  # reported as an ERROR row; the other database still runs
                log_progress(f"[{db_name}] failed: {exc!r}")
                rows.append(
                    row(
                        "credentials",
                        db_name,
                        f"ERROR: {type(exc).__name__}: {exc}"[:300],
                        ok=False,
                    )
                )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the credential benchmark and print its table (and JSON with --json)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_credentials", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    parser.add_argument(
        "--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows = run(args.quick, tuple(args.db))
    print_rows(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str) + "\n", encoding="utf-8")
    return 0 if all(r["ok"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
