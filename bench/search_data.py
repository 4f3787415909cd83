"""The search benchmark's data and queries: published listings (and some that are not) bulk-inserted
with SQLAlchemy Core, indexed for full text and analysed, and the varied searches it times."""

from __future__ import annotations

import random
import time
from datetime import date
from datetime import timedelta

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text

from bench.search_vocabulary import BUILDING_KINDS
from bench.search_vocabulary import CITIES
from bench.search_vocabulary import MANUFACTURERS
from bench.search_vocabulary import NOTES
from bench.search_vocabulary import NOUNS
from bench.search_vocabulary import PREFIXES
from bench.search_vocabulary import QUERIES
from bench.search_vocabulary import TAG_ALPHABET


# ------------------------------------------------------------------------------ data
def _materials(session) -> list[dict]:
    from passports.models import Material

    return [
        {
            "id": m.id,
            "name": m.name,
            "family": m.family,
            "cpv": m.cpv_code,
            "carbon": m.carbon_a1a3,
            "reprocessing": m.reprocessing_kgco2e_per_kg or 0.0,
            "density": m.density_kg_m3,
        }
        for m in session.scalars(select(Material).order_by(Material.id))
    ]


def _tags(rng: random.Random, count: int) -> list[str]:
    tags: set[str] = set()
    while len(tags) < count:
        tags.add("".join(rng.choice(TAG_ALPHABET) for _ in range(12)))
    return list(tags)


def _quantity(rng: random.Random, unit: str) -> tuple[float, float]:
    """A quantity in the unit and its mass in kg (rough, for the CO2 figure)."""
    if unit == "t":
        q = round(rng.lognormvariate(3.0, 1.1), 1) + 0.5
        return q, q * 1000
    if unit == "pcs":
        q = float(rng.randint(1, 400))
        return q, q * rng.uniform(5, 60)
    if unit == "kg":
        q = float(rng.randint(20, 5000))
        return q, q
    q = round(rng.lognormvariate(4.0, 1.0), 1) + 1
    per = {"m": 8.0, "m2": 30.0, "m3": 900.0}[unit]
    return q, q * per


