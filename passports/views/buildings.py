"""Pages for buildings: list, register, edit, the passport overview, access grants."""

from datetime import date

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from marshmallow import ValidationError
from sqlalchemy import select

from app.auth.models import Organisation
from app.errors import Forbidden
from app.extensions import db
from app.forms import form_data
from app.forms import load_form
from app.pagination import paginate_page
from app.views import form_errors
from app.views import owned_or_404
from app.views import render_form
from app.views import saved
from passports import queries
from passports import services
from passports.models import BuildingAccess
from passports.permissions import building_for
from passports.permissions import can_create_building
from passports.permissions import can_write_building
from passports.schemas import BuildingCreateSchema
from passports.schemas import BuildingUpdateSchema
from passports.views import bp


@bp.route("/buildings")
@login_required
def building_list():
    """The buildings this user may see."""
    args = {k: v for k, v in request.args.items() if k in ("q", "city", "status") and v}
    page = paginate_page(queries.buildings_query(current_user, **args))
    return render_template(
        "passports/building_list.html",
        page=page,
        args=args,
        can_create=can_create_building(current_user),
    )


def _building_form(building=None):
    schema = BuildingUpdateSchema(partial=True) if building else BuildingCreateSchema()
    values = dict(request.form) if request.method == "POST" else {}
    errors = {}
    if request.method == "POST":
        with form_errors() as errors:
            data = load_form(
                schema,
                form_data(
                    schema, request.form, keep_empty=building is not None, skip=("organisation_id",)
                ),
            )
            if building is None:
                building = services.register_building(current_user, data)
                message = _("Building registered.")
            else:
                services.update_building(building, data)
                message = _("Building saved.")
            return saved(message, url_for("passports.building_detail", building_id=building.id))
    return render_form("passports/building_form.html", errors, building=building, values=values)


@bp.route("/buildings/new", methods=["GET", "POST"])
@login_required
def building_create():
    """Register a building."""
    if not can_create_building(current_user):
        raise Forbidden(_("Only building owners register buildings."))
    return _building_form()


@bp.route("/buildings/<int:building_id>/edit", methods=["GET", "POST"])
@login_required
def building_edit(building_id: int):
    """Edit a building."""
    return _building_form(building_for(current_user, building_id, write=True))


@bp.route("/buildings/<int:building_id>")
@login_required
def building_detail(building_id: int):
    """The passport overview of a building."""
    building = building_for(current_user, building_id)
    summary = queries.building_summary(building)
    writable = can_write_building(current_user, building)
    contractors = []
    if writable:
        contractors = db.session.scalars(
            select(Organisation)
            .where(Organisation.id != building.organisation_id)
            .order_by(Organisation.kind != "contractor", Organisation.name)
        ).all()
    return render_template(
        "passports/building_detail.html",
        building=building,
        s=summary,
        writable=writable,
        contractors=contractors,
    )


@bp.route("/buildings/<int:building_id>/archive", methods=["POST"])
@login_required
def building_archive(building_id: int):
    """Archive a building."""
    building = building_for(current_user, building_id, write=True)
    services.archive_building(building)
    db.session.commit()
    flash(_("%(name)s archived.", name=building.name), "info")
    return redirect(url_for("passports.building_list"))


@bp.route("/buildings/<int:building_id>/grants", methods=["POST"])
@login_required
def grant_create(building_id: int):
    """Grant an organisation access to the building."""
    building = building_for(current_user, building_id, write=True)
    try:
        org_id = int(request.form.get("organisation_id", ""))
    except ValueError:
        org_id = 0
    expires = request.form.get("expires_on") or None
    try:
        expires_on = date.fromisoformat(expires) if expires else None
        grant = services.grant_access(building, org_id, current_user, expires_on)
        db.session.commit()
        flash(
            _("%(organisation)s can now read this passport.", organisation=grant.organisation.name),
            "success",
        )
    except ValueError:
        flash(_("The expiry date is not a valid date."), "error")
    except ValidationError as exc:
        db.session.rollback()
        flash(" ".join(m for msgs in exc.messages.values() for m in msgs), "error")
    return redirect(url_for("passports.building_detail", building_id=building.id) + "#access")


@bp.route("/buildings/<int:building_id>/grants/<int:grant_id>/revoke", methods=["POST"])
@login_required
def grant_revoke(building_id: int, grant_id: int):
    """Revoke an organisation's access."""
    building = building_for(current_user, building_id, write=True)
    grant = owned_or_404(BuildingAccess, grant_id, building_id=building.id)
    services.revoke_access(grant)
    db.session.commit()
    flash(_("Access for %(organisation)s revoked.", organisation=grant.organisation.name), "info")
    return redirect(url_for("passports.building_detail", building_id=building.id) + "#access")
