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

from app.i18n import word

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def header() -> list[str]:
    """The header row, in the reader's language."""
    return [_("Section"), _("Item"), _("Measure"), _("Value"), _("Unit")]


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
    # Words used on many rows (gettext at export time: the reader's language).
    buildings, components, mass = _("Buildings"), _("Components"), _("Mass")
    carbon, mci, disassembly = (
        _("Embodied carbon A1-A3"),
        _("Material Circularity Indicator"),
        _("Disassembly score"),
    )
    total, mean, co2_avoided = _("Total"), _("Mass-weighted mean"), _("CO2 avoided")
    # Count units are words; units of measure (kg, kgCO2e, 0-1) are codes.
    n_buildings, n_components = _("buildings"), _("components")
    section = _("Scope")
    kind = _("City") if scope["kind"] == "city" else _("Organisation")
    own_part = _("yes") if scope.get("own_organisation_only") else _("no")
    rows = [
        (section, kind, _("Name"), scope["name"], ""),
        (section, kind, _("Own organisation only"), own_part, ""),
        (section, kind, _("Generated at"), data["generated_at"].isoformat() + "Z", "UTC"),
    ]
    section = _("Summary")
    rows += [
        (section, buildings, _("In scope"), data["buildings"]["in_scope"], n_buildings),
        (
            section,
            buildings,
            _("With passports"),
            data["buildings"]["with_passports"],
            n_buildings,
        ),
        (section, components, _("Count"), data["component_count"], n_components),
        (
            section,
            components,
            _("Without mass"),
            data["components_without_mass"],
            n_components,
        ),
        (section, mass, total, data["mass_kg"], "kg"),
        (section, carbon, total, data["carbon_a1a3_kg"], "kgCO2e"),
        (section, mci, mean, data["mci"], "0-1"),
        (section, disassembly, mean, data["disassembly_score"], "0.1-1"),
        (co2_avoided, _("To date"), total, co2["total_kg"], "kgCO2e"),
        (
            co2_avoided,
            _("To date"),
            _("Transactions"),
            co2["total_transactions"],
            _("reservations"),
        ),
        (co2_avoided, _("Harvested from scope"), total, co2["harvested_kg"], "kgCO2e"),
        (co2_avoided, _("Received in scope"), total, co2["received_kg"], "kgCO2e"),
    ]
    c, section = data["completeness"], _("Data completeness")
    qualities = {"full": _("Full data"), "defaults": _("Defaults"), "none": _("No material")}
    for name, quality in qualities.items():
        rows.append((section, quality, mass, c[f"{name}_kg"], "kg"))
        rows.append((section, quality, _("Share of the mass"), c[f"{name}_share"], "0-1"))
    section = _("Urban mine")
    for r in data["urban_mine"]:
        family = word(r["family"])
        rows.append((section, family, mass, r["mass_kg"], "kg"))
        rows.append((section, family, carbon, r["carbon_a1a3_kg"], "kgCO2e"))
    section = _("Lifecycle")
    for r in data["lifecycle"]:
        status = word(r["status"])
        rows.append((section, status, components, r["count"], n_components))
        rows.append((section, status, mass, r["mass_kg"], "kg"))
    section = _("Activity")
    for r in data["activity"]:
        rows.append((section, r["month"], _("Events"), r["events"], _("events")))
    section = _("Building")
    for b in data["top_buildings"]:
        item = f"{b['name']} (#{b['id']})"
        rows.append((section, item, mass, b["mass_kg"], "kg"))
        rows.append((section, item, mci, b["mci"], "0-1"))
        rows.append((section, item, disassembly, b["disassembly_score"], "0.1-1"))
        rows.append((section, item, carbon, b["carbon_a1a3_kg"], "kgCO2e"))
    return rows


def dashboard_csv(data: dict) -> str:
    """The dashboard as CSV text, with a header row and a BOM (so spreadsheets read UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header())
    for row in dashboard_rows(data):
        writer.writerow([_cell(v) for v in row])
    return "\ufeff" + out.getvalue()
