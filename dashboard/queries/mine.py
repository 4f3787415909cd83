"""The urban mine of a dashboard's scope as surveyed + estimated, and its future supply.

- Surveyed: the passports' figures (the dashboard's per-building aggregates, by material family).
- Estimated: the register buildings of the scope without a passport (mine.queries): median mass
  by family with its interquartile range, and the embodied carbon of each.
- Which register buildings: a city's (its register's spellings of the city, matched without
  regard to case), only the user's organisation's register when the user sees only their own
  part of the city; an organisation's own register on its dashboard.
- Shares surveyed: by mass, surveyed / (surveyed + estimated median); by count, buildings with
  passports / (those + register buildings without a passport).
- MAPE per family: register buildings a passport surveys, the estimate of each against its
  passport's surveyed mass by family (mine.estimate.mape_with_counts).
- Future supply per year: planned demolitions of register buildings without a passport
  (estimated) and of the scope's passport buildings with status "demolition_planned" and a
  planned date (surveyed), next to what the exchange offers from the scope's buildings (published
  listings with some quantity left, by the year they are available from; already available:
  this year) and what it asks for (open wanted requests anywhere on the exchange, by the year they
  are needed by; no date or past: this year). Requests in kg or t are weighed; the others are
  counted only. Dates before the first year count in the first year.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import case
from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import utcnow
from dashboard.models import BuildingMetricPart
from dashboard.models import BuildingMetrics
from dashboard.queries.scopes import Scope
from marketplace.models import Listing
from marketplace.models import WantedRequest
from marketplace.permissions import visible_wanted
from mine import queries as register
from passports.models import Building
from passports.models.vocab import MATERIAL_FAMILIES

SUPPLY_YEARS = register.SUPPLY_YEARS
SUPPLY_FIELDS = (
    "surveyed_kg",
    "estimated_kg",
    "estimated_low_kg",
    "estimated_high_kg",
    "listed_kg",
    "listings",
    "wanted_kg",
    "wanted_requests",
)
#: Below this many buildings measured both ways, the MAPE of a family is only indicative.
MAPE_FEW = 5
#: A MAPE (in %) under this reads as a good estimate at city scale.
MAPE_GOOD = 30.0


def register_scope(scope: Scope, user) -> register.Selection:
    """The register buildings a dashboard covers."""
    if scope.kind == "organisation":
        return register.register_condition(organisation_id=scope.organisation_id)
    organisation_id = user.organisation_id if scope.own_organisation_only else None
    return register.register_condition(
        organisation_id=organisation_id,
        cities=register.city_spellings(scope.name, organisation_id),
    )


def _order(family: str) -> int:
    return (
        MATERIAL_FAMILIES.index(family) if family in MATERIAL_FAMILIES else len(MATERIAL_FAMILIES)
    )


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def _surveys(building_ids: list[int]) -> dict[int, dict[str, float]]:
    """{building id: {family: surveyed kg}} from the dashboard's per-building aggregates."""
    p = BuildingMetricPart
    out: dict[int, dict[str, float]] = {}
    for start in range(0, len(building_ids), 500):
        chunk = building_ids[start : start + 500]
        rows = db.session.execute(
            select(p.building_id, p.key, p.mass_kg).where(
                p.building_id.in_(chunk), p.dimension == "family"
            )
        ).all()
        for building_id, family, kg in rows:
            out.setdefault(building_id, {})[family] = float(kg or 0.0)
    return out