def populate(app, listings: int, seed: int = 2026, progress=None) -> dict:
    """Bulk-insert organisations, a buyer with a token, buildings, components and listings,
    then index them for full text and analyse. Returns what the timing needs."""
    from app.auth import services as accounts
    from app.extensions import db
    from app.models import utcnow
    from bench.common import PASSWORD
    from marketplace import search
    from marketplace.models import Listing
    from marketplace.models import ListingComponent
    from passports import services
    from passports.models import Building
    from passports.models import Component

    rng = random.Random(seed)
    timings = {}
    with app.app_context():
        start = time.perf_counter()
        services.load_material_library()
        materials = _materials(db.session)
        sellers = [
            accounts.create_organisation(f"Gemeente {c[0]} {i}", "municipality")
            for i, c in enumerate(CITIES)
        ]
        buyer_org = accounts.create_organisation("Bench Buyers", "company")
        buyer = accounts.create_user("buyer@bench.example", PASSWORD, "buyer", buyer_org)
        _token, clear = accounts.issue_token(buyer, "bench")
        db.session.commit()
        now = utcnow()
        today = date.today()
        city_weights = [c[4] for c in CITIES]
        # Bricks, concrete and timber are what comes out of buildings most.
        family_weight = {
            "masonry": 6,
            "concrete": 4,
            "timber": 4,
            "steel": 3,
            "glass": 2,
            "stone": 2,
            "ceramics": 2,
        }
        material_weights = [family_weight.get(m["family"], 1) for m in materials]

        n_buildings = max(20, listings // 50)
        buildings = []
        for i in range(n_buildings):
            ci = rng.choices(range(len(CITIES)), city_weights)[0]
            city, country, lat, lon, _w = CITIES[ci]
            buildings.append(
                {
                    "id": i + 1,
                    "organisation_id": sellers[ci].id,
                    "name": f"{rng.choice(BUILDING_KINDS)} {city} {i + 1}",
                    "address": f"Straat {rng.randint(1, 200)}",
                    "city": city,
                    "country": country,
                    "latitude": lat + rng.uniform(-0.04, 0.04),
                    "longitude": lon + rng.uniform(-0.06, 0.06),
                    "year_built": rng.randint(1880, 2012),
                    "use_type": "civic",
                    "status": rng.choice(("in_use", "demolition_planned", "renovation_planned")),
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.session.execute(insert(Building), buildings)

        tags = _tags(rng, listings)
        components, rows, links = [], [], []
        for i in range(listings):
            b = buildings[rng.randrange(n_buildings)]
            m = materials[rng.choices(range(len(materials)), material_weights)[0]]
            nouns, units = NOUNS.get(m["family"], NOUNS["other"])
            noun, unit = rng.choice(nouns), rng.choice(units)
            quantity, mass = _quantity(rng, unit)
            condition = rng.choices((1, 2, 3, 4, 5), (1, 3, 6, 6, 2))[0]
            manufacturer = rng.choice(MANUFACTURERS) if rng.random() < 0.5 else ""
            title = f"{rng.choice(PREFIXES)} {noun} ({m['name'].lower()})"
            r = rng.random()
            basis = "free" if r < 0.4 else ("fixed" if r < 0.85 else "on_request")
            starts = None if rng.random() < 0.5 else today + timedelta(days=rng.randint(-200, 300))
            ends = (
                None
                if rng.random() < 0.7
                else (starts or today) + timedelta(days=rng.randint(-60, 400))
            )
            state = rng.random()
            status = "published" if state < 0.95 else rng.choice(("draft", "withdrawn", "sold_out"))
            lid = i + 1
            components.append(
                {
                    "id": lid,
                    "building_id": b["id"],
                    "tag": tags[i],
                    "name": f"{noun.capitalize()} lot {lid}",
                    "category": "other",
                    "quantity": quantity,
                    "unit": unit,
                    "mass_kg": mass,
                    "mass_source": "given",
                    "condition": condition,
                    "manufacturer": manufacturer,
                    "status": "listed",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            co2 = mass * (m["carbon"] - m["reprocessing"])
            rows.append(
                {
                    "id": lid,
                    "organisation_id": b["organisation_id"],
                    "building_id": b["id"],
                    "title": title,
                    "description": (
                        f"Harvested from {b['name']} ({b['year_built']}) in "
                        f"{b['city']}. {rng.choice(NOTES)}"
                    ),
                    "cpv_code": m["cpv"],
                    "quantity": quantity,
                    "quantity_available": 0.0 if status == "sold_out" else quantity,
                    "unit": unit,
                    "price_eur": (round(rng.uniform(0.5, 200), 2) if basis == "fixed" else None),
                    "price_basis": basis,
                    "available_from": starts,
                    "available_until": ends,
                    "future_stock": b["status"] != "in_use" and rng.random() < 0.3,
                    "pickup_address": f"{b['address']}, {b['city']}",
                    "pickup_latitude": b["latitude"] + rng.uniform(-0.002, 0.002),
                    "pickup_longitude": b["longitude"] + rng.uniform(-0.002, 0.002),
                    "condition": condition,
                    "evidence": "",
                    "status": status,
                    "published_at": (
                        now - timedelta(minutes=rng.randint(0, 525_600))
                        if status != "draft"
                        else None
                    ),
                    "city": b["city"],
                    "material_family": m["family"],
                    "materials_text": m["name"],
                    "manufacturer": manufacturer,
                    "mass_kg": mass,
                    "co2_avoided_kg": co2,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            links.append({"id": lid, "listing_id": lid, "component_id": lid})
        for table, data in ((Component, components), (Listing, rows), (ListingComponent, links)):
            for chunk in range(0, len(data), 10_000):
                db.session.execute(insert(table), data[chunk : chunk + 10_000])
        timings["insert_s"] = time.perf_counter() - start
        start = time.perf_counter()
        indexed = search.reindex_all()
        db.session.commit()
        timings["fts_index_s"] = time.perf_counter() - start
        start = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            for table in ("buildings", "components", "listings", "listing_components"):
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', "
                        f"'id'), (SELECT max(id) FROM {table}))"
                    )
                )
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("PRAGMA optimize"))
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        timings["analyse_s"] = time.perf_counter() - start
        published = db.session.scalar(
            text("SELECT count(*) FROM listings WHERE status = 'published'")
        )
        db.session.remove()
    return {
        "token": clear,
        "email": "buyer@bench.example",
        "indexed": indexed,
        "published": published,
        **timings,
    }


# ------------------------------------------------------------------------------ queries
def queries(count: int, seed: int = 7) -> list[dict]:
    """Varied searches: a text, two filters, 50 km around a city, a sort."""
    rng = random.Random(seed)
    today = date.today()
    weights = [c[4] for c in CITIES]
    out = []
    for _ in range(count):
        words, family, cpv = rng.choice(QUERIES)
        city = CITIES[rng.choices(range(len(CITIES)), weights)[0]]
        filters = {
            "cpv": cpv,
            "material_family": family,
            "condition_min": rng.choice((2, 3, 4)),
            "min_quantity": rng.choice((5, 20, 50, 100)),
            "available_by": (today + timedelta(days=rng.randint(30, 200))).isoformat(),
            "max_price": rng.choice((10, 25, 50)),
            "free": "true",
        }
        chosen = rng.sample(sorted(filters), 2)
        params = {
            "q": words,
            **{k: filters[k] for k in chosen},
            "lat": round(city[2] + rng.uniform(-0.05, 0.05), 4),
            "lon": round(city[3] + rng.uniform(-0.05, 0.05), 4),
            "radius_km": 50,
            "sort": rng.choice(
                ("relevance", "distance", "available_from", "co2_avoided", "newest")
            ),
        }
        out.append(params)
    return out
