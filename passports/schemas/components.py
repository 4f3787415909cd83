"""Schemas for components and their materials and hazards."""

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates
from marshmallow import validates_schema

from app.pagination import PageArgs
from app.schema_fields import NOT_BLANK
from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from app.schema_fields import StrictFloat
from app.schema_fields import UtcDateTime
from app.schema_fields import Whole
from passports.gs1 import digital_link_uri
from passports.gs1 import is_valid_gtin
from passports.lifecycle import allowed_next
from passports.models import CATEGORIES
from passports.models import COMPONENT_STATUSES
from passports.models import CONDITION_GRADES
from passports.models import CONNECTION_TYPES
from passports.models import HAZARD_KINDS
from passports.models import PASSPORT_FIELDS
from passports.models import UNITS
from passports.models import Component
from passports.models import ComponentMaterial
from passports.models.vocab import ACCESSIBILITY
from passports.models.vocab import EDGE_ENCLOSURES
from passports.models.vocab import INTERSECTIONS
from passports.qr import tag_url
from passports.schemas.common import FRACTION_TOLERANCE
from passports.schemas.common import _fraction
from passports.schemas.common import _positive
from passports.schemas.common import _text
from passports.schemas.common import _year
from passports.tags import format_tag

GTIN_ERROR = _l("Not a valid GTIN (8, 12, 13 or 14 digits with check digit).")


class MaterialShareSchema(InputSchema):
    """One material of a component, by share of volume."""

    material_id = Id(required=True)
    fraction = StrictFloat(
        required=True, validate=validate.Range(min=0, max=1, min_inclusive=False)
    )


class MaterialShareOutSchema(ModelSchema):
    """A material of a component with the mass it accounts for."""

    class Meta(ModelSchema.Meta):
        model = ComponentMaterial
        fields = ("material_id", "name", "family", "fraction", "mass_kg")

    name = fields.Function(lambda cm: cm.material.name)
    family = fields.Function(lambda cm: cm.material.family)


class HazardSchema(InputSchema):
    """A hazardous substance in a component."""

    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(HAZARD_KINDS))
    notes = _text(2000)
    cleared_at = UtcDateTime(dump_only=True, allow_none=True)
    clearance_note = fields.String(dump_only=True)


class ClearanceSchema(InputSchema):
    """Evidence that a hazard was removed or found safe."""

    note = fields.String(
        required=True,
        validate=[
            validate.Length(min=3, max=2000),
            validate.Regexp(NOT_BLANK, error=_l("Say what was done, not only spaces.")),
        ],
    )


def _tag_url(component) -> str:
    return tag_url(component.tag)


class ComponentSchema(ModelSchema):
    """A component and its passport data."""

    class Meta(ModelSchema.Meta):
        model = Component
        fields = (
            *("id", "building_id", "tag", "tag_display", "tag_url", "origin_tag_url"),
            "gs1_digital_link",
            *PASSPORT_FIELDS,
            *("materials", "condition_label", "hazards", "allowed_next", "metrics"),
            *("archived", "created_at", "updated_at"),
        )

    tag_display = fields.Function(lambda c: format_tag(c.tag))
    tag_url = fields.Function(_tag_url)
    gs1_digital_link = fields.Function(
        lambda c: digital_link_uri(c.tag, c.gtin, c.serial_number),
        metadata={
            "description": "The component's GS1 Digital Link URI: /01/<GTIN>/21/<serial> when "
            "both are known, else /8004/<GIAI>; it resolves like tag_url."
        },
    )
    materials = fields.List(fields.Nested(MaterialShareOutSchema))
    condition_label = fields.Function(lambda c: CONDITION_GRADES.get(c.condition))
    hazards = fields.List(fields.Nested(HazardSchema))
    allowed_next = fields.Function(lambda c: list(allowed_next(c.status)))
    metrics = fields.Function(
        lambda c: {
            "mci": c.mci,
            "disassembly_score": c.disassembly_score,
            "carbon_a1a3_kg": c.carbon_a1a3_kg,
            "quality": c.metrics_quality,
        },
        metadata={
            "description": "Results stored at write time: MCI (0-1), disassembly score "
            "(0.1-1), embodied carbon A1-A3 (kgCO2e) and the data quality behind them "
            "(full | defaults | none)."
        },
    )
    archived = fields.Function(lambda c: c.archived_at is not None)


def _measure(description: str) -> StrictFloat:
    """A measure of one element in millimetres: positive where given."""
    return StrictFloat(allow_none=True, validate=_positive, metadata={"description": description})


