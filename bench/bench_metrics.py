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
import json
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.common import row
from bench.metrics_cases import JSON_COMPONENTS
from bench.metrics_cases import PDF_COMPONENTS
from bench.metrics_cases import bench_dashboard
from bench.metrics_cases import bench_json
from bench.metrics_cases import bench_pdf
from bench.metrics_cases import pdf_child
from bench.metrics_world import World
from bench.metrics_world import log_progress
from bench.report import print_rows

PG_PORT = 5447


def _run_database(db_name: str, url: str, quick: bool) -> list[dict]:
    iterations = 5 if quick else 20
    world = World(url, db_name)
    rows: list[dict] = []
    try:
        log_progress(f"[{db_name}] passport PDF of {PDF_COMPONENTS:,} components")
        rows.append(bench_pdf(world))
        log_progress(f"[{db_name}] passport JSON of {JSON_COMPONENTS:,} components")
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

                    log_progress("starting a throwaway PostgreSQL cluster")
                    url = stack.enter_context(
                        throwaway_cluster(dbname="mpx_bench_metrics", port=PG_PORT)
                    )
                rows += _run_database(db_name, url, quick)
            except Exception as exc:  # reported as an ERROR row; the other database still runs
                log_progress(f"[{db_name}] failed: {exc!r}")
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
        pdf_child(url, int(building_id), email)
        return 0
    rows = run(args.quick, tuple(args.db))
    print_rows(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str) + "\n", encoding="utf-8")
    return 0 if all(r["ok"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
