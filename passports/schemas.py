"""Marshmallow schemas: outputs are dumped, inputs are loaded strictly (no unknown fields)."""

from datetime import date

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from app.schema_fields import StrictFloat
from passports.cpv import cpv_label, is_valid_cpv
from passports.gs1 import is_valid_gtin
from passports.lifecycle import allowed_next
from passports.models import (
    BUILDING_STATUSES,
    CATEGORIES,
    COMPONENT_STATUSES,
    CONDITION_GRADES,
    CONNECTION_TYPES,
    HAZARD_KINDS,
    MATERIAL_FAMILIES,
    UNITS,
    USE_TYPES,
)
from passports.tags import format_tag

FRACTION_TOLERANCE = 1e-6
_positive = validate.Range(min=0, min_inclusive=False)
_fraction = validate.Range(min=0, max=1)


def _text(length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=length), **kwargs)


def _year() -> fields.Integer:
    return fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1000, max=date.today().year + 10)
    )


# ---------------------------------------------------------------- materials
class MaterialSchema(Schema):
    """A material of the library."""

    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    family = fields.String()
    density_kg_m3 = fields.Float()
    carbon_a1a3 = fields.Float(metadata={"description": "kgCO2e/kg, A1-A3"})
    carbon_source = fields.String()
    cpv_code = fields.String()
    cpv_label = fields.Function(lambda m: cpv_label(m.cpv_code))
    reference_service_life_years = fields.Integer(allow_none=True)
    reprocessing_kgco2e_per_kg = fields.Float()
    reprocessing_source = fields.String()
    aliases = fields.Function(lambda m: [a for a in m.aliases.split(";") if a])


class MaterialCreateSchema(Schema):
    """What an admin gives to add a material."""

    slug = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Use lowercase letters, digits and hyphens."
        ),
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    family = fields.String(required=True, validate=validate.OneOf(MATERIAL_FAMILIES))
    density_kg_m3 = StrictFloat(required=True, validate=_positive)
    carbon_a1a3 = StrictFloat(required=True, validate=validate.Range(min=0))
    carbon_source = fields.String(required=True, validate=validate.Length(min=3, max=500))
    cpv_code = fields.String(required=True)
    reference_service_life_years = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=500)
    )
    reprocessing_kgco2e_per_kg = StrictFloat(validate=validate.Range(min=0))
    reprocessing_source = _text(500)
    aliases = fields.List(fields.String(validate=validate.Length(min=1, max=100)))

    @validates("cpv_code")
    def _cpv(self, value: str, **_):
        if not is_valid_cpv(value):
            raise ValidationError("Not a CPV code for construction products or works.")


class MaterialQueryArgs(Schema):
    """Filters for the material list."""

    q = fields.String(metadata={"description": "Search name, slug and aliases."})
    family = fields.String(validate=validate.OneOf(MATERIAL_FAMILIES))


