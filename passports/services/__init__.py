"""Writes to passports. Services flush and never commit: the request or command commits."""

from passports.services.buildings import (
    archive_building,
    grant_access,
    register_building,
    restore_building,
    revoke_access,
    update_building,
)
from passports.services.components import (
    archive_component,
    change_status,
    clear_hazard,
    create_component,
    unique_tag,
    update_component,
)
from passports.services.events import (
    find_replay,
    record_event,
    record_system_event,
    request_fingerprint,
)
from passports.services.materials import create_material, load_material_library, update_material

__all__ = [
    "archive_building",
    "archive_component",
    "change_status",
    "clear_hazard",
    "create_component",
    "create_material",
    "find_replay",
    "grant_access",
    "load_material_library",
    "record_event",
    "record_system_event",
    "register_building",
    "request_fingerprint",
    "restore_building",
    "revoke_access",
    "unique_tag",
    "update_building",
    "update_component",
    "update_material",
]
