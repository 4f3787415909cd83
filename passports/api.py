"""REST API for buildings, components, access grants, the material library and passport
documents (JSON export and import, snapshots and their comparison)."""

import json

from flask import Response, request
from flask_login import current_user
from flask_smorest import Blueprint, abort
from flask_smorest.error_handler import ErrorSchema

from app.auth.decorators import api_login_required, roles_required
from app.extensions import csrf, db
from app.pagination import paginated
from passports import queries, services
from passports.documents import snapshots as passport_versions
from passports.documents.export import build_document, gc_paused, passport_filename
from passports.documents.importer import import_passport
from passports.documents.schemas import (
    CompareArgs,
    ComparisonSchema,
    ImportResultSchema,
    SnapshotCreateSchema,
    SnapshotDetailSchema,
    SnapshotSchema,
)
from passports.documents.validation import passport_schema
from passports.models import BuildingAccess, Material
from passports.permissions import building_for, can_create_building, component_for
from passports.recording import record_from_request
from passports.schemas import (
    BuildingCreateSchema,
    BuildingQueryArgs,
    BuildingSchema,
    BuildingSummarySchema,
    BuildingUpdateSchema,
    ClearanceSchema,
    ComponentCreateSchema,
    ComponentQueryArgs,
    ComponentSchema,
    ComponentUpdateSchema,
    EventConflictSchema,
    EventCreateSchema,
    EventSchema,
    GrantCreateSchema,
    GrantSchema,
    HazardSchema,
    MaterialCreateSchema,
    MaterialQueryArgs,
    MaterialSchema,
    MaterialUpdateSchema,
)

blp = Blueprint("passports_api", __name__, description="Buildings, components and materials")
# Cookie sessions are CSRF-checked in api_login_required; bearer tokens need no CSRF token.
csrf.exempt(blp)


# ---------------------------------------------------------------- buildings
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
        abort(403, message="Only owners and admins register buildings.")
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
        abort(404, message="No such grant.")
    services.revoke_access(grant)
    db.session.commit()


# ---------------------------------------------------------------- components
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
    """One component's passport."""
    return component_for(current_user, component_id)


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


# ---------------------------------------------------------------- materials
@blp.route("/materials", methods=["GET"])
@api_login_required
@paginated(blp, MaterialSchema, MaterialQueryArgs)
def list_materials(args):
    """The material library, searchable by name and alias."""
    return queries.materials_query(**args)


@blp.route("/materials", methods=["POST"])
@api_login_required
@roles_required("admin")
@blp.arguments(MaterialCreateSchema)
@blp.response(201, MaterialSchema)
def create_material(data):
    """Add a material (admins)."""
    material = services.create_material(data)
    db.session.commit()
    return material


@blp.route("/materials/<int:material_id>", methods=["GET"])
@api_login_required
@blp.response(200, MaterialSchema)
def get_material(material_id):
    """One material."""
    return db.get_or_404(Material, material_id)


@blp.route("/materials/<int:material_id>", methods=["PATCH"])
@api_login_required
@roles_required("admin")
@blp.arguments(MaterialUpdateSchema(partial=True))
@blp.response(200, MaterialSchema)
def update_material(data, material_id):
    """Edit a material (admins)."""
    material = services.update_material(db.get_or_404(Material, material_id), data)
    db.session.commit()
    return material


# ---------------------------------------------------------------- events
@blp.route("/components/<int:component_id>/events", methods=["GET"])
@api_login_required
@paginated(blp, EventSchema)
def list_events(args, component_id):
    """The component's chain of custody, newest first."""
    component = component_for(current_user, component_id)
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
        abort(404, message="No such hazard on this component.")
    services.clear_hazard(hazard, current_user, data["note"])
    db.session.commit()
    return hazard


# ---------------------------------------------------------------- passport documents
_DOCUMENT = {
    "description": "A building passport document, schema 1.0: see "
    "`GET /api/v1/passports/schema.json`.",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


def _json(payload, status: int = 200, filename: str | None = None) -> Response:
    with gc_paused():
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, status=status, mimetype="application/json")
    if filename:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@blp.route("/buildings/<int:building_id>/passport.json", methods=["GET"])
@api_login_required
@blp.doc(responses={200: _DOCUMENT})
def building_passport(building_id):
    """The building's machine-readable passport (schema 1.0), with stable tag URLs."""
    building = building_for(current_user, building_id)
    return _json(build_document(building), filename=passport_filename(building, "json"))


@blp.route("/passports/schema.json", methods=["GET"])
@blp.doc(security=[], responses={200: {"description": "The JSON Schema (draft 2020-12)."}})
def passport_json_schema():
    """The JSON Schema every passport document validates against; public."""
    response = _json(passport_schema())
    response.mimetype = "application/schema+json"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@blp.route("/passports/import", methods=["POST"])
@api_login_required
@blp.doc(requestBody={"required": True, **_DOCUMENT})
@blp.response(201, ImportResultSchema)
@blp.alt_response(
    422, schema=ErrorSchema, description="Not valid against the schema: errors by JSON path."
)
def import_passport_document():
    """Recreate a building from a passport document, for the caller's organisation."""
    document = request.get_json(silent=True)
    if document is None:
        abort(400, message="Send the passport document as JSON (Content-Type: application/json).")
    result = import_passport(current_user, document)
    db.session.commit()
    return {
        "building": result.building,
        "component_count": result.component_count,
        "tags_kept": result.tags_kept,
        "tags_renewed": result.tags_renewed,
    }


@blp.route("/buildings/<int:building_id>/snapshots", methods=["GET"])
@api_login_required
@paginated(blp, SnapshotSchema)
def list_snapshots(args, building_id):
    """Frozen versions of the building's passport, newest first."""
    building = building_for(current_user, building_id)
    return passport_versions.snapshots_query(building.id)


@blp.route("/buildings/<int:building_id>/snapshots", methods=["POST"])
@api_login_required
@blp.arguments(SnapshotCreateSchema)
@blp.response(201, SnapshotSchema)
def create_snapshot(data, building_id):
    """Freeze the passport as it stands now ("as built", "before demolition", …)."""
    building = building_for(current_user, building_id, write=True)
    snapshot = passport_versions.freeze_snapshot(
        building, current_user, data["label"], data.get("note", "")
    )
    db.session.commit()
    return snapshot


@blp.route("/snapshots/<int:snapshot_id>", methods=["GET"])
@api_login_required
@blp.response(200, SnapshotDetailSchema)
def get_snapshot(snapshot_id):
    """One frozen version with its passport document."""
    return passport_versions.snapshot_for(current_user, snapshot_id)


@blp.route("/snapshots/compare", methods=["GET"])
@api_login_required
@blp.arguments(CompareArgs, location="query")
@blp.response(200, ComparisonSchema)
@blp.alt_response(422, schema=ErrorSchema, description="The versions are of different buildings.")
def compare_snapshots(args):
    """What changed between two versions: components added, removed and changed field by
    field, and the totals. `to=current` compares with the passport as it is now."""
    to = args["to"] if args["to"] == "current" else int(args["to"])
    return passport_versions.compare_versions(current_user, args["from_"], to)
