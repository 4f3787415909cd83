"""Pages for components: list, register, passport, edit, lifecycle, archive."""

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
from sqlalchemy import select

from app.extensions import db
from app.forms import form_data
from app.forms import load_form
from app.i18n import word
from app.pagination import paginate_page
from app.views import form_errors
from app.views import render_form
from app.views import saved
from passports import queries
from passports import services
from passports.lifecycle import allowed_next
from passports.models import CATEGORIES
from passports.models import COMPONENT_STATUSES
from passports.models import Material
from passports.offered import reduced_events
from passports.permissions import building_for
from passports.permissions import can_write_building
from passports.permissions import component_for
from passports.permissions import passport_for
from passports.schemas import ComponentCreateSchema
from passports.schemas import ComponentUpdateSchema
from passports.tags import format_tag
from passports.views import bp

MATERIAL_ROWS = 4
HAZARD_ROWS = 2


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
        abort(400, _("Unknown category or status."))
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
        with form_errors(conflicts=True) as errors:
            data = load_form(schema, data)
            if component is None:
                component = services.create_component(building, data)
                message = _("Component registered with tag %(tag)s.", tag=format_tag(component.tag))
            else:
                services.update_component(component, data, current_user)
                message = _("Component saved.")
            return saved(message, url_for("passports.component_detail", component_id=component.id))
    else:
        values = _component_values(component)
    materials = db.session.scalars(select(Material).order_by(Material.family, Material.name)).all()
    return render_form(
        "passports/component_form.html",
        errors,
        building=building,
        component=component,
        values=values,
        materials=materials,
        material_rows=MATERIAL_ROWS,
        hazard_rows=HAZARD_ROWS,
    )


def _component_values(component) -> dict:
    if component is None:
        return {"unit": "pcs", "category": "other"}
    values = {
        k: ("" if v is None else v) for k, v in vars(component).items() if not k.startswith("_")
    }
    if component.mass_source != "given":
        values["mass_kg"] = ""
    if component.unit == "pcs" and component.mass_source != "unit_mass":
        # Worked out from the lot's mass (or given with it): the form shows what was recorded.
        values["unit_mass_kg"] = ""
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


# Events shown on a component's page; the scan page has the whole timeline.
RECENT_EVENTS = 10


def offered_context(component) -> dict:
    """What the page shows a reader of an offered component (passports.offered): the passport
    without the owner's private notes, photos and names, and nothing to change."""
    return {
        "c": component,
        "building": component.building,
        "writable": False,
        "reduced": True,
        "next_statuses": (),
        "events": reduced_events(component, RECENT_EVENTS),
    }


def detail_context(component) -> dict:
    """What the component's page shows: its passport, the next statuses and recent history."""
    return {
        "c": component,
        "building": component.building,
        "writable": can_write_building(current_user, component.building),
        "next_statuses": allowed_next(component.status),
        "events": db.session.scalars(queries.events_query(component).limit(RECENT_EVENTS)).all(),
    }


@bp.route("/components/<int:component_id>")
@login_required
def component_detail(component_id: int):
    """A component's passport."""
    component, full = passport_for(current_user, component_id)
    if not full:
        return render_template("passports/component_detail.html", **offered_context(component))
    return render_template("passports/component_detail.html", **detail_context(component))


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
        services.change_status(component, request.form.get("status", ""), current_user)
        db.session.commit()
        flash(_("Status is now: %(status)s.", status=word(component.status)), "success")
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
    flash(_("%(name)s archived; its tag stays reserved.", name=component.name), "info")
    return redirect(url_for("passports.component_list", building_id=component.building_id))
