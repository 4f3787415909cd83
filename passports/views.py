"""HTML pages for buildings, components, access grants and the material library."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import select

from app.auth.models import Organisation
from app.errors import Forbidden
from app.extensions import db
from app.forms import flatten_errors, form_data
from app.pagination import paginate_page
from passports import queries, services
from passports.lifecycle import allowed_next
from passports.models import (
    BUILDING_STATUSES,
    CATEGORIES,
    COMPONENT_STATUSES,
    CONDITION_GRADES,
    CONNECTION_TYPES,
    HAZARD_KINDS,
    MATERIAL_FAMILIES,
    UNITS,
    USE_TYPES,
    BuildingAccess,
    Material,
)
from passports.permissions import (
    building_for,
    can_create_building,
    can_write_building,
    component_for,
)
from passports.schemas import (
    BuildingCreateSchema,
    BuildingUpdateSchema,
    ComponentCreateSchema,
    ComponentUpdateSchema,
    MaterialCreateSchema,
    MaterialUpdateSchema,
)

bp = Blueprint("passports", __name__, template_folder="templates")
MATERIAL_ROWS = 4
HAZARD_ROWS = 2

CHOICES = {
    "statuses": BUILDING_STATUSES,
    "use_types": USE_TYPES,
    "categories": CATEGORIES,
    "units": UNITS,
    "connection_types": CONNECTION_TYPES,
    "hazard_kinds": HAZARD_KINDS,
    "component_statuses": COMPONENT_STATUSES,
    "conditions": CONDITION_GRADES,
    "families": MATERIAL_FAMILIES,
}


@bp.context_processor
def _choices():
    return {"choices": CHOICES}


def _load(schema, data: dict) -> dict:
    """Validate form data with the API schema; field errors are re-raised flattened."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationError(flatten_errors(exc.messages)) from exc


# ---------------------------------------------------------------- buildings
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
        try:
            data = _load(
                schema,
                form_data(
                    schema, request.form, keep_empty=building is not None, skip=("organisation_id",)
                ),
            )
            if building is None:
                building = services.register_building(current_user, data)
                message = "Building registered."
            else:
                services.update_building(building, data)
                message = "Building saved."
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("passports.building_detail", building_id=building.id))
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.messages
    return render_template(
        "passports/building_form.html", building=building, values=values, errors=errors
    ), 422 if errors else 200


@bp.route("/buildings/new", methods=["GET", "POST"])
@login_required
def building_create():
    """Register a building."""
    if not can_create_building(current_user):
        raise Forbidden("Only building owners register buildings.")
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
    flash(f"{building.name} archived.", "info")
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
        flash(f"{grant.organisation.name} can now read this passport.", "success")
    except ValueError:
        flash("The expiry date is not a valid date.", "error")
    except ValidationError as exc:
        db.session.rollback()
        flash(" ".join(m for msgs in exc.messages.values() for m in msgs), "error")
    return redirect(url_for("passports.building_detail", building_id=building.id) + "#access")


@bp.route("/buildings/<int:building_id>/grants/<int:grant_id>/revoke", methods=["POST"])
@login_required
def grant_revoke(building_id: int, grant_id: int):
    """Revoke an organisation's access."""
    building = building_for(current_user, building_id, write=True)
    grant = db.session.get(BuildingAccess, grant_id)
    if grant is None or grant.building_id != building.id:
        abort(404)
    services.revoke_access(grant)
    db.session.commit()
    flash(f"Access for {grant.organisation.name} revoked.", "info")
    return redirect(url_for("passports.building_detail", building_id=building.id) + "#access")


# ---------------------------------------------------------------- components
@bp.route("/buildings/<int:building_id>/components")
@login_required
def component_list(building_id: int):
    """A building's components, filtered by storey, category, status or text."""
    building = building_for(current_user, building_id)
    args = {
        k: v
        for k, v in request.args.items()
        if k in ("q", "storey", "category", "status") and v != ""
    }
    if request.args.get("hazardous"):
        args["hazardous"] = True
    if args.get("category") not in (None, *CATEGORIES) or args.get("status") not in (
        None,
        *COMPONENT_STATUSES,
    ):
        abort(400, "Unknown category or status.")
    page = paginate_page(queries.components_query(building.id, **args))
    return render_template(
        "passports/component_list.html",
        building=building,
        page=page,
        args=args,
        writable=can_write_building(current_user, building),
    )


def _component_rows(form) -> tuple[list[dict], list[dict]]:
    materials, hazards = [], []
    for i in range(MATERIAL_ROWS):
        mid, frac = (
            form.get(f"materials-{i}-material_id", ""),
            form.get(f"materials-{i}-fraction", ""),
        )
        if mid.strip() or frac.strip():
            row = form_data(
                ComponentCreateSchema().fields["materials"].inner.schema,
                {"material_id": mid, "fraction": frac},
            )
            materials.append(row)
    for i in range(HAZARD_ROWS):
        kind = form.get(f"hazards-{i}-kind", "")
        if kind:
            hazards.append({"kind": kind, "notes": form.get(f"hazards-{i}-notes", "")})
    return materials, hazards


