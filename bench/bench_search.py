"""Benchmark `search`: the exchange's search over 100,000 published listings.

Each request combines a text query, two filters, a 50 km radius around a city, a sort and
the facet counts: what a procurement officer asks ("about 275 t of reclaimed bricks within
50 km, available before June"). Target: p95 <= 50 ms server-side, on SQLite and PostgreSQL.

The data is bulk-inserted with SQLAlchemy Core (buildings, one component per listing with
its tag, the listings and their links), then indexed for full text in one statement
(`marketplace.search.reindex_all`: INSERT … SELECT into FTS5 on SQLite, one UPDATE of the
tsvector column on PostgreSQL), then analysed as autovacuum / `PRAGMA optimize` would. The
variety is realistic: titles and materials from the material library
(passports/data/materials.csv) with their CPV codes and families, 48 cities of the
Netherlands, Denmark and Belgium with their coordinates, conditions, quantities and units,
prices, availability windows (some already ended), and a few thousand listings that are not
published (drafts, withdrawn, sold out).

Requests go through the Flask test client in-process (`GET /api/v1/listings` with a bearer
token; each request in its own application context, as in production), so the figures are
server time without network: authentication, validation, SQL, serialisation. After a
warm-up (30 other queries, then one pass over the timed ones, which is reported too: that is
when SQLAlchemy compiles each new shape of statement), 200 requests with varied queries are
timed; the CPU time of the process per request and the load average are reported beside
them, since other work on the machine inflates wall times. The HTML page `/exchange` is
timed on the same queries for information. One request is then run with a statement
recorder, and the plans of its statements (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) are kept.

Run alone with `python -m bench.bench_search [--quick] [--db sqlite,postgresql]`; `run(quick)`
returns the result rows for the bench runner.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/bench_search.py` as well as `-m`
    sys.path.insert(0, str(ROOT))

from bench.search_data import populate  # noqa: E402
from bench.search_data import queries  # noqa: E402

BENCHMARK = "search"
TARGET_MS = 50.0
PG_PORT = 5441


# ------------------------------------------------------------------------------ timing
def _stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    n = len(ordered)

    def rank(p):
        return ordered[max(0, math.ceil(p * n) - 1)] * 1000

    return {
        "n": n,
        "p50_ms": round(rank(0.50), 2),
        "p95_ms": round(rank(0.95), 2),
        "p99_ms": round(rank(0.99), 2),
        "mean_ms": round(sum(ordered) / n * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def measure(db_name: str, url: str, listings: int, warmup: int, iterations: int) -> dict:
    """Build the data set on `url`, time the API and the page, and return a result row."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from bench.common import explain
    from bench.common import login
    from bench.common import record_statements

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    _log(f"search {db_name}: inserting {listings:,} listings")
    setup = populate(app, listings)
    _log(
        f"search {db_name}: inserted in {setup['insert_s']:.1f} s, FTS {setup['fts_index_s']:.1f}"
        f" s, analyse {setup['analyse_s']:.1f} s"
    )
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {setup['token']}"}
    page = app.test_client()
    login(page, setup["email"])
    warm = queries(warmup, seed=1)
    timed = queries(iterations, seed=7)
    totals, cold = [], []

    def call(client, path, params, headers):
        response = client.get(f"{path}?{urlencode(params)}", headers=headers)
        if response.status_code != 200:
            raise RuntimeError(
                f"{path} {params}: {response.status_code} {response.get_data(as_text=True)[:300]}"
            )
        return response

    for params in warm:
        call(api, "/api/v1/listings", params, bearer)
        call(page, "/exchange", params, {})
    # A first pass over the timed queries, also timed ("cold"): each new combination of
    # filters and sort is a new statement for SQLAlchemy to compile, as in a fresh worker.
    for params in timed:
        start = time.perf_counter()
        call(api, "/api/v1/listings", params, bearer)
        cold.append(time.perf_counter() - start)
        call(page, "/exchange", params, {})
    gc.collect()
    api_samples, api_cpu, page_samples = [], [], []
    load_before = os.getloadavg()[0]
    for params in timed:
        start, cpu = time.perf_counter(), time.process_time()
        response = call(api, "/api/v1/listings", params, bearer)
        api_samples.append(time.perf_counter() - start)
        api_cpu.append(time.process_time() - cpu)
        totals.append(response.get_json()["total"])
        start = time.perf_counter()
        call(page, "/exchange", params, {})
        page_samples.append(time.perf_counter() - start)
    load_after = os.getloadavg()[0]
    api_stats, page_stats = _stats(api_samples), _stats(page_samples)
    cold_stats, cpu_stats = _stats(cold), _stats(api_cpu)
    # The plans of one typical request, for EXPLAIN on both databases.
    typical = {
        "q": "bricks",
        "material_family": "masonry",
        "condition_min": 3,
        "lat": 52.09,
        "lon": 5.12,
        "radius_km": 50,
        "sort": "distance",
    }
    with app.app_context():
        engine = db.engine
    with record_statements(engine) as recorded:
        start = time.perf_counter()
        body = call(api, "/api/v1/listings", typical, bearer).get_json()
        request_ms = (time.perf_counter() - start) * 1000
    plans = explain(engine, recorded, reads=("SELECT", "WITH"), width=600)
    ok = api_stats["p95_ms"] <= TARGET_MS
    with app.app_context():
        db.engine.dispose()
    return {
        "benchmark": BENCHMARK,
        "db": db_name,
        "figure": f"p50 {api_stats['p50_ms']:.1f} ms, p95 {api_stats['p95_ms']:.1f} ms",
        "target": f"p95 <= {TARGET_MS:.0f} ms",
        "ok": ok,
        "metrics": {
            "listings": listings,
            "published": setup["published"],
            "fts_rows": setup["indexed"],
            "api": api_stats,
            "page": page_stats,
            "api_first_pass": cold_stats,
            "api_process_cpu": cpu_stats,
            "load_average": [round(load_before, 2), round(load_after, 2)],
            "cpus": os.cpu_count(),
            "results_per_query": {
                "min": min(totals),
                "median": sorted(totals)[len(totals) // 2],
                "max": max(totals),
                "empty": sum(1 for t in totals if not t),
            },
            "insert_s": round(setup["insert_s"], 2),
            "fts_index_s": round(setup["fts_index_s"], 2),
            "analyse_s": round(setup["analyse_s"], 2),
            "profile": {
                "params": typical,
                "total": body["total"],
                "statements": len(recorded),
                "sql_ms": round(sum(s["ms"] for s in recorded), 2),
                "request_ms": round(request_ms, 2),
                "plans": plans,
            },
        },
        "notes": [
            f"API GET /api/v1/listings: {iterations} varied queries after {warmup} warm-up "
            f"queries and one pass over the same {iterations} (p50 {cold_stats['p50_ms']:.1f} "
            f"ms, p95 {cold_stats['p95_ms']:.1f} ms while statements were compiled)",
            f"CPU time of this process per API request: p50 {cpu_stats['p50_ms']:.1f} ms, "
            f"p95 {cpu_stats['p95_ms']:.1f} ms (PostgreSQL's own work not included); load "
            f"average {load_before:.1f} → {load_after:.1f} on {os.cpu_count()} CPUs",
            f"page /exchange on the same queries: p50 {page_stats['p50_ms']:.1f} ms, "
            f"p95 {page_stats['p95_ms']:.1f} ms",
            f"{len(recorded)} SQL statements for a typical request, "
            f"{sum(s['ms'] for s in recorded):.1f} ms of SQL in {request_ms:.1f} ms",
        ],
    }


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _failure(db_name: str, exc: BaseException) -> dict:
    _log(f"search on {db_name} FAILED: {exc}")
    return {
        "benchmark": BENCHMARK,
        "db": db_name,
        "figure": "failed",
        "target": f"p95 <= {TARGET_MS:.0f} ms",
        "ok": False,
        "metrics": {},
        "notes": [f"{type(exc).__name__}: {exc}", traceback.format_exc()[-2000:]],
    }


def run(quick: bool, databases: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    """The benchmark on each database: 100,000 listings and 200 timed queries, or a small
    smoke run when `quick`."""
    listings, warmup, iterations = (5_000, 10, 40) if quick else (100_000, 30, 200)
    rows = []
    with tempfile.TemporaryDirectory(prefix="mpx-bench-search-") as tmp:
        if "sqlite" in databases:
            try:
                rows.append(
                    measure(
                        "sqlite",
                        f"sqlite:///{Path(tmp) / 'search.sqlite'}",
                        listings,
                        warmup,
                        iterations,
                    )
                )
            except Exception as exc:  # report and go on with the other database
                rows.append(_failure("sqlite", exc))
        if "postgresql" in databases:
            try:
                from tests.pg import throwaway_cluster

                with throwaway_cluster(dbname="mpx_bench_search", port=PG_PORT) as url:
                    rows.append(measure("postgresql", url, listings, warmup, iterations))
            except Exception as exc:
                rows.append(_failure("postgresql", exc))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command line: print the rows as a table and JSON; exit 1 when a database failed."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_search", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="5,000 listings, 40 queries")
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows = run(args.quick, tuple(d.strip() for d in args.db.split(",") if d.strip()))
    for row in rows:
        ok = {True: "yes", False: "NO", None: "-"}[row["ok"]]
        print(f"{row['benchmark']:8} {row['db']:11} {row['figure']:32} {row['target']:16} {ok}")
        for note in row["notes"]:
            print(f"    {note.splitlines()[0] if note else ''}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str) + "\n", encoding="utf-8")
    return 1 if any(r["figure"] == "failed" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
