"""The building's IFC model written back with CPset_MaterialPassport (passports.ifc_export):
the latest kept model, or the model of one IFC import. Same access as the full passport."""

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema

from app.auth.decorators import api_login_required
from app.extensions import db
from passports.api.blueprint import blp
from passports.ifc_export.download import MEDIA_TYPE
from passports.ifc_export.download import model_response
from passports.ifc_export.download import no_model_message
from passports.ifc_export.queries import latest_model_run
from passports.imports.models import ImportRun
from passports.permissions import building_for

_MODEL = {
    "description": "The IFC model (STEP text, the schema it was imported in) with "
    "CPset_MaterialPassport on every element of the passport: Tag, PassportURL, TagURL, "
    "GS1DigitalLink, Condition, Status, ReuseCycles, PassportIssued. Header "
    "`X-IFC-Elements-Tagged` says how many elements carry it.",
    "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}
_NO_MODEL = "No kept model: no IFC import since models are kept (import the IFC file again)."


@blp.route("/buildings/<int:building_id>/ifc", methods=["GET"])
@api_login_required
@blp.doc(responses={200: _MODEL})
@blp.alt_response(404, schema=ErrorSchema, description=_NO_MODEL)
def building_ifc_model(building_id):
    """The building's latest kept IFC model, written back with its passports."""
    building = building_for(current_user, building_id)
    run = latest_model_run(building.id)
    if run is None:
        abort(404, message=no_model_message())
    return model_response(building, run)


@blp.route("/buildings/<int:building_id>/imports/<int:import_id>/model.ifc", methods=["GET"])
@api_login_required
@blp.doc(responses={200: _MODEL})
@blp.alt_response(
    404, schema=ErrorSchema, description="No such IFC import of the building, or " + _NO_MODEL
)
def import_ifc_model(building_id, import_id):
    """The IFC model of one import of the building, written back with its passports."""
    building = building_for(current_user, building_id)
    run = db.session.get(ImportRun, import_id)
    if run is None or run.building_id != building.id or run.kind != "ifc":
        abort(404, message=_("No such IFC import."))
    if run.model_file is None:
        abort(404, message=no_model_message())
    return model_response(building, run)
