"""HTML pages of the passports blueprint: buildings, components, materials and tags."""

from flask import Blueprint

from passports.models import (
    BUILDING_STATUSES,
    CATEGORIES,
    COMPONENT_STATUSES,
    CONDITION_GRADES,
    CONNECTION_TYPES,
    HAZARD_KINDS,
    MATERIAL_FAMILIES,
    UNITS,
    USE_TYPES,
)

bp = Blueprint("passports", __name__, template_folder="../templates")

CHOICES = {
    "statuses": BUILDING_STATUSES,
    "use_types": USE_TYPES,
    "categories": CATEGORIES,
    "units": UNITS,
    "connection_types": CONNECTION_TYPES,
    "hazard_kinds": HAZARD_KINDS,
    "component_statuses": COMPONENT_STATUSES,
    "conditions": CONDITION_GRADES,
    "families": MATERIAL_FAMILIES,
}


@bp.context_processor
def _choices():
    return {"choices": CHOICES}


# The page modules register their routes on bp.
from passports.views import (  # noqa: E402, F401
    buildings,
    components,
    documents,
    hazards,
    imports,
    labels,
    materials,
    scan,
    scanner,
)
