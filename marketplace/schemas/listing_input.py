"""What a seller gives to create or edit a listing."""

from marshmallow import fields
from marshmallow import validate

from app.schema_fields import AT_MOST_AMOUNT
from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import StrictFloat
from marketplace.models import PRICE_BASES
from passports.cpv import CPV_CONSTRUCTION
from passports.cpv import cpv_codes


class ListingCreateSchema(InputSchema):
    """What an owner gives to offer components as a lot."""

    component_ids = fields.List(
        Id(),
        required=True,
        validate=validate.Length(min=1, max=5000),
        metadata={
            "description": "Components of one kind: one unit, one category, one main material "
            "and measures within LOT_TOLERANCE_MM (10 mm by default) of each other; a 409 on "
            "component_ids says what differs."
        },
    )
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
