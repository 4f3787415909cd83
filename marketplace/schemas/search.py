"""The exchange's search: its arguments (in a query or, for a saved search, as JSON), its
facets and its results."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from app.pagination import PageArgs
from app.pagination import envelope
from app.schema_fields import POSITIVE_AMOUNT
from app.schema_fields import InputSchema
from app.schema_fields import Number
from app.schema_fields import as_json_values
from marketplace.schemas.listings import SearchResultSchema
from passports.models import MATERIAL_FAMILIES

SORTS = ("relevance", "distance", "available_from", "co2_avoided", "newest")
# The measures a search may ask for, each within ± tolerance_mm of the lot's.
MEASURE_ARGS = ("width_mm", "height_mm", "depth_mm", "length_mm")
DEFAULT_TOLERANCE_MM = 10.0


def _measure(what: str) -> Number:
    return Number(
        validate=POSITIVE_AMOUNT,
        metadata={"description": f"{what} of one element, in mm, within ± tolerance_mm."},
    )


class ListingQueryArgs(InputSchema):
    """Search of the exchange."""

    q = fields.String(validate=validate.Length(max=200))
    cpv = fields.String(
        validate=validate.Regexp(r"^\d{1,8}(-\d)?$", error=_l("A CPV code or its first digits.")),
        metadata={
            "description": "A CPV code (44111000, 44111000-1) or its first digits (4411):"
            " every code under it matches."
        },
    )
    material_family = fields.String(validate=validate.OneOf(MATERIAL_FAMILIES))
    condition_min = fields.Integer(validate=validate.Range(1, 5))
    min_quantity = Number(validate=POSITIVE_AMOUNT)
    available_by = fields.Date()
    lat = Number(validate=validate.Range(min=-90, max=90))
    lon = Number(validate=validate.Range(min=-180, max=180))
    radius_km = Number(validate=validate.Range(min=0, max=20000, min_inclusive=False))
    max_price = Number(validate=validate.Range(min=0))
    free = fields.Boolean()
    city = fields.String(validate=validate.Length(max=120))
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    width_mm = _measure("Width")
    height_mm = _measure("Height")
    depth_mm = _measure("Depth")
    length_mm = _measure("Length")
    tolerance_mm = Number(
        validate=validate.Range(min=0, max=100000),
        metadata={
            "description": "How far a lot's measures may lie from those asked, in mm "
            f"({DEFAULT_TOLERANCE_MM:g} when left out); needs a measure."
        },
    )

    # What _geo and _measures below check, stated in the document: lat and lon come
    # together, a radius or the distance sort needs them, a tolerance needs a measure.
    json_schema_rules = {
        "allOf": [
            {
                "anyOf": [
                    *({"required": [name]} for name in MEASURE_ARGS),
                    {"properties": {"tolerance_mm": {"not": {}}}},
                ],
            }
        ],
        "anyOf": [
            {"required": ["lat", "lon"]},
            {
                "properties": {
                    "lat": {"not": {}},
                    "lon": {"not": {}},
                    "radius_km": {"not": {}},
                    "sort": {"not": {"enum": ["distance"]}},
                }
            },
        ],
        "description": "lat and lon come together; radius_km and sort=distance need them; "
        "tolerance_mm needs width_mm, height_mm, depth_mm or length_mm.",
    }

    @validates_schema(skip_on_field_errors=False)
    def _geo(self, data, **_kwargs):
        errors = {}
        if ("lat" in data) != ("lon" in data):
            missing = "lat" if "lat" not in data else "lon"
            errors[missing] = [_("Give latitude and longitude together.")]
        if "radius_km" in data and ("lat" not in data or "lon" not in data):
            errors["radius_km"] = [_("A radius needs a latitude and longitude to measure from.")]
        if data.get("sort") == "distance" and ("lat" not in data or "lon" not in data):
            errors["sort"] = [_("Sorting by distance needs a latitude and longitude.")]
        if "tolerance_mm" in data and not any(name in data for name in MEASURE_ARGS):
            errors["tolerance_mm"] = [
                _("A tolerance needs a width, height, depth or length to apply to.")
            ]
        if errors:
            raise ValidationError(errors)


class ListingSearchArgs(ListingQueryArgs, PageArgs):
    """Search of the exchange, with its page."""

    # One exploded object parameter in the document (the same `?q=…&lat=…` URL), so that the
    # rules across lat, lon, radius_km and sort can be stated; page and per_page stay apart.
    query_object = "search"
    query_object_schema = ListingQueryArgs


# The search's arguments in a JSON body (a saved search): the same fields and rules.
SavedSearchParamsSchema = as_json_values(ListingQueryArgs, "SavedSearchParamsSchema")


class FacetSchema(Schema):
    """A facet value and how many results have it."""

    value = fields.Raw()
    label = fields.String()
    count = fields.Integer()


class SearchSchema(envelope(SearchResultSchema)):
    """Search results with facet counts: the envelope of every list, and the facets."""

    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetSchema)))
