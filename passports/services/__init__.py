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
    create_component,
    unique_tag,
    update_component,
)
from passports.services.materials import create_material, load_material_library, update_material

__all__ = [
    "archive_building",
    "archive_component",
    "change_status",
    "create_component",
    "create_material",
    "grant_access",
    "load_material_library",
    "register_building",
    "restore_building",
    "revoke_access",
    "unique_tag",
    "update_building",
    "update_component",
    "update_material",
]