def _component_form(building, component=None):
    schema = ComponentUpdateSchema(partial=True) if component else ComponentCreateSchema()
    errors = {}
    if request.method == "POST":
        values = request.form
        data = form_data(schema, request.form, keep_empty=component is not None, skip=("status",))
        data["materials"], data["hazards"] = _component_rows(request.form)
        try:
            data = _load(schema, data)
            if component is None:
                component = services.create_component(building, data)
                message = f"Component registered with tag {component.tag}."
            else:
                services.update_component(component, data)
                message = "Component saved."
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("passports.component_detail", component_id=component.id))
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.messages
    else:
        values = _component_values(component)
    materials = db.session.scalars(select(Material).order_by(Material.family, Material.name)).all()
    return render_template(
        "passports/component_form.html",
        building=building,
        component=component,
        values=values,
        errors=errors,
        materials=materials,
        material_rows=MATERIAL_ROWS,
        hazard_rows=HAZARD_ROWS,
    ), 422 if errors else 200


def _component_values(component) -> dict:
    if component is None:
        return {"unit": "pcs", "category": "other"}
    values = {
        k: ("" if v is None else v) for k, v in vars(component).items() if not k.startswith("_")
    }
    if component.mass_source != "given":
        values["mass_kg"] = ""
    for i, cm in enumerate(component.materials):
        values[f"materials-{i}-material_id"] = cm.material_id
        values[f"materials-{i}-fraction"] = cm.fraction
    for i, hz in enumerate(component.hazards):
        values[f"hazards-{i}-kind"] = hz.kind
        values[f"hazards-{i}-notes"] = hz.notes
    return values


@bp.route("/buildings/<int:building_id>/components/new", methods=["GET", "POST"])
@login_required
def component_create(building_id: int):
    """Register a component."""
    return _component_form(building_for(current_user, building_id, write=True))


@bp.route("/components/<int:component_id>")
@login_required
def component_detail(component_id: int):
    """A component's passport."""
    component = component_for(current_user, component_id)
    return render_template(
        "passports/component_detail.html",
        c=component,
        building=component.building,
        writable=can_write_building(current_user, component.building),
        next_statuses=allowed_next(component.status),
    )


@bp.route("/components/<int:component_id>/edit", methods=["GET", "POST"])
@login_required
def component_edit(component_id: int):
    """Edit a component."""
    component = component_for(current_user, component_id, write=True)
    return _component_form(component.building, component)


@bp.route("/components/<int:component_id>/status", methods=["POST"])
@login_required
def component_status(component_id: int):
    """Move a component to its next lifecycle status."""
    component = component_for(current_user, component_id, write=True)
    try:
        services.change_status(component, request.form.get("status", ""))
        db.session.commit()
        flash(f"Status is now {component.status.replace('_', ' ')}.", "success")
    except ValidationError as exc:
        db.session.rollback()
        flash(" ".join(exc.messages["status"]), "error")
    return redirect(url_for("passports.component_detail", component_id=component.id))


@bp.route("/components/<int:component_id>/archive", methods=["POST"])
@login_required
def component_archive(component_id: int):
    """Archive a component."""
    component = component_for(current_user, component_id, write=True)
    services.archive_component(component)
    db.session.commit()
    flash(f"{component.name} archived; its tag stays reserved.", "info")
    return redirect(url_for("passports.component_list", building_id=component.building_id))


# ---------------------------------------------------------------- materials
@bp.route("/materials")
@login_required
def material_list():
    """The material library."""
    q, family = request.args.get("q", ""), request.args.get("family") or None
    if family not in (None, *MATERIAL_FAMILIES):
        abort(400, "Unknown material family.")
    page = paginate_page(queries.materials_query(q or None, family), per_page=100)
    return render_template("passports/material_list.html", page=page, q=q, family=family)


def _material_form(material=None):
    if current_user.role != "admin":
        raise Forbidden("Only admins edit the material library.")
    schema = MaterialUpdateSchema(partial=True) if material else MaterialCreateSchema()
    errors = {}
    if request.method == "POST":
        values = request.form
        data = form_data(schema, request.form, keep_empty=material is not None)
        if "aliases" in request.form:
            data["aliases"] = [a for a in request.form["aliases"].split(";") if a.strip()]
        try:
            data = _load(schema, data)
            if material is None:
                material = services.create_material(data)
            else:
                services.update_material(material, data)
            db.session.commit()
            flash(f"Material {material.name} saved.", "success")
            return redirect(url_for("passports.material_list", q=material.slug))
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.messages
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
    return render_template(
        "passports/material_form.html", material=material, values=values, errors=errors
    ), 422 if errors else 200


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
