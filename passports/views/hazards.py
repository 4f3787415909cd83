"""Pages for hazardous substances: record a clearance (survey, removal certificate) so that the
component may be offered for reuse."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from marshmallow import ValidationError

from app.extensions import db
from app.forms import form_data
from app.forms import load_form
from app.redirects import safe_next
from passports import services
from passports.permissions import component_for
from passports.schemas import ClearanceSchema
from passports.services.events import HAZARDS_IN_TEXT
from passports.views import bp
from passports.views.components import detail_context


@bp.route("/components/<int:component_id>/hazards/<int:hazard_id>/clearance", methods=["POST"])
@login_required
def hazard_clear(component_id: int, hazard_id: int):
    """Record a hazard's clearance with its evidence; the same rules as the API."""
    component = component_for(current_user, component_id, write=True)
    hazard = next((h for h in component.hazards if h.id == hazard_id), None)
    if hazard is None:
        abort(404)
    schema = ClearanceSchema()
    try:
        data = load_form(schema, form_data(schema, request.form))
        services.clear_hazard(hazard, current_user, data["note"])
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        return render_template(
            "passports/component_detail.html",
            **detail_context(component),
            clearance={"hazard_id": hazard_id, "errors": exc.messages, "values": request.form},
        ), 422
    substance = HAZARDS_IN_TEXT.get(hazard.kind, hazard.kind)
    flash(_("Clearance recorded for %(substance)s.", substance=substance), "success")
    default = url_for("passports.component_detail", component_id=component.id) + "#hazards"
    return redirect(safe_next(request.form.get("next"), default), 303)
