"""A city's yearly monitoring report: the figures a Circular Cities Declaration signatory reports
on its circular activities, for one calendar year, with every figure's source and method.

- the urban mine, surveyed (passports) and estimated (building register × material intensities,
  with its interquartile range), by material family, as of the report's generation;
- components and mass reused through the exchange in the year: collected reservations (collected
  in the year) harvested from the city's buildings or received by them, each once; the mass of a
  reservation is its listing's mass × the reserved share of the listed quantity;
- CO2 avoided in the year: the sum of those reservations' recorded CO2 avoided;
- the average MCI (by mass) of the surveyed buildings;
- the demolition harvest by year from the report's year on (planned demolitions, surveyed and
  estimated, next to the exchange's listings and requests);
- the annex: each figure's source and method.

Downloads: GET /dashboard/cities/<city>/monitoring/<year>.pdf and .csv; machines read
GET /api/v1/dashboard/cities/<city>/monitoring/<year> (JSON, English keys). Same permissions as
the city dashboard (dashboard.permissions). The report is built in the request: its figures are
the dashboard's aggregates (grouped in SQL, never read building by building), measured by
bench/bench_mine_dashboard.py at 100,000 register buildings.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.i18n import word
from dashboard.exports import _cell
from dashboard.exports import header
from dashboard.queries import dashboard_data
from dashboard.queries.figures import reuse_sides
from dashboard.queries.mine import future_supply
from dashboard.queries.mine import register_scope
from dashboard.queries.scopes import Scope
from marketplace.models import Listing
from marketplace.models import Reservation
from marketplace.models import ReservationComponent
from mine.estimate import family_carbon_factors
from mine.models import RegisterBuilding

#: The first year a report may be asked for.
FIRST_YEAR = 2000
MIRD_DOI = "https://doi.org/10.1038/s41597-019-0021-x"


def reuse_in_year(scope: Scope, year: int) -> dict:
    """Collected reservations of the year harvested from or received by the scope, each once:
    their number, the components they moved, their mass and the CO2 they avoided."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    ids, harvested, received = reuse_sides(scope, Reservation.id)
    ids = ids.where(
        Reservation.collected_at >= start,
        Reservation.collected_at < end,
        or_(harvested, received),
    )
    moved_mass = Listing.mass_kg * Reservation.quantity / Listing.quantity
    count, mass, co2 = db.session.execute(
        select(
            func.count(Reservation.id),
            func.coalesce(func.sum(moved_mass), 0.0),
            func.coalesce(func.sum(Reservation.co2_avoided_kg), 0.0),
        )
        .join(Listing, Listing.id == Reservation.listing_id)
        .where(Reservation.id.in_(ids))
    ).one()
    components = db.session.scalar(
        select(func.count()).where(ReservationComponent.reservation_id.in_(ids))
    )
    return {
        "reservations": int(count),
        "components": int(components or 0),
        "mass_kg": float(mass),
        "co2_avoided_kg": float(co2),
    }


