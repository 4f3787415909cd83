"""The difference between two versions of a building's passport.

Components are matched by their tag, which never changes within an instance: a tag only in the
newer version was added, one only in the older was removed (archived, or moved to another
building), one in both is compared field by field. Materials compare by library slug
(`materials.<slug>.fraction`, `materials.<slug>.mass_kg`), hazards as a set of substances with
their clearance, the history by its number of events, and the derived metrics as
`metrics.<name>`. Totals and the breakdowns by material family and by status compare the
summaries. Numbers that differ by less than one part in a billion are equal.
"""

import math

TOTALS = (
    "component_count",
    "total_mass_kg",
    "components_without_mass",
    "carbon_a1a3_kg",
    "mci",
    "disassembly_score",
    "hazardous_components",
)
_NESTED = ("tag", "tag_url", "materials", "hazards", "events", "metrics")


def _same(a, b) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def flatten_component(component: dict) -> dict:
    """A component as {field: scalar} for comparing (see module docstring)."""
    out = {k: v for k, v in component.items() if k not in _NESTED}
    for m in component.get("materials", ()):
        out[f"materials.{m['slug']}.fraction"] = m["fraction"]
        out[f"materials.{m['slug']}.mass_kg"] = m["mass_kg"]
    hazards = sorted(
        h["kind"] + (" (cleared)" if h.get("cleared_at") else "")
        for h in component.get("hazards", ())
    )
    out["hazards"] = ", ".join(hazards)
    out["events"] = len(component.get("events", ()))
    for name, value in (component.get("metrics") or {}).items():
        out[f"metrics.{name}"] = value
    return out


def _brief(component: dict) -> dict:
    return {
        "tag": component["tag"],
        "name": component["name"],
        "storey": component["storey"],
        "category": component["category"],
        "status": component["status"],
        "mass_kg": component["mass_kg"],
    }


def _delta(before, after):
    if isinstance(before, int | float) and isinstance(after, int | float):
        return after - before
    return None


def _breakdown(before: list[dict], after: list[dict], key: str, fields: tuple[str, ...]):
    a = {row[key]: row for row in before}
    b = {row[key]: row for row in after}
    rows = []
    for name in sorted(set(a) | set(b)):
        row = {key: name}
        for field in fields:
            x, y = a.get(name, {}).get(field, 0), b.get(name, {}).get(field, 0)
            row[field] = {"before": x, "after": y, "delta": _delta(x, y)}
        rows.append(row)
    return rows


def diff_documents(before: dict, after: dict) -> dict:
    """Components added, removed and changed (field by field), and the change of the totals.

    Both documents must be versions of one building (the caller checks): tags are only unique
    within an instance, and comparing two buildings would mean nothing.
    """
    old = {c["tag"]: c for c in before["components"]}
    new = {c["tag"]: c for c in after["components"]}
    added = [_brief(c) for tag, c in new.items() if tag not in old]
    removed = [_brief(c) for tag, c in old.items() if tag not in new]
    changed, unchanged = [], 0
    for tag, c in new.items():
        if tag not in old:
            continue
        x, y = flatten_component(old[tag]), flatten_component(c)
        changes = [
            {"field": field, "before": x.get(field), "after": y.get(field)}
            for field in sorted(set(x) | set(y))
            if not _same(x.get(field), y.get(field))
        ]
        if changes:
            changed.append({**_brief(c), "changes": changes})
        else:
            unchanged += 1
    building_changes = [
        {"field": field, "before": before["building"].get(field), "after": value}
        for field, value in after["building"].items()
        if not _same(before["building"].get(field), value)
    ]
    sa, sb = before["summary"], after["summary"]
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "unchanged_count": unchanged,
        "building_changes": building_changes,
        "totals": {
            name: {
                "before": sa.get(name),
                "after": sb.get(name),
                "delta": _delta(sa.get(name), sb.get(name)),
            }
            for name in TOTALS
        },
        "by_family": _breakdown(
            sa["mass_by_family"], sb["mass_by_family"], "family", ("mass_kg", "carbon_a1a3_kg")
        ),
        "by_status": _breakdown(sa["by_status"], sb["by_status"], "status", ("count", "mass_kg")),
    }
