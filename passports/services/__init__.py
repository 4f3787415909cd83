"""Writes to passports. Services flush and never commit: the request or command commits."""

from passports.services.buildings import archive_building
from passports.services.buildings import grant_access
from passports.services.buildings import register_building
from passports.services.buildings import restore_building
from passports.services.buildings import revoke_access
from passports.services.buildings import update_building
from passports.services.components import archive_component
from passports.services.components import change_status
from passports.services.components import clear_hazard
from passports.services.components import create_component
from passports.services.components import unique_tag
from passports.services.components import update_component
from passports.services.events import find_replay
from passports.services.events import record_event
from passports.services.events import record_system_event
from passports.services.events import request_fingerprint
from passports.services.materials import create_material
from passports.services.materials import load_material_library
from passports.services.materials import update_material

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
