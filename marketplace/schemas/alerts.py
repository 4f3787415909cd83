"""Saved searches and the inbox."""

from flask import url_for
from marshmallow import fields
from marshmallow import validate

from app.pagination import PageArgs
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from marketplace.models import Notification
from marketplace.models import SavedSearch
from marketplace.schemas.search import SavedSearchParamsSchema


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


def _link(note):
    # Imported here: marketplace.alerts reads the search schemas, which this module is part of.
    from marketplace.alerts import link

    return link(note)


class NotificationSchema(ModelSchema):
    """A message in the inbox."""

    class Meta(ModelSchema.Meta):
        model = Notification
        exclude = ("user_id",)

    message = fields.Function(
        lambda obj: obj.text,
        metadata={"description": "The message in the language Accept-Language asks for."},
    )
    params = fields.Dict(
        allow_none=True,
        metadata={
            "description": "What the message says, as data: with `kind`, a program's way to "
            "read it (null for a message stored as text only)."
        },
    )

    url = fields.Function(
        lambda obj: found[0] if (found := _link(obj)) else None,
        metadata={
            "description": "The page the message is about (a reservation, bundle, listing, "
            "wanted request or building), where this instance has it."
        },
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
