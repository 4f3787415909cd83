"""Benchmark `mixed`: a production-like server under a mixed workload for a minute.

What a busy day looks like: contractors scanning tags on site, buyers searching the exchange,
and some of those scans turning into recorded events. 70% of the requests are scans
(`GET /t/<tag>`, half asking for the HTML page and half for JSON, of random existing tags),
25% are searches (`GET /api/v1/listings?q=…` with varied filters, radius and sort, as a
buyer with a bearer token), and 5% are event writes (`POST /api/v1/components/<id>/events`,
an `inspected` or `note` event as JSON, by a contractor whose organisation was granted the
building, each with its own `Idempotency-Key`).

The server runs as `make serve` runs it: gunicorn with gunicorn.conf.py and wsgi:app,
APP_ENV=production (its own SECRET_KEY and DATABASE_URL), several sync workers, rate limits
and lockout counters in a throwaway redis-server (as in production; each worker's memory when
redis-server is not installed), one JSON log line per request. The rate limits are raised
for the run (SCAN_RATE_LIMIT, LOGIN_RATE_LIMIT, LOGIN_LOCKOUT set to a million a minute):
the load comes from one address, which production would throttle as one abusive client.

The database is a throwaway PostgreSQL cluster (tests.pg), migrated, then filled like the
search benchmark fills it (bench.bench_search.populate: published listings with their
components, a buyer and a token), then with `flask demo generate` (bench.generate: hundreds
of thousands of components in generated buildings), then VACUUM ANALYZE. A contractor
organisation is granted every generated building.

wrk drives the load (bench/mixed.lua), one connection per wrk thread, so that the Lua side
knows which request each response belongs to and keeps latency percentiles and status counts
per class; wrk's own figures give the overall latency and the socket errors. A short warm-up
run comes first. Errors must be zero: socket errors, timeouts and any status outside
2xx/3xx. The events written are counted in the database afterwards and must match the 201s
(give or take the requests still in flight when wrk stops, which it does not count).

Run alone with `python -m bench.mixed [--duration 60] [--quick]`; `python -m bench` runs it
with the other benchmarks.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench import servers
from bench.common import PostgresServer
from bench.common import Result
from bench.common import human_count
from bench.common import log
from bench.common import scalar
from bench.common import sigterm_as_exit
from bench.mixed_setup import GENEROUS_LIMIT
from bench.mixed_setup import Sizes
from bench.mixed_setup import Workload
from bench.mixed_setup import prepare
from bench.mixed_setup import production_server

WRK_SCRIPT = Path(__file__).with_name("mixed.lua")
MIX = {"scan": 0.70, "search": 0.25, "event": 0.05}
HTML_SHARE = 0.5
CLASS_LABELS = {
    "scan": "scan GET /t/<tag> (half HTML)",
    "search": "search GET /api/v1/listings",
    "event": "event POST .../events",
}


def run_wrk(base_url: str, workload: Workload, seconds: int, connections: int) -> dict:
    """One wrk run of the mixed script; its figures (overall and per class) as a dict."""
    args = [
        str(workload.files["tags"]),
        str(workload.files["searches"]),
        str(workload.files["components"]),
        workload.buyer_token,
        workload.contractor_token,
        str(MIX["scan"]),
        str(MIX["search"]),
        str(HTML_SHARE),
    ]
    # One connection per thread: mixed.lua then knows which request an answer belongs to.
    figures = servers.run_wrk(WRK_SCRIPT, base_url, seconds, connections, args, threads=connections)
    seconds_run = figures["duration_us"] / 1e6
    for figure in figures["classes"].values():
        figure["per_s"] = figure["requests"] / seconds_run
        figure["failed"] = sum(n for code, n in figure["status"].items() if int(code) >= 400)
    errors = figures["errors"]
    figures["socket_errors"] = errors["connect"] + errors["read"] + errors["write"]
    figures["failed"] = figures["socket_errors"] + errors["timeout"] + errors["status"]
    return figures


def _events_in_db(url: str) -> int:
    return scalar(url, "SELECT count(*) FROM component_events")


def measure(workload: Workload, sizes: Sizes, workdir: Path) -> list[Result]:
    """Serve the workload's database and run the mixed load against it."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: scripts/ensure-debian-packages.sh wrk")
    with production_server(workload.url, workdir, "mixed", sizes.workers) as server:
        log(f"mixed: warm-up {sizes.warmup_s} s")
        run_wrk(server.base_url, workload, sizes.warmup_s, sizes.connections)
        events_before = _events_in_db(workload.url)
        load_before = os.getloadavg()
        log(
            f"mixed: {sizes.duration_s} s, {sizes.workers} gunicorn workers, "
            f"{sizes.connections} connections"
        )
        figures = run_wrk(server.base_url, workload, sizes.duration_s, sizes.connections)
        load_after = os.getloadavg()
        events_written = _events_in_db(workload.url) - events_before
        redis = server.redis
    created = figures["classes"]["event"]["status"].get("201", 0)
    latency = figures["latency_us"]
    where = f"{human_count(workload.components_in_db)} comps"
    metrics = {
        **figures,
        "workers": sizes.workers,
        "connections": sizes.connections,
        "duration_s": sizes.duration_s,
        "mix": MIX,
        "html_share_of_scans": HTML_SHARE,
        "components_in_db": workload.components_in_db,
        "published_listings": workload.published_listings,
        "events_written_in_db": events_written,
        "events_201": created,
        "rate_limit_storage": redis,
        "loadavg_1min": {"before": load_before[0], "after": load_after[0]},
        "setup_s": workload.setup_s,
    }
    # wrk drops the answers still in flight when time is up: those events exist but were not
    # counted, at most one per connection.
    consistent = created <= events_written <= created + sizes.connections
    ok = figures["failed"] == 0 and consistent
    notes = [
        f"gunicorn -c gunicorn.conf.py wsgi:app, APP_ENV=production, {sizes.workers} sync "
        f"workers; wrk {sizes.connections} threads x 1 connection, {sizes.duration_s} s after "
        f"a {sizes.warmup_s} s warm-up; mix {MIX['scan']:.0%} scan / {MIX['search']:.0%} "
        f"search / {MIX['event']:.0%} event; rate limits in {redis}, raised to "
        f"'{GENEROUS_LIMIT}' (SCAN_RATE_LIMIT, LOGIN_RATE_LIMIT, LOGIN_LOCKOUT)",
        f"database: {workload.components_in_db:,} components, "
        f"{workload.published_listings:,} published listings (set up in "
        f"{workload.setup_s:.0f} s); events in the database +{events_written:,} for "
        f"{created:,} answers 201 (the difference: requests in flight when wrk stopped, "
        f"at most {sizes.connections})",
        f"errors: socket {figures['socket_errors']}, timeouts {figures['errors']['timeout']}, "
        f"non-2xx/3xx {figures['errors']['status']}; load average (1 min) "
        f"{load_before[0]:.2f} -> {load_after[0]:.2f} on {os.cpu_count()} CPUs",
    ]
    rows = [
        Result(
            f"mixed 70/25/5, HTTP ({where})",
            "postgresql",
            f"{figures['per_s']:,.0f} req/s, p99 {latency['p99'] / 1000:.0f} ms, "
            f"{figures['failed']} errors",
            "0 errors",
            ok,
            metrics,
            notes,
        )
    ]
    for name, figure in figures["classes"].items():
        statuses = ", ".join(f"{code} x{n}" for code, n in sorted(figure["status"].items()))
        rows.append(
            Result(
                f"  {CLASS_LABELS[name]}",
                "postgresql",
                f"{figure['per_s']:,.1f} req/s, p50 {figure['p50_us'] / 1000:.1f} ms, "
                f"p99 {figure['p99_us'] / 1000:.0f} ms, {figure['failed']} failed",
                metrics={"class": name, **figure},
                notes=[f"{figure['requests']:,} requests: {statuses}"],
            )
        )
    return rows


