"""The dashboards of an organisation and of a city, summed in SQL from the per-building
aggregates (`dashboard.models`) and the exchange's collected reservations.

What each figure means:
- buildings with passports: live buildings in scope with at least one live component;
- the urban mine: the mass of the passports' components by material family (archived
  components left out), with its embodied carbon A1-A3;
- lifecycle: count and mass of components in each status, from installed to reinstalled;
- average MCI and disassembly score: mass-weighted over every component with a mass, exactly
  as for one building (Σ score·M / Σ M over the whole scope);
- CO2 avoided to date: the sum over collected reservations (the exchange's transactions) of the
  CO2 avoided each recorded when it was reserved (new A1-A3 of the mass, less reprocessing and
  the A4 transport of the distance to its destination). A transaction counts for the scope when
  the material left one of its buildings (harvested) or arrived at one (received); the headline
  counts each transaction once;
- activity: events recorded in the passports of the scope's components, per month.

- scopes: which buildings a dashboard covers, and the cities a user may open;
- figures: the figures of a dashboard, the largest buildings and a building's reuse impact;
- mine: the urban mine as surveyed + estimated from the building register, and its future
  supply per year next to the exchange's listings and wanted requests.
"""

from dashboard.queries.figures import ACTIVITY_MONTHS  # noqa: F401
from dashboard.queries.figures import TOP_BUILDING_FIGURES  # noqa: F401
from dashboard.queries.figures import TOP_BUILDINGS  # noqa: F401
from dashboard.queries.figures import building_reuse_impact  # noqa: F401
from dashboard.queries.figures import dashboard_data  # noqa: F401
from dashboard.queries.figures import top_buildings  # noqa: F401
from dashboard.queries.scopes import Scope  # noqa: F401
from dashboard.queries.scopes import city_names  # noqa: F401
from dashboard.queries.scopes import city_scope  # noqa: F401
from dashboard.queries.scopes import organisation_scope  # noqa: F401
