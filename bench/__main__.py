"""Command line of the benchmarks: `python -m bench [--only generate,overview] [--quick]`.

Runs the selected benchmarks on SQLite and PostgreSQL (a throwaway cluster from tests.pg),
prints progress on stderr, a table and details on stdout, and writes bench/results/latest.json.
`generate` leaves a database of a million components that `overview-scale`, `scan` and
`resolver` (the GS1 linkset and tag JSON against a bare app, bench.bench_resolver) and
`mine-dashboard` (the city dashboard over a 100,000-building register, bench.bench_mine_dashboard)
reuse;
`labels`, `languages` (Japanese against English page renders) and `images` (a worker's
peak memory for an oversized image on `/scan`) do not depend
on the database kind and run once; `matching` (a wanted request against 100,000 listings and
1,000,000 components due for demolition) builds its own data on each database; `register` imports
a building register of 100,000 buildings through `flask mine import` (fresh, unchanged, updated)
on each database. `mixed` (a minute of
scans, searches and event writes against gunicorn as in production) and `faults` (PostgreSQL
restarted under load, a full upload disk) run on PostgreSQL only, on one database of their own.
Everything lives in one temporary directory and one cluster, both removed at the end, also
on Ctrl-C or SIGTERM. The exit status is 1 when a benchmark failed to run, never because a
figure missed its target.
`queue` (a 10,000-label sheet through the job queue: gunicorn, a job worker and Redis) runs on
each database.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from contextlib import ExitStack
from datetime import UTC
from datetime import datetime
from pathlib import Path

from bench import bench_bundles
from bench import bench_credentials
from bench import bench_ids
from bench import bench_images
from bench import bench_labels
from bench import bench_languages
from bench import bench_map
from bench import bench_matching
from bench import bench_mine_dashboard
from bench import bench_queue
from bench import bench_register
from bench import bench_resolver
from bench import bench_writeback
from bench import faults
from bench import generate
from bench import mixed
from bench import overview
from bench import report
from bench import scan
from bench.common import ROOT
from bench.common import PostgresServer
from bench.common import Result
from bench.common import Settings
from bench.common import log
from bench.common import sigterm_as_exit

BENCHMARKS = (
    "generate",
    "overview",
    "overview-scale",
    "scan",
    "labels",
    "languages",
    "images",
    "matching",
    "mixed",
    "faults",
    "bundles",
    "ids",
    "writeback",
    "credentials",
    "resolver",
    "queue",
    "register",
    "map",
    "mine-dashboard",
)
PRODUCTION = ("mixed", "faults")
ON_GENERATED = ("generate", "overview-scale", "scan", "resolver", "map", "mine-dashboard")
DATABASES = ("sqlite", "postgresql")


def _csv(value: str, allowed: tuple[str, ...], what: str) -> list[str]:
    chosen = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in allowed]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown {what}: {', '.join(unknown) or '(none)'}; choose from {', '.join(allowed)}"
        )
    return chosen


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Options: --only, --db, --quick, --output."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        type=lambda v: _csv(v, BENCHMARKS, "benchmark"),
        default=list(BENCHMARKS),
        help=f"comma-separated benchmarks ({', '.join(BENCHMARKS)})",
    )
    parser.add_argument(
        "--db",
        type=lambda v: _csv(v, DATABASES, "database"),
        default=list(DATABASES),
        help="comma-separated: sqlite,postgresql",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and few iterations, for a smoke run"
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="JSON file (default bench/results/latest.json)"
    )
    return parser.parse_args(argv)


def _git() -> dict:
    def run(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    return {
        "commit": run("rev-parse", "HEAD"),
        "dirty_files": len(run("status", "--porcelain").splitlines()),
    }


def _failure(name: str, db: str, exc: BaseException) -> Result:
    log(f"{name} on {db} FAILED: {exc}")
    return Result(
        name,
        db,
        f"ERROR: {str(exc).splitlines()[0][:60]}",
        notes=traceback.format_exception(exc)[-3:],
    )


def _with_load(rows: list[Result], before: float) -> list[Result]:
    """Attach the 1-minute load average before and after to every row's metrics."""
    after = os.getloadavg()[0]
    for row in rows:
        row.metrics.setdefault("loadavg_1min", {"before": before, "after": after})
    return rows


