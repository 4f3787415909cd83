"""Pages for the material library (admins edit)."""

from flask import abort
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.errors import Forbidden
from app.extensions import db
from app.forms import form_data
from app.forms import load_form
from app.pagination import paginate_page
from app.views import form_errors
from app.views import render_form
from app.views import saved
from passports import queries
from passports import services
from passports.models import MATERIAL_FAMILIES
from passports.models import Material
from passports.schemas import MaterialCreateSchema
from passports.schemas import MaterialUpdateSchema
from passports.views import bp


@bp.route("/materials")
@login_required
def material_list():
    """The material library."""
    q, family = request.args.get("q", ""), request.args.get("family") or None
    if family not in (None, *MATERIAL_FAMILIES):
        abort(400, _("Unknown material family."))
    page = paginate_page(queries.materials_query(q or None, family), per_page=100)
    return render_template("passports/material_list.html", page=page, q=q, family=family)


def _material_form(material=None):
    if current_user.role != "admin":
        raise Forbidden(_("Only admins edit the material library."))
    schema = MaterialUpdateSchema(partial=True) if material else MaterialCreateSchema()
    errors = {}
    if request.method == "POST":
        values = request.form
        data = form_data(schema, request.form, keep_empty=material is not None)
        if "aliases" in request.form:
            data["aliases"] = [a for a in request.form["aliases"].split(";") if a.strip()]
        with form_errors() as errors:
            data = load_form(schema, data)
            if material is None:
                material = services.create_material(data)
            else:
                services.update_material(material, data)
            message = _("Material %(name)s saved.", name=material.name)
            return saved(message, url_for("passports.material_list", q=material.slug))
    else:
        values = (
            {
                k: ("" if v is None else v)
                for k, v in vars(material).items()
                if not k.startswith("_")
            }
            if material
            else {"reprocessing_kgco2e_per_kg": "0"}
        )
    return render_form("passports/material_form.html", errors, material=material, values=values)


@bp.route("/materials/new", methods=["GET", "POST"])
@login_required
def material_create():
    """Add a material (admins)."""
    return _material_form()


@bp.route("/materials/<int:material_id>/edit", methods=["GET", "POST"])
@login_required
def material_edit(material_id: int):
    """Edit a material (admins)."""
    return _material_form(db.get_or_404(Material, material_id))
