"""Buildings, their passport overview and the contractor organisations granted access."""

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort

from app.auth.decorators import api_login_required
from app.extensions import db
from app.pagination import paginated
from passports import queries
from passports import services
from passports.api.blueprint import blp
from passports.models import BuildingAccess
from passports.permissions import building_for
from passports.permissions import can_create_building
from passports.schemas import BuildingCreateSchema
from passports.schemas import BuildingQueryArgs
from passports.schemas import BuildingSchema
from passports.schemas import BuildingSummarySchema
from passports.schemas import BuildingUpdateSchema
from passports.schemas import GrantCreateSchema
from passports.schemas import GrantSchema


@blp.route("/buildings", methods=["GET"])
@api_login_required
@paginated(blp, BuildingSchema, BuildingQueryArgs)
def list_buildings(args):
    """Buildings the caller may read."""
    return queries.buildings_query(current_user, **args)


@blp.route("/buildings", methods=["POST"])
@api_login_required
@blp.arguments(BuildingCreateSchema)
@blp.response(201, BuildingSchema)
def create_building(data):
    """Register a building for the caller's organisation."""
    if not can_create_building(current_user):
        abort(403, message=_("Only owners and admins register buildings."))
    building = services.register_building(current_user, data)
    db.session.commit()
    return building


@blp.route("/buildings/<int:building_id>", methods=["GET"])
@api_login_required
@blp.response(200, BuildingSchema)
def get_building(building_id):
    """One building."""
    return building_for(current_user, building_id)


@blp.route("/buildings/<int:building_id>", methods=["PATCH"])
@api_login_required
@blp.arguments(BuildingUpdateSchema(partial=True))
@blp.response(200, BuildingSchema)
def update_building(data, building_id):
    """Edit a building."""
    building = services.update_building(building_for(current_user, building_id, write=True), data)
    db.session.commit()
    return building


@blp.route("/buildings/<int:building_id>", methods=["DELETE"])
@api_login_required
@blp.response(204)
def archive_building(building_id):
    """Archive a building: hidden from lists, its passport kept."""
    services.archive_building(building_for(current_user, building_id, write=True))
    db.session.commit()


@blp.route("/buildings/<int:building_id>/summary", methods=["GET"])
@api_login_required
@blp.response(200, BuildingSummarySchema)
def building_summary(building_id):
    """The passport overview: counts by status, mass by family, groups, hazards."""
    return queries.building_summary(building_for(current_user, building_id))


@blp.route("/buildings/<int:building_id>/grants", methods=["GET"])
@api_login_required
@paginated(blp, GrantSchema)
def list_grants(args, building_id):
    """Organisations with read access to the building."""
    return building_for(current_user, building_id, write=True).grants


@blp.route("/buildings/<int:building_id>/grants", methods=["POST"])
@api_login_required
@blp.arguments(GrantCreateSchema)
@blp.response(201, GrantSchema)
def create_grant(data, building_id):
    """Grant an organisation (a contractor) read access, optionally until a date."""
    building = building_for(current_user, building_id, write=True)
    grant = services.grant_access(
        building, data["organisation_id"], current_user, data.get("expires_on")
    )
    db.session.commit()
    return grant


@blp.route("/buildings/<int:building_id>/grants/<int:grant_id>", methods=["DELETE"])
@api_login_required
@blp.response(204)
def revoke_grant(building_id, grant_id):
    """Revoke an access grant."""
    building = building_for(current_user, building_id, write=True)
    grant = db.session.get(BuildingAccess, grant_id)
    if grant is None or grant.building_id != building.id:
        abort(404, message=_("No such grant."))
    services.revoke_access(grant)
    db.session.commit()
