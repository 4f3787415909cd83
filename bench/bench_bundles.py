"""Bundles across sellers: how fast the proposal is, and whether racing buyers can oversell.

- `proposal` (pure): `propose_bundles` on 200 seeded random requests of 50 candidate listings
  from 50 sellers (quantities, distances, unit masses, prices varied), at most 5 sellers;
- `proposal` (query): `proposals_view` of a wanted request that 50 published listings meet, on
  the database (the query, the candidates and the proposal together);
- `race`: 50 threads reserve overlapping bundles (three of the same 10 listings each) through
  `POST /api/v1/bundles` at once: reserved never exceeds what was there, and every bundle is
  whole or absent.
Target (issue 13): proposal p95 at most 100 ms for 50 candidates; the race holds on SQLite and
PostgreSQL. Run: `python -m bench --only bundles` (or `python -m bench.bench_bundles`).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from pathlib import Path

from bench.common import Result
from bench.common import log
from bench.common.results import stats_ms

TARGET_MS = 100.0
CANDIDATES = 50
LISTINGS = 10
BUYERS = 50
STOCK = 9.0


def random_candidates(rng: random.Random, n: int = CANDIDATES) -> list:
    from marketplace.queries.bundles import Candidate

    return [
        Candidate(
            listing_id=i,
            seller_id=rng.randint(1, n),
            available=float(rng.randint(1, 20)),
            distance_km=rng.choice([None, rng.uniform(1, 300)])
            if rng.random() < 0.1
            else rng.uniform(1, 300),
            unit_mass_kg=rng.uniform(15, 45),
            price_eur=rng.choice([0.0, rng.uniform(10, 90), None]),
        )
        for i in range(n)
    ]


def bench_pure(quick: bool) -> Result:
    from marketplace.queries.bundles import propose_bundles

    rng = random.Random(13)
    samples = []
    for _ in range(40 if quick else 200):
        candidates = random_candidates(rng)
        quantity = rng.randint(20, 80)
        start = time.perf_counter()
        propose_bundles(candidates, quantity, max_sellers=5, whole=True)
        samples.append(time.perf_counter() - start)
    s = stats_ms(samples)
    return Result(
        "bundles proposal (pure, 50 candidates)",
        "-",
        f"p95 {s['p95_ms']:.1f} ms",
        f"p95 <= {TARGET_MS:.0f} ms",
        s["p95_ms"] <= TARGET_MS,
        metrics=s,
    )


def _world(app, listings: int, tag: str, lat_step: float = 0.01):
    """`listings` published lots of STOCK doors, each from a new seller, and ten buyers."""
    from app.auth import services as accounts
    from app.extensions import db
    from marketplace import services
    from passports import services as passports

    material = db.session.execute(
        db.text("SELECT id FROM materials WHERE slug = 'sawn-hardwood'")
    ).scalar()
    ids = []
    for k in range(listings):
        org = accounts.create_organisation(f"Seller {tag}{k}", "company")
        owner = accounts.create_user(
            f"seller{tag}{k}@bench.example", "bench password 1", "owner", org
        )
        building = passports.register_building(
            owner,
            {
                "name": f"School {k}",
                "city": "Zutphen",
                "country": "NL",
                "latitude": 52.0 + k * lat_step,
                "longitude": 5.0 + (k % 7) * lat_step,
            },
        )
        component = passports.create_component(
            building,
            {
                "name": "Door",
                "category": "door",
                "quantity": STOCK,
                "unit": "pcs",
                "mass_kg": 25.0 * STOCK,
                "condition": 4,
                "status": "in_storage",
                "materials": [{"material_id": material, "fraction": 1.0}],
            },
        )
        listing = services.create_listing(
            owner,
            building,
            {"component_ids": [component.id], "title": f"Doors {k}", "price_basis": "free"},
        )
        services.publish_listing(listing, owner)
        ids.append(listing.id)
    org = accounts.create_organisation(f"Buyers {tag}", "company")
    buyers = [
        accounts.create_user(f"buyer{tag}{i}@bench.example", "bench password 1", "buyer", org)
        for i in range(10)
    ]
    db.session.commit()
    tokens = []
    for buyer in buyers:
        _token, clear = accounts.issue_token(buyer, "bench")
        tokens.append({"Authorization": f"Bearer {clear}"})
    db.session.commit()
    return ids, buyers, tokens


def _app(db: str, workdir: Path, server):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db as _db
    from passports import services as passports

    if db == "sqlite":
        uri = f"sqlite:///{workdir / 'bundles.sqlite'}"
    else:
        uri = server.new_database("mpx_bench_bundles")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri, UPLOAD_DIR=str(workdir / "uploads"))
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        passports.load_material_library()
        _db.session.commit()
    return app, uri


def bench_query(app, db: str, quick: bool) -> Result:
    from app.extensions import db as _db
    from marketplace.models import WantedRequest
    from marketplace.queries.bundles import proposals_view

    with app.app_context():
        _ids, buyers, _tokens = _world(app, CANDIDATES, "q", lat_step=0.03)
        wanted = WantedRequest(
            organisation_id=buyers[0].organisation_id,
            created_by_id=buyers[0].id,
            title="Doors",
            quantity=40.0,
            unit="pcs",
            latitude=52.3,
            longitude=5.1,
        )
        _db.session.add(wanted)
        _db.session.commit()
        samples, found = [], None
        for i in range(10 + (30 if quick else 100)):
            start = time.perf_counter()
            found = proposals_view(wanted)
            if i >= 10:
                samples.append(time.perf_counter() - start)
            _db.session.rollback()
    s = stats_ms(samples)
    s["candidates"] = found["candidates"]
    s["proposals"] = len(found["proposals"])
    return Result(
        "bundles proposal (query + proposal, 50 listings)",
        db,
        f"p95 {s['p95_ms']:.1f} ms",
        f"p95 <= {TARGET_MS:.0f} ms",
        s["p95_ms"] <= TARGET_MS and found["candidates"] == CANDIDATES,
        metrics=s,
    )


def bundle_of(i: int, ids: list[int]) -> dict:
    picks = sorted({ids[i % LISTINGS], ids[(i + 3) % LISTINGS], ids[(i + 7) % LISTINGS]})
    return {
        "parts": [{"listing_id": lid, "quantity": 1 + (i + k) % 3} for k, lid in enumerate(picks)]
    }


def bench_race(app, db: str) -> Result:
    from sqlalchemy import func
    from sqlalchemy import select

    from app.extensions import db as _db
    from marketplace.models import Bundle
    from marketplace.models import Listing
    from marketplace.models import Reservation

    with app.app_context():
        ids, _buyers, tokens = _world(app, LISTINGS, "r")
    results, barrier = [None] * BUYERS, threading.Barrier(BUYERS)

    def race(i):
        with app.test_client() as client:
            barrier.wait()
            results[i] = client.post(
                "/api/v1/bundles", headers=tokens[i % 10], json=bundle_of(i, ids)
            )

    start = time.perf_counter()
    threads = [threading.Thread(target=race, args=(i,)) for i in range(BUYERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    codes = Counter(r.status_code for r in results)
    problems = []
    with app.app_context():
        oversold = 0
        for lid in ids:
            listing = _db.session.get(Listing, lid)
            reserved = _db.session.scalar(
                select(func.coalesce(func.sum(Reservation.quantity), 0)).where(
                    Reservation.listing_id == lid
                )
            )
            if reserved > STOCK or abs(listing.quantity_available - (STOCK - reserved)) > 1e-9:
                oversold += 1
        made = {r.get_json()["id"]: i for i, r in enumerate(results) if r.status_code == 201}
        partial = 0
        for bundle_id, i in made.items():
            want = {(p["listing_id"], p["quantity"]) for p in bundle_of(i, ids)["parts"]}
            got = set(
                _db.session.execute(
                    select(Reservation.listing_id, Reservation.quantity).where(
                        Reservation.bundle_id == bundle_id
                    )
                ).all()
            )
            partial += got != want
        stray = _db.session.scalar(select(func.count(Bundle.id))) - len(made)
        orphans = _db.session.scalar(
            select(func.count(Reservation.id)).where(Reservation.bundle_id.is_(None))
        )
    if oversold:
        problems.append(f"{oversold} listings oversold")
    if partial or stray or orphans:
        problems.append(f"{partial} partial bundles, {stray} stray, {orphans} orphan parts")
    if set(codes) - {201, 409}:
        problems.append(f"unexpected answers {dict(codes)}")
    ok = not problems
    figure = f"{codes[201]} whole, {codes[409]} refused, 0 oversold" if ok else "; ".join(problems)
    return Result(
        "bundles race (50 threads, 10 listings)",
        db,
        figure,
        "never oversold, whole or absent",
        ok,
        metrics={"answers": dict(codes), "wall_s": wall},
    )


def run(dbs: list[str], quick: bool, workdir: Path, server) -> list[Result]:
    """Every bundle benchmark: the pure proposal once, the query and the race per database."""
    log("bundles: proposal (pure)")
    results = [bench_pure(quick)]
    for db in dbs:
        log(f"bundles: proposal and race on {db}")
        app, uri = _app(db, workdir, server)
        results.append(bench_query(app, db, quick))
        results.append(bench_race(app, db))
        with app.app_context():
            from app.extensions import db as _db

            _db.session.remove()
            _db.engine.dispose()
        if db == "postgresql":
            server.drop_database(uri)
    return results


if __name__ == "__main__":
    import sys
    import tempfile
    from contextlib import ExitStack

    from bench.common import PostgresServer

    chosen = sys.argv[1].split(",") if len(sys.argv) > 1 else ["sqlite", "postgresql"]
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mpx-bundles-")))
        rows = run(chosen, False, folder, PostgresServer(stack))
    for r in rows:
        print(f"{r.benchmark:50} {r.db:10} {r.figure:40} {r.target:32} {r.ok}")
