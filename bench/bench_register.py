"""Benchmark `register`: importing a city's building register of 100,000 buildings.

The file comes from mine.synthetic.write_register_csv (a town's plausible stock); it is
imported through the real command line, `flask mine import FILE --organisation ...`, in a
subprocess (bench.common.flask_command), so the figures are what a city's administrator
sees: wall time from process start to exit (app start, reading and checking every row, the
bulk writes, linking and the commit) and the process's peak RSS (wait4). Three times per
database: a fresh import into an empty register, the same file again (a re-import: every row
looked up by register id, all unchanged), then a file with the same ids and other values
(every building updated). Targets: at most 60 s and under 500 MB each.

Run alone: `python -m bench.bench_register [--quick] [--db sqlite,postgresql]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.common import flask_command
from bench.common import human_bytes
from bench.common import log
from bench.common import migrate
from bench.common import row
from bench.common import scalar
from bench.common import sqlite_url
from bench.report import print_rows

BUILDINGS = 100_000
TARGET_S = 60.0
TARGET_RSS = 500 * 1024 * 1024
ORGANISATION = "Gemeente Brummen (bench)"


def _one(db: str, url: str, workdir: Path, count: int) -> list[dict]:
    from mine.synthetic import write_register_csv

    migrate(url, workdir)
    made = flask_command(
        ["orgs", "create", ORGANISATION, "--kind", "municipality"], url, workdir / f"org-{db}.log"
    )
    if made.returncode != 0:
        raise RuntimeError(f"flask orgs create failed:\n{made.tail()}")
    original = write_register_csv(workdir / "register.csv", count)
    # The same register ids with other values (another seed): every building is updated.
    changed = write_register_csv(workdir / "register-changed.csv", count, seed=16)
    rows = []
    for label, path in (
        ("fresh import", original),
        ("re-import (all unchanged)", original),
        ("re-import (all updated)", changed),
    ):
        log(f"register {db}: {label} of {count:,} buildings")
        done = flask_command(
            ["mine", "import", str(path), "--organisation", ORGANISATION],
            url,
            workdir / f"register-{db}-{len(rows)}.log",
            timeout_s=20 * TARGET_S,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask mine import failed:\n{done.tail()}")
        stored = scalar(url, "SELECT count(*) FROM register_buildings")
        ok = done.wall_s <= TARGET_S and done.peak_rss_bytes < TARGET_RSS and stored == count
        rows.append(
            row(
                "register",
                db,
                f"{label}, {count:,} buildings: {done.wall_s:.1f} s, peak RSS "
                f"{human_bytes(done.peak_rss_bytes)}",
                f"≤ {TARGET_S:g} s, < {human_bytes(TARGET_RSS)}",
                ok,
                metrics={
                    "buildings": count,
                    "stored": stored,
                    "wall_s": round(done.wall_s, 2),
                    "peak_rss_bytes": done.peak_rss_bytes,
                    "output": done.tail(3),
                },
                notes=["flask mine import in a subprocess: app start included"],
            )
        )
    return rows


def run(quick: bool, databases: tuple[str, ...], workdir: Path, server=None) -> list[dict]:
    """The benchmark on each database; result rows."""
    count = 10_000 if quick else BUILDINGS
    rows = []
    for db in databases:
        folder = workdir / f"register-{db}"
        folder.mkdir(exist_ok=True)
        if db == "sqlite":
            url = sqlite_url(folder / "register.sqlite")
        else:
            url = server.new_database("mpx_bench_register")
        rows += _one(db, url, folder, count)
        if db == "postgresql":
            server.drop_database(url)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark alone and print its rows."""
    from contextlib import ExitStack

    from bench.common import PostgresServer

    parser = argparse.ArgumentParser(prog="python -m bench.bench_register")
    parser.add_argument("--quick", action="store_true", help="10,000 buildings")
    parser.add_argument("--db", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mpx-bench-")))
        server = PostgresServer(stack)
        print_rows(run(args.quick, tuple(args.db.split(",")), workdir, server))
    return 0


if __name__ == "__main__":
    sys.exit(main())
