"""The dashboard as CSV: one measure per row (section, item, measure, value, unit), ready for a
spreadsheet or a city's progress reporting.

The file is for people, so its header and its words are in the reader's language: sections,
items, measures, status and material family names, and count units ("buildings"). What a
spreadsheet computes with stays the same in every language: values are plain numbers (a point
for decimals, no grouping), times ISO 8601 in UTC, months "YYYY-MM", units of measure as codes
(kg, kgCO2e, 0-1), names of buildings and cities as recorded. Machines read the same figures
from the API (GET /api/v1/dashboard/...), whose keys stay English.
"""

import csv
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import word

_FORMULA = ("=", "+", "-", "@", "\t", "\r")

HEADER = (_l("Section"), _l("Item"), _l("Measure"), _l("Value"), _l("Unit"))
# Sections.
SCOPE = _l("Scope")
SUMMARY = _l("Summary")
CO2_AVOIDED = _l("CO2 avoided")
COMPLETENESS = _l("Data completeness")
URBAN_MINE = _l("Urban mine")
LIFECYCLE = _l("Lifecycle")
ACTIVITY = _l("Activity")
BUILDING = _l("Building")
# Items and measures.
BUILDINGS = _l("Buildings")
COMPONENTS = _l("Components")
MASS = _l("Mass")
CARBON = _l("Embodied carbon A1-A3")
MCI = _l("Material Circularity Indicator")
DISASSEMBLY = _l("Disassembly score")
TOTAL = _l("Total")
MEAN = _l("Mass-weighted mean")
EVENTS = _l("Events")
QUALITIES = {"full": _l("Full data"), "defaults": _l("Defaults"), "none": _l("No material")}
# Count units (units of measure stay codes).
UNIT_BUILDINGS = _l("buildings")
UNIT_COMPONENTS = _l("components")
UNIT_RESERVATIONS = _l("reservations")
UNIT_EVENTS = _l("events")


def _cell(value) -> str:
    """Text a spreadsheet shows as text: a leading formula character is quoted away."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.1f}"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def dashboard_rows(data: dict) -> list[tuple]:
    """(section, item, measure, value, unit) rows of a dashboard, in the reader's language."""
    scope, co2 = data["scope"], data["co2_avoided"]
    kind = _("City") if scope["kind"] == "city" else _("Organisation")
    rows = [
        (SCOPE, kind, _("Name"), scope["name"], ""),
        (
            SCOPE,
            kind,
            _("Own organisation only"),
            _("yes") if scope.get("own_organisation_only") else _("no"),
            "",
        ),
        (SCOPE, kind, _("Generated at"), data["generated_at"].isoformat() + "Z", "UTC"),
        (SUMMARY, BUILDINGS, _("In scope"), data["buildings"]["in_scope"], UNIT_BUILDINGS),
        (
            SUMMARY,
            BUILDINGS,
            _("With passports"),
            data["buildings"]["with_passports"],
            UNIT_BUILDINGS,
        ),
        (SUMMARY, COMPONENTS, _("Count"), data["component_count"], UNIT_COMPONENTS),
        (
            SUMMARY,
            COMPONENTS,
            _("Without mass"),
            data["components_without_mass"],
            UNIT_COMPONENTS,
        ),
        (SUMMARY, MASS, TOTAL, data["mass_kg"], "kg"),
        (SUMMARY, CARBON, TOTAL, data["carbon_a1a3_kg"], "kgCO2e"),
        (SUMMARY, MCI, MEAN, data["mci"], "0-1"),
        (SUMMARY, DISASSEMBLY, MEAN, data["disassembly_score"], "0.1-1"),
        (CO2_AVOIDED, _("To date"), TOTAL, co2["total_kg"], "kgCO2e"),
        (
            CO2_AVOIDED,
            _("To date"),
            _("Transactions"),
            co2["total_transactions"],
            UNIT_RESERVATIONS,
        ),
        (CO2_AVOIDED, _("Harvested from scope"), TOTAL, co2["harvested_kg"], "kgCO2e"),
        (CO2_AVOIDED, _("Received in scope"), TOTAL, co2["received_kg"], "kgCO2e"),
    ]
    c = data["completeness"]
    for name, quality in QUALITIES.items():
        rows.append((COMPLETENESS, quality, MASS, c[f"{name}_kg"], "kg"))
        rows.append((COMPLETENESS, quality, _("Share of the mass"), c[f"{name}_share"], "0-1"))
    for r in data["urban_mine"]:
        family = word(r["family"])
        rows.append((URBAN_MINE, family, MASS, r["mass_kg"], "kg"))
        rows.append((URBAN_MINE, family, CARBON, r["carbon_a1a3_kg"], "kgCO2e"))
    for r in data["lifecycle"]:
        status = word(r["status"])
        rows.append((LIFECYCLE, status, COMPONENTS, r["count"], UNIT_COMPONENTS))
        rows.append((LIFECYCLE, status, MASS, r["mass_kg"], "kg"))
    for r in data["activity"]:
        rows.append((ACTIVITY, r["month"], EVENTS, r["events"], UNIT_EVENTS))
    for b in data["top_buildings"]:
        item = f"{b['name']} (#{b['id']})"
        rows.append((BUILDING, item, MASS, b["mass_kg"], "kg"))
        rows.append((BUILDING, item, MCI, b["mci"], "0-1"))
        rows.append((BUILDING, item, DISASSEMBLY, b["disassembly_score"], "0.1-1"))
        rows.append((BUILDING, item, CARBON, b["carbon_a1a3_kg"], "kgCO2e"))
    return rows


def dashboard_csv(data: dict) -> str:
    """The dashboard as CSV text, with a header row and a BOM (so spreadsheets read UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(h) for h in HEADER])
    for row in dashboard_rows(data):
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + out.getvalue()
