"""Passport metrics as pure functions, each naming its formula and source.

CO2 avoided by reuse (per reused lot):

    avoided = M·c_A1-A3 − M·c_reprocessing − (M/1000)·d·f_A4

M the mass in kg, c the embodied carbon of making the material new (kgCO2e/kg, cradle to gate,
from the material library), c_reprocessing the carbon of preparing the reclaimed material for
reuse (kgCO2e/kg, e.g. about 2.7 kgCO2e per tonne to clean bricks), d the transport distance
in km and f_A4 the freight factor in kgCO2e per tonne-km (EN 15978 module A4).
"""

import math

# UK Government GHG Conversion Factors for Company Reporting 2023 (DESNZ), "Freighting goods",
# HGV (all diesel), average laden: 0.107 kgCO2e per tonne-km. Configurable as
# TRANSPORT_KGCO2E_PER_TKM.
DEFAULT_TRANSPORT_KGCO2E_PER_TKM = 0.107
EARTH_RADIUS_KM = 6371.0088


def embodied_carbon_kg(mass_kg: float, carbon_per_kg: float) -> float:
    """A1-A3 of making this mass new: M × c (kgCO2e)."""
    return mass_kg * carbon_per_kg


def transport_kg(mass_kg: float, distance_km: float,
                 factor: float = DEFAULT_TRANSPORT_KGCO2E_PER_TKM) -> float:
    """A4 transport: tonnes × km × factor (kgCO2e)."""
    return mass_kg / 1000.0 * distance_km * factor


def co2_avoided_kg(mass_kg: float, carbon_per_kg: float, reprocessing_per_kg: float = 0.0,
                   distance_km: float = 0.0,
                   factor: float = DEFAULT_TRANSPORT_KGCO2E_PER_TKM) -> float:
    """CO2e avoided by reusing `mass_kg` instead of making it new (see module docstring)."""
    return (embodied_carbon_kg(mass_kg, carbon_per_kg)
            - mass_kg * reprocessing_per_kg
            - transport_kg(mass_kg, distance_km, factor))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in km (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing a circle, for an indexed pre-filter."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
