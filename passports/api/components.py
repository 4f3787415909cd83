"""Components of a building: list, register, read, edit and archive."""

from flask import jsonify
from flask_login import current_user

from app.auth.decorators import api_login_required
from app.extensions import db
from app.pagination import paginated
from passports import queries
from passports import services
from passports.api.blueprint import blp
from passports.offered import OfferedComponentSchema
from passports.permissions import building_for
from passports.permissions import component_for
from passports.permissions import passport_for
from passports.schemas import ComponentCreateSchema
from passports.schemas import ComponentQueryArgs
from passports.schemas import ComponentSchema
from passports.schemas import ComponentUpdateSchema


@blp.route("/buildings/<int:building_id>/components", methods=["GET"])
@api_login_required
@paginated(blp, ComponentSchema, ComponentQueryArgs)
def list_components(args, building_id):
    """The building's components, filtered."""
    building = building_for(current_user, building_id)
    return queries.components_query(building.id, **args)


@blp.route("/buildings/<int:building_id>/components", methods=["POST"])
@api_login_required
@blp.arguments(ComponentCreateSchema)
@blp.response(201, ComponentSchema)
def create_component(data, building_id):
    """Register a component; it gets its tag and a derived mass."""
    component = services.create_component(building_for(current_user, building_id, write=True), data)
    db.session.commit()
    return component


@blp.route("/components/<int:component_id>", methods=["GET"])
@api_login_required
@blp.response(200, ComponentSchema)
def get_component(component_id):
    """One component's passport. A component offered to every logged-in user (on a published
    exchange lot) is shown to readers without access to its building in the reduced view:
    hazards without their notes and clearance notes, no next statuses."""
    component, full = passport_for(current_user, component_id)
    if not full:
        return jsonify(OfferedComponentSchema().dump(component))
    return component


@blp.route("/components/<int:component_id>", methods=["PATCH"])
@api_login_required
@blp.arguments(ComponentUpdateSchema(partial=True))
@blp.response(200, ComponentSchema)
def update_component(data, component_id):
    """Edit a component; a status change must follow the lifecycle."""
    component = services.update_component(
        component_for(current_user, component_id, write=True), data, current_user
    )
    db.session.commit()
    return component


@blp.route("/components/<int:component_id>", methods=["DELETE"])
@api_login_required
@blp.response(204)
def archive_component(component_id):
    """Archive a component; its tag is never reused."""
    services.archive_component(component_for(current_user, component_id, write=True))
    db.session.commit()
