"""REST API of the building register.

`POST /register/imports` stages the file and starts the import as a job (202 with its id
and status URL); `GET /register/imports/<job_id>` tells where it stands and, once done, its
report (row-numbered errors when anything is wrong, in which case nothing was written).
`GET /register/buildings` lists the register buildings the user may read.
"""

from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema

from app import jobs
from app.auth.decorators import api_login_required
from app.extensions import csrf
from app.pagination import paginated
from mine.models import RegisterBuilding
from mine.permissions import readable_register
from mine.permissions import register_building_for
from mine.permissions import register_organisation
from mine.register import jobs as register_jobs
from mine.register.staging import create_stage
from mine.schemas import RegisterBuildingQueryArgs
from mine.schemas import RegisterBuildingSchema
from mine.schemas import RegisterImportFileSchema
from mine.schemas import RegisterImportFormSchema
from mine.schemas import RegisterJobSchema
from mine.views import buildings_query

blp = Blueprint("register_api", __name__, description="The building register of a city")
csrf.exempt(blp)
_TARGET = "mine.register.jobs:run_stage"


def _job_body(job_id: str, state: dict) -> dict:
    return {
        "job_id": job_id,
        "status": state.get("status"),
        "phase": state.get("phase"),
        "done": state.get("done", 0) or 0,
        "total": state.get("total", 0) or 0,
        "status_url": url_for("register_api.get_register_import", job_id=job_id),
        "report": state.get("result"),
    }


@blp.route("/register/imports", methods=["POST"])
@api_login_required
@blp.arguments(RegisterImportFileSchema, location="files")
@blp.doc(
    requestBody={
        "content": {
            "multipart/form-data": {
                "encoding": {"file": {"contentType": "text/csv, application/geo+json"}}
            }
        }
    }
)
@blp.response(202, RegisterJobSchema, description="The import runs; poll its status URL.")
@blp.alt_response(403, schema=ErrorSchema, description="Not an owner of the organisation.")
@blp.alt_response(413, schema=ErrorSchema, description="The file is over the limit.")
@blp.alt_response(415, schema=ErrorSchema, description="Not a CSV or GeoJSON text file.")
def create_register_import(files):
    """Import a building register (multipart `file`; `dry_run` true by default)."""
    form = RegisterImportFormSchema().load(request.form)
    organisation_id = form["organisation_id"] or current_user.organisation_id
    organisation = register_organisation(current_user, organisation_id, write=True)
    upload = files["file"]
    stage = create_stage(
        upload.stream, upload.filename or "register", current_user.id, organisation.id
    )
    job_id = register_jobs.start(stage, current_user.id, "preview" if form["dry_run"] else "commit")
    body = _job_body(job_id, jobs.state(job_id) or {"status": "queued"})
    return body, 202, {"Location": body["status_url"]}


@blp.route("/register/imports/<job_id>", methods=["GET"])
@api_login_required
@blp.response(200, RegisterJobSchema)
def get_register_import(job_id):
    """Where a register import stands; its report once done."""
    try:
        state = jobs.state(job_id)
    except ValueError:
        state = None
    if (
        state is None
        or state.get("target") != _TARGET
        or (state.get("owner_id") != current_user.id and current_user.role != "admin")
    ):
        abort(404, message=_("No such import."))
    return _job_body(job_id, state)


@blp.route("/register/buildings", methods=["GET"])
@api_login_required
@paginated(blp, RegisterBuildingSchema, RegisterBuildingQueryArgs)
def list_register_buildings(args):
    """The register buildings the user may read (their organisation's; admins: all)."""
    organisation_id = args.get("organisation_id")
    if organisation_id is not None:
        register_organisation(current_user, organisation_id)
        stmt = buildings_query(organisation_id, args.get("q", ""))
    else:
        stmt = buildings_query(None, args.get("q", "")).where(readable_register(current_user))
    if args.get("city"):
        stmt = stmt.where(RegisterBuilding.city == args["city"])
    if args.get("use"):
        stmt = stmt.where(RegisterBuilding.use_type == args["use"])
    if "has_passport" in args:
        column = RegisterBuilding.building_id
        stmt = stmt.where(column.is_not(None) if args["has_passport"] else column.is_(None))
    return stmt


@blp.route("/register/buildings/<int:building_id>", methods=["GET"])
@api_login_required
@blp.response(200, RegisterBuildingSchema)
def get_register_building(building_id):
    """One register building."""
    return register_building_for(current_user, building_id)
