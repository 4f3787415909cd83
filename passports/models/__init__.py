"""The passport nouns: materials, buildings, access grants, components, events."""

from passports.models.buildings import Building, BuildingAccess
from passports.models.components import (
    AMOUNT_FIELDS,
    IDENTITY_FIELDS,
    PASSPORT_FIELDS,
    RECORDED_FIELDS,
    Component,
    ComponentHazard,
    ComponentMaterial,
)
from passports.models.events import ComponentEvent, EventPhoto
from passports.models.library import Material
from passports.models.vocab import (
    BUILDING_STATUSES,
    CATEGORIES,
    COMPONENT_STATUSES,
    CONDITION_GRADES,
    CONNECTION_TYPES,
    DISMANTLING_GUIDE,
    DISPOSAL_ROUTES,
    EVENT_KINDS,
    HAZARD_KINDS,
    MATERIAL_FAMILIES,
    STATUS_CHAIN,
    UNITS,
    USE_TYPES,
)

__all__ = [
    "AMOUNT_FIELDS",
    "IDENTITY_FIELDS",
    "PASSPORT_FIELDS",
    "RECORDED_FIELDS",
    "BUILDING_STATUSES",
    "CATEGORIES",
    "COMPONENT_STATUSES",
    "CONDITION_GRADES",
    "CONNECTION_TYPES",
    "DISMANTLING_GUIDE",
    "DISPOSAL_ROUTES",
    "EVENT_KINDS",
    "HAZARD_KINDS",
    "MATERIAL_FAMILIES",
    "STATUS_CHAIN",
    "UNITS",
    "USE_TYPES",
    "Building",
    "BuildingAccess",
    "Component",
    "ComponentEvent",
    "ComponentHazard",
    "EventPhoto",
    "ComponentMaterial",
    "Material",
]
