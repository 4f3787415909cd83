"""The urban mine's estimate for a building without a passport: pure functions, no database.

Mass by family (Heeren and Fishman 2019 method, as used in building-stock studies such as
Kleemann et al. 2016, Vienna):

    Mᶠ = Iᶠ × A        low = I_q1ᶠ × A        high = I_q3ᶠ × A

Iᶠ the median material intensity of family f (kg per m² of gross floor area) for the building's
use, structure, construction period and region (mine.intensity, from the Material Intensity
Research Database v1.2), I_q1/I_q3 its interquartile range, A the gross floor area in m².

Embodied carbon (EN 15978 A1-A3) of that mass: Cᶠ = Mᶠ × cᶠ, cᶠ the factor of the family's
representative material in the app's material library (passports/data/materials.csv, ICE v2
unless the library row cites another source); see FAMILY_CARBON_MATERIAL.

The estimate's error against a survey (a passport's surveyed mass), per family:

    MAPE_f = median over buildings b with S_b,f > 0 of |E_b,f − S_b,f| / S_b,f × 100 (%)
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from mine.intensity import intensity_for
from passports.metrics.carbon import embodied_carbon_kg
from passports.models.vocab import MATERIAL_FAMILIES
from passports.services.materials import MATERIALS_CSV

#: The app's material library file (what `flask` loads into the library).
LIBRARY_CSV = MATERIALS_CSV

#: The library material whose A1-A3 factor stands for each family's estimated mass. The
#: intensity table's families are bulk building materials, so each takes its most common bulk
#: material: plain concrete (rebar is counted as steel), reinforcing bar for steel (most building
#: steel), extruded aluminium (windows, facades), sawn softwood, float glass, mineral wool
#: (ICE's generic mineral wool factor), plasterboard, ceramic tiles, limestone (the median of the
#: library's stones), PVC profiles, bitumen membrane, cement mortar, and cast iron for the other
#: metals. "other" is mostly mineral fill by mass in the source data: gravel aggregate.
FAMILY_CARBON_MATERIAL = {
    "masonry": "common-clay-brick",
    "concrete": "concrete-c25-30",
    "steel": "rebar",
    "aluminium": "aluminium-extruded",
    "copper": "copper",
    "metals_other": "cast-iron",
    "timber": "sawn-softwood",
    "glass": "float-glass",
    "insulation": "glass-wool",
    "gypsum": "plasterboard",
    "ceramics": "ceramic-tile",
    "stone": "limestone",
    "plastics": "pvc-profile",
    "bitumen": "bitumen-membrane",
    "mortar": "cement-mortar",
    "other": "aggregate",
}


def floor_area(
    gross_floor_area: float | None = None,
    footprint_m2: float | None = None,
    storeys: float | None = None,
) -> float | None:
    """Gross floor area in m²: as registered, else footprint × storeys (every storey taken to
    cover the footprint; basements and attics not counted), else None (unknown).

    Raises ValueError on a negative area or storey count."""
    for name, value in (
        ("gross_floor_area", gross_floor_area),
        ("footprint_m2", footprint_m2),
        ("storeys", storeys),
    ):
        if value is not None and value < 0:
            raise ValueError(f"{name} must not be negative")
    if gross_floor_area:
        return float(gross_floor_area)
    if footprint_m2 is not None and storeys is not None:
        return float(footprint_m2) * float(storeys)
    return None


def estimate_building(
    floor_area_m2: float | None,
    use: str | None,
    structure: str | None,
    year: int | None,
    region: str | None = None,
) -> dict[str, tuple[float, float, float]]:
    """Mass by family in kg: {family: (mass, low, high)} with mass = median × A, low = q1 × A,
    high = q3 × A (see the module docstring); arguments as mine.intensity.intensity_for. No floor
    area (None): no estimate ({})."""
    if floor_area_m2 is None:
        return {}
    if floor_area_m2 < 0:
        raise ValueError("floor_area_m2 must not be negative")
    return {
        family: (i.median * floor_area_m2, i.q1 * floor_area_m2, i.q3 * floor_area_m2)
        for family, i in intensity_for(use, structure, year, region).items()
    }


@lru_cache(maxsize=1)
def family_carbon_factors(path: Path = LIBRARY_CSV) -> dict[str, tuple[float, str, str]]:
    """{family: (kgCO2e per kg, library slug, the library's carbon source)}, read from the
    material library file."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        library = {row["slug"]: row for row in csv.DictReader(fh)}
    factors = {}
    for family, slug in FAMILY_CARBON_MATERIAL.items():
        row = library[slug]
        factors[family] = (float(row["carbon_a1a3_kgco2e_per_kg"]), slug, row["carbon_source"])
    return factors


def embodied_carbon(mass_by_family: Mapping, factors: Mapping[str, float] | None = None) -> dict:
    """A1-A3 kgCO2e by family, Cᶠ = Mᶠ × cᶠ, in the shape given: a mass per family, or the
    (mass, low, high) of estimate_building. `factors` ({family: kgCO2e/kg}) defaults to the
    library's (family_carbon_factors); a family without a factor raises KeyError."""
    if factors is None:
        factors = {family: f[0] for family, f in family_carbon_factors().items()}
    carbon = {}
    for family, mass in mass_by_family.items():
        c = factors[family]
        if isinstance(mass, tuple | list):
            carbon[family] = tuple(embodied_carbon_kg(m, c) for m in mass)
        else:
            carbon[family] = embodied_carbon_kg(mass, c)
    return carbon


def _central(value) -> float:
    """The mass of an estimate given as (mass, low, high) or as a number."""
    return float(value[0] if isinstance(value, tuple | list) else value)


def mape_with_counts(
    estimates: Mapping[object, Mapping[str, object]],
    surveys: Mapping[object, Mapping[str, float]],
) -> dict[str, tuple[float, int]]:
    """{family: (median absolute percentage error in %, number of buildings)}.

    Buildings: those in both mappings (by the same key). For each family a building counts when
    its survey gives the family a mass above zero; the estimate's mass for it (the central value
    of a (mass, low, high) estimate) is zero when the estimate does not hold the family. The
    error of one building is |E − S| / S × 100; the figure is the median over the buildings.
    A family no building counts for is absent."""
    errors: dict[str, list[float]] = {}
    for building in estimates.keys() & surveys.keys():
        estimate = estimates[building]
        for family, surveyed in surveys[building].items():
            if surveyed is None or surveyed <= 0:
                continue
            estimated = _central(estimate[family]) if family in estimate else 0.0
            errors.setdefault(family, []).append(abs(estimated - surveyed) / surveyed * 100.0)
    order = {family: i for i, family in enumerate(MATERIAL_FAMILIES)}
    return {
        family: (statistics.median(errors[family]), len(errors[family]))
        for family in sorted(errors, key=lambda f: (order.get(f, len(order)), f))
    }


def mape(
    estimates: Mapping[object, Mapping[str, object]],
    surveys: Mapping[object, Mapping[str, float]],
) -> dict[str, float]:
    """Median absolute percentage error by family, in % (see mape_with_counts)."""
    return {family: value for family, (value, _) in mape_with_counts(estimates, surveys).items()}
