"""Schemas of the exchange: separate input and output, strict numbers, unknown fields refused."""

from flask import url_for
from flask_smorest.error_handler import ErrorSchema
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from app.pagination import PageArgs
from app.pagination import envelope
from app.schema_fields import AT_MOST_AMOUNT
from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from app.schema_fields import Number
from app.schema_fields import StrictFloat
from app.schema_fields import as_json_values
from marketplace.models import PRICE_BASES
from marketplace.models import Listing
from marketplace.models import Notification
from marketplace.models import Reservation
from marketplace.models import ReservationComponent
from marketplace.models import SavedSearch
from passports.cpv import CPV_CONSTRUCTION
from passports.cpv import cpv_codes
from passports.cpv import cpv_label
from passports.models import MATERIAL_FAMILIES

SORTS = ("relevance", "distance", "available_from", "co2_avoided", "newest")
_positive = [validate.Range(min=0, min_inclusive=False), AT_MOST_AMOUNT]


class ProvenanceSchema(Schema):
    """Where a lot comes from."""

    building_id = fields.Integer()
    building = fields.String()
    city = fields.String()
    country = fields.String()
    year_built = fields.Integer(allow_none=True)
    owner = fields.String()
    components = fields.List(
        fields.Dict(),
        metadata={"description": "Each component: id, tag, name, tag_url (its passport)."},
    )


class ListingSchema(ModelSchema):
    """A listing as buyers see it."""

    class Meta(ModelSchema.Meta):
        model = Listing
        fields = (
            "id",
            "title",
            "description",
            "cpv_code",
            "cpv_label",
            "quantity",
            "quantity_available",
            "unit",
            "price_eur",
            "price_basis",
            "available_from",
            "available_until",
            "future_stock",
            "pickup_address",
            "pickup_latitude",
            "pickup_longitude",
            "condition",
            "evidence",
            "status",
            "city",
            "material_family",
            "materials",
            "manufacturer",
            "mass_kg",
            "co2_avoided_kg",
            "seller",
            "published_at",
            "url",
        )

    cpv_label = fields.Function(lambda obj: cpv_label(obj.cpv_code))
    materials = fields.String(attribute="materials_text")
    co2_avoided_kg = fields.Float(
        allow_none=True,
        metadata={
            "description": "A1-A3 of the same mass made new minus reprocessing, before transport."
        },
    )
    seller = fields.Function(lambda obj: obj.organisation.name)
    url = fields.Function(lambda obj: url_for("exchange.listing_detail", listing_id=obj.id))


class SearchResultSchema(ListingSchema):
    """A listing in search results, with distance, provenance and CO2 avoided from here."""

    class Meta(ListingSchema.Meta):
        fields = (
            *ListingSchema.Meta.fields,
            "distance_km",
            "co2_avoided_here_kg",
            "relevance",
            "provenance",
        )

    distance_km = fields.Float(allow_none=True)
    co2_avoided_here_kg = fields.Float(
        allow_none=True, metadata={"description": "CO2 avoided less transport over distance_km."}
    )
    relevance = fields.Float(
        allow_none=True,
        metadata={
            "description": "The text match score (higher is better) when sorted by relevance; "
            "null for the other sorts."
        },
    )
    provenance = fields.Nested(ProvenanceSchema)


class ListingCreateSchema(InputSchema):
    """What an owner gives to offer components as a lot."""

    component_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=5000))
    title = fields.String(required=True, validate=validate.Length(min=3, max=200))
    description = fields.String(validate=validate.Length(max=5000))
    cpv_code = fields.String(
        validate=validate.OneOf(("", *cpv_codes()), error=CPV_CONSTRUCTION),
        metadata={
            "description": "A CPV 2008 code of construction products or works, with its check "
            "digit (the enum lists them); empty or left out, it comes from the main material."
        },
    )
    price_eur = StrictFloat(allow_none=True, validate=[validate.Range(min=0), AT_MOST_AMOUNT])
    price_basis = fields.String(validate=validate.OneOf(PRICE_BASES))
    available_from = fields.Date(allow_none=True)
    available_until = fields.Date(allow_none=True)
    pickup_address = fields.String(validate=validate.Length(max=300))
    pickup_latitude = StrictFloat(allow_none=True, validate=validate.Range(min=-90, max=90))
    pickup_longitude = StrictFloat(allow_none=True, validate=validate.Range(min=-180, max=180))
    condition = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, 5))
    evidence = fields.String(validate=validate.Length(max=5000))

    # Stated in the document, checked by marketplace.services.listings (422): a fixed price
    # needs its amount; pickup coordinates come together. The availability window, and future
    # stock's start at the building's planned date, meet stored values: a 409 if broken.
    json_schema_rules = {
        "allOf": [
            {
                "anyOf": [
                    {"required": ["price_eur"], "properties": {"price_eur": {"type": "number"}}},
                    {
                        "required": ["price_basis"],
                        "properties": {"price_basis": {"enum": ["free", "on_request"]}},
                    },
                ]
            },
            {
                "anyOf": [
                    {
                        "required": ["pickup_latitude", "pickup_longitude"],
                        "properties": {
                            "pickup_latitude": {"type": "number"},
                            "pickup_longitude": {"type": "number"},
                        },
                    },
                    {
                        "properties": {
                            "pickup_latitude": {"not": {"type": "number"}},
                            "pickup_longitude": {"not": {"type": "number"}},
                        }
                    },
                ]
            },
        ],
        "description": "A fixed price (the default basis) needs price_eur; pickup_latitude and "
        "pickup_longitude come together. available_until before available_from, or future "
        "stock available before the building's planned date, is a 409.",
    }