class ComponentCreateSchema(InputSchema):
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
    width_mm = _measure("Width of one element, in mm.")
    height_mm = _measure("Height of one element, in mm.")
    depth_mm = _measure("Depth (thickness) of one element, in mm.")
    length_mm = _measure("Length of one linear element (a beam, a pipe), in mm.")
    unit_mass_kg = StrictFloat(
        allow_none=True,
        validate=_positive,
        metadata={
            "description": "Mass of one element, in kg. Worked out as mass_kg / quantity for "
            "a lot counted in pieces when left out; with no mass_kg, a lot in pieces weighs "
            "quantity × unit_mass_kg."
        },
    )
    materials = fields.List(
        Whole(MaterialShareSchema),
        metadata={"description": "Distinct materials whose fractions sum to 1 (± 1e-6)."},
    )
    condition = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=5),
        metadata={"description": "5 as new … 1 unusable for reuse."},
    )
    connection_type = fields.String(allow_none=True, validate=validate.OneOf(CONNECTION_TYPES))
    hazards = fields.List(Whole(HazardSchema))
    install_year = _year()
    service_life_years = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=500)
    )
    recycled_content = StrictFloat(
        validate=_fraction, metadata={"description": "With reused_content, at most 1."}
    )
    reused_content = StrictFloat(
        validate=_fraction, metadata={"description": "With recycled_content, at most 1."}
    )
    manufacturer = _text(200)
    gtin = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^([0-9]{8}|[0-9]{12,14})$", error=GTIN_ERROR),
        metadata={"description": "GTIN-8, -12, -13 or -14, with its check digit."},
    )
    serial_number = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^[!-~]{1,20}$", error=_l("Up to 20 printable characters (GS1 AI 21).")
        ),
    )
    ifc_guid = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^[0-9A-Za-z_$]{22}$", error=_l("An IFC GlobalId has 22 characters.")
        ),
    )
    ifc_class = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^Ifc[A-Za-z0-9]{1,61}$", error=_l("An IFC class, e.g. IfcWall.")
        ),
    )
    external_id = fields.String(
        allow_none=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The owner's own id; a re-import updates the same component."},
    )
    description = _text(5000)
    status = fields.String(
        validate=validate.OneOf(COMPONENT_STATUSES),
        metadata={"description": "On update, only allowed transitions."},
    )
    eol_reuse_fraction = StrictFloat(
        allow_none=True,
        validate=_fraction,
        metadata={
            "description": "C_U of the MCI: share to be reused at end of use; derived from "
            "the connection, condition and hazards when left out. With "
            "eol_recycle_fraction, at most 1."
        },
    )
    eol_recycle_fraction = StrictFloat(
        allow_none=True,
        validate=_fraction,
        metadata={
            "description": "C_R of the MCI: share to be recycled at end of use; derived from "
            "the material families when left out."
        },
    )
    accessibility = fields.String(
        allow_none=True,
        validate=validate.OneOf(tuple(ACCESSIBILITY)),
        metadata={"description": "Reaching the connections (DGBC detachability factor)."},
    )
    intersections = fields.String(
        allow_none=True,
        validate=validate.OneOf(tuple(INTERSECTIONS)),
        metadata={"description": "Other products crossing it (DGBC detachability factor)."},
    )
    edge_enclosure = fields.String(
        allow_none=True,
        validate=validate.OneOf(tuple(EDGE_ENCLOSURES)),
        metadata={"description": "How its edges are held (DGBC detachability factor)."},
    )

    @validates("gtin")
    def _gtin(self, value, **_kwargs):
        if value is not None and not is_valid_gtin(value):
            raise ValidationError(str(GTIN_ERROR))

    @validates_schema
    def _shares(self, data, **_kwargs):
        materials = data.get("materials")
        if materials:
            total = sum(m["fraction"] for m in materials)
            if abs(total - 1.0) > FRACTION_TOLERANCE:
                raise ValidationError(
                    _(
                        "Material fractions must sum to 1 (they sum to %(total)s).",
                        total=format_decimal(round(total, 6)),
                    ),
                    "materials",
                )
            ids = [m["material_id"] for m in materials]
            if len(set(ids)) != len(ids):
                raise ValidationError(_("Each material may appear once."), "materials")
        end_of_life = (data.get("eol_reuse_fraction") or 0) + (
            data.get("eol_recycle_fraction") or 0
        )
        if end_of_life > 1 + FRACTION_TOLERANCE:
            raise ValidationError(
                _("End-of-life reuse and recycling fractions together cannot exceed 1."),
                "eol_recycle_fraction",
            )
        feedstock = data.get("recycled_content", 0) + data.get("reused_content", 0)
        if feedstock > 1 + FRACTION_TOLERANCE:
            raise ValidationError(
                _("Recycled and reused content together cannot exceed 1."), "reused_content"
            )


class ComponentQueryArgs(PageArgs):
    """Filters for a building's component list."""

    q = fields.String(metadata={"description": "Search name, tag, manufacturer."})
    storey = fields.String()
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    status = fields.String(validate=validate.OneOf(COMPONENT_STATUSES))
    hazardous = fields.Boolean()
    archived = fields.Boolean(load_default=False)


class ComponentUpdateSchema(ComponentCreateSchema):
    """Edit of a component: any subset; a status must be an allowed transition."""
