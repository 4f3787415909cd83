"""Benchmark `matching`: one wanted request matched against 100,000 published listings and
1,000,000 components of buildings due for demolition. Target: p95 <= 200 ms server-side, on
SQLite and PostgreSQL.

The listings are the search benchmark's (bench.search_data.populate: 100,000 listings of
realistic kinds, cities, units and windows), given one element's measures where they are
counted in pieces (doors and windows of 600-900 × 2000-2200 mm). The future stock is
bulk-inserted with SQLAlchemy Core: 10,000 buildings due for demolition or renovation (planned
in the next two years, spread over the same 48 cities) with 100 installed components each
(doors, windows, bricks, beams, panels and others, with their measures, masses, conditions
and one material each): 1,000,000 components and as many material shares.

The requests are what procurement officers post: 20 doors of 830 × 2110 mm ± 10 mm within
50 km, 275 t of bricks within 30 km, steel beams of 6 m, windows, timber boards, by material
family or CPV prefix, with a date and sometimes a condition or a price limit. Each timed call
is `GET /api/v1/wanted/<id>/matches` through the Flask test client with a bearer token (the
buyer's view: ranked, first page described), after a warm-up pass; the plans of one call's
statements are kept.

Run alone with `python -m bench.bench_matching [--quick] [--db sqlite,postgresql]`;
`run(quick)` returns the result rows for the bench runner (`python -m bench --only matching`).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import sys
import tempfile
import time
import traceback
from datetime import date
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/bench_matching.py` as well as `-m`
    sys.path.insert(0, str(ROOT))

from bench.search_data import populate  # noqa: E402
from bench.search_vocabulary import CITIES  # noqa: E402

BENCHMARK = "matching"
TARGET_MS = 200.0
PG_PORT = 5443
CHUNK = 20_000

# Kinds of installed components: category, unit, family, measures (mm) and a mass per unit.
KINDS = (
    (
        "door",
        "pcs",
        "timber",
        lambda r: {
            "width_mm": r.choice((730, 780, 830, 880, 930)),
            "height_mm": r.choice((2010, 2110, 2310)),
            "depth_mm": 40.0,
        },
        25.0,
        5,
    ),
    (
        "window",
        "pcs",
        "glass",
        lambda r: {"width_mm": r.randrange(600, 2400, 10), "height_mm": r.randrange(600, 2000, 10)},
        40.0,
        3,
    ),
    ("external_wall", "t", "masonry", lambda r: {}, 1000.0, 5),
    (
        "beam",
        "pcs",
        "steel",
        lambda r: {
            "length_mm": r.choice((3000, 4500, 6000, 7200)),
            "height_mm": r.choice((200, 240, 300)),
        },
        250.0,
        2,
    ),
    ("floor", "m2", "timber", lambda r: {"depth_mm": r.choice((18.0, 22.0, 28.0))}, 15.0, 2),
    ("roof", "m2", "ceramics", lambda r: {}, 50.0, 2),
    ("other", "m3", "concrete", lambda r: {}, 2400.0, 2),
)


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


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ data
def _materials_by_family(session) -> dict[str, list[dict]]:
    from sqlalchemy import select

    from passports.models import Material

    found: dict[str, list[dict]] = {}
    for m in session.scalars(select(Material).order_by(Material.id)):
        found.setdefault(m.family, []).append(
            {"id": m.id, "cpv": m.cpv_code, "carbon": m.carbon_a1a3}
        )
    return found


def _bulk(session, table, rows: list[dict]) -> None:
    """Insert rows of one shape: COPY on PostgreSQL (a multi-row INSERT of a million wide rows
    takes minutes there), a Core executemany on SQLite. Columns the rows leave out take their
    model default, as an INSERT would give them."""
    from sqlalchemy import insert

    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    defaults = {
        c.name: c.default.arg
        for c in table.columns
        if c.default is not None and c.default.is_scalar and c.name not in rows[0]
    }
    names = [*rows[0], *defaults]
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor:
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[n] for n in rows[0]] + list(defaults.values()))


def add_future_stock(app, buildings: int, per_building: int, seed: int = 2027) -> dict:
    """Bulk-insert (Core, not the ORM: no per-row session work) buildings due for demolition
    with their installed components, and give the listings counted in pieces one element's
    measures. Returns the counts and timings."""
    from sqlalchemy import func
    from sqlalchemy import insert
    from sqlalchemy import select
    from sqlalchemy import text

    from app.auth import services as accounts
    from app.extensions import db
    from app.models import utcnow
    from passports.models import Building
    from passports.models import Component
    from passports.models import ComponentMaterial

    rng = random.Random(seed)
    start = time.perf_counter()
    with app.app_context():
        # Listings in pieces: doors and windows of one size each.
        db.session.execute(
            text(
                "UPDATE listings SET category = 'door', "
                "width_mm = 600 + (id * 7 % 31) * 10, height_mm = 2000 + (id * 13 % 21) * 10 "
                "WHERE unit = 'pcs'"
            )
        )
        families = _materials_by_family(db.session)
        owners = [
            accounts.create_organisation(f"Woningcorporatie {c[0]}", "company") for c in CITIES
        ]
        db.session.flush()
        now = utcnow()
        today = date.today()
        first_building = (db.session.scalar(select(func.max(Building.id))) or 0) + 1
        first_component = (db.session.scalar(select(func.max(Component.id))) or 0) + 1
        weights = [k[5] for k in KINDS]
        rows_b = []
        for i in range(buildings):
            city, country, lat, lon, _w = CITIES[i % len(CITIES)]
            rows_b.append(
                {
                    "id": first_building + i,
                    "organisation_id": owners[i % len(CITIES)].id,
                    "name": f"Sloopobject {city} {i + 1}",
                    "address": f"Laan {rng.randint(1, 300)}",
                    "city": city,
                    "country": country,
                    "latitude": lat + rng.uniform(-0.08, 0.08),
                    "longitude": lon + rng.uniform(-0.12, 0.12),
                    "year_built": rng.randint(1900, 1990),
                    "use_type": "residential",
                    "status": "demolition_planned" if rng.random() < 0.8 else "renovation_planned",
                    "planned_date": today + timedelta(days=rng.randint(10, 730)),
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for chunk in range(0, len(rows_b), CHUNK):
            db.session.execute(insert(Building.__table__), rows_b[chunk : chunk + CHUNK])
        components, shares = [], []
        cid = first_component
        inserted = 0

        def flush():
            nonlocal components, shares, inserted
            if components:
                _bulk(db.session, Component.__table__, components)
                _bulk(db.session, ComponentMaterial.__table__, shares)
                inserted += len(components)
                components, shares = [], []

        for b in rows_b:
            for _j in range(per_building):
                category, unit, family, measures, unit_mass, _w = rng.choices(KINDS, weights)[0]
                quantity = (
                    float(rng.randint(1, 40)) if unit == "pcs" else round(rng.uniform(1, 300), 1)
                )
                mass = quantity * unit_mass
                material = rng.choice(families.get(family) or families["other"])
                components.append(
                    {
                        "id": cid,
                        "building_id": b["id"],
                        "tag": f"F{cid:013d}",
                        "name": f"{category} {cid}",
                        "category": category,
                        "quantity": quantity,
                        "unit": unit,
                        "mass_kg": mass,
                        "mass_source": "given",
                        # What passports.metrics stores at write time (the ORM's hook).
                        "carbon_a1a3_kg": mass * material["carbon"],
                        "condition": rng.choices((1, 2, 3, 4, 5), (1, 3, 6, 6, 2))[0],
                        "status": "installed",
                        "created_at": now,
                        "updated_at": now,
                        **{
                            "width_mm": None,
                            "height_mm": None,
                            "depth_mm": None,
                            "length_mm": None,
                            **measures(rng),
                        },
                    }
                )
                shares.append(
                    {
                        "component_id": cid,
                        "material_id": material["id"],
                        "position": 0,
                        "fraction": 1.0,
                        "mass_kg": mass,
                    }
                )
                cid += 1
                if len(components) >= CHUNK:
                    flush()
        flush()
        db.session.commit()
        insert_s = time.perf_counter() - start
        start = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            for table in ("buildings", "components", "component_materials"):
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.execute(text("PRAGMA optimize"))
            db.session.commit()
        analyse_s = time.perf_counter() - start
        db.session.remove()
    return {
        "components": inserted,
        "buildings": buildings,
        "insert_s": insert_s,
        "analyse_s": analyse_s,
    }


def post_requests(app, email: str, count: int, seed: int = 11) -> list[int]:
    """The buyer's wanted requests, varied as procurement officers post them."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.extensions import db
    from marketplace.services.wanted import post_wanted

    rng = random.Random(seed)
    today = date.today()
    kinds = (
        {
            "title": "Interior doors",
            "material_family": "timber",
            "unit": "pcs",
            "quantity": 20,
            "width_mm": 830,
            "height_mm": 2110,
            "tolerance_mm": 10,
            "radius_km": 50,
        },
        {
            "title": "Yellow facade bricks",
            "material_family": "masonry",
            "unit": "t",
            "quantity": 275,
            "radius_km": 30,
        },
        {
            "title": "Steel beams of 6 m",
            "material_family": "steel",
            "unit": "pcs",
            "quantity": 12,
            "length_mm": 6000,
            "tolerance_mm": 50,
            "radius_km": 80,
        },
        {
            "title": "Windows",
            "cpv_prefix": "4422",
            "unit": "pcs",
            "quantity": 30,
            "width_mm": 1200,
            "height_mm": 1400,
            "tolerance_mm": 20,
            "radius_km": 60,
        },
        {
            "title": "Timber floor boards",
            "material_family": "timber",
            "unit": "m2",
            "quantity": 400,
            "depth_mm": 22,
            "tolerance_mm": 2,
            "radius_km": 40,
        },
        {
            "title": "Any doors nearby",
            "cpv_prefix": "44221",
            "unit": "pcs",
            "quantity": 8,
            "width_mm": 830,
            "height_mm": 2110,
            "tolerance_mm": 30,
            "radius_km": 25,
        },
    )
    ids = []
    with app.app_context():
        buyer = db.session.scalar(select(User).where(User.email == email))
        for i in range(count):
            kind = dict(kinds[i % len(kinds)])
            city, _country, lat, lon, _w = CITIES[rng.randrange(len(CITIES))]
            kind.update(
                location=city,
                latitude=lat,
                longitude=lon,
                needed_by=today + timedelta(days=rng.randint(90, 720)),
                condition_min=rng.choice((None, None, 3)),
                max_price_eur=rng.choice((None, None, 50.0)),
            )
            ids.append(post_wanted(buyer, kind).id)
        db.session.commit()
        db.session.remove()
    return ids


