"""REST API for buildings, components, access grants, the material library, the chain of custody
and passport documents (JSON export and import, snapshots and their comparison).

One blueprint (`blp`, in blueprint.py); each module adds the routes of one resource."""

from passports.api.blueprint import (  # noqa: F401
    blp,
)
from passports.api.buildings import (  # noqa: F401
    archive_building,
    building_summary,
    create_building,
    create_grant,
    get_building,
    list_buildings,
    list_grants,
    revoke_grant,
    update_building,
)
from passports.api.components import (  # noqa: F401
    archive_component,
    create_component,
    get_component,
    list_components,
    update_component,
)
from passports.api.documents import (  # noqa: F401
    building_passport,
    compare_snapshots,
    create_snapshot,
    get_snapshot,
    import_passport_document,
    list_snapshots,
    passport_json_schema,
)
from passports.api.events import (  # noqa: F401
    clear_hazard,
    create_event,
    list_events,
)
from passports.api.materials import (  # noqa: F401
    create_material,
    get_material,
    list_materials,
    update_material,
)
