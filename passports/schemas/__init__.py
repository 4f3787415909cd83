"""Marshmallow schemas: outputs are dumped, inputs are loaded strictly (no unknown fields)."""

from passports.schemas.buildings import BuildingCreateSchema
from passports.schemas.buildings import BuildingQueryArgs
from passports.schemas.buildings import BuildingSchema
from passports.schemas.buildings import BuildingSummarySchema
from passports.schemas.buildings import BuildingUpdateSchema
from passports.schemas.buildings import GrantCreateSchema
from passports.schemas.buildings import GrantSchema
from passports.schemas.components import ClearanceSchema
from passports.schemas.components import ComponentCreateSchema
from passports.schemas.components import ComponentQueryArgs
from passports.schemas.components import ComponentSchema
from passports.schemas.components import ComponentUpdateSchema
from passports.schemas.components import HazardSchema
from passports.schemas.components import MaterialShareSchema
from passports.schemas.events import EventConflictSchema
from passports.schemas.events import EventCreateSchema
from passports.schemas.events import EventSchema
from passports.schemas.materials import MaterialCreateSchema
from passports.schemas.materials import MaterialQueryArgs
from passports.schemas.materials import MaterialSchema
from passports.schemas.materials import MaterialUpdateSchema

__all__ = [
    "ClearanceSchema",
    "BuildingCreateSchema",
    "BuildingQueryArgs",
    "BuildingSchema",
    "BuildingSummarySchema",
    "BuildingUpdateSchema",
    "ComponentCreateSchema",
    "ComponentQueryArgs",
    "ComponentSchema",
    "ComponentUpdateSchema",
    "EventConflictSchema",
    "EventCreateSchema",
    "EventSchema",
    "GrantCreateSchema",
    "GrantSchema",
    "HazardSchema",
    "MaterialCreateSchema",
    "MaterialQueryArgs",
    "MaterialSchema",
    "MaterialShareSchema",
    "MaterialUpdateSchema",
]
