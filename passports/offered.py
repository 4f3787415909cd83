"""The reduced view of a passport that another package offers to every logged-in user (the
exchange, while a lot is published; see `passports.permissions.on_offered`).

It shows what a buyer needs to judge the material: materials, quantities, condition,
dimensions, hazards with whether and when they were cleared, and the history of events. It
leaves out what the owner keeps private: the notes of events, hazards and clearances (they may
name rooms, people or survey findings), event photos, the people who recorded events (their
organisation stays), and the building's documents (never on a component's page)."""

from marshmallow import fields

from app.extensions import db
from passports import queries
from passports.schemas import ComponentSchema
from passports.schemas import HazardSchema


class ReducedEvent:
    """An event as the reduced view shows it: no notes, no photos, no recorder's name."""

    HIDDEN = {"notes": "", "photos": (), "user": None}

    def __init__(self, event):
        self._event = event

    def __getattr__(self, name):
        if name in ReducedEvent.HIDDEN:
            return ReducedEvent.HIDDEN[name]
        return getattr(self._event, name)


def reduced_events(component, limit: int | None = None) -> list[ReducedEvent]:
    """The component's history (newest first) without what the owner keeps private."""
    stmt = queries.events_query(component)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [ReducedEvent(event) for event in db.session.scalars(stmt)]


class OfferedComponentSchema(ComponentSchema):
    """A component as the reduced view shows it: its hazards without notes, no next statuses
    (the reader may not change it)."""

    hazards = fields.List(fields.Nested(HazardSchema(only=("id", "kind", "cleared_at"))))
    allowed_next = fields.Function(lambda c: [])
