"""Material Circularity Indicator (MCI), and the end-of-life defaults this project assumes.

Source: Ellen MacArthur Foundation and Granta Design, "Circularity Indicators: An Approach to
Measuring Circularity. Methodology" (2015; revised 2019), sections 2.2-2.6. For a product of
mass M:

    V   = M(1 − F_R − F_U)                       virgin feedstock
    W0  = M(1 − C_R − C_U)                       unrecoverable waste at end of use
    W_F = M·F_R(1 − E_F)/E_F                     waste from making the recycled feedstock
    W_C = M(1 − E_C)·C_R                         waste from recycling at end of use
    W   = W0 + (W_F + W_C)/2
    LFI = (V + W) / (2M + (W_F − W_C)/2)         linear flow index
    X   = (L/L_av)·(U/U_av)                      utility
    F(X) = 0.9/X
    MCI = max(0, 1 − LFI·F(X))

F_R, F_U: recycled and reused shares of the feedstock; C_R, C_U: shares collected for
recycling and for reuse at end of use; E_F, E_C: efficiencies of the recycling that made the
feedstock and of the recycling at end of use (0.75 unless known); L, L_av: the product's
service life and the industry average; U, U_av: its intensity of use and the average. M cancels
out, so the MCI of a component does not depend on its mass; the mass weights components in a
building's figure. A fully linear product (all virgin, all landfilled, X = 1) scores 0.1; one
made of reused parts and reused again in full scores 1.

End-of-life defaults, used when a component does not record C_U and C_R (project assumptions,
shown as defaults in the passport's completeness figures; record the real fractions to
override them):

    C_U = R_conn × R_cond                        0 when an uncleared hazard is present
    C_R = (1 − C_U) × Σ sᵢ·r_familyᵢ             0 when an uncleared hazard is present

R_conn is the share of the product that can be taken out intact given its connection
(REUSE_BY_CONNECTION), R_cond the share worth reusing given its condition grade
(REUSE_BY_CONDITION), sᵢ the mass shares of its materials and r_family the share of each family
collected for recycling at end of life (RECYCLING_BY_FAMILY). A hazardous substance (asbestos,
PCB, lead, other) that has not been cleared sends the product to controlled disposal, so neither
reuse nor recycling is credited.
"""

from collections.abc import Iterable
from dataclasses import dataclass

EFFICIENCY_DEFAULT = 0.75  # E_F and E_C when unknown (the issue; EMF's worked examples use 0.75)
LINEAR_FACTOR = 0.9  # F(X) = 0.9/X: a linear product with average utility scores 0.1
TOLERANCE = 1e-9

# Share of a product that can be taken out intact, by how it is fixed (project assumption,
# conservative: what is glued, cast or set in cement mortar is not credited with any reuse).
# Lime mortar is softer than brick and cleans off: reclaimed-brick dealers reuse most units.
REUSE_BY_CONNECTION = {
    "dry": 0.9,
    "click": 0.9,
    "bolted": 0.85,
    "screwed": 0.8,
    "nailed": 0.6,
    "lime_mortar": 0.7,
    "cement_mortar": 0.0,
    "glued": 0.0,
    "welded": 0.3,
    "cast": 0.0,
}
REUSE_CONNECTION_UNKNOWN = 0.0  # nothing is credited for a joint nobody has looked at
# Share worth reusing by condition grade (5 as new … 1 unusable for reuse); see CONDITION_GRADES.
REUSE_BY_CONDITION = {5: 1.0, 4: 1.0, 3: 0.8, 2: 0.5, 1: 0.0}
REUSE_CONDITION_UNKNOWN = 0.8  # as grade 3, "fair"
# Share of a material family collected for recycling at end of life (project assumptions).
# Steel: 86% of structural steel from UK demolition is recycled and 13% reused (Sansom & Avery
# 2014, ICE Engineering Sustainability 167(3)); aluminium: 92-98% of building aluminium is
# collected in Europe (TU Delft for the European Aluminium Association, 2004). Mineral families
# are crushed to recycled aggregate; 0.5 stays under the 70% recovery target of the Waste
# Framework Directive 2008/98/EC art. 11, which also counts backfilling. Timber and insulation
# mostly go to energy recovery.
RECYCLING_BY_FAMILY = {
    "steel": 0.85,
    "aluminium": 0.9,
    "copper": 0.9,
    "metals_other": 0.8,
    "concrete": 0.5,
    "masonry": 0.5,
    "stone": 0.5,
    "mortar": 0.5,
    "ceramics": 0.3,
    "glass": 0.3,
    "gypsum": 0.3,
    "bitumen": 0.3,
    "timber": 0.1,
    "plastics": 0.1,
    "insulation": 0.0,
    "other": 0.0,
}


