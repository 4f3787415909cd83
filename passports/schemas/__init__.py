"""Marshmallow schemas: outputs are dumped, inputs are loaded strictly (no unknown fields)."""

from passports.schemas.buildings import (
    BuildingCreateSchema,
    BuildingQueryArgs,
    BuildingSchema,
    BuildingSummarySchema,
    BuildingUpdateSchema,
    GrantCreateSchema,
    GrantSchema,
)
from passports.schemas.components import (
    ClearanceSchema,
    ComponentCreateSchema,
    ComponentQueryArgs,
    ComponentSchema,
    ComponentUpdateSchema,
    HazardSchema,
    MaterialShareSchema,
)
from passports.schemas.events import EventConflictSchema, EventCreateSchema, EventSchema
from passports.schemas.materials import (
    MaterialCreateSchema,
    MaterialQueryArgs,
    MaterialSchema,
    MaterialUpdateSchema,
)

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