def bench(
    server: PostgresServer, workdir: Path, quick: bool, duration_s: int | None = None
) -> tuple[list[Result], Workload]:
    """Prepare the database and run the mixed load; the workload stays for bench.faults."""
    sizes = Sizes.for_run(quick)
    if duration_s:
        sizes.duration_s = duration_s
    workload = prepare(server, workdir, sizes)
    return measure(workload, sizes, workdir), workload


def main(argv: list[str] | None = None) -> int:
    """Command line: set up, run, print the rows; exit 1 when the run failed or saw errors."""
    from bench.report import finish

    parser = argparse.ArgumentParser(
        prog="python -m bench.mixed", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--duration", type=int, default=None, help="seconds of load (60)")
    parser.add_argument("--quick", action="store_true", help="small database, 10 s of load")
    parser.add_argument("--components", type=int, help="generated components")
    parser.add_argument("--listings", type=int, help="published listings")
    parser.add_argument("--workers", type=int, help="gunicorn workers (4)")
    parser.add_argument("--connections", type=int, help="wrk connections (8)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    sizes = Sizes.for_run(args.quick)
    for name in ("components", "listings", "workers", "connections"):
        if getattr(args, name):
            setattr(sizes, name, getattr(args, name))
    if args.duration:
        sizes.duration_s = args.duration
    sizes.buildings = max(1, sizes.components // 1000)
    with sigterm_as_exit(), ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mpx-mixed-")))
        server = PostgresServer(stack)
        workload = prepare(server, workdir, sizes)
        rows = measure(workload, sizes, workdir)
    return finish(rows, args.json)


if __name__ == "__main__":
    sys.exit(main())
