"""Embodied carbon (EN 15978 modules A1-A3 and A4) and the CO2 avoided by reusing a component.

Embodied carbon of making a component new, cradle to gate (A1-A3), summed over its materials:

    C = Σ Mᵢ·cᵢ

Mᵢ the mass of material i in kg and cᵢ its factor in kgCO2e/kg from the material library (ICE
v2, Hammond & Jones 2011, unless the library row cites another source).

CO2 avoided by reuse (per reused lot):

    avoided = M·c_A1-A3 − M·c_reprocessing − (M/1000)·d·f_A4

M the mass in kg, c the embodied carbon of making the material new (kgCO2e/kg, cradle to gate,
from the material library), c_reprocessing the carbon of preparing the reclaimed material for
reuse (kgCO2e/kg, e.g. about 2.7 kgCO2e per tonne to clean bricks), d the transport distance
in km and f_A4 the freight factor in kgCO2e per tonne-km (EN 15978 module A4).

Sanity check, the Katrinedals School in Copenhagen (about 70 t CO2e avoided by its reclaimed
facade bricks): 275 t of clay brick × 0.24 kgCO2e/kg = 66.0 t, less cleaning 275 t × 2.7 kg/t
= 0.74 t, less 275 t × 30 km × 0.107 kg/tkm = 0.88 t, leaves 64.4 t CO2e.
"""

from collections.abc import Iterable

# UK Government GHG Conversion Factors for Company Reporting 2023 (DESNZ), "Freighting goods",
# HGV (all diesel), average laden: 0.107 kgCO2e per tonne-km. Configurable as
# TRANSPORT_KGCO2E_PER_TKM.
DEFAULT_TRANSPORT_KGCO2E_PER_TKM = 0.107


def embodied_carbon_kg(mass_kg: float, carbon_per_kg: float) -> float:
    """A1-A3 of making this mass new: M × c (kgCO2e)."""
    return mass_kg * carbon_per_kg


def parts_carbon_kg(parts: Iterable[tuple[float | None, float]]) -> float | None:
    """A1-A3 of a component from its (mass kg, kgCO2e/kg) parts: Σ Mᵢ·cᵢ; None if no mass.

    A part without a mass contributes nothing; when no part has a mass the carbon is unknown
    (None), never zero, so a missing mass cannot pass for a carbon-free component.
    """
    total, known = 0.0, False
    for mass_kg, carbon_per_kg in parts:
        if mass_kg is None:
            continue
        total += embodied_carbon_kg(mass_kg, carbon_per_kg)
        known = True
    return total if known else None


def transport_kg(
    mass_kg: float, distance_km: float, factor: float = DEFAULT_TRANSPORT_KGCO2E_PER_TKM
) -> float:
    """A4 transport: tonnes × km × factor (kgCO2e)."""
    return mass_kg / 1000.0 * distance_km * factor


def co2_avoided_kg(
    mass_kg: float,
    carbon_per_kg: float,
    reprocessing_per_kg: float = 0.0,
    distance_km: float = 0.0,
    factor: float = DEFAULT_TRANSPORT_KGCO2E_PER_TKM,
) -> float:
    """CO2e avoided by reusing `mass_kg` instead of making it new (see module docstring)."""
    return (
        embodied_carbon_kg(mass_kg, carbon_per_kg)
        - mass_kg * reprocessing_per_kg
        - transport_kg(mass_kg, distance_km, factor)
    )
