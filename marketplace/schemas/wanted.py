"""Wanted requests: what a buyer posts (create, edit), how a request is shown, the list's
arguments, the matches and the offers an owner makes."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from app.pagination import PageArgs
from app.schema_fields import POSITIVE_AMOUNT
from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from app.schema_fields import StrictFloat
from marketplace.models import WANTED_FIELDS
from marketplace.models import WANTED_STATUSES
from marketplace.models import WantedRequest
from passports.models.vocab import MATERIAL_FAMILIES
from passports.models.vocab import UNITS

CPV_PREFIX = validate.Regexp(
    r"^\d{2,8}(-\d)?$", error=_l("A CPV code or its first digits (at least two).")
)
# Measures in millimetres: above 0, at most 100 m (a beam); a tolerance from 0 to 1 m.
MEASURE = validate.Range(
    min=0, min_inclusive=False, max=100_000, error=_l("A measure above 0 mm, at most 100 m.")
)
TOLERANCE = validate.Range(min=0, max=1000, error=_l("A tolerance from 0 to 1000 mm."))


class WantedCreateSchema(InputSchema):
    """What a buyer posts: a kind of component (text, CPV prefix, material family), a quantity
    and unit, measures with a tolerance, a condition, a place with a radius, a date and a
    price limit."""

    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    description = fields.String(validate=validate.Length(max=5000))
    cpv_prefix = fields.String(
        allow_none=True,
        validate=CPV_PREFIX,
        metadata={"description": "A CPV code (44221200-7) or its first digits (4422)."},
    )
    material_family = fields.String(allow_none=True, validate=validate.OneOf(MATERIAL_FAMILIES))
    quantity = StrictFloat(
        required=True,
        validate=POSITIVE_AMOUNT,
        metadata={"description": "How much is needed, in `unit`; above 0."},
    )
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    width_mm = StrictFloat(allow_none=True, validate=MEASURE)
    height_mm = StrictFloat(allow_none=True, validate=MEASURE)
    depth_mm = StrictFloat(allow_none=True, validate=MEASURE)
    length_mm = StrictFloat(allow_none=True, validate=MEASURE)
    tolerance_mm = StrictFloat(validate=TOLERANCE, metadata={"description": "± mm, default 10."})
    condition_min = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, 5))
    location = fields.String(validate=validate.Length(max=300))
    latitude = StrictFloat(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = StrictFloat(allow_none=True, validate=validate.Range(min=-180, max=180))
    radius_km = StrictFloat(
        allow_none=True,
        validate=validate.Range(min=0, max=20000, min_inclusive=False),
        metadata={"description": "Only stock within this distance; needs latitude and longitude."},
    )
    needed_by = fields.Date(allow_none=True, metadata={"description": "Today or later."})
    max_price_eur = StrictFloat(allow_none=True, validate=validate.Range(min=0, max=1e9))

    # What _check verifies across fields, stated in the document: latitude and longitude come
    # together, and a radius needs them.
    json_schema_rules = {
        "anyOf": [
            {
                "required": ["latitude", "longitude"],
                "properties": {"latitude": {"type": "number"}, "longitude": {"type": "number"}},
            },
            {
                "properties": {
                    "latitude": {"not": {"type": "number"}},
                    "longitude": {"not": {"type": "number"}},
                    "radius_km": {"not": {"type": "number"}},
                }
            },
        ],
        "description": "latitude and longitude come together; radius_km needs them. "
        "needed_by is today or later.",
    }

    @validates_schema(skip_on_field_errors=False)
    def _check(self, data, partial=None, **kwargs):
        errors: dict[str, list[str]] = {}
        if data.get("needed_by") is not None and data["needed_by"] < date.today():
            errors["needed_by"] = [_("The date needed by cannot be in the past.")]
        # On an edit the stored location counts too: the service checks it there (409), as
        # the listing rules do for an edit's other fields.
        if not partial:
            if (data.get("latitude") is None) != (data.get("longitude") is None):
                errors["latitude"] = [_("Give latitude and longitude together.")]
            unlocated = data.get("latitude") is None or data.get("longitude") is None
            if data.get("radius_km") is not None and unlocated:
                errors["radius_km"] = [_("A radius needs a location: give latitude and longitude.")]
        if errors:
            raise ValidationError(errors)


class WantedUpdateSchema(WantedCreateSchema):
    """An edit of an open request: any of the fields (sent as PATCH, partially)."""


class WantedRequestSchema(ModelSchema):
    """A wanted request as anyone sees it, with the buyer's organisation."""

    class Meta(ModelSchema.Meta):
        model = WantedRequest
        fields = (
            "id",
            *WANTED_FIELDS,
            "status",
            "closed_at",
            "created_at",
            "organisation_id",
            "organisation_name",
        )

    organisation_name = fields.Function(lambda obj: obj.organisation.name)


class WantedQueryArgs(PageArgs):
    """The list of wanted requests: words, CPV prefix, family, status, the caller's own."""

    q = fields.String(validate=validate.Length(max=200))
    cpv = fields.String(validate=CPV_PREFIX)
    material_family = fields.String(validate=validate.OneOf(MATERIAL_FAMILIES))
    status = fields.String(
        validate=validate.OneOf(WANTED_STATUSES),
        metadata={"description": "Default: open. Others than open: the caller's own only."},
    )
    mine = fields.Boolean(metadata={"description": "Only the caller's organisation's requests."})


class MatchSchema(Schema):
    """One match of a request: a published listing (now) or an installed component of a
    building due for demolition (future stock), with what it covers, how far and the CO2."""

    kind = fields.String(metadata={"description": "listing | future_stock"})
    listing_id = fields.Integer(allow_none=True)
    component_id = fields.Integer(allow_none=True)
    component_ids = fields.List(
        fields.Integer(), metadata={"description": "Future stock: the building's components."}
    )
    building_id = fields.Integer()
    title = fields.String()
    organisation_name = fields.String()
    city = fields.String()
    available = fields.Float(metadata={"description": "What the lot or component has, in unit."})
    unit = fields.String()
    covers = fields.Float(metadata={"description": "How much of the request it covers."})
    coverage = fields.Float(metadata={"description": "covers / the request's quantity, 0 to 1."})
    distance_km = fields.Float(allow_none=True)
    co2_avoided_kg = fields.Float(
        allow_none=True, metadata={"description": "For the covered share, net of transport."}
    )
    transport_kg = fields.Float(allow_none=True)
    available_from = fields.Date(allow_none=True)


class MatchQueryArgs(PageArgs):
    """The page of matches."""


class OfferCreateSchema(InputSchema):
    """An owner's offer: components of one building, made into a draft listing for the
    request."""

    building_id = Id(required=True)
    component_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=5000))
    title = fields.String(validate=validate.Length(min=3, max=200))