class ListingUpdateSchema(ListingCreateSchema):
    """Edit of a listing (any subset; components only while a draft)."""


class ListingQueryArgs(InputSchema):
    """Search of the exchange."""

    q = fields.String(validate=validate.Length(max=200))
    cpv = fields.String(
        validate=validate.Regexp(r"^\d{1,8}(-\d)?$", error="A CPV code or its first digits."),
        metadata={
            "description": "A CPV code (44111000, 44111000-1) or its first digits (4411):"
            " every code under it matches."
        },
    )
    material_family = fields.String(validate=validate.OneOf(MATERIAL_FAMILIES))
    condition_min = fields.Integer(validate=validate.Range(1, 5))
    min_quantity = Number(validate=_positive)
    available_by = fields.Date()
    lat = Number(validate=validate.Range(min=-90, max=90))
    lon = Number(validate=validate.Range(min=-180, max=180))
    radius_km = Number(validate=validate.Range(min=0, max=20000, min_inclusive=False))
    max_price = Number(validate=validate.Range(min=0))
    free = fields.Boolean()
    city = fields.String(validate=validate.Length(max=120))
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))

    # What _geo below checks, stated in the document: lat and lon come together, and a radius
    # or the distance sort needs them.
    json_schema_rules = {
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
        "description": "lat and lon come together; radius_km and sort=distance need them.",
    }

    @validates_schema(skip_on_field_errors=False)
    def _geo(self, data, **_):
        errors = {}
        if ("lat" in data) != ("lon" in data):
            missing = "lat" if "lat" not in data else "lon"
            errors[missing] = ["Give latitude and longitude together."]
        if "radius_km" in data and ("lat" not in data or "lon" not in data):
            errors["radius_km"] = ["A radius needs a latitude and longitude to measure from."]
        if data.get("sort") == "distance" and ("lat" not in data or "lon" not in data):
            errors["sort"] = ["Sorting by distance needs a latitude and longitude."]
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


class ReservationCreateSchema(InputSchema):
    """A buyer's request for a quantity of a listing."""

    quantity = StrictFloat(required=True, validate=_positive)
    needed_by = fields.Date(allow_none=True)
    destination_building_id = Id(allow_none=True)
    message = fields.String(validate=validate.Length(max=2000))


class QuantityConflictSchema(ErrorSchema):
    """409: not that much is left (or the listing is no longer offered)."""

    quantity_available = fields.Float()
    unit = fields.String()


class StatusConflictSchema(ErrorSchema):
    """409: the reservation's status (or a future lot's date) does not allow the action."""

    current_status = fields.String()
    available_from = fields.Date(metadata={"description": "Future stock: collectable from."})


class HazardConflictSchema(ErrorSchema):
    """409: not a draft, or hazardous components without a clearance record."""

    hazards = fields.List(fields.String(), metadata={"description": "The uncleared hazards."})


class MovedComponentSchema(ModelSchema):
    """A component a collected reservation handed over, and how much of it."""

    class Meta(ModelSchema.Meta):
        model = ReservationComponent
        fields = ("component_id", "tag", "quantity")

    tag = fields.Function(lambda m: m.component.tag)


class ReservationSchema(ModelSchema):
    """A reservation as buyer and seller see it."""

    class Meta(ModelSchema.Meta):
        model = Reservation
        fields = (
            "id",
            "listing_id",
            "listing_title",
            "unit",
            "quantity",
            "needed_by",
            "destination_building_id",
            "status",
            "buyer",
            "buyer_organisation",
            "seller",
            "distance_km",
            "co2_avoided_kg",
            "message",
            "created_at",
            "decided_at",
            "collected_at",
            "moved_components",
        )

    listing_title = fields.Function(lambda r: r.listing.title)
    unit = fields.Function(lambda r: r.listing.unit)
    buyer = fields.Function(lambda r: r.buyer.email)
    buyer_organisation = fields.Function(lambda r: r.buyer_organisation.name)
    seller = fields.Function(lambda r: r.listing.organisation.name)
    moved_components = fields.List(
        fields.Nested(MovedComponentSchema),
        attribute="moved",
        metadata={
            "description": "Once collected: the components it handed over (a split lot's part "
            "with its own tag), each with the quantity moved."
        },
    )


class SavedSearchCreateSchema(InputSchema):
    """A search to keep: a name and the query arguments of GET /api/v1/listings."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    params = fields.Nested(
        SavedSearchParamsSchema,
        required=True,
        metadata={
            "description": "The arguments of GET /api/v1/listings, as JSON values, checked "
            "like a search."
        },
    )


class SavedSearchSchema(ModelSchema):
    """A saved search as its owner sees it."""

    class Meta(ModelSchema.Meta):
        model = SavedSearch
        fields = ("id", "name", "params", "created_at", "url")

    params = fields.Dict()
    url = fields.Function(lambda obj: url_for("exchange.search", **obj.params))


class NotificationSchema(ModelSchema):
    """A message in the inbox."""

    class Meta(ModelSchema.Meta):
        model = Notification
        fields = (
            "id",
            "kind",
            "message",
            "listing_id",
            "reservation_id",
            "saved_search_id",
            "created_at",
            "read_at",
            "emailed_at",
            "listing_url",
        )

    listing_url = fields.Function(
        lambda obj: (
            url_for("exchange.listing_detail", listing_id=obj.listing_id)
            if obj.listing_id
            else None
        )
    )


class NotificationQueryArgs(PageArgs):
    """Filter of the inbox."""

    unread = fields.Boolean(metadata={"description": "Only unread (true) or read (false)."})