@dataclass(frozen=True)
class MciTerms:
    """Every intermediate of the MCI, for showing the working."""

    v: float
    w0: float
    w_f: float
    w_c: float
    w: float
    lfi: float
    x: float
    f_x: float
    mci: float


def _fraction(name: str, value: float) -> None:
    if not -TOLERANCE <= value <= 1 + TOLERANCE:
        raise ValueError(f"{name} must be between 0 and 1, not {value!r}")


def mci_terms(
    f_r: float,
    f_u: float,
    c_r: float,
    c_u: float,
    *,
    e_f: float = EFFICIENCY_DEFAULT,
    e_c: float = EFFICIENCY_DEFAULT,
    x: float = 1.0,
    mass: float = 1.0,
) -> MciTerms:
    """MCI = max(0, 1 − LFI·0.9/X), between 0 and 1, with all its terms (EMF 2015/2019; the
    formulas are in the module docstring)."""
    for name, value in (("F_R", f_r), ("F_U", f_u), ("C_R", c_r), ("C_U", c_u)):
        _fraction(name, value)
    if f_r + f_u > 1 + TOLERANCE or c_r + c_u > 1 + TOLERANCE:
        raise ValueError("F_R + F_U and C_R + C_U cannot exceed 1")
    if not (0 < e_f <= 1 and 0 < e_c <= 1):
        raise ValueError("the recycling efficiencies E_F and E_C must be in (0, 1]")
    if x <= 0 or mass <= 0:
        raise ValueError("the utility X and the mass M must be positive")
    v = mass * max(0.0, 1 - f_r - f_u)
    w0 = mass * max(0.0, 1 - c_r - c_u)
    w_f = mass * f_r * (1 - e_f) / e_f
    w_c = mass * (1 - e_c) * c_r
    w = w0 + (w_f + w_c) / 2
    lfi = (v + w) / (2 * mass + (w_f - w_c) / 2)
    f_x = LINEAR_FACTOR / x
    return MciTerms(v, w0, w_f, w_c, w, lfi, x, f_x, max(0.0, 1 - lfi * f_x))


def utility(
    service_life: float | None,
    reference_life: float | None,
    use_intensity: float | None = None,
    reference_intensity: float | None = None,
) -> float:
    """X = (L/L_av)·(U/U_av); a ratio whose data is missing counts as 1 (average)."""
    x = 1.0
    if service_life and reference_life and service_life > 0 and reference_life > 0:
        x *= service_life / reference_life
    if use_intensity and reference_intensity and use_intensity > 0 and reference_intensity > 0:
        x *= use_intensity / reference_intensity
    return x


def default_reuse_fraction(
    connection_type: str | None, condition: int | None, hazardous: bool
) -> float:
    """C_U by default: R_conn × R_cond, or 0 with an uncleared hazard (module docstring)."""
    if hazardous:
        return 0.0
    by_connection = REUSE_BY_CONNECTION.get(connection_type or "", REUSE_CONNECTION_UNKNOWN)
    by_condition = REUSE_BY_CONDITION.get(condition, REUSE_CONDITION_UNKNOWN)
    return by_connection * by_condition


def family_recycling_rate(family_shares: Iterable[tuple[str, float]]) -> float:
    """Σ sᵢ·r_familyᵢ over (family, share) pairs; shares are normalised, unknown families 0."""
    pairs = [(family, share) for family, share in family_shares if share and share > 0]
    total = sum(share for _, share in pairs)
    if total <= 0:
        return 0.0
    return sum(RECYCLING_BY_FAMILY.get(family, 0.0) * share for family, share in pairs) / total


@dataclass(frozen=True)
class EndOfLife:
    """C_U and C_R, and which of them are defaults rather than recorded."""

    reuse: float
    recycle: float
    reuse_default: bool
    recycle_default: bool


def end_of_life(
    reuse: float | None,
    recycle: float | None,
    *,
    connection_type: str | None,
    condition: int | None,
    hazardous: bool,
    family_shares: Iterable[tuple[str, float]],
) -> EndOfLife:
    """Recorded C_U and C_R where given, defaults for the rest, never summing past 1."""
    rate = family_recycling_rate(family_shares)
    if reuse is None:
        reuse_value = default_reuse_fraction(connection_type, condition, hazardous)
        if recycle is not None:
            reuse_value = min(reuse_value, max(0.0, 1 - recycle))
    else:
        reuse_value = reuse
    if recycle is None:
        recycle_value = 0.0 if hazardous else max(0.0, 1 - reuse_value) * rate
    else:
        recycle_value = recycle
    return EndOfLife(reuse_value, recycle_value, reuse is None, recycle is None)
