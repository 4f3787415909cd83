"""Recording the chain of custody: events drive a component's status and are never changed."""

import hashlib
import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from app.errors import Conflict
from app.errors import ServiceError
from app.extensions import db
from app.i18n import word
from passports.hazards import uncleared_hazards
from passports.lifecycle import DISTURBING_EVENTS
from passports.lifecycle import allowed_events
from passports.lifecycle import event_outcome
from passports.lifecycle import events_for
from passports.models import EVENT_FIELDS
from passports.models import Building
from passports.models import Component
from passports.models import ComponentEvent
from passports.models import EventPhoto
from passports.permissions import can_read_building
from passports.photos import PreparedPhoto
from passports.photos import new_name

# Sentences per kind of event (never "a" + kind): a component's status refuses the event ...
NOT_IN_THIS_STATUS = {
    "inspected": _l(
        "A component that is “%(status)s” cannot be inspected. Allowed now: %(allowed)s."
    ),
    "dismantled": _l(
        "A component that is “%(status)s” cannot be dismantled. Allowed now: %(allowed)s."
    ),
    "stored": _l("A component that is “%(status)s” cannot be stored. Allowed now: %(allowed)s."),
    "transported": _l(
        "A component that is “%(status)s” cannot be transported. Allowed now: %(allowed)s."
    ),
    "reinstalled": _l(
        "A component that is “%(status)s” cannot be reinstalled. Allowed now: %(allowed)s."
    ),
    "disposed": _l(
        "A component that is “%(status)s” cannot be disposed of. Allowed now: %(allowed)s."
    ),
    "note": _l("A component that is “%(status)s” takes no note. Allowed now: %(allowed)s."),
}
# ... or an uncleared hazard does (for the events that disturb the component).
HAZARD_NOT_CLEARED = {
    "dismantled": _l(
        "This component contains %(hazards)s, not cleared: it cannot be dismantled before a "
        "clearance (survey, removal certificate) is recorded."
    ),
    "transported": _l(
        "This component contains %(hazards)s, not cleared: it cannot be transported before a "
        "clearance (survey, removal certificate) is recorded."
    ),
    "stored": _l(
        "This component contains %(hazards)s, not cleared: it cannot be stored before a "
        "clearance (survey, removal certificate) is recorded."
    ),
    "reinstalled": _l(
        "This component contains %(hazards)s, not cleared: it cannot be reinstalled before a "
        "clearance (survey, removal certificate) is recorded."
    ),
}
# Substances as they read inside a sentence ("contains asbestos, lead").
HAZARDS_IN_TEXT = {
    "asbestos": _l("asbestos"),
    "pcb": _l("PCB"),
    "lead": _l("lead"),
    "other": _l("another hazardous substance"),
}


def _hazard_text(kinds) -> str:
    return _(", ").join(str(HAZARDS_IN_TEXT.get(k, k)) for k in kinds)


def request_fingerprint(data: dict, photos: list[PreparedPhoto]) -> str:
    """A hash of what was asked, so a reused Idempotency-Key with other content is caught."""
    canonical = json.dumps(data, sort_keys=True, default=str)
    digest = hashlib.sha256(canonical.encode())
    for photo in photos:
        digest.update(photo.sha256.encode())
    return digest.hexdigest()


def find_replay(user, key: str, fingerprint: str) -> ComponentEvent | None:
    """The event already recorded under this user's Idempotency-Key, if any."""
    existing = db.session.scalar(
        select(ComponentEvent).where(
            ComponentEvent.user_id == user.id, ComponentEvent.idempotency_key == key
        )
    )
    if existing is not None and existing.request_hash != fingerprint:
        raise ServiceError(
            _("This Idempotency-Key was already used for a different event."),
            code=422,
            errors={"Idempotency-Key": [_("Reused with other content.")]},
        )
    return existing


def record_event(
    component: Component,
    user,
    data: dict,
    photos: list[PreparedPhoto] = (),
    *,
    idempotency_key: str | None = None,
    fingerprint: str | None = None,
) -> tuple[ComponentEvent, list[str]]:
    """Append an on-site event; returns it and the file names its photos must be written to."""
    kind = data["kind"]
    before = component.status
    try:
        after = event_outcome(kind, before)
    except ValueError:
        allowed = allowed_events(before)
        raise Conflict(
            str(NOT_IN_THIS_STATUS[kind])
            % {
                "status": word(before),
                "allowed": _(", ").join(word(k) for k in allowed) or _("nothing"),
            },
            extra={"allowed": list(allowed), "current_status": before},
        ) from None
    hazards = uncleared_hazards(component) if kind in DISTURBING_EVENTS else []
    if hazards:
        kinds = list(dict.fromkeys(h.kind for h in hazards))
        raise Conflict(
            str(HAZARD_NOT_CLEARED[kind]) % {"hazards": _hazard_text(kinds)},
            extra={
                "reason": "hazard_not_cleared",
                "hazards": kinds,
                "allowed": list(events_for(component)),
            },
        )
    target = data.get("building_id")
    if target is not None:
        building = db.session.get(Building, target)
        if building is None or not can_read_building(user, building):
            raise ValidationError({"building_id": [_("Unknown building.")]})
    event = ComponentEvent(
        component=component,
        kind=kind,
        user_id=user.id,
        organisation_id=user.organisation_id,
        status_before=before,
        status_after=after,
        idempotency_key=idempotency_key,
        request_hash=fingerprint,
        **{k: data[k] for k in EVENT_FIELDS if k in data},
    )
    if kind == "inspected":
        component.condition = data["condition"]
    component.status = after
    names = []
    for photo in photos:
        name = new_name(photo)
        names.append(name)
        event.photos.append(
            EventPhoto(
                stored_name=name,
                content_type=photo.content_type,
                width=photo.width,
                height=photo.height,
                size_bytes=len(photo.data),
                sha256=photo.sha256,
            )
        )
    db.session.add(event)
    db.session.flush()
    return event, names


def record_system_event(
    component: Component, kind: str, user, before: str, notes: str = "", **fields
) -> ComponentEvent:
    """Log a status change or transfer made through the passport or the exchange."""
    event = ComponentEvent(
        component=component,
        kind=kind,
        user_id=getattr(user, "id", None),
        organisation_id=getattr(user, "organisation_id", None),
        status_before=before,
        status_after=component.status,
        notes=notes,
        **fields,
    )
    db.session.add(event)
    return event
