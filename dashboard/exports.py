"""The dashboard as CSV: one measure per row (section, item, measure, value, unit), ready for a
spreadsheet or a city's progress reporting."""

import csv
import io

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Text a spreadsheet shows as text: a leading formula character is quoted away."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.1f}"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def dashboard_rows(data: dict) -> list[tuple]:
    """(section, item, measure, value, unit) rows of a dashboard."""
    scope, co2 = data["scope"], data["co2_avoided"]
    rows = [
        ("scope", scope["kind"], "name", scope["name"], ""),
        (
            "scope",
            scope["kind"],
            "own_organisation_only",
            "yes" if scope.get("own_organisation_only") else "no",
            "",
        ),
        ("scope", scope["kind"], "generated_at", data["generated_at"].isoformat() + "Z", ""),
        ("summary", "buildings", "in scope", data["buildings"]["in_scope"], "buildings"),
        (
            "summary",
            "buildings",
            "with passports",
            data["buildings"]["with_passports"],
            "buildings",
        ),
        ("summary", "components", "count", data["component_count"], "components"),
        ("summary", "components", "without mass", data["components_without_mass"], "components"),
        ("summary", "mass", "total", data["mass_kg"], "kg"),
        ("summary", "embodied carbon A1-A3", "total", data["carbon_a1a3_kg"], "kgCO2e"),
        ("summary", "material circularity indicator", "mass-weighted mean", data["mci"], "0-1"),
        ("summary", "disassembly score", "mass-weighted mean", data["disassembly_score"], "0.1-1"),
        ("co2 avoided", "to date", "total", co2["total_kg"], "kgCO2e"),
        ("co2 avoided", "to date", "transactions", co2["total_transactions"], "reservations"),
        ("co2 avoided", "harvested from scope", "total", co2["harvested_kg"], "kgCO2e"),
        ("co2 avoided", "received in scope", "total", co2["received_kg"], "kgCO2e"),
    ]
    c = data["completeness"]
    for name in ("full", "defaults", "none"):
        rows.append(("data completeness", name, "mass", c[f"{name}_kg"], "kg"))
        rows.append(("data completeness", name, "share of mass", c[f"{name}_share"], "0-1"))
    for r in data["urban_mine"]:
        rows.append(("urban mine", r["family"], "mass", r["mass_kg"], "kg"))
        rows.append(
            ("urban mine", r["family"], "embodied carbon A1-A3", r["carbon_a1a3_kg"], "kgCO2e")
        )
    for r in data["lifecycle"]:
        rows.append(("lifecycle", r["status"], "components", r["count"], "components"))
        rows.append(("lifecycle", r["status"], "mass", r["mass_kg"], "kg"))
    for r in data["activity"]:
        rows.append(("activity", r["month"], "events", r["events"], "events"))
    for b in data["top_buildings"]:
        item = f"{b['name']} (#{b['id']})"
        rows.append(("building", item, "mass", b["mass_kg"], "kg"))
        rows.append(("building", item, "material circularity indicator", b["mci"], "0-1"))
        rows.append(("building", item, "disassembly score", b["disassembly_score"], "0.1-1"))
        rows.append(("building", item, "embodied carbon A1-A3", b["carbon_a1a3_kg"], "kgCO2e"))
    return rows


def dashboard_csv(data: dict) -> str:
    """The dashboard as CSV text (UTF-8, with a header row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("section", "item", "measure", "value", "unit"))
    for row in dashboard_rows(data):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
