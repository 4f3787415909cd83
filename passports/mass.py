"""Mass of a component from what the owner knows: a weighed mass, a mass unit, or a volume.

Material fractions are shares of the component's volume (as IFC layer thicknesses are), so:

    mass = V × Σ fᵢ·ρᵢ          (V in m³, ρᵢ the density of material i in kg/m³)
    massᵢ = mass × fᵢ·ρᵢ / Σ fⱼ·ρⱼ

When the mass is given directly, it is split over the materials by the same shares.

The mass of one element (`unit_mass_kg`) is worked out here too, and only here: recorded
when given, otherwise, for a lot counted in pieces with a known mass, mass / quantity. A lot
counted in pieces with a given unit mass and no given mass weighs quantity × unit mass (a
weighed element says more than a volume times a density): its source is "unit_mass".
"""

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace


@dataclass(frozen=True)
class Part:
    """A material share of a component."""

    name: str
    fraction: float
    density: float


@dataclass(frozen=True)
class MassResult:
    """The mass, where it came from, a human-readable derivation and the split by material."""

    mass_kg: float | None
    source: str  # given | unit | unit_mass | derived | unknown
    derivation: str
    parts_kg: list[float | None] = field(default_factory=list)
    unit_mass_kg: float | None = None


def _fmt(value: float) -> str:
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def split_by_material(mass_kg: float | None, parts: list[Part]) -> list[float | None]:
    """Split a mass over the parts by their volume share times density."""
    weights = [p.fraction * p.density for p in parts]
    total = sum(weights)
    if mass_kg is None or total <= 0:
        return [None for _ in parts]
    return [mass_kg * w / total for w in weights]


def derive_mass(
    quantity: float,
    unit: str,
    volume_m3: float | None,
    mass_kg: float | None,
    parts: list[Part],
    unit_mass_kg: float | None = None,
) -> MassResult:
    """Work out the component's mass, and one element's, and show how."""
    result = _lot_mass(quantity, unit, volume_m3, mass_kg, parts, unit_mass_kg)
    if unit_mass_kg is None and unit == "pcs" and result.mass_kg is not None and quantity > 0:
        unit_mass_kg = result.mass_kg / quantity
    return replace(result, unit_mass_kg=unit_mass_kg)


def _lot_mass(
    quantity: float,
    unit: str,
    volume_m3: float | None,
    mass_kg: float | None,
    parts: list[Part],
    unit_mass_kg: float | None,
) -> MassResult:
    if mass_kg is not None:
        return MassResult(
            mass_kg, "given", f"{_fmt(mass_kg)} kg, as given", split_by_material(mass_kg, parts)
        )
    if unit in ("kg", "t"):
        mass = quantity * (1000.0 if unit == "t" else 1.0)
        note = f"{_fmt(quantity)} {unit} = {_fmt(mass)} kg"
        return MassResult(mass, "unit", note, split_by_material(mass, parts))
    if unit == "pcs" and unit_mass_kg is not None:
        mass = quantity * unit_mass_kg
        note = f"{_fmt(quantity)} pcs × {_fmt(unit_mass_kg)} kg = {_fmt(mass)} kg"
        return MassResult(mass, "unit_mass", note, split_by_material(mass, parts))
    volume = quantity if unit == "m3" else volume_m3
    if volume is None or not parts:
        missing = "materials" if volume is not None else "a volume or a mass"
        return MassResult(None, "unknown", f"Mass unknown: give {missing}.", [None for _ in parts])
    density = sum(p.fraction * p.density for p in parts)
    mass = volume * density
    terms = " + ".join(f"{_fmt(p.fraction)} × {_fmt(p.density)} ({p.name})" for p in parts)
    mix = f" = {terms}" if len(parts) > 1 else f" ({parts[0].name})"
    note = f"{_fmt(volume)} m³ × {_fmt(density)} kg/m³{mix} = {_fmt(mass)} kg"
    return MassResult(mass, "derived", note[:500], [volume * p.fraction * p.density for p in parts])
