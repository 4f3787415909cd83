"""Schemas for credentials and tokens."""

from marshmallow import Schema, fields, validate

from app.schema_fields import InputSchema, UtcDateTime


class CredentialsSchema(InputSchema):
    """Email and password, to obtain a token."""

    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1000))
    name = fields.String(
        validate=validate.Length(max=100),
        metadata={"description": "A label for the token, e.g. 'site tablet'."},
    )


class TokenIssuedSchema(Schema):
    """A new token: the clear text is shown this once."""

    id = fields.Integer()
    token = fields.String()
    prefix = fields.String()
    name = fields.String()
    created_at = UtcDateTime()


class TokenSchema(Schema):
    """A token as listed: never its clear text."""

    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    created_at = UtcDateTime()
    revoked_at = UtcDateTime(allow_none=True)
    active = fields.Boolean()


class UserSchema(Schema):
    """The current user."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    organisation_id = fields.Integer()
    organisation = fields.Function(lambda u: u.organisation.name)
