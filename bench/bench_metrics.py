"""Benchmark `metrics`: passport documents and dashboards at scale, on SQLite and PostgreSQL.

- `GET /buildings/<id>/passport.pdf` for a building of 2,000 components (owner logged in
  through the login form), in a fresh process so that its memory is the PDF's own: wall time
  (target at most 15 s), the process's peak RSS (VmHWM) and the peak of Python allocations
  (tracemalloc, on a second request);
- `GET /api/v1/buildings/<id>/passport.json` for a building of 10,000 components (bearer
  token): median and p95 of repeated requests (target at most 1 s); the import of that
  document into another organisation (`POST /api/v1/passports/import`) is timed once, with no
  target;
- the dashboard over 1,000,000 components in 1,000 buildings: the organisation owning all of
  them (HTML page and JSON), and a city of 125 of them, median and p95 (target at most
  500 ms). The data comes from `passports.synthetic.generate` (bulk inserts below the ORM), so
  it is first scored and summarised with `dashboard.services.refresh_all` (timed: what
  `flask dashboard refresh` does once after a bulk load). The cost of keeping the aggregates
  current on a write is shown by timing `PATCH /api/v1/components/<id>` in a building of 1,000
  components: the request includes re-scoring the component and refreshing its building.

Requests go through the Flask test client in-process (server time, no network), each in its
own application context, as in production. Each database is fresh: a SQLite file in a
temporary directory, or a database in a throwaway PostgreSQL cluster (`tests.pg`).

Run it alone with `python -m bench.bench_metrics [--quick] [--db sqlite postgresql]`;
`run(quick)` returns the result rows. --quick shrinks the dashboard data to 20,000 components
in 20 buildings (the documents keep their full sizes).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from contextlib import ExitStack
from pathlib import Path

from bench.common import PASSWORD
from bench.common import login
from bench.common import row
from bench.report import print_rows

ROOT = Path(__file__).resolve().parent.parent
PG_PORT = 5447
PDF_COMPONENTS, PDF_TARGET_S = 2_000, 15.0
JSON_COMPONENTS, JSON_TARGET_S = 10_000, 1.0
DASHBOARD_TARGET_MS = 500.0


def _log(message: str) -> None:
    print(f"[bench metrics {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _stats_ms(samples: list[float]) -> dict:
    ordered = sorted(samples)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return {
        "n": n,
        "median_ms": median * 1000,
        "p95_ms": ordered[max(0, math.ceil(0.95 * n) - 1)] * 1000,
        "min_ms": ordered[0] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def _maxrss_bytes() -> int:
    """Peak RSS of this process: VmHWM from /proc (reset by exec, unlike ru_maxrss, which a
    child started by fork keeps from its parent), else ru_maxrss."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class World:
    """An app on a fresh database with an owner (logged-in client and bearer token)."""

    def __init__(self, url: str, db_name: str) -> None:
        from flask_migrate import upgrade

        from app import create_app
        from app.auth import services as accounts
        from app.extensions import db
        from passports import services

        self.db_name, self.url = db_name, url
        self.app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        suffix = uuid.uuid4().hex[:8]
        with self.app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            services.load_material_library()
            self.org = accounts.create_organisation(f"Bench city {suffix}", "municipality")
            user = accounts.create_user(f"bench-{suffix}@example.org", PASSWORD, "owner", self.org)
            other_org = accounts.create_organisation(f"Bench importer {suffix}", "municipality")
            other = accounts.create_user(f"imp-{suffix}@example.org", PASSWORD, "owner", other_org)
            _t, self.token = accounts.issue_token(user, "bench")
            _t, self.other_token = accounts.issue_token(other, "bench")
            db.session.commit()
            self.org_id, self.email = self.org.id, user.email
            db.session.remove()
        self.client = self.app.test_client()
        login(self.client, self.email)

    def headers(self, other: bool = False) -> dict:
        """Bearer header of the owner (or of the owner of another organisation)."""
        return {"Authorization": f"Bearer {self.other_token if other else self.token}"}

    def generate(self, buildings: int, components: int, seed: int) -> tuple[int, int]:
        """Bulk-insert synthetic buildings for the owner; returns the first and last id."""
        from app.auth.models import Organisation
        from app.extensions import db
        from passports import synthetic

        with self.app.app_context():
            org = db.session.get(Organisation, self.org_id)
            result = synthetic.generate(buildings, components, organisation=org, seed=seed)
            db.session.commit()
            self.analyse()
            db.session.remove()
        return result["buildings"]

    def refresh(self, only_buildings: tuple[int, int] | None = None) -> dict:
        """Score the unscored components and rebuild the building aggregates; timed."""
        from app.extensions import db
        from dashboard import services as dashboard_services
        from passports.metrics.stored import recompute_components

        with self.app.app_context():
            start = time.perf_counter()
            scored = recompute_components(only_missing=True)
            db.session.commit()
            scored_s = time.perf_counter() - start
            start = time.perf_counter()
            if only_buildings:
                first, last = only_buildings
                count = dashboard_services.refresh_buildings(range(first, last + 1))
            else:
                count = dashboard_services.refresh_all(score_components=False)[
                    "buildings_refreshed"
                ]
            db.session.commit()
            refresh_s = time.perf_counter() - start
            self.analyse()
            db.session.remove()
        return {
            "components_scored": scored,
            "scoring_s": scored_s,
            "buildings_refreshed": count,
            "aggregate_refresh_s": refresh_s,
        }

    def analyse(self) -> None:
        """Fresh planner statistics, as autovacuum would soon have on PostgreSQL."""
        from sqlalchemy import text

        from app.extensions import db

        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))

    def get(self, path: str, *, api: bool = False, other: bool = False):
        """GET through the test client, raising on anything but 200."""
        response = self.client.get(path, headers=self.headers(other) if api else {})
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    def close(self) -> None:
        """Release the database connections."""
        from app.extensions import db

        with self.app.app_context():
            db.engine.dispose()


