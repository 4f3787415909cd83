"""REST API of bulk imports: upload a CSV, XLSX or IFC file, past imports, material mappings.

`POST /buildings/<id>/imports` answers the import report: 200 for a dry run, 201 when the
components were written, 422 with the numbered row/column errors when anything is wrong, in
which case nothing is written. The import runs within the request: API clients wait for it.
"""

from flask import Response
from flask import request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema

from app.auth.decorators import api_login_required
from app.errors import ServiceError
from app.extensions import csrf
from app.extensions import db
from app.pagination import paginated
from passports.imports import queries
from passports.imports import services as imports
from passports.imports.files import MEDIA_TYPES
from passports.imports.files import store_upload
from passports.imports.models import ImportRun
from passports.imports.report import error_lines
from passports.imports.schemas import ImportFailedSchema
from passports.imports.schemas import ImportFileSchema
from passports.imports.schemas import ImportFormSchema
from passports.imports.schemas import ImportReportSchema
from passports.imports.schemas import ImportRunListSchema
from passports.imports.schemas import ImportRunSchema
from passports.imports.schemas import MappingCreateSchema
from passports.imports.schemas import MappingQueryArgs
from passports.imports.schemas import MappingSchema
from passports.imports.schemas import MappingUpdateSchema
from passports.imports.schemas import TemplateArgs
from passports.imports.staging import scratch_folder
from passports.imports.template import XLSX_MIMETYPE
from passports.imports.template import template_csv
from passports.imports.template import template_xlsx
from passports.permissions import building_for

blp = Blueprint("imports_api", __name__, description="Bulk import of components")
csrf.exempt(blp)


def import_failed(body: dict) -> ServiceError:
    """The 422 of an import with errors: the numbered errors, and the whole report."""
    rows = [
        line
        for line, e in zip(error_lines(body), body["errors"], strict=True)
        if e["row"] is not None or e["element"]
    ]
    general = [line for line in error_lines(body) if line not in rows]
    errors = {k: v for k, v in (("rows", rows), ("file", general)) if v}
    count = body["counts"]["errors"]
    return ServiceError(
        ngettext(
            "The import has %(num)d error; nothing was written.",
            "The import has %(num)d errors; nothing was written.",
            count,
        ),
        code=422,
        errors=errors,
        extra={"report": body},
    )


@blp.route("/buildings/<int:building_id>/imports", methods=["POST"])
@api_login_required
@blp.arguments(ImportFileSchema, location="files")
@blp.doc(
    requestBody={
        "content": {
            "multipart/form-data": {"encoding": {"file": {"contentType": ", ".join(MEDIA_TYPES)}}}
        }
    }
)
@blp.response(200, ImportReportSchema, description="Dry run: what the import would do.")
@blp.alt_response(201, schema=ImportReportSchema, description="The components were written.")
@blp.alt_response(413, schema=ErrorSchema, description="The file is over the limit for its kind.")
@blp.alt_response(
    415,
    schema=ErrorSchema,
    description="Not a CSV file, an XLSX workbook or an IFC model (by its content).",
)
@blp.alt_response(
    422, schema=ImportFailedSchema, description="Row/column errors and the report; nothing written."
)
@blp.alt_response(
    507, schema=ErrorSchema, description="No room on the server's disk for the file; nothing kept."
)
def create_import(files, building_id):
    """Import components from a CSV, XLSX or IFC file (multipart, field `file`)."""
    building = building_for(current_user, building_id, write=True)
    upload = files["file"]
    form = ImportFormSchema().load(request.form)
    dry_run = form["dry_run"]
    if "dry_run" in request.args:
        dry_run = ImportFormSchema().load({"dry_run": request.args["dry_run"]})["dry_run"]
    with scratch_folder() as folder:
        stored = store_upload(upload.stream, upload.filename or "upload", folder / "upload")
        report = imports.run_import(
            building,
            stored,
            user=current_user,
            dry_run=dry_run,
            duplicates=form["duplicates"],
        )
    body = report.as_dict()
    if not report.ok:
        db.session.rollback()
        raise import_failed(body)
    if dry_run:
        db.session.rollback()
        return body
    db.session.commit()
    return body, 201


@blp.route("/buildings/<int:building_id>/imports", methods=["GET"])
@api_login_required
@paginated(blp, ImportRunListSchema)
def list_imports(args, building_id):
    """The building's committed imports, newest first."""
    building = building_for(current_user, building_id, write=True)
    return queries.runs_query(building.id)


@blp.route("/buildings/<int:building_id>/imports/<int:import_id>", methods=["GET"])
@api_login_required
@blp.response(200, ImportRunSchema)
def get_import(building_id, import_id):
    """One committed import with its report."""
    building = building_for(current_user, building_id, write=True)
    run = db.session.get(ImportRun, import_id)
    if run is None or run.building_id != building.id:
        abort(404, message=_("No such import."))
    return run


@blp.route("/imports/template", methods=["GET"])
@api_login_required
@blp.arguments(TemplateArgs, location="query")
@blp.response(200, description="The template file (CSV or XLSX).")
def import_template(args):
    """The import template with a header row and examples (XLSX: documentation, drop-downs)."""
    if args["format"] == "csv":
        body, mimetype = template_csv(), "text/csv; charset=utf-8"
    else:
        body, mimetype = template_xlsx(), XLSX_MIMETYPE
    name = f"components-template.{args['format']}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@blp.route("/material-mappings", methods=["GET"])
@api_login_required
@paginated(blp, MappingSchema, MappingQueryArgs)
def list_mappings(args):
    """The organisation's remembered material names."""
    organisation = queries.mapping_organisation(current_user, args.get("organisation_id"))
    return queries.mappings_query(organisation)


@blp.route("/material-mappings", methods=["POST"])
@api_login_required
@blp.arguments(MappingCreateSchema)
@blp.response(201, MappingSchema)
def create_mapping(data):
    """Remember that a name in files means a library material, for the next imports."""
    organisation = queries.mapping_organisation(current_user, data.get("organisation_id"))
    mapping = imports.save_mapping(
        organisation, data["source_name"], data["material_id"], current_user
    )
    db.session.commit()
    return mapping


@blp.route("/material-mappings/<int:mapping_id>", methods=["PATCH"])
@api_login_required
@blp.arguments(MappingUpdateSchema)
@blp.response(200, MappingSchema)
def update_mapping(data, mapping_id):
    """Point a remembered name at another material."""
    mapping = queries.mapping_for(current_user, mapping_id)
    if mapping is None:
        abort(404, message=_("No such mapping."))
    imports.update_mapping(mapping, data["material_id"])
    db.session.commit()
    return mapping


@blp.route("/material-mappings/<int:mapping_id>", methods=["DELETE"])
@api_login_required
@blp.response(204)
def delete_mapping(mapping_id):
    """Forget a remembered name."""
    mapping = queries.mapping_for(current_user, mapping_id)
    if mapping is None:
        abort(404, message=_("No such mapping."))
    imports.delete_mapping(mapping)
    db.session.commit()
