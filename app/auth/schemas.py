"""Schemas for credentials, tokens and password changes."""

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from app.auth.models import ApiToken
from app.auth.models import User
from app.auth.passwords import MAX_PASSWORD_LENGTH
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from app.schema_fields import UtcDateTime

# The longest life a token may be given: a token that must live longer is one never to expire.
MAX_TOKEN_DAYS = 3650


class TokenOptionsSchema(InputSchema):
    """What a new token may be given: a label and a lifetime (the token page and the API)."""

    name = fields.String(
        validate=validate.Length(max=100),
        metadata={"description": "A label for the token, e.g. 'site tablet'."},
    )
    expires_in_days = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_TOKEN_DAYS),
        metadata={
            "description": "The token stops working this many days after it is issued "
            "(answered as `expires_at`). Left out or null: it works until revoked."
        },
    )


class CredentialsSchema(TokenOptionsSchema):
    """Email and password, to obtain a token."""

    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(max=MAX_PASSWORD_LENGTH)
    )


class PasswordChangeSchema(InputSchema):
    """The current password, to prove it is the owner, and the new one."""

    current_password = fields.String(
        required=True, load_only=True, validate=validate.Length(max=MAX_PASSWORD_LENGTH)
    )
    new_password = fields.String(
        required=True,
        load_only=True,
        metadata={"description": "The same rules as at account creation: 8 to 1000 characters."},
    )


class TokenIssuedSchema(Schema):
    """A new token: the clear text is shown this once."""

    id = fields.Integer()
    token = fields.String()
    prefix = fields.String()
    name = fields.String()
    created_at = UtcDateTime()
    expires_at = UtcDateTime(allow_none=True)


class TokenSchema(ModelSchema):
    """A token as listed: never its clear text."""

    class Meta(ModelSchema.Meta):
        model = ApiToken
        fields = ("id", "name", "prefix", "created_at", "revoked_at", "expires_at", "active")

    active = fields.Boolean(metadata={"description": "Neither revoked nor expired."})


class UserSchema(ModelSchema):
    """The current user."""

    class Meta(ModelSchema.Meta):
        model = User
        fields = ("id", "email", "name", "role", "organisation_id", "organisation")

    organisation = fields.Function(lambda u: u.organisation.name)
