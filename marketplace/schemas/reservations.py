"""Reservations: the request, what they answer, and the conflicts they name."""

from flask_smorest.error_handler import ErrorSchema
from marshmallow import fields
from marshmallow import validate

from app.schema_fields import POSITIVE_AMOUNT
from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from app.schema_fields import StrictFloat
from marketplace.models import Reservation
from marketplace.models import ReservationComponent


class ReservationCreateSchema(InputSchema):
    """A buyer's request for a quantity of a listing."""

    quantity = StrictFloat(required=True, validate=POSITIVE_AMOUNT)
    needed_by = fields.Date(allow_none=True)
    destination_building_id = Id(allow_none=True)
    message = fields.String(validate=validate.Length(max=2000))


class QuantityConflictSchema(ErrorSchema):
    """409: not that much is left (or the listing is no longer offered)."""

    listing_id = fields.Integer(metadata={"description": "The listing that has too little."})
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
        exclude = ("buyer_id", "buyer_organisation_id", "updated_at")

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
