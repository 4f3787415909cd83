"""The chain of custody: a component's events, recording one, and hazard clearances."""

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema

from app.auth.decorators import api_login_required
from app.extensions import db
from app.pagination import paginated
from passports import queries
from passports import services
from passports.api.blueprint import blp
from passports.offered import reduced_events
from passports.permissions import component_for
from passports.permissions import passport_for
from passports.recording import record_from_request
from passports.schemas import ClearanceSchema
from passports.schemas import EventConflictSchema
from passports.schemas import EventCreateSchema
from passports.schemas import EventSchema
from passports.schemas import HazardSchema


@blp.route("/components/<int:component_id>/events", methods=["GET"])
@api_login_required
@paginated(blp, EventSchema)
def list_events(args, component_id):
    """The component's chain of custody, newest first. For a reader of an offered component
    (see GET /components/{id}), without notes, photos and the recorders' names."""
    component, full = passport_for(current_user, component_id)
    if not full:
        return reduced_events(component)
    return queries.events_query(component)


@blp.route("/components/<int:component_id>/events", methods=["POST"])
@api_login_required
@blp.doc(
    parameters=[
        {
            "in": "header",
            "name": "Idempotency-Key",
            "schema": {"type": "string", "maxLength": 100},
            "description": "Retries with the same key record once.",
        }
    ],
    requestBody={
        "required": True,
        "content": {
            "application/json": {"schema": EventCreateSchema},
            "multipart/form-data": {
                "schema": {
                    "allOf": [
                        {"$ref": "#/components/schemas/EventCreate"},
                        {
                            "type": "object",
                            "properties": {
                                "photos": {
                                    "type": "array",
                                    "items": {"type": "string", "format": "binary"},
                                }
                            },
                        },
                    ]
                }
            },
        },
    },
)
@blp.response(201, EventSchema)
@blp.alt_response(
    409, schema=EventConflictSchema, description="The component's status does not allow this event."
)
@blp.alt_response(413, schema=ErrorSchema, description="A photo is larger than 10 MB.")
@blp.alt_response(
    507,
    schema=ErrorSchema,
    description="No room on the server's disk for the photos; nothing kept.",
)
def create_event(component_id):
    """Record what happened to a component: inspected, dismantled, stored, transported…"""
    component = component_for(current_user, component_id)
    event, replayed = record_from_request(component, current_user)
    return event, 201, ({"Idempotent-Replayed": "true"} if replayed else {})


@blp.route("/components/<int:component_id>/hazards/<int:hazard_id>/clearance", methods=["POST"])
@api_login_required
@blp.arguments(ClearanceSchema)
@blp.response(201, HazardSchema)
def clear_hazard(data, component_id, hazard_id):
    """Record a hazard's clearance, so the component may be listed on the exchange."""
    component = component_for(current_user, component_id, write=True)
    hazard = next((h for h in component.hazards if h.id == hazard_id), None)
    if hazard is None:
        abort(404, message=_("No such hazard on this component."))
    services.clear_hazard(hazard, current_user, data["note"])
    db.session.commit()
    return hazard
