"""Schemas for the chain of custody: recording events and showing the timeline."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest.error_handler import ErrorSchema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates
from marshmallow import validates_schema

from app.schema_fields import Id
from app.schema_fields import InputSchema
from app.schema_fields import ModelSchema
from app.schema_fields import StrictFloat
from passports.models import DISPOSAL_ROUTES
from passports.models import EVENT_FIELDS
from passports.models import EVENT_KINDS
from passports.models import ComponentEvent
from passports.models import EventPhoto
from passports.schemas.common import _text

# What each kind needs beyond its name.
REQUIRED_BY_KIND = {
    "inspected": ("condition",),
    "stored": ("location",),
    "transported": ("from_location", "to_location", "distance_km"),
    "disposed": ("disposal_route",),
}
# The message for a field a kind needs, one sentence per kind.
REQUIRED_MESSAGES = {
    "inspected": _l("Required for an inspected event."),
    "stored": _l("Required for a stored event."),
    "transported": _l("Required for a transported event."),
    "disposed": _l("Required for a disposed event."),
}
CLOCK_SKEW = timedelta(minutes=10)
# How the document types a value that is there (not null, not blank) for REQUIRED_BY_KIND.
_PRESENT = {
    "condition": {"type": "integer"},
    "location": {"type": "string", "pattern": r"\S"},
    "from_location": {"type": "string", "pattern": r"\S"},
    "to_location": {"type": "string", "pattern": r"\S"},
    "distance_km": {"type": "number"},
    "disposal_route": {"type": "string"},
}


def _kind_rules() -> dict:
    """REQUIRED_BY_KIND as JSON Schema: for each kind, either another kind or its fields."""
    return {
        "allOf": [
            {
                "anyOf": [
                    {"properties": {"kind": {"not": {"enum": [kind]}}}},
                    {
                        "required": list(names),
                        "properties": {name: _PRESENT[name] for name in names},
                    },
                ]
            }
            for kind, names in REQUIRED_BY_KIND.items()
        ],
        "description": "Each kind's fields: inspected needs condition; stored, location; "
        "transported, from_location, to_location and distance_km; disposed, disposal_route. "
        "In a multipart form an empty value or `null` is no value.",
    }


class EventCreateSchema(InputSchema):
    """An event recorded on site (JSON, or multipart form fields with `photos` files)."""

    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    occurred_at = fields.NaiveDateTime(
        timezone=UTC,
        metadata={
            "description": "When it happened; without an offset, UTC. Defaults to now. "
            "Offline phones send the time the event was captured. Not more than 10 minutes "
            "ahead of the server's clock (a 422 otherwise)."
        },
    )
    condition = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=5),
        metadata={"description": "Inspected: grade 5 as new … 1 unusable."},
    )
    location = _text(300, metadata={"description": "Stored: where."})
    from_location = _text(300)
    to_location = _text(300)
    distance_km = StrictFloat(allow_none=True, validate=validate.Range(min=0, max=40000))
    building_id = Id(allow_none=True, metadata={"description": "Reinstalled: in which building."})
    disposal_route = fields.String(allow_none=True, validate=validate.OneOf(DISPOSAL_ROUTES))
    latitude = StrictFloat(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = StrictFloat(allow_none=True, validate=validate.Range(min=-180, max=180))
    notes = _text(2000)

    json_schema_rules = _kind_rules()

    @validates("occurred_at")
    def _not_in_future(self, value, **_kwargs):
        if value > datetime.now(UTC).replace(tzinfo=None) + CLOCK_SKEW:
            raise ValidationError(_("Cannot be in the future."))

    @validates_schema
    def _required_by_kind(self, data, **_kwargs):
        missing = {
            name: [str(REQUIRED_MESSAGES[data["kind"]])]
            for name in REQUIRED_BY_KIND.get(data.get("kind"), ())
            if data.get(name) is None or str(data[name]).strip() == ""
        }
        if missing:
            raise ValidationError(missing)


class EventConflictSchema(ErrorSchema):
    """409: the component's status does not allow this kind of event."""

    allowed = fields.List(fields.String(), metadata={"description": "The kinds allowed now."})
    current_status = fields.String()


class EventPhotoSchema(ModelSchema):
    """A photo of an event."""

    class Meta(ModelSchema.Meta):
        model = EventPhoto
        fields = ("id", "url", "content_type", "width", "height")

    url = fields.Function(lambda p: url_for("passports.photo", photo_id=p.id))


class EventSchema(ModelSchema):
    """An event of the timeline."""

    class Meta(ModelSchema.Meta):
        model = ComponentEvent
        fields = (
            *("id", "component_id", "kind", "status_before", "status_after", "recorded_at"),
            *EVENT_FIELDS,
            *("user", "organisation", "imported", "photos"),
        )

    user = fields.Function(lambda e: e.user.name or e.user.email if e.user else None)
    organisation = fields.Function(lambda e: e.organisation.name if e.organisation else None)
    imported = fields.Boolean(
        metadata={
            "description": "Recorded on another instance and brought in with an imported "
            "passport: history, not something that happened here."
        }
    )
    photos = fields.List(fields.Nested(EventPhotoSchema))
