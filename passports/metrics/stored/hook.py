"""Scoring components as they are written: the facts a component's metrics are evaluated from,
and the `before_flush` hook (installed by the app factory) that re-scores a component when one
of its inputs, its materials, its hazards or a library material it uses changed."""

from collections.abc import Callable
from collections.abc import Iterable

from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE
from sqlalchemy.orm.attributes import get_history

from app.database import listen_once
from app.extensions import db
from passports.metrics.component import INPUT_FIELDS
from passports.metrics.component import ComponentFacts
from passports.metrics.component import MaterialFacts
from passports.metrics.component import PartFacts
from passports.metrics.component import evaluate
from passports.metrics.component import facts_of
from passports.models import Component
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.models import Material

# The component fields that feed its metrics (mass and materials via their own rows too).
INPUT_ATTRIBUTES = (
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
    "materials",
    "hazards",
)
MATERIAL_ATTRIBUTES = ("family", "carbon_a1a3", "reference_service_life_years")
RESULT_COLUMNS = ("mci", "disassembly_score", "carbon_a1a3_kg", "metrics_quality")


def material_facts(material: Material) -> MaterialFacts:
    """The library facts of a material that the metrics use."""
    return MaterialFacts(
        material.family, material.carbon_a1a3 or 0.0, material.reference_service_life_years
    )


def component_facts(
    component: Component, material_of: Callable[[ComponentMaterial], Material | None]
) -> ComponentFacts:
    """The recorded inputs of an ORM component (its materials looked up with `material_of`)."""
    parts = []
    for cm in component.materials:
        material = material_of(cm)
        if material is not None:
            parts.append(PartFacts(material_facts(material), cm.fraction, cm.mass_kg))
    return facts_of(
        {name: getattr(component, name) for name in INPUT_FIELDS},
        parts,
        hazardous=any(h.cleared_at is None for h in component.hazards),
    )


def score_component(component: Component, material_of=None) -> None:
    """Evaluate a component and store its results on it (only the values that changed)."""
    if material_of is None:
        material_of = _material_lookup(db.session)
    result = evaluate(component_facts(component, material_of))
    values = (result.mci, result.disassembly_score, result.carbon_a1a3_kg, result.quality)
    for name, value in zip(RESULT_COLUMNS, values, strict=True):
        if getattr(component, name) != value:
            setattr(component, name, value)


def _material_lookup(session) -> Callable[[ComponentMaterial], Material | None]:
    """cm.material, or the library row of cm.material_id for a share not yet flushed."""

    def material_of(cm: ComponentMaterial) -> Material | None:
        if cm.material is not None:
            return cm.material
        if cm.material_id is not None:
            return session.get(Material, cm.material_id)
        return None

    return material_of


def _changed(obj, names: Iterable[str]) -> bool:
    return any(get_history(obj, name, PASSIVE_NO_INITIALIZE).has_changes() for name in names)


def _never_scored(obj) -> bool:
    return inspect(obj).dict.get("metrics_quality", "unloaded") is None


def _before_flush(session, _flush_context, _instances) -> None:
    """Score the components whose inputs change in this flush."""
    touched: dict[int, Component] = {}
    materials: list[int] = []
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Component):
            if inspect(obj).pending or _changed(obj, INPUT_ATTRIBUTES) or _never_scored(obj):
                touched[id(obj)] = obj
        elif isinstance(obj, ComponentMaterial | ComponentHazard):
            if obj.component is not None:
                touched[id(obj.component)] = obj.component
        elif (
            isinstance(obj, Material)
            and not inspect(obj).pending
            and _changed(obj, MATERIAL_ATTRIBUTES)
        ):
            materials.append(obj.id)
    for obj in session.deleted:
        if isinstance(obj, ComponentMaterial | ComponentHazard):
            parent = obj.component
            if parent is not None and not inspect(parent).deleted:
                touched[id(parent)] = parent
    if materials:
        users = session.scalars(
            select(Component)
            .join(ComponentMaterial, ComponentMaterial.component_id == Component.id)
            .where(ComponentMaterial.material_id.in_(materials))
            .distinct()
        )
        for component in users:
            touched[id(component)] = component
    if not touched:
        return
    material_of = _material_lookup(session)
    deleted = set(map(id, session.deleted))
    for component in touched.values():
        if id(component) not in deleted:
            score_component(component, material_of)


def install() -> None:
    """Attach the scoring hook to the application's session (idempotent)."""
    listen_once(db.session, {"before_flush": _before_flush})
