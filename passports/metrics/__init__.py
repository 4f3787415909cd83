"""Passport metrics as pure functions, each naming its formula and source.

- `carbon`: embodied carbon A1-A3, transport A4 and the CO2 avoided by reuse (EN 15978);
- `circularity`: the Ellen MacArthur Foundation's Material Circularity Indicator and the
  end-of-life defaults assumed when a passport does not record them;
- `disassembly`: the disassembly score, in the spirit of the DGBC detachability index;
- `component`: all of them for one component, with the data quality behind them;
- `geo`: great-circle distances for pickup and delivery.

`stored` keeps each component's results on its row at write time and `queries` aggregates them
for a building; both touch the database and are imported where needed, not from here.
"""

from passports.metrics.carbon import DEFAULT_TRANSPORT_KGCO2E_PER_TKM
from passports.metrics.carbon import co2_avoided_kg
from passports.metrics.carbon import embodied_carbon_kg
from passports.metrics.carbon import parts_carbon_kg
from passports.metrics.carbon import transport_kg
from passports.metrics.circularity import EFFICIENCY_DEFAULT
from passports.metrics.circularity import end_of_life
from passports.metrics.circularity import mci_terms
from passports.metrics.circularity import utility
from passports.metrics.component import ComponentFacts
from passports.metrics.component import ComponentMetrics
from passports.metrics.component import MaterialFacts
from passports.metrics.component import PartFacts
from passports.metrics.component import evaluate
from passports.metrics.disassembly import disassembly_score
from passports.metrics.disassembly import harmonic_mean
from passports.metrics.geo import EARTH_RADIUS_KM
from passports.metrics.geo import bounding_box
from passports.metrics.geo import haversine_km

__all__ = [
    "DEFAULT_TRANSPORT_KGCO2E_PER_TKM",
    "EARTH_RADIUS_KM",
    "EFFICIENCY_DEFAULT",
    "ComponentFacts",
    "ComponentMetrics",
    "MaterialFacts",
    "PartFacts",
    "bounding_box",
    "co2_avoided_kg",
    "disassembly_score",
    "embodied_carbon_kg",
    "end_of_life",
    "evaluate",
    "harmonic_mean",
    "haversine_km",
    "mci_terms",
    "parts_carbon_kg",
    "transport_kg",
    "utility",
]
