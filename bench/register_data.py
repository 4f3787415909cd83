"""Synthetic register rows for the benchmarks, as the register import stores them: each with
its floor area, intensity key and estimate from mine.register.rows.estimate_fields."""

from __future__ import annotations

from datetime import date


def register_db_row(row: dict, organisation_id: int, now) -> dict:
    """A register file row as a register_buildings row, with its floor area, intensity key and
    estimate (what the register import writes)."""
    from mine.register.rows import estimate_fields

    def number(name):
        return float(row[name]) if row[name] else None

    year = int(row["year_built"]) if row["year_built"] else None
    estimate = estimate_fields(
        {
            "gross_floor_area_m2": number("gross_floor_area_m2"),
            "footprint_m2": number("footprint_m2"),
            "storeys": number("storeys"),
            "use_type": row["use"],
            "structure": row["structure"],
            "year_built": year,
            "country": row["country"],
        }
    )
    demolition = row["planned_demolition"]
    return {
        "organisation_id": organisation_id,
        "register_id": row["register_id"],
        "address": row["address"],
        "city": row["city"],
        "country": row["country"],
        "latitude": float(row["latitude"]),
        "longitude": float(row["longitude"]),
        "use_type": row["use"],
        "structure": row["structure"],
        "year_built": year,
        "gross_floor_area_m2": number("gross_floor_area_m2"),
        "footprint_m2": number("footprint_m2"),
        "storeys": number("storeys"),
        "floor_area_m2": estimate["floor_area_m2"],
        "planned_demolition": date.fromisoformat(demolition) if demolition else None,
        "intensity_key": estimate["intensity_key"],
        "estimated_mass_kg": estimate["estimated_mass_kg"],
        "estimated_carbon_kg": estimate["estimated_carbon_kg"],
        "building_id": None,
        "imported_at": now,
        "created_at": now,
        "updated_at": now,
    }