def run_database(
    db: str, selected: list[str], settings: Settings, workdir: Path, server: PostgresServer | None
) -> list[Result]:
    """All selected benchmarks on one database kind, in an order that reuses the big data."""
    results: list[Result] = []
    if "overview" in selected:
        try:
            load = os.getloadavg()[0]
            results += _with_load(overview.bench_empty(db, settings, workdir, server), load)
        except Exception as exc:  # report it and carry on with the others
            results.append(_failure("overview", db, exc))
    if any(name in selected for name in ON_GENERATED):
        load = os.getloadavg()[0]
        try:
            if db == "sqlite":
                rows, dataset = generate.bench_sqlite(settings, workdir)
            else:
                rows, dataset = generate.bench_postgres(settings, workdir, server)
        except Exception as exc:  # reported as an ERROR row
            results.append(_failure("generate", db, exc))
            return results
        if "generate" in selected:
            results += _with_load(rows, load)
        if "overview-scale" in selected:
            try:
                load = os.getloadavg()[0]
                results += _with_load(overview.bench_scale(dataset, settings), load)
            except Exception as exc:  # reported as an ERROR row
                results.append(_failure("overview-scale", db, exc))
        if "scan" in selected:
            try:
                load = os.getloadavg()[0]
                results += _with_load(scan.bench(dataset, settings, workdir), load)
            except Exception as exc:  # reported as an ERROR row
                results.append(_failure("scan", db, exc))
        if "resolver" in selected:
            try:
                load = os.getloadavg()[0]
                results += _with_load(bench_resolver.bench(dataset, settings, workdir), load)
            except Exception as exc:  # reported as an ERROR row
                results.append(_failure("resolver", db, exc))
        if "map" in selected:
            try:
                load = os.getloadavg()[0]
                results += _with_load(bench_map.bench(dataset, settings), load)
            except Exception as exc:  # reported as an ERROR row
                results.append(_failure("map", db, exc))
        if "mine-dashboard" in selected:
            # Last: it adds a 100,000-building register and the passports' aggregates.
            try:
                load = os.getloadavg()[0]
                results += _with_load(bench_mine_dashboard.bench(dataset, settings, workdir), load)
            except Exception as exc:  # reported as an ERROR row
                results.append(_failure("mine-dashboard", db, exc))
        if db == "sqlite":
            for leftover in workdir.glob("generate.sqlite*"):
                leftover.unlink()
        else:
            server.drop_database(dataset.url)
    return results


def run_labels(settings: Settings) -> list[Result]:
    """The label benchmarks (bench.bench_labels), which run on SQLite only."""
    try:
        load = os.getloadavg()[0]
        rows = [Result(**{**row, "db": "sqlite"}) for row in bench_labels.run(settings.quick)]
        return _with_load(rows, load)
    except Exception as exc:  # reported as an ERROR row
        return [_failure("labels", "sqlite", exc)]


def run_languages(settings: Settings) -> list[Result]:
    """Japanese against English page renders (bench.bench_languages), on SQLite only."""
    try:
        load = os.getloadavg()[0]
        rows = [Result(**row) for row in bench_languages.run(settings.quick)]
        return _with_load(rows, load)
    except Exception as exc:  # reported as an ERROR row
        return [_failure("languages", "sqlite", exc)]


def run_images(settings: Settings) -> list[Result]:
    """The image budget benchmark (bench.bench_images): each case in a worker of its own."""
    try:
        load = os.getloadavg()[0]
        return _with_load([Result(**row) for row in bench_images.run(settings.quick)], load)
    except Exception as exc:  # reported as an ERROR row
        return [_failure("images", "-", exc)]


def run_bundles(dbs: list[str], settings: Settings, workdir: Path, server) -> list[Result]:
    """The bundle benchmarks (bench.bench_bundles): the proposal, then the race per database."""
    try:
        load = os.getloadavg()[0]
        return _with_load(bench_bundles.run(dbs, settings.quick, workdir, server), load)
    except Exception as exc:  # reported as an ERROR row
        return [_failure("bundles", ",".join(dbs), exc)]


def run_writeback(settings: Settings) -> list[Result]:
    """The IFC write-back of the Tekla sample (bench.bench_writeback), on SQLite only."""
    try:
        load = os.getloadavg()[0]
        return _with_load([Result(**row) for row in bench_writeback.run(settings.quick)], load)
    except Exception as exc:  # reported as an ERROR row
        return [_failure("writeback", "sqlite", exc)]


def run_matching(settings: Settings, databases: list[str]) -> list[Result]:
    """One wanted request against 100,000 listings and 1,000,000 components of buildings due
    for demolition (bench.bench_matching), on each database."""
    try:
        load = os.getloadavg()[0]
        rows = [Result(**row) for row in bench_matching.run(settings.quick, tuple(databases))]
        return _with_load(rows, load)
    except Exception as exc:  # reported as an ERROR row
        return [_failure("matching", ",".join(databases), exc)]


def run_ids(settings: Settings) -> list[Result]:
    """The IDS check of Office_A (bench.bench_ids), database-free: run once."""
    try:
        load = os.getloadavg()[0]
        return _with_load([Result(**row) for row in bench_ids.run(settings.quick)], load)
    except Exception as exc:  # reported as an ERROR row
        return [_failure("ids", "-", exc)]


def run_credentials(settings: Settings, databases: list[str]) -> list[Result]:
    """A component's signed UNTP credential (bench.bench_credentials), on each database."""
    try:
        load = os.getloadavg()[0]
        rows = [Result(**row) for row in bench_credentials.run(settings.quick, tuple(databases))]
        return _with_load(rows, load)
    except Exception as exc:  # reported as an ERROR row
        return [_failure("credentials", ",".join(databases), exc)]


