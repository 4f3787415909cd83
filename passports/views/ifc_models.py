"""The building's IFC models: the "IFC models" section of the building page, and the download
of a kept model written back with CPset_MaterialPassport (passports.ifc_export).

A model is as private as the full passport: whoever may read the building may download it;
others get the building's 404. A run of another building, or a spreadsheet import, is a 404.
"""

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.extensions import db
from app.views import owned_or_404
from passports.ifc_export.download import NoModel
from passports.ifc_export.download import model_response
from passports.ifc_export.download import no_model_message
from passports.ifc_export.queries import ifc_runs_query
from passports.imports.models import ImportRun
from passports.permissions import building_for
from passports.views import bp

# The imports the section lists; older ones are on the import page's history.
SHOWN = 5


@bp.app_template_global("building_ifc_models")
def _building_ifc_models(building, limit: int = SHOWN) -> list[ImportRun]:
    """The building's latest IFC imports, with or without a kept model."""
    return db.session.scalars(ifc_runs_query(building.id).limit(limit)).all()


@bp.route("/buildings/<int:building_id>/ifc/<int:run_id>/passport.ifc")
@login_required
def ifc_model_download(building_id: int, run_id: int):
    """The IFC model of an import, with every element of the passport carrying its tag."""
    building = building_for(current_user, building_id)
    run = owned_or_404(ImportRun, run_id, building_id=building.id, kind="ifc")
    if run.model_file is None:
        back = url_for("passports.building_detail", building_id=building.id, _anchor="ifc")
        raise NoModel(no_model_message(), links=[(back, _("Back to the building"))])
    return model_response(building, run)
