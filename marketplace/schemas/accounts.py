"""A visitor's request for an account on the exchange."""

from flask_babel import lazy_gettext as _l
from marshmallow import fields
from marshmallow import validate

from app.schema_fields import NOT_BLANK
from app.schema_fields import InputSchema

# The roles a visitor may ask for (an admin is never asked for).
REQUESTABLE_ROLES = ("buyer", "owner", "contractor")
_SAID = validate.Regexp(NOT_BLANK, error=_l("Fill this in, not only spaces."))


class AccountRequestSchema(InputSchema):
    """Who asks, for which organisation, as what, and why."""

    name = fields.String(required=True, validate=[validate.Length(min=1, max=200), _SAID])
    email = fields.Email(required=True, validate=validate.Length(max=254))
    organisation_name = fields.String(
        required=True, validate=[validate.Length(min=1, max=200), _SAID]
    )
    role = fields.String(required=True, validate=validate.OneOf(REQUESTABLE_ROLES))
    message = fields.String(load_default="", validate=validate.Length(max=2000))
