"""What a re-import would change in a component: the fields whose values differ."""

import math

from passports.models import Component


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def changes(component: Component, data: dict) -> dict:
    """The part of `data` that differs from the component as stored."""
    found = {}
    for key, value in data.items():
        if key == "materials":
            current = [(cm.material_id, cm.fraction) for cm in component.materials]
            new = [(m["material_id"], m["fraction"]) for m in value]
            same = len(current) == len(new) and all(
                a[0] == b[0] and _same(a[1], b[1]) for a, b in zip(current, new, strict=True)
            )
        elif key == "hazards":
            same = [(h.kind, h.notes) for h in component.hazards] == [
                (h["kind"], h.get("notes", "")) for h in value
            ]
        elif key == "mass_kg":
            same = _same(component.mass_kg if component.mass_source == "given" else None, value)
        elif key == "unit_mass_kg":
            # Worked out from the lot's mass for pieces, unless it gave the mass.
            recorded = component.unit != "pcs" or component.mass_source == "unit_mass"
            same = _same(component.unit_mass_kg if recorded else None, value)
        else:
            same = _same(getattr(component, key), value)
        if not same:
            found[key] = value
    return found
