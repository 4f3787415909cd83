"""Schemas for buildings, their overview and access grants."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from app.pagination import PageArgs
from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from app.schema_fields import StrictFloat
from passports.models import BUILDING_STATUSES
from passports.models import USE_TYPES
from passports.models import Building
from passports.models import BuildingAccess
from passports.models.buildings import BUILDING_FIELDS
from passports.schemas.common import _positive
from passports.schemas.common import _text
from passports.schemas.common import _year
from passports.services.buildings import PLANNED_DATE_NEEDED
from passports.services.buildings import PLANNED_STATUSES


class BuildingSchema(ModelSchema):
    """A building as the API shows it."""

    class Meta(ModelSchema.Meta):
        model = Building
        fields = (
            *("id", "organisation_id", "organisation"),
            *BUILDING_FIELDS,
            *("register_id", "archived", "created_at", "updated_at"),
        )

    organisation = fields.Function(lambda b: b.organisation.name)
    archived = fields.Function(lambda b: b.archived_at is not None)


class BuildingCreateSchema(InputSchema):
    """What an owner gives to register a building."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    address = _text(300)
    city = _text(120)
    country = fields.String(
        validate=validate.Regexp(
            r"^([A-Z]{2})?$", error=_l("Use the two-letter ISO 3166 code, e.g. NL or DK.")
        )
    )
    latitude = StrictFloat(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = StrictFloat(allow_none=True, validate=validate.Range(min=-180, max=180))
    year_built = _year()
    gross_floor_area_m2 = StrictFloat(allow_none=True, validate=_positive)
    use_type = fields.String(validate=validate.OneOf(USE_TYPES))
    status = fields.String(validate=validate.OneOf(BUILDING_STATUSES))
    planned_date = fields.Date(allow_none=True)
    register_id = fields.String(
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={
            "description": "The building's id in its city's building register: links the "
            "passport to the register entry with this id."
        },
    )
    organisation_id = Id(metadata={"description": "Admins only: the owning organisation."})

    # What _coordinates_together checks, stated in the document (not for an edit, which may
    # move one of them).
    json_schema_rules = {
        "allOf": [
            {
                "anyOf": [
                    {
                        "required": ["planned_date"],
                        "properties": {"planned_date": {"type": "string"}},
                    },
                    {
                        "properties": {
                            "status": {"not": {"enum": list(PLANNED_STATUSES)}},
                        }
                    },
                ]
            }
        ],
        "anyOf": [
            {
                "required": ["latitude", "longitude"],
                "properties": {"latitude": {"type": "number"}, "longitude": {"type": "number"}},
            },
            {
                "properties": {
                    "latitude": {"not": {"type": "number"}},
                    "longitude": {"not": {"type": "number"}},
                }
            },
        ],
        "description": "latitude and longitude come together (both numbers, or neither); a "
        "planned status needs its planned_date.",
    }

    @validates_schema
    def _coordinates_together(self, data, partial=None, **_kwargs):
        if not partial and (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(_("Give latitude and longitude together."), "latitude")
        if not partial and data.get("status") in PLANNED_STATUSES and not data.get("planned_date"):
            raise ValidationError(str(PLANNED_DATE_NEEDED), "planned_date")


class BuildingQueryArgs(PageArgs):
    """Filters for the building list."""

    q = fields.String(metadata={"description": "Search name, address and city."})
    city = fields.String()
    status = fields.String(validate=validate.OneOf(BUILDING_STATUSES))
    archived = fields.Boolean(load_default=False)


class StatusCountSchema(Schema):
    """A count of components by status."""

    status = fields.String()
    count = fields.Integer()


class GroupSchema(Schema):
    """Components of one storey and category."""

    storey = fields.String()
    category = fields.String()
    count = fields.Integer()
    mass_kg = fields.Float(allow_none=True)


class FamilyMassSchema(Schema):
    """Total mass of one material family."""

    family = fields.String()
    mass_kg = fields.Float()


class HazardRowSchema(Schema):
    """A hazardous component in the overview."""

    id = fields.Integer()
    tag = fields.String()
    name = fields.String()
    storey = fields.String()
    kinds = fields.List(fields.String())


class BuildingSummarySchema(Schema):
    """The passport overview of a building, aggregated in SQL."""

    building = fields.Nested(BuildingSchema)
    component_count = fields.Integer()
    total_mass_kg = fields.Float()
    mass_unknown_count = fields.Integer()
    by_status = fields.List(fields.Nested(StatusCountSchema))
    groups = fields.List(fields.Nested(GroupSchema))
    mass_by_family = fields.List(fields.Nested(FamilyMassSchema))
    hazardous_count = fields.Integer()
    hazardous = fields.List(fields.Nested(HazardRowSchema))


class GrantSchema(ModelSchema):
    """An access grant as shown."""

    class Meta(ModelSchema.Meta):
        model = BuildingAccess
        fields = ("id", "organisation_id", "organisation", "expires_on", "revoked", "created_at")

    organisation = fields.Function(lambda g: g.organisation.name)
    revoked = fields.Function(lambda g: g.revoked_at is not None)


class GrantCreateSchema(InputSchema):
    """Grant an organisation read access to a building."""

    organisation_id = Id(required=True)
    expires_on = fields.Date(allow_none=True)


class BuildingUpdateSchema(BuildingCreateSchema):
    """Edit of a building: any subset of the fields (load with partial=True). Ownership is
    not among them, so the document does not offer it."""

    class Meta:
        exclude = ("organisation_id",)
