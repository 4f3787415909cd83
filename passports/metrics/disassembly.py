"""Disassembly score: how well a component comes apart, on a 0.1-1.0 scale.

The scale follows the detachability index of the Dutch Green Building Council (DGBC,
"Meetmethodiek Losmaakbaarheid", v1.0, 2021), which builds on van Vliet, "Disassembling the
steps towards building circularity" (TU Eindhoven / Alba Concepts, 2018) and Durmisevic,
"Transformable building structures" (TU Delft, 2006). Four factors of the product's connections
are each scored from 0.1 (must be broken) to 1.0 (comes apart freely):

    connection type   how it is fixed          dry or click 1.0 … bolted, screwed 0.8 … nailed
                                                0.6 … lime mortar (soft chemical) 0.2 … glued,
                                                cement mortar, welded, cast (hard chemical) 0.1
    accessibility     reaching the connection  free 1.0, extra actions without damage 0.8,
                                                repairable damage 0.6, irreparable damage 0.4
    intersections     other products crossing  none 1.0, incidental 0.4, full 0.1
    edge enclosure    how its edges are held   open 1.0, overlapping 0.8, closed on one side 0.2,
                                                closed on several sides or embedded 0.1

and combined by the harmonic mean, as in the DGBC method, so that one poor factor pulls the
score down (a glued joint stays glued however easy it is to reach):

    DS = 4 / (1/TC + 1/AC + 1/IN + 1/EE)

A building's score is the mass-weighted mean of its components' scores (DGBC weighs products
by their environmental cost; the issue asks for mass, which the passport records for every
component). The factor levels are DGBC's; the values are this project's reading of them. A
factor the passport does not record takes the default below and is reported as a default.
"""

from dataclasses import dataclass

CONNECTION_SCORES = {
    "dry": 1.0,
    "click": 1.0,
    "bolted": 0.8,
    "screwed": 0.8,
    "nailed": 0.6,
    "lime_mortar": 0.2,
    "cement_mortar": 0.1,
    "glued": 0.1,
    "welded": 0.1,
    "cast": 0.1,
}
ACCESSIBILITY_SCORES = {
    "free": 1.0,
    "extra_actions": 0.8,
    "repairable_damage": 0.6,
    "irreparable_damage": 0.4,
}
INTERSECTION_SCORES = {"none": 1.0, "incidental": 0.4, "full": 0.1}
EDGE_ENCLOSURE_SCORES = {
    "open": 1.0,
    "overlapping": 0.8,
    "one_side": 0.2,
    "enclosed": 0.1,
}
# Defaults for a factor nobody recorded: no credit for an unseen connection; the middle levels
# for the rest (reachable with some work, the odd crossing service, overlapping edges).
DEFAULTS = {
    "connection_type": "unknown",
    "accessibility": "extra_actions",
    "intersections": "incidental",
    "edge_enclosure": "overlapping",
}
CONNECTION_UNKNOWN_SCORE = 0.1


@dataclass(frozen=True)
class DisassemblyScore:
    """The combined score, the four factor scores and the factors that were defaulted."""

    score: float
    connection: float
    accessibility: float
    intersections: float
    edge_enclosure: float
    defaulted: tuple[str, ...]


def harmonic_mean(values: list[float]) -> float:
    """n / Σ(1/vᵢ) of positive values."""
    if not values or any(v <= 0 for v in values):
        raise ValueError("the harmonic mean needs positive values")
    return len(values) / sum(1 / v for v in values)


def disassembly_score(
    connection_type: str | None,
    accessibility: str | None,
    intersections: str | None,
    edge_enclosure: str | None,
) -> DisassemblyScore:
    """DS = 4/(1/TC + 1/AC + 1/IN + 1/EE), each factor 0.1-1.0 (see module docstring)."""
    defaulted = []
    if connection_type in CONNECTION_SCORES:
        tc = CONNECTION_SCORES[connection_type]
    else:
        tc = CONNECTION_UNKNOWN_SCORE
        defaulted.append("connection_type")

    def factor(name: str, value: str | None, scale: dict[str, float]) -> float:
        if value in scale:
            return scale[value]
        defaulted.append(name)
        return scale[DEFAULTS[name]]

    ac = factor("accessibility", accessibility, ACCESSIBILITY_SCORES)
    it = factor("intersections", intersections, INTERSECTION_SCORES)
    ee = factor("edge_enclosure", edge_enclosure, EDGE_ENCLOSURE_SCORES)
    return DisassemblyScore(harmonic_mean([tc, ac, it, ee]), tc, ac, it, ee, tuple(defaulted))