def annex() -> list[dict]:
    """Each figure of the report: what it is, where it comes from, how it is made (in the
    reader's language)."""
    factors = family_carbon_factors()
    sources = sorted({source for _f, _s, source in factors.values() if source})
    return [
        {
            "figure": "mine_surveyed",
            "name": _("Urban mine, surveyed"),
            "source": _("The material passports of the city's buildings on this platform."),
            "method": _(
                "Sum by material family of the mass of every live component: as recorded in its "
                "passport, or its volume × the densities of its materials."
            ),
        },
        {
            "figure": "mine_estimated",
            "name": _("Urban mine, estimated"),
            "source": _(
                "The city's building register as imported, and the Material Intensity Research "
                "Database v1.2 (Heeren and Fishman, Scientific Data 6:23, 2019, %(doi)s).",
                doi=MIRD_DOI,
            ),
            "method": _(
                "For each register building without a passport: material intensity (kg per m² "
                "of gross floor area, median and interquartile range of the database rows of "
                "its use, structure, construction period and region, or of a broader group "
                "where too few rows exist) × its floor area (gross floor area, or footprint × "
                "storeys). Buildings without a floor area are counted, not estimated."
            ),
        },
        {
            "figure": "embodied_carbon",
            "name": _("Embodied carbon A1-A3"),
            "source": _(
                "The material library's factors (%(sources)s).", sources="; ".join(sources)
            ),
            "method": _(
                "Surveyed: mass × the factor of each component's material. Estimated: mass of "
                "each family × the factor of its most common material."
            ),
        },
        {
            "figure": "surveyed_share",
            "name": _("Share surveyed"),
            "source": _("The passports and the building register."),
            "method": _(
                "By mass: surveyed mass / (surveyed + estimated median mass). By count: buildings "
                "with passports / (those + register buildings without a passport)."
            ),
        },
        {
            "figure": "mape",
            "name": _("Error of the estimate"),
            "source": _("Register buildings that a passport surveys."),
            "method": _(
                "Per material family, the median over those buildings of |estimate − survey| / "
                "survey × 100 (median absolute percentage error)."
            ),
        },
        {
            "figure": "reuse",
            "name": _("Components and mass reused through the exchange"),
            "source": _("Reservations collected on the exchange in the year."),
            "method": _(
                "Reservations whose material left one of the city's buildings or arrived at one, "
                "each counted once; components moved by them; mass = the listing's mass × the "
                "reserved share of its quantity."
            ),
        },
        {
            "figure": "co2_avoided",
            "name": _("CO2 avoided"),
            "source": _("Reservations collected on the exchange in the year."),
            "method": _(
                "For each, the new A1-A3 of the reused mass less reprocessing and transport (A4) "
                "to its destination, recorded when reserved."
            ),
        },
        {
            "figure": "mci",
            "name": _("Average Material Circularity Indicator"),
            "source": _("The material passports of the city's buildings on this platform."),
            "method": _(
                "Ellen MacArthur Foundation (2015, rev. 2019), per component, averaged by mass "
                "over every surveyed component with a mass."
            ),
        },
        {
            "figure": "harvest",
            "name": _("Demolition harvest by year"),
            "source": _(
                "Planned dates of passport buildings with demolition planned; planned "
                "demolitions in the building register; listings and wanted requests on the "
                "exchange."
            ),
            "method": _(
                "Surveyed mass of the passport buildings and estimated mass (as above) of the "
                "register buildings, by the year of their planned demolition; dates already "
                "past count in the report's year."
            ),
        },
    ]


def monitoring_data(scope: Scope, user, year: int) -> dict:
    """Every figure of a city's monitoring report for `year` (module docstring)."""
    data = dashboard_data(scope, user)
    harvest = (
        data["future_supply"]
        if year == data["future_supply"]["first_year"]
        else future_supply(scope, user, first_year=year)
    )
    imported = db.session.scalar(
        select(func.max(RegisterBuilding.imported_at)).where(
            register_scope(scope, user).condition()
        )
    )
    return {
        "scope": data["scope"],
        "year": year,
        "generated_at": data["generated_at"],
        "register_imported_at": imported,
        "buildings": data["buildings"],
        "mine": data["mine"],
        "carbon_a1a3_kg": data["carbon_a1a3_kg"],
        "reuse": reuse_in_year(scope, year),
        "co2_avoided_to_date_kg": data["co2_avoided"]["total_kg"],
        "mci": data["mci"],
        "harvest": harvest,
        "annex": annex(),
    }


def valid_year(year: int, today: date | None = None) -> bool:
    """A year a report may be asked for: from FIRST_YEAR to the current one."""
    today = today or date.today()
    return FIRST_YEAR <= year <= today.year


