"""Benchmark `map`: the map's clusters for a city-wide bounding box at zoom 12, over 100,000
register buildings in the database of a million components that `generate` leaves.

The city's register (100,000 buildings of mine.synthetic.register_rows around Brummen) is
inserted in bulk; an admin (who sees every register and every passport building) then asks
`GET /api/v1/map/clusters?bbox=<the town, 0.2° × 0.12°>&zoom=12` with a bearer token, in-process
with the Flask test client like bench.overview. The first request builds the register's map
cells (dashboard.map.grid.refresh), timed apart; the timed requests read the cells. One
request with a family filter (the cells' masses by family) and one at street zoom (single
features, read from the register's rows) are timed too, for the record.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy import text

from bench.common import PASSWORD
from bench.common import Result
from bench.common import Settings
from bench.common import human_count
from bench.common import log
from bench.common import stats_ms
from bench.overview import profile
from bench.overview import time_requests
from bench.register_data import register_db_row

TARGET_MS = 50.0
REGISTER_BUILDINGS = 100_000
CENTRE = (52.0878, 6.1549)
CITY_BOX = (CENTRE[1] - 0.1, CENTRE[0] - 0.06, CENTRE[1] + 0.1, CENTRE[0] + 0.06)


def insert_register(organisation_id: int, count: int) -> float:
    """Insert `count` synthetic register buildings in bulk; seconds taken."""
    from app.extensions import db
    from mine.models import RegisterBuilding
    from mine.synthetic import register_rows

    start = time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None)
    batch = []
    for row in register_rows(count, centre=CENTRE, radius_km=6.0):
        batch.append(register_db_row(row, organisation_id, now))
        if len(batch) == 10_000:
            db.session.execute(insert(RegisterBuilding), batch)
            batch = []
    if batch:
        db.session.execute(insert(RegisterBuilding), batch)
    db.session.commit()
    return time.perf_counter() - start


def bench(dataset, settings: Settings) -> list[Result]:
    """The map's clusters over the generated database plus a 100,000-building register."""
    from app import create_app
    from app.auth import services as accounts
    from app.extensions import db

    count = 5_000 if settings.quick else REGISTER_BUILDINGS
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=dataset.url)
    suffix = uuid.uuid4().hex[:8]
    with app.app_context():
        city = accounts.create_organisation(f"Bench City {suffix}", "municipality")
        admin = accounts.create_user(f"map-{suffix}@example.org", PASSWORD, "admin", city)
        _token, token = accounts.issue_token(admin, "bench")
        db.session.commit()
        log(f"map {dataset.db}: inserting {count:,} register buildings")
        insert_s = insert_register(city.id, count)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        buildings = db.session.scalar(text("SELECT count(*) FROM buildings"))
        db.session.remove()
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    box = ",".join(f"{v:.5f}" for v in CITY_BOX)
    city_path = f"/api/v1/map/clusters?bbox={box}&zoom=12"
    family_path = f"{city_path}&family=concrete"
    lat, lon = CENTRE
    street_box = f"{lon - 0.002:.5f},{lat - 0.0012:.5f},{lon + 0.002:.5f},{lat + 0.0012:.5f}"
    street_path = f"/api/v1/map/clusters?bbox={street_box}&zoom=18"

    start = time.perf_counter()
    first = client.get(city_path, headers=bearer)
    refresh_s = time.perf_counter() - start
    if first.status_code != 200:
        raise RuntimeError(f"GET {city_path}: {first.status_code} {first.get_data(as_text=True)}")
    clusters = first.get_json()["clusters"]
    counted = sum(c["layers"]["register"] for c in clusters)

    def check(response):
        if response.status_code != 200:
            raise RuntimeError(f"map clusters: {response.status_code}")

    log(f"map {dataset.db}: timing {settings.iterations} requests of each kind")
    city_samples, family_samples, street_samples = time_requests(
        client,
        [(city_path, bearer, check), (family_path, bearer, check), (street_path, bearer, check)],
        settings.warmup,
        settings.iterations,
    )
    city_stats = stats_ms(city_samples)
    city_stats["profile"] = profile(app, client, city_path, bearer)
    family_stats, street_stats = stats_ms(family_samples), stats_ms(street_samples)
    city_stats["response_bytes"] = len(client.get(city_path, headers=bearer).get_data())
    street = client.get(street_path, headers=bearer).get_json()
    with app.app_context():
        db.engine.dispose()
    common = {
        "register_buildings": count,
        "register_in_box": counted,
        "clusters": len(clusters),
        "passport_buildings": buildings,
        "components": dataset.components,
        "insert_s": insert_s,
        "first_request_with_cell_refresh_s": refresh_s,
    }
    where = f"{human_count(count)} register, {human_count(dataset.components)} comps"
    full = count >= REGISTER_BUILDINGS and dataset.components >= 1_000_000
    return [
        Result(
            f"map clusters z12 city ({where})",
            dataset.db,
            f"median {city_stats['median_ms']:.1f} ms p95 {city_stats['p95_ms']:.1f}",
            f"p95 <= {TARGET_MS:.0f} ms" if full else "-",
            (city_stats["p95_ms"] <= TARGET_MS) if full else None,
            {**common, **city_stats},
            [
                f"setup: {count:,} register rows inserted in {insert_s:.1f} s; the first "
                f"request built the map cells in {refresh_s:.2f} s",
                f"{len(clusters)} clusters holding {counted:,} register buildings",
            ],
        ),
        Result(
            "  same, family filter",
            dataset.db,
            f"median {family_stats['median_ms']:.1f} ms p95 {family_stats['p95_ms']:.1f}",
            metrics=family_stats,
        ),
        Result(
            "  street zoom 18 (features)",
            dataset.db,
            f"median {street_stats['median_ms']:.1f} ms p95 {street_stats['p95_ms']:.1f} "
            f"({street['mode']}, {len(street['features'])} features)",
            metrics=street_stats,
        ),
    ]