# ------------------------------------------------------------------------------ timing
def measure(db_name: str, url: str, sizes: dict) -> dict:
    """Build the data set on `url`, time the matches, and return a result row."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from bench.common import explain
    from bench.common import record_statements

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    _log(f"matching {db_name}: inserting {sizes['listings']:,} listings")
    setup = populate(app, sizes["listings"])
    _log(f"matching {db_name}: listings in {setup['insert_s']:.1f} s; inserting future stock")
    stock = add_future_stock(app, sizes["buildings"], sizes["per_building"])
    _log(
        f"matching {db_name}: {stock['components']:,} components in {stock['insert_s']:.1f} s,"
        f" analysed in {stock['analyse_s']:.1f} s"
    )
    request_ids = post_requests(app, setup["email"], sizes["requests"])
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {setup['token']}"}

    def call(wanted_id):
        response = api.get(f"/api/v1/wanted/{wanted_id}/matches", headers=bearer)
        if response.status_code != 200:
            raise RuntimeError(f"{wanted_id}: {response.status_code} {response.get_data()[:300]}")
        return response

    cold = []
    for wanted_id in request_ids:
        start = time.perf_counter()
        call(wanted_id)
        cold.append(time.perf_counter() - start)
    gc.collect()
    samples, cpu, totals = [], [], []
    load_before = os.getloadavg()[0]
    for i in range(sizes["iterations"]):
        wanted_id = request_ids[i % len(request_ids)]
        start, started_cpu = time.perf_counter(), time.process_time()
        body = call(wanted_id).get_json()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - started_cpu)
        totals.append(body["total"])
    load_after = os.getloadavg()[0]
    stats, cpu_stats, cold_stats = _stats(samples), _stats(cpu), _stats(cold)
    with app.app_context():
        engine = db.engine
    with record_statements(engine) as recorded:
        start = time.perf_counter()
        profiled = call(request_ids[0])
        request_ms = (time.perf_counter() - start) * 1000
        body = profiled.get_json()
    plans = explain(engine, recorded, reads=("SELECT", "WITH"), width=600)
    with app.app_context():
        db.engine.dispose()
    return {
        "benchmark": BENCHMARK,
        "db": db_name,
        "figure": f"p50 {stats['p50_ms']:.1f} ms, p95 {stats['p95_ms']:.1f} ms",
        "target": f"p95 <= {TARGET_MS:.0f} ms",
        "ok": stats["p95_ms"] <= TARGET_MS,
        "metrics": {
            "listings": sizes["listings"],
            "published": setup["published"],
            "future_components": stock["components"],
            "future_buildings": stock["buildings"],
            "requests": len(request_ids),
            "api": stats,
            "api_first_pass": cold_stats,
            "api_process_cpu": cpu_stats,
            "load_average": [round(load_before, 2), round(load_after, 2)],
            "matches_per_request": {
                "min": min(totals),
                "median": sorted(totals)[len(totals) // 2],
                "max": max(totals),
                "empty": sum(1 for t in totals if not t),
            },
            "response_bytes": len(profiled.get_data()),
            "insert_s": round(setup["insert_s"] + stock["insert_s"], 2),
            "analyse_s": round(setup["analyse_s"] + stock["analyse_s"], 2),
            "profile": {
                "wanted_id": request_ids[0],
                "total": body["total"],
                "statements": len(recorded),
                "sql_ms": round(sum(s["ms"] for s in recorded), 2),
                "non_sql_ms": round(request_ms - sum(s["ms"] for s in recorded), 2),
                "request_ms": round(request_ms, 2),
                "plans": plans,
            },
        },
        "notes": [
            f"API GET /api/v1/wanted/<id>/matches: {sizes['iterations']} calls over "
            f"{len(request_ids)} varied requests, after one pass over each (p50 "
            f"{cold_stats['p50_ms']:.1f} ms, p95 {cold_stats['p95_ms']:.1f} ms)",
            f"matches per request: median {sorted(totals)[len(totals) // 2]}, max {max(totals)}",
            f"CPU time of this process per call: p50 {cpu_stats['p50_ms']:.1f} ms, p95 "
            f"{cpu_stats['p95_ms']:.1f} ms; load average {load_before:.1f} → {load_after:.1f}",
            f"{len(recorded)} SQL statements for one call, "
            f"{sum(s['ms'] for s in recorded):.1f} ms of SQL in {request_ms:.1f} ms",
            f"data: {setup['insert_s'] + stock['insert_s']:.0f} s to insert, "
            f"{setup['analyse_s'] + stock['analyse_s']:.0f} s to index and analyse",
        ],
    }


def _failure(db_name: str, exc: BaseException) -> dict:
    _log(f"matching on {db_name} FAILED: {exc}")
    return {
        "benchmark": BENCHMARK,
        "db": db_name,
        "figure": "failed",
        "target": f"p95 <= {TARGET_MS:.0f} ms",
        "ok": False,
        "metrics": {},
        "notes": [f"{type(exc).__name__}: {exc}", traceback.format_exc()[-2000:]],
    }


def sizes_for(quick: bool) -> dict:
    """The data set and the number of calls: full, or a smoke run when `quick`."""
    if quick:
        return {
            "listings": 5_000,
            "buildings": 500,
            "per_building": 100,
            "requests": 12,
            "iterations": 36,
        }
    return {
        "listings": 100_000,
        "buildings": 10_000,
        "per_building": 100,
        "requests": 30,
        "iterations": 200,
    }


def run(quick: bool, databases: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    """The benchmark on each database."""
    sizes = sizes_for(quick)
    rows = []
    with tempfile.TemporaryDirectory(prefix="mpx-bench-matching-") as tmp:
        if "sqlite" in databases:
            try:
                url = f"sqlite:///{Path(tmp) / 'matching.sqlite'}"
                rows.append(measure("sqlite", url, sizes))
            except Exception as exc:  # report and go on with the other database
                rows.append(_failure("sqlite", exc))
        if "postgresql" in databases:
            try:
                from tests.pg import throwaway_cluster

                with throwaway_cluster(dbname="mpx_bench_matching", port=PG_PORT) as url:
                    rows.append(measure("postgresql", url, sizes))
            except Exception as exc:
                rows.append(_failure("postgresql", exc))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command line: print the rows; exit 1 when a database failed."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_matching", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="5,000 listings, 50,000 components")
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