def run_queue(settings: Settings, databases: list[str]) -> list[Result]:
    """A 10,000-label sheet through the job queue (bench.bench_queue), on each database."""
    try:
        load = os.getloadavg()[0]
        rows = [Result(**row) for row in bench_queue.run(settings.quick, tuple(databases))]
        return _with_load(rows, load)
    except Exception as exc:  # reported as an ERROR row
        return [_failure("queue", ",".join(databases), exc)]


def run_register(settings: Settings, databases: list[str], workdir: Path, server) -> list[Result]:
    """A register of 100,000 buildings imported through `flask mine import`, fresh and again
    (bench.bench_register), on each database."""
    try:
        load = os.getloadavg()[0]
        rows = bench_register.run(settings.quick, tuple(databases), workdir, server)
        return _with_load([Result(**r) for r in rows], load)
    except Exception as exc:  # reported as an ERROR row
        return [_failure("register", ",".join(databases), exc)]


def run_production(
    selected: list[str], settings: Settings, workdir: Path, server: PostgresServer
) -> list[Result]:
    """bench.mixed and bench.faults, on one database prepared for both (PostgreSQL only)."""
    chosen = [name for name in PRODUCTION if name in selected]
    try:
        sizes = mixed.Sizes.for_run(settings.quick)
        workload = mixed.prepare(server, workdir, sizes)
    except Exception as exc:  # reported as an ERROR row
        return [_failure(",".join(chosen), "postgresql", exc)]
    results: list[Result] = []
    if "mixed" in chosen:
        try:
            load = os.getloadavg()[0]
            results += _with_load(mixed.measure(workload, sizes, workdir), load)
        except Exception as exc:  # reported as an ERROR row
            results.append(_failure("mixed", "postgresql", exc))
    if "faults" in chosen:
        try:
            load = os.getloadavg()[0]
            duration = 12 if settings.quick else 30
            results += _with_load(faults.bench(workload, workdir, duration), load)
        except Exception as exc:  # reported as an ERROR row
            results.append(_failure("faults", "postgresql", exc))
    server.drop_database(workload.url)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run, print and save the benchmarks; return the exit status."""
    args = parse_args(argv)
    settings = Settings.for_run(args.quick)
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    start = time.perf_counter()
    load_start = os.getloadavg()
    results: list[Result] = []
    server = None
    with sigterm_as_exit(), ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mpx-bench-")))
        server = PostgresServer(stack)
        if "labels" in args.only:
            results += run_labels(settings)
        if "languages" in args.only:
            results += run_languages(settings)
        if "images" in args.only:
            results += run_images(settings)
        if "bundles" in args.only:
            results += run_bundles(args.db, settings, workdir, server)
        if "writeback" in args.only:
            results += run_writeback(settings)
        if "matching" in args.only:
            results += run_matching(settings, args.db)
        if "ids" in args.only:
            results += run_ids(settings)
        if "credentials" in args.only:
            results += run_credentials(settings, args.db)
        if "queue" in args.only:
            results += run_queue(settings, args.db)
        if "register" in args.only:
            results += run_register(settings, args.db, workdir, server)
        for db in args.db:
            try:
                results += run_database(db, args.only, settings, workdir, server)
            except Exception as exc:  # e.g. the cluster would not start
                results.append(_failure(",".join(args.only), db, exc))
        if any(name in args.only for name in PRODUCTION):
            if "postgresql" in args.db:
                results += run_production(args.only, settings, workdir, server)
            else:
                log("mixed and faults run on PostgreSQL only: skipped with --db sqlite")
        log("cleaning up")
    wall_s = time.perf_counter() - start
    payload = {
        "started_at": started_at,
        "wall_s": wall_s,
        "quick": settings.quick,
        "selected": args.only,
        "databases": args.db,
        "settings": vars(settings),
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "loadavg_start": load_start,
            "loadavg_end": os.getloadavg(),
            "sqlite": sqlite3.sqlite_version,
            "postgresql": server.version if server else None,
            **_git(),
        },
        "results": [r.as_dict() for r in results],
    }
    path = report.write_json(payload, args.output)
    print()
    print(report.table(results))
    print()
    print(report.details(results))
    print()
    print(
        f"Whole run: {wall_s:.0f} s{' (quick)' if settings.quick else ''}. "
        f"JSON: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
    )
    load_end = os.getloadavg()
    cpus = os.cpu_count() or 1
    print(
        f"Load average (1 min) at start {load_start[0]:.2f}, at end {load_end[0]:.2f} "
        f"on {cpus} CPUs."
    )
    if max(load_start[0], load_end[0]) > 0.5 * cpus:
        print(
            "Warning: other processes were busy during the run; timings are noisy "
            "(per-row load averages are in the JSON)."
        )
    return 1 if any(r.figure.startswith("ERROR") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
