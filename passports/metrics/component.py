"""A component's metrics from its recorded facts: MCI, disassembly score, embodied carbon and
how much of that rests on defaults.

Pure: the facts are plain values, so the same function serves the write-time hook, the bulk
refresh and the tests. What the passport does not record is filled in as documented in
`circularity` and `disassembly`, and named in `defaults`:

- F_R and F_U are the recorded recycled and reused content. A component that came through the
  exchange (reuse_cycles ≥ 1) is reused feedstock where it now stands: F_U = 1, F_R = 0.
- C_U and C_R are the recorded end-of-life fractions, else the defaults of `end_of_life`.
- X = L/L_av from the recorded service life and the reference service life of the component's
  main material (largest mass, else largest share); 1 when either is unknown.
- E_F = E_C = 0.75.

Data quality: "none" when the mass or the materials are missing (the component is still
scored, with defaults, but cannot weigh in a building's mass-weighted figures without a mass);
"full" when nothing was defaulted; "defaults" otherwise.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from passports.metrics.carbon import parts_carbon_kg
from passports.metrics.circularity import end_of_life
from passports.metrics.circularity import mci_terms
from passports.metrics.circularity import utility
from passports.metrics.disassembly import disassembly_score


@dataclass(frozen=True)
class MaterialFacts:
    """What the library says about a material."""

    family: str
    carbon_per_kg: float
    reference_life_years: int | None = None


@dataclass(frozen=True)
class PartFacts:
    """One material share of a component."""

    material: MaterialFacts
    fraction: float
    mass_kg: float | None = None


@dataclass(frozen=True)
class ComponentFacts:
    """The recorded inputs of a component's metrics."""

    mass_kg: float | None
    parts: tuple[PartFacts, ...] = ()
    recycled_content: float = 0.0
    reused_content: float = 0.0
    reuse_cycles: int = 0
    eol_reuse_fraction: float | None = None
    eol_recycle_fraction: float | None = None
    service_life_years: int | None = None
    condition: int | None = None
    connection_type: str | None = None
    accessibility: str | None = None
    intersections: str | None = None
    edge_enclosure: str | None = None
    hazardous: bool = False


# The recorded inputs of ComponentFacts, named as the component's columns and as its fields
# in a passport document: an ORM component, a row and a document entry all give them.
INPUT_FIELDS = (
    "mass_kg",
    "recycled_content",
    "reused_content",
    "reuse_cycles",
    "eol_reuse_fraction",
    "eol_recycle_fraction",
    "service_life_years",
    "condition",
    "connection_type",
    "accessibility",
    "intersections",
    "edge_enclosure",
)


def facts_of(values: Mapping[str, Any], parts, *, hazardous: bool) -> ComponentFacts:
    """A component's facts from its recorded inputs by name (INPUT_FIELDS), its material
    parts and whether a hazard is uncleared; an unrecorded content or cycle count is 0."""
    given = {name: values[name] for name in INPUT_FIELDS}
    given["recycled_content"] = given["recycled_content"] or 0.0
    given["reused_content"] = given["reused_content"] or 0.0
    given["reuse_cycles"] = given["reuse_cycles"] or 0
    return ComponentFacts(parts=tuple(parts), hazardous=hazardous, **given)


@dataclass(frozen=True)
class ComponentMetrics:
    """A component's scores, its embodied carbon and the inputs that were defaulted."""

    mci: float
    disassembly_score: float
    carbon_a1a3_kg: float | None
    quality: str
    defaults: tuple[str, ...]
    reuse_fraction: float
    recycle_fraction: float
    utility: float


def _shares(parts: tuple[PartFacts, ...]) -> list[tuple[PartFacts, float]]:
    """Each part with its share of the component: by mass when every part has one."""
    if parts and all(p.mass_kg is not None for p in parts) and sum(p.mass_kg for p in parts) > 0:
        return [(p, p.mass_kg) for p in parts]
    return [(p, p.fraction) for p in parts]


def evaluate(facts: ComponentFacts) -> ComponentMetrics:
    """The MCI, disassembly score and A1-A3 of one component, never raising on missing data."""
    defaults: list[str] = []
    if facts.mass_kg is None:
        defaults.append("mass")
    if not facts.parts:
        defaults.append("materials")
    shares = _shares(facts.parts)
    main = max(shares, key=lambda pair: pair[1])[0] if shares else None

    if facts.reuse_cycles > 0:
        f_r, f_u = 0.0, 1.0
    else:
        f_r = min(max(facts.recycled_content or 0.0, 0.0), 1.0)
        f_u = min(max(facts.reused_content or 0.0, 0.0), 1.0 - f_r)
    eol = end_of_life(
        facts.eol_reuse_fraction,
        facts.eol_recycle_fraction,
        connection_type=facts.connection_type,
        condition=facts.condition,
        hazardous=facts.hazardous,
        family_shares=[(p.material.family, share) for p, share in shares],
    )
    if eol.reuse_default:
        defaults.append("eol_reuse_fraction")
    if eol.recycle_default:
        defaults.append("eol_recycle_fraction")
    reference = main.material.reference_life_years if main else None
    if not (facts.service_life_years and reference):
        defaults.append("service_life")
    x = utility(facts.service_life_years, reference)
    c_u = min(max(eol.reuse, 0.0), 1.0)
    c_r = min(max(eol.recycle, 0.0), 1.0 - c_u)
    mci = mci_terms(f_r, f_u, c_r, c_u, x=x).mci

    ds = disassembly_score(
        facts.connection_type, facts.accessibility, facts.intersections, facts.edge_enclosure
    )
    defaults.extend(ds.defaulted)
    carbon = parts_carbon_kg((p.mass_kg, p.material.carbon_per_kg) for p in facts.parts)
    if facts.mass_kg is None or not facts.parts:
        quality = "none"
    elif defaults:
        quality = "defaults"
    else:
        quality = "full"
    return ComponentMetrics(mci, ds.score, carbon, quality, tuple(defaults), c_u, c_r, x)
