"""Schemas for the material library."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates

from app.pagination import PageArgs
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from app.schema_fields import StrictFloat
from passports.cpv import CPV_CODE
from passports.cpv import CPV_FORMAT
from passports.cpv import cpv_label
from passports.cpv import is_valid_cpv
from passports.models import MATERIAL_FAMILIES
from passports.models import Material
from passports.schemas.common import _carbon
from passports.schemas.common import _positive
from passports.schemas.common import _text


class MaterialSchema(ModelSchema):
    """A material of the library."""

    class Meta(ModelSchema.Meta):
        model = Material
        exclude = ("updated_at", "created_at")

    carbon_a1a3 = fields.Float(metadata={"description": "kgCO2e/kg, A1-A3"})
    cpv_label = fields.Function(lambda m: cpv_label(m.cpv_code))
    aliases = fields.Function(lambda m: [a for a in m.aliases.split(";") if a])
    names = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "The name in each shipped language but English (nl, da, de, ja, "
            "zh_Hans); `name` is the English one. Imports and the exchange's search match "
            "these and the aliases."
        },
    )


class MaterialCreateSchema(InputSchema):
    """What an admin gives to add a material."""

    slug = fields.String(
        required=True,
        validate=[
            validate.Length(max=80),
            validate.Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$", error=_l("Use lowercase letters, digits and hyphens.")
            ),
        ],
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    family = fields.String(required=True, validate=validate.OneOf(MATERIAL_FAMILIES))
    density_kg_m3 = StrictFloat(required=True, validate=_positive)
    carbon_a1a3 = StrictFloat(required=True, validate=_carbon)
    carbon_source = fields.String(required=True, validate=validate.Length(min=3, max=500))
    cpv_code = fields.String(
        required=True,
        validate=validate.Regexp(rf"^{CPV_CODE}$", error=CPV_FORMAT),
        metadata={"description": "With its check digit, e.g. 44111100-2."},
    )
    reference_service_life_years = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=500)
    )
    reprocessing_kgco2e_per_kg = StrictFloat(validate=_carbon)
    reprocessing_source = _text(500)
    aliases = fields.List(fields.String(validate=validate.Length(min=1, max=100)))

    @validates("cpv_code")
    def _cpv(self, value: str, **_kwargs):
        if not is_valid_cpv(value):
            raise ValidationError(_("Not a CPV code for construction products or works."))


class MaterialQueryArgs(PageArgs):
    """Filters for the material list."""

    q = fields.String(metadata={"description": "Search name, slug and aliases."})
    family = fields.String(validate=validate.OneOf(MATERIAL_FAMILIES))


class MaterialUpdateSchema(MaterialCreateSchema):
    """Admin edit of a material: any subset of the fields (load with partial=True)."""
