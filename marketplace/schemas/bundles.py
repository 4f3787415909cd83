"""Bundles: the proposals for a wanted request, the request that reserves one (all or nothing),
and a bundle with its parts as the buyer sees it."""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from app.schema_fields import POSITIVE_AMOUNT
from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from app.schema_fields import StrictFloat
from marketplace.models import Bundle
from marketplace.queries.bundles import replaceable
from marketplace.schemas.reservations import ReservationSchema

# How many listings one bundle may name at most (the seller limit is checked by the service,
# which knows each listing's seller: BUNDLE_MAX_SELLERS).
MAX_PARTS = 20


class BundlePartInputSchema(InputSchema):
    """A quantity of one listing."""

    listing_id = Id(required=True)
    quantity = StrictFloat(required=True, validate=POSITIVE_AMOUNT)


class BundleCreateSchema(InputSchema):
    """Reserve a quantity of each listing, all together or nothing. The destination is a
    building of the buyer's organisation, or a point (latitude and longitude), or else the
    wanted request's location."""

    wanted_request_id = Id(allow_none=True)
    destination_building_id = Id(allow_none=True)
    latitude = StrictFloat(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = StrictFloat(allow_none=True, validate=validate.Range(min=-180, max=180))
    needed_by = fields.Date(allow_none=True)
    message = fields.String(validate=validate.Length(max=2000))
    parts = fields.List(
        fields.Nested(BundlePartInputSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_PARTS),
        metadata={
            "description": "Each listing once (a listing named twice is a 422), from at most "
            "BUNDLE_MAX_SELLERS sellers (default 5), all in one unit."
        },
    )

    # What _check says of the coordinates, stated in the document.
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
                }
            },
        ],
        "description": "latitude and longitude come together (both numbers, or neither).",
    }

    @validates_schema
    def _check(self, data, **_kwargs):
        errors = {}
        ids = [part["listing_id"] for part in data.get("parts", [])]
        if len(ids) != len(set(ids)):
            errors["parts"] = [str(_l("Name each listing once."))]
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            errors["longitude" if data.get("longitude") is None else "latitude"] = [
                str(_l("Give both latitude and longitude, or neither."))
            ]
        if errors:
            raise ValidationError(errors)


class ProposalPartSchema(Schema):
    """A listing's share of a proposed bundle."""

    listing_id = fields.Integer()
    title = fields.Function(lambda p: p.listing.title if p.listing is not None else "")
    seller = fields.String()
    quantity = fields.Float()
    unit = fields.Function(lambda p: p.listing.unit if p.listing is not None else None)
    quantity_available = fields.Function(lambda p: p.candidate.available)
    distance_km = fields.Float(allow_none=True)
    transport_kg = fields.Float(
        allow_none=True, metadata={"description": "Transport CO2e (kg): t × km × factor."}
    )
    co2_avoided_kg = fields.Float(
        allow_none=True, metadata={"description": "CO2e avoided by this share, net of transport."}
    )
    unit_price_eur = fields.Function(
        lambda p: p.candidate.price_eur, metadata={"description": "Null: price on request."}
    )
    price_eur = fields.Float(allow_none=True)


class ProposalSchema(Schema):
    """A proposed bundle: its parts and totals."""

    parts = fields.List(fields.Nested(ProposalPartSchema))
    quantity = fields.Float()
    sellers = fields.Integer()
    transport_kg = fields.Float(metadata={"description": "Transport CO2e of the parts known."})
    unknown = fields.Integer(
        metadata={"description": "Parts without a known distance or mass (not in the totals)."}
    )
    co2_avoided_kg = fields.Float(allow_none=True)
    price_eur = fields.Float(allow_none=True, metadata={"description": "Null: partly on request."})


class ProposalsSchema(Schema):
    """The bundles proposed for a wanted request, best first."""

    wanted_request_id = fields.Integer()
    quantity = fields.Float()
    unit = fields.String()
    max_sellers = fields.Integer()
    candidates = fields.Integer(metadata={"description": "Listings that meet the request."})
    single_listing_covers = fields.Boolean(
        metadata={"description": "One listing alone covers the quantity (no bundle needed)."}
    )
    proposals = fields.List(fields.Nested(ProposalSchema))


class BundlePartSchema(ReservationSchema):
    """A part of a bundle: a reservation with its own seller, in its own state."""

    replaceable = fields.Function(
        replaceable, metadata={"description": "Rejected or cancelled, and not replaced yet."}
    )


class BundleSchema(ModelSchema):
    """A bundle as its buyer sees it, with its parts and their states."""

    class Meta(ModelSchema.Meta):
        model = Bundle
        exclude = ("buyer_id", "buyer_organisation_id", "updated_at")

    buyer = fields.Function(lambda b: b.buyer.email)
    buyer_organisation = fields.Function(lambda b: b.buyer_organisation.name)
    sellers = fields.Function(lambda b: len({p.listing.organisation_id for p in b.parts}))
    parts = fields.List(fields.Nested(BundlePartSchema))