def trust(mape: list[dict]) -> str:
    """How far to trust the estimate, as a key: "none" (no building measured both ways),
    "few" (fewer than MAPE_FEW buildings), "good" (median error under MAPE_GOOD % for the
    heaviest families), "rough"."""
    if not mape:
        return "none"
    if max(r["buildings"] for r in mape) < MAPE_FEW:
        return "few"
    main = [r for r in mape if r["family"] in ("concrete", "masonry", "steel", "timber")] or mape
    median = sorted(r["mape_percent"] for r in main)[len(main) // 2]
    return "good" if median < MAPE_GOOD else "rough"


def urban_mine(scope: Scope, user, surveyed_families: list[dict], with_passports: int) -> dict:
    """The scope's urban mine as surveyed + estimated (see the module docstring).

    `surveyed_families` and `with_passports` are the dashboard's own passport figures
    (dashboard_data's "urban_mine" and buildings with passports)."""
    condition = register_scope(scope, user)
    estimate = register.estimated_mine(condition)
    surveyed = {r["family"]: r for r in surveyed_families}
    estimated = {r["family"]: r for r in estimate["families"]}
    families = []
    for family in sorted(surveyed.keys() | estimated.keys(), key=_order):
        s = surveyed.get(family, {})
        e = estimated.get(family, {})
        s_kg, s_c = float(s.get("mass_kg", 0.0)), float(s.get("carbon_a1a3_kg") or 0.0)
        e_kg, lo, hi = (float(e.get(k, 0.0)) for k in ("mass_kg", "low_kg", "high_kg"))
        e_c = float(e.get("carbon_a1a3_kg", 0.0))
        families.append(
            {
                "family": family,
                "surveyed_kg": s_kg,
                "surveyed_carbon_kg": s_c,
                "estimated_kg": e_kg,
                "estimated_low_kg": lo,
                "estimated_high_kg": hi,
                "estimated_carbon_kg": e_c,
                "estimated_carbon_low_kg": float(e.get("carbon_low_kg", 0.0)),
                "estimated_carbon_high_kg": float(e.get("carbon_high_kg", 0.0)),
                "total_kg": s_kg + e_kg,
                "total_low_kg": s_kg + lo,
                "total_high_kg": s_kg + hi,
                "surveyed_share": _share(s_kg, s_kg + e_kg),
            }
        )
    families.sort(key=lambda r: (-r["total_kg"], _order(r["family"])))
    s_total = sum(r["surveyed_kg"] for r in families)
    s_carbon = sum(r["surveyed_carbon_kg"] for r in families)
    t = estimate["total"]
    counts = estimate["buildings"]
    all_buildings = with_passports + counts["without_passport"]
    estimates = register.linked_estimates(condition)
    mape = register.mape_table(estimates, _surveys(sorted(estimates)))
    return {
        "register": {
            **counts,
            "floor_area_m2": estimate["floor_area_m2"],
        },
        "families": families,
        "total": {
            "surveyed_kg": s_total,
            "surveyed_carbon_kg": s_carbon,
            "estimated_kg": t["mass_kg"],
            "estimated_low_kg": t["low_kg"],
            "estimated_high_kg": t["high_kg"],
            "estimated_carbon_kg": t["carbon_a1a3_kg"],
            "estimated_carbon_low_kg": t["carbon_low_kg"],
            "estimated_carbon_high_kg": t["carbon_high_kg"],
            "total_kg": s_total + t["mass_kg"],
            "total_low_kg": s_total + t["low_kg"],
            "total_high_kg": s_total + t["high_kg"],
        },
        "surveyed_share_mass": _share(s_total, s_total + t["mass_kg"]),
        "surveyed_share_buildings": _share(with_passports, all_buildings),
        "buildings_total": all_buildings,
        "mape": mape,
        "mape_buildings": len(estimates.keys() & _with_components(sorted(estimates))),
        "trust": trust(mape),
    }


def _with_components(ids: list[int]) -> set[int]:
    m = BuildingMetrics
    out: set[int] = set()
    for start in range(0, len(ids), 500):
        out.update(
            db.session.scalars(
                select(m.building_id).where(
                    m.building_id.in_(ids[start : start + 500]), m.component_count > 0
                )
            )
        )
    return out


def _year(column, first: int):
    """The year of a date column, dates before `first` (and none) counting in `first`."""
    y = extract("year", column)
    return case((column.is_(None), first), (y < first, first), else_=y)


def future_supply(
    scope: Scope, user, first_year: int | None = None, years: int = SUPPLY_YEARS
) -> dict:
    """Mass by family becoming available per year from planned demolitions, next to the
    exchange's listings and wanted requests for the same families (module docstring)."""
    first = first_year or utcnow().date().year
    last = first + years  # exclusive
    cells: dict[tuple[int, str], dict] = {}

    def cell(year: int, family: str) -> dict:
        return cells.setdefault((year, family), dict.fromkeys(SUPPLY_FIELDS, 0.0))

    estimated = register.demolitions_by_year(register_scope(scope, user), first, years)
    for year, fams in estimated.items():
        for family, (m, lo, hi) in fams.items():
            c = cell(year, family)
            c["estimated_kg"] += m
            c["estimated_low_kg"] += lo
            c["estimated_high_kg"] += hi

    p = BuildingMetricPart
    year = _year(Building.planned_date, first)
    for y, family, kg in db.session.execute(
        select(year, p.key, func.sum(p.mass_kg))
        .join(Building, Building.id == p.building_id)
        .where(
            scope.condition,
            Building.status == "demolition_planned",
            Building.planned_date.is_not(None),
            Building.planned_date < date(last, 1, 1),
            p.dimension == "family",
        )
        .group_by(year, p.key)
    ):
        cell(int(y), family)["surveyed_kg"] += float(kg or 0.0)

    in_scope = select(Building.id).where(scope.condition)
    year = _year(Listing.available_from, first)
    left = Listing.mass_kg * Listing.quantity_available / Listing.quantity
    for y, family, n, kg in db.session.execute(
        select(year, Listing.material_family, func.count(Listing.id), func.sum(left))
        .where(
            Listing.building_id.in_(in_scope),
            Listing.status == "published",
            Listing.quantity_available > 0,
            Listing.material_family.is_not(None),
            func.coalesce(Listing.available_from, date(first, 1, 1)) < date(last, 1, 1),
        )
        .group_by(year, Listing.material_family)
    ):
        c = cell(int(y), family)
        c["listings"] += n
        c["listed_kg"] += float(kg or 0.0)

    year = _year(WantedRequest.needed_by, first)
    weighed = case(
        (WantedRequest.unit == "t", WantedRequest.quantity * 1000.0),
        (WantedRequest.unit == "kg", WantedRequest.quantity),
        else_=0.0,
    )
    for y, family, n, kg in db.session.execute(
        select(year, WantedRequest.material_family, func.count(WantedRequest.id), func.sum(weighed))
        .where(
            visible_wanted(user),
            WantedRequest.status == "open",
            WantedRequest.material_family.is_not(None),
            func.coalesce(WantedRequest.needed_by, date(first, 1, 1)) < date(last, 1, 1),
        )
        .group_by(year, WantedRequest.material_family)
    ):
        c = cell(int(y), family)
        c["wanted_requests"] += n
        c["wanted_kg"] += float(kg or 0.0)

    families = sorted({f for _y, f in cells}, key=_order)
    names = SUPPLY_FIELDS
    rows = []
    for y in range(first, last):
        fams = [{"family": f, **cells[(y, f)]} for f in families if (y, f) in cells]
        total = {n: sum(r[n] for r in fams) for n in names}
        rows.append({"year": y, "families": fams, "total": total})
    by_family = []
    for f in families:
        parts = [cells[(y, f)] for y in range(first, last) if (y, f) in cells]
        by_family.append({"family": f, **{n: sum(p[n] for p in parts) for n in names}})
    by_family.sort(key=lambda r: (-(r["surveyed_kg"] + r["estimated_kg"]), _order(r["family"])))
    for r in (*by_family, *(t for y in rows for t in (y["total"], *y["families"]))):
        r["listings"], r["wanted_requests"] = int(r["listings"]), int(r["wanted_requests"])
    return {"first_year": first, "years": rows, "families": by_family}