# ---------------------------------------------------------------- buildings
class BuildingSchema(Schema):
    """A building as the API shows it."""

    id = fields.Integer()
    organisation_id = fields.Integer()
    organisation = fields.Function(lambda b: b.organisation.name)
    name = fields.String()
    address = fields.String()
    city = fields.String()
    country = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    year_built = fields.Integer(allow_none=True)
    gross_floor_area_m2 = fields.Float(allow_none=True)
    use_type = fields.String()
    status = fields.String()
    planned_date = fields.Date(allow_none=True)
    archived = fields.Function(lambda b: b.archived_at is not None)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class BuildingCreateSchema(Schema):
    """What an owner gives to register a building."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    address = _text(300)
    city = _text(120)
    country = fields.String(
        validate=validate.Regexp(
            r"^([A-Z]{2})?$", error="Use the two-letter ISO 3166 code, e.g. NL or DK."
        )
    )
    latitude = StrictFloat(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = StrictFloat(allow_none=True, validate=validate.Range(min=-180, max=180))
    year_built = _year()
    gross_floor_area_m2 = StrictFloat(allow_none=True, validate=_positive)
    use_type = fields.String(validate=validate.OneOf(USE_TYPES))
    status = fields.String(validate=validate.OneOf(BUILDING_STATUSES))
    planned_date = fields.Date(allow_none=True)
    organisation_id = fields.Integer(
        strict=True, metadata={"description": "Admins only: the owning organisation."}
    )

    @validates_schema
    def _coordinates_together(self, data, partial=None, **_):
        if not partial and ("latitude" in data) != ("longitude" in data):
            raise ValidationError("Give latitude and longitude together.", "latitude")


class BuildingQueryArgs(Schema):
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


class GrantSchema(Schema):
    """An access grant as shown."""

    id = fields.Integer()
    organisation_id = fields.Integer()
    organisation = fields.Function(lambda g: g.organisation.name)
    expires_on = fields.Date(allow_none=True)
    revoked = fields.Function(lambda g: g.revoked_at is not None)
    created_at = fields.DateTime()


class GrantCreateSchema(Schema):
    """Grant an organisation read access to a building."""

    organisation_id = fields.Integer(required=True, strict=True)
    expires_on = fields.Date(allow_none=True)


# ---------------------------------------------------------------- components
class MaterialShareSchema(Schema):
    """One material of a component, by share of volume."""

    material_id = fields.Integer(required=True, strict=True)
    fraction = StrictFloat(
        required=True, validate=validate.Range(min=0, max=1, min_inclusive=False)
    )


class MaterialShareOutSchema(Schema):
    """A material of a component with the mass it accounts for."""

    material_id = fields.Integer()
    name = fields.Function(lambda cm: cm.material.name)
    family = fields.Function(lambda cm: cm.material.family)
    fraction = fields.Float()
    mass_kg = fields.Float(allow_none=True)


class HazardSchema(Schema):
    """A hazardous substance in a component."""

    kind = fields.String(required=True, validate=validate.OneOf(HAZARD_KINDS))
    notes = _text(2000)


def _tag_url(component) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/t/{component.tag}"


class ComponentSchema(Schema):
    """A component and its passport data."""

    id = fields.Integer()
    building_id = fields.Integer()
    tag = fields.String()
    tag_display = fields.Function(lambda c: format_tag(c.tag))
    tag_url = fields.Function(_tag_url)
    name = fields.String()
    category = fields.String()
    storey = fields.String()
    quantity = fields.Float()
    unit = fields.String()
    volume_m3 = fields.Float(allow_none=True)
    mass_kg = fields.Float(allow_none=True)
    mass_source = fields.String()
    mass_derivation = fields.String()
    materials = fields.List(fields.Nested(MaterialShareOutSchema))
    condition = fields.Integer(allow_none=True)
    condition_label = fields.Function(lambda c: CONDITION_GRADES.get(c.condition))
    connection_type = fields.String(allow_none=True)
    hazards = fields.List(fields.Nested(HazardSchema))
    install_year = fields.Integer(allow_none=True)
    service_life_years = fields.Integer(allow_none=True)
    recycled_content = fields.Float()
    reused_content = fields.Float()
    manufacturer = fields.String()
    gtin = fields.String(allow_none=True)
    serial_number = fields.String(allow_none=True)
    ifc_guid = fields.String(allow_none=True)
    description = fields.String()
    status = fields.String()
    allowed_next = fields.Function(lambda c: list(allowed_next(c.status)))
    reuse_cycles = fields.Integer()
    archived = fields.Function(lambda c: c.archived_at is not None)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ComponentCreateSchema(Schema):
    """What an owner gives to register a component."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    storey = _text(100)
    quantity = StrictFloat(required=True, validate=_positive)
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    volume_m3 = StrictFloat(
        allow_none=True,
        validate=_positive,
        metadata={"description": "Total volume of the lot, in m³."},
    )
    mass_kg = StrictFloat(
        allow_none=True,
        validate=_positive,
        metadata={"description": "Total mass; derived when left out."},
    )
    materials = fields.List(fields.Nested(MaterialShareSchema))
    condition = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=5),
        metadata={"description": "5 as new … 1 unusable for reuse."},
    )
    connection_type = fields.String(allow_none=True, validate=validate.OneOf(CONNECTION_TYPES))
    hazards = fields.List(fields.Nested(HazardSchema))
    install_year = _year()
    service_life_years = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=500)
    )
    recycled_content = StrictFloat(validate=_fraction)
    reused_content = StrictFloat(validate=_fraction)
    manufacturer = _text(200)
    gtin = fields.String(allow_none=True)
    serial_number = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^[!-~]{1,20}$", error="Up to 20 printable characters (GS1 AI 21)."
        ),
    )
    ifc_guid = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^[0-9A-Za-z_$]{22}$", error="An IFC GlobalId has 22 characters."
        ),
    )
    description = _text(5000)
    status = fields.String(
        validate=validate.OneOf(COMPONENT_STATUSES),
        metadata={"description": "On update, only allowed transitions."},
    )

    @validates("gtin")
    def _gtin(self, value, **_):
        if value is not None and not is_valid_gtin(value):
            raise ValidationError("Not a valid GTIN (8, 12, 13 or 14 digits with check digit).")

    @validates_schema
    def _shares(self, data, **_):
        materials = data.get("materials")
        if materials:
            total = sum(m["fraction"] for m in materials)
            if abs(total - 1.0) > FRACTION_TOLERANCE:
                raise ValidationError(
                    f"Material fractions must sum to 1 (they sum to {total:.6g}).", "materials"
                )
            ids = [m["material_id"] for m in materials]
            if len(set(ids)) != len(ids):
                raise ValidationError("Each material may appear once.", "materials")
        feedstock = data.get("recycled_content", 0) + data.get("reused_content", 0)
        if feedstock > 1 + FRACTION_TOLERANCE:
            raise ValidationError(
                "Recycled and reused content together cannot exceed 1.", "reused_content"
            )


class ComponentQueryArgs(Schema):
    """Filters for a building's component list."""

    q = fields.String(metadata={"description": "Search name, tag, manufacturer."})
    storey = fields.String()
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    status = fields.String(validate=validate.OneOf(COMPONENT_STATUSES))
    hazardous = fields.Boolean()
    archived = fields.Boolean(load_default=False)


class MaterialUpdateSchema(MaterialCreateSchema):
    """Admin edit of a material: any subset of the fields (load with partial=True)."""


class BuildingUpdateSchema(BuildingCreateSchema):
    """Edit of a building: any subset of the fields (load with partial=True)."""


class ComponentUpdateSchema(ComponentCreateSchema):
    """Edit of a component: any subset; a status must be an allowed transition."""
