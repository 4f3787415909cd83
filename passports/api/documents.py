"""Passport documents: the JSON passport and its schema, import on another instance, snapshots
and their comparison."""

import json

from flask import Response
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema

from app.auth.decorators import api_login_required
from app.extensions import db
from app.pagination import paginated
from passports.api.blueprint import blp
from passports.documents import snapshots as passport_versions
from passports.documents.export import build_document
from passports.documents.export import gc_paused
from passports.documents.export import passport_filename
from passports.documents.importer import RULES_BEYOND_THE_SCHEMA
from passports.documents.importer import import_passport
from passports.documents.schemas import CompareArgs
from passports.documents.schemas import ComparisonSchema
from passports.documents.schemas import ImportResultSchema
from passports.documents.schemas import SnapshotCreateSchema
from passports.documents.schemas import SnapshotDetailSchema
from passports.documents.schemas import SnapshotSchema
from passports.documents.validation import openapi_schema
from passports.documents.validation import passport_schema
from passports.permissions import building_for

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
@blp.doc(
    requestBody={
        "required": True,
        "description": f"{_DOCUMENT['description']} {RULES_BEYOND_THE_SCHEMA}",
        "content": {"application/json": {"schema": openapi_schema()}},
    }
)
@blp.response(201, ImportResultSchema)
@blp.alt_response(
    422, schema=ErrorSchema, description="Not valid against the schema: errors by JSON path."
)
def import_passport_document():
    """Recreate a building from a passport document, for the caller's organisation."""
    document = request.get_json(silent=True)
    if document is None:
        abort(
            400, message=_("Send the passport document as JSON (Content-Type: application/json).")
        )
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
