"""Benchmark `faults`: what clients see when the database restarts or the disk fills up.

1. PostgreSQL under load. A threaded Python client sends the mixed workload of bench.mixed
   (scans, searches, event writes) to the production-like gunicorn of bench.mixed for
   `--duration` seconds (30), recording every answer with its time. At a third of the run
   the cluster is restarted (`pg_ctl restart -m fast`, as tests.pg runs it); at two thirds
   it is stopped, left down for a few seconds and started again. Gunicorn is never touched.
   Expected: every failed request is a 503 with Retry-After (no 500, no socket error, no
   hang beyond the client's 10 s timeout), and requests succeed again after each fault
   without restarting the app. Printed: counts by status, a per-second timeline around the
   faults, and the time to recovery (from the fault to the first success after the last
   failure).
2. A full disk during photo uploads. UPLOAD_DIR is a 1 MiB tmpfs (so this part needs root;
   elsewhere it says `skipped: needs root`), a quarter of it taken by a filler file. A
   contractor uploads photos (one noisy JPEG per event, about 150 KB) through the real
   server until it answers 507. Expected: a clear 507 message, no partial or temporary file
   in the folder, one stored file per photo row and one event per 201 (no orphan rows);
   and once the filler is deleted, the next upload succeeds, again without a restart.

Run alone with `python -m bench.faults [--duration 30] [--quick]` (it builds a small
database first); `python -m bench` runs it after bench.mixed, on the same database.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.common import PostgresServer
from bench.common import Result
from bench.common import sigterm_as_exit
from bench.faults_disk import full_disk
from bench.faults_restart import restart_under_load
from bench.mixed_setup import Sizes
from bench.mixed_setup import Workload
from bench.mixed_setup import prepare


def bench(workload: Workload, workdir: Path, duration_s: int = 30) -> list[Result]:
    """Both fault scenarios on a prepared workload (see bench.mixed.prepare)."""
    rows = restart_under_load(workload, workdir, duration_s)
    return rows + full_disk(workload, workdir)


def main(argv: list[str] | None = None) -> int:
    """Command line: a small database, both scenarios, the rows; exit 1 on a failed outcome."""
    from bench.report import finish

    parser = argparse.ArgumentParser(
        prog="python -m bench.faults", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--duration", type=int, default=30, help="seconds under load (30)")
    parser.add_argument(
        "--quick", action="store_true", help="the smallest database (same scenarios)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    sizes = Sizes.for_run(True)  # the faults do not depend on the database's size
    if not args.quick:
        sizes.components, sizes.buildings, sizes.listings = 100_000, 100, 5_000
    with sigterm_as_exit(), ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mpx-faults-")))
        server = PostgresServer(stack)
        workload = prepare(server, workdir, sizes)
        rows = bench(workload, workdir, args.duration)
    return finish(rows, args.json)


if __name__ == "__main__":
    sys.exit(main())
