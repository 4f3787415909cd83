"""A synthetic building register, for the demo city and the benchmarks: plausible buildings of a
European town around a centre point, deterministic for a seed.

The rows have the register file's columns (REGISTER_COLUMNS), so they can be written as the CSV
a city would upload, or inserted directly.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

#: The columns of a register CSV (and the properties of a register GeoJSON feature), in order.
REGISTER_COLUMNS = (
    "register_id",
    "address",
    "city",
    "country",
    "latitude",
    "longitude",
    "use",
    "structure",
    "year_built",
    "gross_floor_area_m2",
    "footprint_m2",
    "storeys",
    "planned_demolition",
)

# (use, weight, median gross floor area m², typical storeys)
_USES = (
    ("residential", 70, 140.0, 2),
    ("office", 6, 1800.0, 4),
    ("retail", 6, 600.0, 2),
    ("industrial", 5, 2500.0, 1),
    ("storage", 3, 900.0, 1),
    ("education", 3, 3200.0, 2),
    ("healthcare", 1, 6000.0, 4),
    ("civic", 1, 2500.0, 3),
    ("sports", 1, 1800.0, 1),
    ("culture", 1, 1500.0, 2),
    ("mixed", 3, 900.0, 4),
)
_STRUCTURES = ("", "", "masonry", "concrete", "timber", "steel")
_STREETS = (
    "Kerkstraat",
    "Stationsweg",
    "Dorpsstraat",
    "Molenweg",
    "Schoolstraat",
    "Julianalaan",
    "Beatrixstraat",
    "Industrieweg",
    "Zutphensestraat",
    "Arnhemsestraat",
)


def register_rows(
    count: int,
    *,
    city: str = "Brummen",
    country: str = "NL",
    centre: tuple[float, float] = (52.0878, 6.1549),
    radius_km: float = 6.0,
    seed: int = 15,
    prefix: str = "BAG",
    today: date | None = None,
) -> Iterator[dict]:
    """`count` register rows (dicts keyed by REGISTER_COLUMNS, values as a CSV holds them):
    uses weighted as a town's stock, construction years from 1850 to last year, floor areas
    log-normal around each use's median, one building in twenty with a planned demolition in
    the next ten years; some give a footprint and storeys instead of a floor area."""
    rng = random.Random(seed)
    today = today or date.today()
    weights = [u[1] for u in _USES]
    lat0, lon0 = centre
    km_lat = 1 / 110.574
    km_lon = 1 / (111.320 * math.cos(math.radians(lat0)))
    for n in range(1, count + 1):
        use, _w, median_area, storeys = rng.choices(_USES, weights)[0]
        # Denser towards the centre: radius ~ sqrt of a uniform, squeezed.
        r = radius_km * rng.random() ** 0.8
        angle = rng.random() * 2 * math.pi
        lat = lat0 + r * math.sin(angle) * km_lat
        lon = lon0 + r * math.cos(angle) * km_lon
        area = round(median_area * math.exp(rng.gauss(0, 0.5)), 1)
        year = min(today.year - 1, int(rng.triangular(1850, today.year, 1975)))
        row = {
            "register_id": f"{prefix}{n:010d}",
            "address": f"{rng.choice(_STREETS)} {rng.randint(1, 240)}",
            "city": city,
            "country": country,
            "latitude": f"{lat:.6f}",
            "longitude": f"{lon:.6f}",
            "use": use,
            "structure": rng.choice(_STRUCTURES),
            "year_built": str(year),
            "gross_floor_area_m2": "",
            "footprint_m2": "",
            "storeys": "",
            "planned_demolition": "",
        }
        if rng.random() < 0.2:
            row["footprint_m2"] = f"{area / storeys:.1f}"
            row["storeys"] = str(storeys)
        else:
            row["gross_floor_area_m2"] = f"{area}"
        if rng.random() < 0.05:
            days = rng.randint(30, 3650)
            row["planned_demolition"] = date.fromordinal(today.toordinal() + days).isoformat()
        yield row


def write_register_csv(path: Path, count: int, **options) -> Path:
    """Write `count` synthetic register rows as a register CSV at `path`."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=REGISTER_COLUMNS)
        writer.writeheader()
        writer.writerows(register_rows(count, **options))
    return path
