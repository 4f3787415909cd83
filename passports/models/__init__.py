"""The passport nouns: materials, buildings, access grants, components, events."""

from passports.models.buildings import Building
from passports.models.buildings import BuildingAccess
from passports.models.components import AMOUNT_FIELDS
from passports.models.components import DIMENSION_FIELDS
from passports.models.components import IDENTITY_FIELDS
from passports.models.components import MEASURE_FIELDS
from passports.models.components import PASSPORT_FIELDS
from passports.models.components import RECORDED_FIELDS
from passports.models.components import Component
from passports.models.components import ComponentHazard
from passports.models.components import ComponentMaterial
from passports.models.events import EVENT_FIELDS
from passports.models.events import ComponentEvent
from passports.models.events import EventPhoto
from passports.models.library import Material
from passports.models.vocab import BUILDING_STATUSES
from passports.models.vocab import CATEGORIES
from passports.models.vocab import COMPONENT_STATUSES
from passports.models.vocab import CONDITION_GRADES
from passports.models.vocab import CONNECTION_TYPES
from passports.models.vocab import DISMANTLING_GUIDE
from passports.models.vocab import DISPOSAL_ROUTES
from passports.models.vocab import EVENT_KINDS
from passports.models.vocab import HAZARD_KINDS
from passports.models.vocab import MATERIAL_FAMILIES
from passports.models.vocab import STATUS_CHAIN
from passports.models.vocab import UNITS
from passports.models.vocab import USE_TYPES

__all__ = [
    "AMOUNT_FIELDS",
    "DIMENSION_FIELDS",
    "IDENTITY_FIELDS",
    "MEASURE_FIELDS",
    "PASSPORT_FIELDS",
    "RECORDED_FIELDS",
    "BUILDING_STATUSES",
    "CATEGORIES",
    "COMPONENT_STATUSES",
    "CONDITION_GRADES",
    "CONNECTION_TYPES",
    "DISMANTLING_GUIDE",
    "DISPOSAL_ROUTES",
    "EVENT_FIELDS",
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
