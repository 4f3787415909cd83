"""REST API for buildings, components, access grants, the material library, the chain of custody
and passport documents (JSON export and import, snapshots and their comparison).

One blueprint (`blp`, in blueprint.py); each module adds the routes of one resource."""

from passports.api.blueprint import blp  # noqa: F401
from passports.api.buildings import archive_building  # noqa: F401
from passports.api.buildings import building_summary  # noqa: F401
from passports.api.buildings import create_building  # noqa: F401
from passports.api.buildings import create_grant  # noqa: F401
from passports.api.buildings import get_building  # noqa: F401
from passports.api.buildings import list_buildings  # noqa: F401
from passports.api.buildings import list_grants  # noqa: F401
from passports.api.buildings import revoke_grant  # noqa: F401
from passports.api.buildings import update_building  # noqa: F401
from passports.api.components import archive_component  # noqa: F401
from passports.api.components import create_component  # noqa: F401
from passports.api.components import get_component  # noqa: F401
from passports.api.components import list_components  # noqa: F401
from passports.api.components import update_component  # noqa: F401
from passports.api.credentials import building_dpp  # noqa: F401
from passports.api.credentials import building_dpp_signed  # noqa: F401
from passports.api.credentials import component_dpp  # noqa: F401
from passports.api.credentials import component_dpp_signed  # noqa: F401
from passports.api.credentials import component_events  # noqa: F401
from passports.api.credentials import component_events_signed  # noqa: F401
from passports.api.documents import building_passport  # noqa: F401
from passports.api.documents import compare_snapshots  # noqa: F401
from passports.api.documents import create_snapshot  # noqa: F401
from passports.api.documents import get_snapshot  # noqa: F401
from passports.api.documents import import_passport_document  # noqa: F401
from passports.api.documents import list_snapshots  # noqa: F401
from passports.api.documents import passport_json_schema  # noqa: F401
from passports.api.events import clear_hazard  # noqa: F401
from passports.api.events import create_event  # noqa: F401
from passports.api.events import list_events  # noqa: F401
from passports.api.ifc_models import building_ifc_model  # noqa: F401
from passports.api.ifc_models import import_ifc_model  # noqa: F401
from passports.api.materials import create_material  # noqa: F401
from passports.api.materials import get_material  # noqa: F401
from passports.api.materials import list_materials  # noqa: F401
from passports.api.materials import update_material  # noqa: F401
