"""HTML pages of the passports blueprint: buildings, components, materials and tags."""

from flask import Blueprint

from passports.models import BUILDING_STATUSES
from passports.models import CATEGORIES
from passports.models import COMPONENT_STATUSES
from passports.models import CONDITION_GRADES
from passports.models import CONNECTION_TYPES
from passports.models import HAZARD_KINDS
from passports.models import MATERIAL_FAMILIES
from passports.models import UNITS
from passports.models import USE_TYPES

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
from passports.views import buildings  # noqa: E402, F401
from passports.views import components  # noqa: E402, F401
from passports.views import documents  # noqa: E402, F401
from passports.views import hazards  # noqa: E402, F401
from passports.views import imports  # noqa: E402, F401
from passports.views import labels  # noqa: E402, F401
from passports.views import materials  # noqa: E402, F401
from passports.views import scan  # noqa: E402, F401
from passports.views import scanner  # noqa: E402, F401
