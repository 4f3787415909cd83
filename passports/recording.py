"""The edge of event recording, shared by the API and the scan page: read the request,
validate, keep photos off the disk until the row exists, commit once, honour Idempotency-Key."""

from flask import current_app
from flask import request
from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.errors import Forbidden
from app.errors import ServiceError
from app.extensions import db
from app.forms import form_data
from app.schema_fields import NUL_MESSAGE
from app.schema_fields import has_nul
from passports import services
from passports.models import Component
from passports.models import ComponentEvent
from passports.permissions import can_record_events
from passports.photos import prepare_photo
from passports.photos import remove_photos
from passports.photos import write_photo
from passports.schemas import EventCreateSchema

MAX_KEY_LENGTH = 100


def _read_payload() -> tuple[dict, list[bytes]]:
    if request.mimetype == "multipart/form-data" or request.mimetype == (
        "application/x-www-form-urlencoded"
    ):
        schema = EventCreateSchema()
        fields = form_data(schema, request.form)
        # A form has no null: a client (and the document's multipart body) sends "null".
        fields = {
            name: None if value == "null" and schema.fields[name].allow_none else value
            for name, value in fields.items()
        }
        unknown = set(request.form) - set(schema.fields) - {"csrf_token"}
        if unknown:
            raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
        # Read at most one byte past the limit: enough to refuse, never the whole upload.
        limit = current_app.config["MAX_PHOTO_BYTES"] + 1
        files = [f.stream.read(limit) for f in request.files.getlist("photos") if f.filename]
        return fields, files
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError({"_schema": [_("Send a JSON object or a multipart form.")]})
    return body, []


def record_from_request(component: Component, user) -> tuple[ComponentEvent, bool]:
    """Record the event in this request; returns (event, replayed)."""
    if not can_record_events(user, component.building):
        raise Forbidden(_("You may read this passport but not record events on it."))
    key = (request.headers.get("Idempotency-Key") or "").strip() or None
    if key is not None and len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {"Idempotency-Key": [_("At most %(num)d characters.", num=MAX_KEY_LENGTH)]}
        )
    if key is not None and has_nul(key):
        raise ValidationError({"Idempotency-Key": [NUL_MESSAGE]})
    raw, files = _read_payload()
    data = EventCreateSchema().load(raw)
    if len(files) > current_app.config["MAX_PHOTOS_PER_EVENT"]:
        raise ValidationError(
            {
                "photos": [
                    ngettext(
                        "At most %(num)d photo per event.",
                        "At most %(num)d photos per event.",
                        current_app.config["MAX_PHOTOS_PER_EVENT"],
                    )
                ]
            }
        )
    photos = [prepare_photo(blob, i) for i, blob in enumerate(files)]
    fingerprint = services.request_fingerprint({**data, "component": component.id}, photos)
    if key is not None:
        existing = services.find_replay(user, key, fingerprint)
        if existing is not None:
            return existing, True
    written = []
    try:
        event, names = services.record_event(
            component, user, data, photos, idempotency_key=key, fingerprint=fingerprint
        )
        for name, photo in zip(names, photos, strict=True):
            write_photo(name, photo)
            written.append(name)
        db.session.commit()
    except IntegrityError:
        # Two retries raced with the same key: the other one won, answer with its event.
        db.session.rollback()
        remove_photos(written)
        existing = services.find_replay(user, key, fingerprint) if key else None
        if existing is None:
            raise
        return existing, True
    except (ServiceError, OSError):
        db.session.rollback()
        remove_photos(written)
        raise
    return event, False