def _timed(world: World, path: str, *, api: bool, warmup: int, iterations: int) -> list[float]:
    for _ in range(warmup):
        world.get(path, api=api)
    gc.collect()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        world.get(path, api=api)
        samples.append(time.perf_counter() - start)
    return samples


def _pdf_child(url: str, building_id: int, email: str) -> None:
    """In a fresh process: log in, fetch the PDF twice (the second under tracemalloc), and
    print the figures as JSON on stdout; the parent reads this process's peak RSS."""
    from app import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    client = app.test_client()
    login(client, email)
    path = f"/buildings/{building_id}/passport.pdf"
    client.get("/dashboard/")  # imports and templates warm, as in a running server
    baseline = _maxrss_bytes()
    start = time.perf_counter()
    response = client.get(path)
    wall_s = time.perf_counter() - start
    if response.status_code != 200 or not response.data.startswith(b"%PDF"):
        raise SystemExit(f"GET {path} answered {response.status_code}")
    after_first = _maxrss_bytes()
    tracemalloc.start()
    client.get(path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pages = response.data.count(b"/Type /Page") - response.data.count(b"/Type /Pages")
    print(
        json.dumps(
            {
                "wall_s": wall_s,
                "pdf_bytes": len(response.data),
                "pages": pages,
                "rss_before_request_bytes": baseline,
                "rss_after_request_bytes": after_first,
                "tracemalloc_peak_bytes": peak,
            }
        )
    )


def bench_pdf(world: World) -> dict:
    """The 2,000-component passport PDF, in a fresh process: wall time and peak RSS."""
    import subprocess

    (building_id, _) = world.generate(1, PDF_COMPONENTS, seed=21)
    world.refresh((building_id, building_id))
    cmd = [
        sys.executable,
        "-m",
        "bench.bench_metrics",
        "--pdf-child",
        world.url,
        str(building_id),
        world.email,
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the PDF child process failed: {done.stderr[-300:]!r}")
    figures = json.loads(done.stdout.decode().strip().splitlines()[-1])
    peak_rss = figures["rss_after_request_bytes"]
    wall_s = figures["wall_s"]
    return row(
        f"metrics: passport PDF ({PDF_COMPONENTS:,} comps)",
        world.db_name,
        f"{wall_s:.2f} s, {figures['pages']} pages, peak RSS {peak_rss / 2**20:.0f} MB",
        f"<= {PDF_TARGET_S:.0f} s",
        wall_s <= PDF_TARGET_S,
        {"components": PDF_COMPONENTS, **figures, "peak_rss_bytes": peak_rss},
        [
            "measured in a fresh process (app loaded, logged in), so the peak RSS is the "
            "PDF's own; the process held "
            f"{figures['rss_before_request_bytes'] / 2**20:.0f} MB before the request"
        ],
    )


def bench_json(world: World, iterations: int) -> list[dict]:
    """The 10,000-component passport JSON, and its import into another organisation."""
    (building_id, _) = world.generate(1, JSON_COMPONENTS, seed=22)
    world.refresh((building_id, building_id))
    path = f"/api/v1/buildings/{building_id}/passport.json"
    samples = _timed(world, path, api=True, warmup=1, iterations=iterations)
    stats = _stats_ms(samples)
    body = world.get(path, api=True).data
    document = json.loads(body)
    start = time.perf_counter()
    imported = world.client.post(
        "/api/v1/passports/import", headers=world.headers(other=True), json=document
    )
    import_s = time.perf_counter() - start
    if imported.status_code != 201:
        raise RuntimeError(f"import answered {imported.status_code}: {imported.data[:300]!r}")
    rows = [
        row(
            f"metrics: passport JSON ({JSON_COMPONENTS:,} comps)",
            world.db_name,
            f"median {stats['median_ms']:.0f} ms, p95 {stats['p95_ms']:.0f}",
            f"<= {JSON_TARGET_S * 1000:.0f} ms",
            stats["p95_ms"] <= JSON_TARGET_S * 1000,
            {**stats, "response_bytes": len(body), "components": JSON_COMPONENTS},
        ),
        row(
            f"  passport import ({JSON_COMPONENTS:,} comps)",
            world.db_name,
            f"{import_s:.1f} s",
            metrics={"wall_s": import_s, "components": JSON_COMPONENTS},
        ),
    ]
    return rows


def bench_dashboard(world: World, quick: bool, iterations: int) -> list[dict]:
    """The dashboards over the generated data, after one refresh, and a write's cost."""
    buildings, components = (20, 20_000) if quick else (1_000, 1_000_000)
    _log(f"[{world.db_name}] generating {components:,} components in {buildings:,} buildings")
    start = time.perf_counter()
    first, _last = world.generate(buildings, components, seed=23)
    generate_s = time.perf_counter() - start
    _log(f"[{world.db_name}] scoring and summarising (flask dashboard refresh)")
    refreshed = world.refresh()
    city = "Amsterdam"
    label = "1M" if components == 1_000_000 else f"{components // 1000}k"
    rows = [
        row(
            f"  dashboard refresh ({label} comps)",
            world.db_name,
            f"score {refreshed['scoring_s']:.1f} s + aggregate "
            f"{refreshed['aggregate_refresh_s']:.1f} s",
            metrics={**refreshed, "generate_s": generate_s},
        )
    ]
    for name, path, api in (
        ("organisation page", "/dashboard/organisation", False),
        ("organisation JSON", "/api/v1/dashboard/organisation", True),
        ("city page", f"/dashboard/cities/{city}", False),
    ):
        samples = _timed(world, path, api=api, warmup=2, iterations=iterations)
        stats = _stats_ms(samples)
        in_scope = components if name.startswith("organisation") else components // 8
        rows.append(
            row(
                f"metrics: dashboard {name} ({label} in DB)",
                world.db_name,
                f"median {stats['median_ms']:.0f} ms, p95 {stats['p95_ms']:.0f}",
                f"<= {DASHBOARD_TARGET_MS:.0f} ms",
                stats["p95_ms"] <= DASHBOARD_TARGET_MS,
                {**stats, "components_in_scope": in_scope, "components_in_db": components},
            )
        )
    component = world.get(f"/api/v1/buildings/{first}/components?per_page=1", api=True).json[
        "items"
    ][0]
    samples = []
    for i in range(max(3, iterations // 2)):
        start = time.perf_counter()
        response = world.client.patch(
            f"/api/v1/components/{component['id']}",
            headers=world.headers(),
            json={"condition": 1 + i % 5},
        )
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"PATCH answered {response.status_code}")
    stats = _stats_ms(samples)
    per_building = components // buildings
    rows.append(
        row(
            f"  component edit incl. refresh ({per_building:,}-comp building)",
            world.db_name,
            f"median {stats['median_ms']:.0f} ms, p95 {stats['p95_ms']:.0f}",
            metrics=stats,
        )
    )
    return rows


def _run_database(db_name: str, url: str, quick: bool) -> list[dict]:
    iterations = 5 if quick else 20
    world = World(url, db_name)
    rows: list[dict] = []
    try:
        _log(f"[{db_name}] passport PDF of {PDF_COMPONENTS:,} components")
        rows.append(bench_pdf(world))
        _log(f"[{db_name}] passport JSON of {JSON_COMPONENTS:,} components")
        rows += bench_json(world, 3 if quick else 10)
        rows += bench_dashboard(world, quick, iterations)
    finally:
        world.close()
    return rows


def _failure(db_name: str, exc: BaseException) -> dict:
    return row("metrics", db_name, f"ERROR: {type(exc).__name__}: {exc}"[:300], ok=False)


def run(quick: bool, databases: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    """Every figure, on each database; a failure becomes an ERROR row."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="mpx-bench-metrics-") as workdir, ExitStack() as stack:
        for db_name in databases:
            try:
                if db_name == "sqlite":
                    url = f"sqlite:///{Path(workdir) / 'metrics.sqlite'}"
                else:
                    from tests.pg import throwaway_cluster

                    _log("starting a throwaway PostgreSQL cluster")
                    url = stack.enter_context(
                        throwaway_cluster(dbname="mpx_bench_metrics", port=PG_PORT)
                    )
                rows += _run_database(db_name, url, quick)
            except Exception as exc:  # reported as an ERROR row; the other database still runs
                _log(f"[{db_name}] failed: {exc!r}")
                rows.append(_failure(db_name, exc))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the metrics benchmarks and print their table (and JSON with --json)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_metrics", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="20k components for the dashboard")
    parser.add_argument(
        "--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument(
        "--pdf-child", nargs=3, metavar=("URL", "BUILDING", "EMAIL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.pdf_child:
        url, building_id, email = args.pdf_child
        _pdf_child(url, int(building_id), email)
        return 0
    rows = run(args.quick, tuple(args.db))
    print_rows(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str) + "\n", encoding="utf-8")
    return 0 if all(r["ok"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