def monitoring_rows(data: dict) -> list[tuple]:
    """(section, item, measure, value, unit) rows of a monitoring report, in the reader's
    language (units of measure as codes; values plain numbers)."""
    mine, reuse, year = data["mine"], data["reuse"], data["year"]
    surveyed, estimated = _("Surveyed"), _("Estimated")
    low, high = _("Estimate, low (first quartile)"), _("Estimate, high (third quartile)")
    n_buildings = _("buildings")
    section = _("Report")
    rows = [
        (section, _("City"), _("Name"), data["scope"]["name"], ""),
        (section, _("City"), _("Year"), year, ""),
        (section, _("City"), _("Generated at"), data["generated_at"].isoformat() + "Z", "UTC"),
    ]
    if data["register_imported_at"]:
        rows.append(
            (
                section,
                _("Building register"),
                _("Imported at"),
                data["register_imported_at"].isoformat() + "Z",
                "UTC",
            )
        )
    section = _("Buildings")
    reg = mine["register"]
    rows += [
        (
            section,
            _("With passports"),
            _("Count"),
            data["buildings"]["with_passports"],
            n_buildings,
        ),
        (section, _("In the register"), _("Count"), reg["register"], n_buildings),
        (section, _("Register, with a passport"), _("Count"), reg["with_passport"], n_buildings),
        (section, _("Register, estimated"), _("Count"), reg["estimated"], n_buildings),
        (
            section,
            _("Register, not estimated (no floor area)"),
            _("Count"),
            reg["not_estimated"],
            n_buildings,
        ),
        (section, _("Share surveyed"), _("By count"), mine["surveyed_share_buildings"], "0-1"),
    ]
    section = _("Urban mine")
    t = mine["total"]
    for item, r in (
        *((word(f["family"]), f) for f in mine["families"]),
        (_("Total"), {**t, "surveyed_share": mine["surveyed_share_mass"]}),
    ):
        rows += [
            (section, item, surveyed, r["surveyed_kg"], "kg"),
            (section, item, estimated, r["estimated_kg"], "kg"),
            (section, item, low, r["estimated_low_kg"], "kg"),
            (section, item, high, r["estimated_high_kg"], "kg"),
            (
                section,
                item,
                _("Embodied carbon A1-A3, estimated"),
                r["estimated_carbon_kg"],
                "kgCO2e",
            ),
            (section, item, _("Share surveyed by mass"), r["surveyed_share"], "0-1"),
        ]
    section = _("Error of the estimate")
    for r in mine["mape"]:
        family = word(r["family"])
        rows += [
            (section, family, _("Median absolute percentage error"), r["mape_percent"], "%"),
            (section, family, _("Buildings compared"), r["buildings"], n_buildings),
        ]
    section = _("Reuse through the exchange")
    rows += [
        (section, str(year), _("Collected reservations"), reuse["reservations"], _("reservations")),
        (section, str(year), _("Components reused"), reuse["components"], _("components")),
        (section, str(year), _("Mass reused"), reuse["mass_kg"], "kg"),
        (section, str(year), _("CO2 avoided"), reuse["co2_avoided_kg"], "kgCO2e"),
    ]
    section = _("Circularity")
    rows.append((section, _("Surveyed buildings"), _("Average MCI (by mass)"), data["mci"], "0-1"))
    section = _("Demolition harvest")
    for y in data["harvest"]["years"]:
        for r in y["families"]:
            family = f"{y['year']} · {word(r['family'])}"
            rows += [
                (section, family, surveyed, r["surveyed_kg"], "kg"),
                (section, family, estimated, r["estimated_kg"], "kg"),
                (section, family, _("Offered on the exchange"), r["listed_kg"], "kg"),
                (section, family, _("Asked for on the exchange"), r["wanted_kg"], "kg"),
            ]
    section = _("Annex: sources and methods")
    for a in data["annex"]:
        rows += [
            (section, a["name"], _("Source"), a["source"], ""),
            (section, a["name"], _("Method"), a["method"], ""),
        ]
    return rows


def monitoring_csv(data: dict) -> str:
    """The report as CSV text (the dashboard export's columns), with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header())
    for row in monitoring_rows(data):
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + out.getvalue()
