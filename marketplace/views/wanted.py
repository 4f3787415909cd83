"""Pages of wanted requests: browse and search them (anyone, even without an account), post
one, read one (its buyer also sees its matches best first and the offers made to it; a seller
their own offers), edit, withdraw or fulfil it; and an owner's offer from the building page.
The building page's panel ("2 buyers want components like these") is a template helper."""

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from marshmallow import ValidationError

from app.errors import ServiceError
from app.extensions import db
from app.forms import form_data
from app.forms import load_form
from app.i18n import word
from app.pagination import paginate_page
from app.templating import unit
from marketplace import alerts
from marketplace.models import WANTED_STATUSES
from marketplace.models import WantedRequest
from marketplace.permissions import can_post_wanted
from marketplace.permissions import owns_wanted
from marketplace.permissions import require_wanted_poster
from marketplace.permissions import wanted_for
from marketplace.queries.ranking import describe
from marketplace.queries.ranking import find_matches
from marketplace.queries.wanted import wanted_query
from marketplace.schemas.wanted import WantedCreateSchema
from marketplace.schemas.wanted import WantedQueryArgs
from marketplace.schemas.wanted import WantedUpdateSchema
from marketplace.services import wanted as services
from marketplace.views import bp
from passports.models import CONDITION_GRADES
from passports.models import Building
from passports.models.vocab import MATERIAL_FAMILIES
from passports.models.vocab import UNITS
from passports.permissions import building_for
from passports.permissions import can_write_building

MATCHES_SHOWN = 20
FORM_FIELDS = tuple(WantedCreateSchema().fields)


# ------------------------------------------------------------------ template helpers
@bp.app_template_global()
def exchange_wanted_for(building: Building) -> list[tuple[WantedRequest, float]]:
    """For the building page, to its owners: open requests its components could serve, with
    how much of each the building has."""
    if not can_write_building(current_user, building):
        return []
    return services.requests_for_building(building)


def _choices() -> dict:
    return {
        "families": MATERIAL_FAMILIES,
        "statuses": WANTED_STATUSES,
        "family_options": [(f, word(f)) for f in MATERIAL_FAMILIES],
        "unit_options": [(u, unit(u)) for u in UNITS],
        "condition_options": [
            (grade, f"{grade} – {text}")
            for grade, text in sorted(CONDITION_GRADES.items(), reverse=True)
        ],
    }


# ------------------------------------------------------------------ browse and search
@bp.route("/exchange/wanted")
def wanted_list():
    """Wanted requests, newest first: open ones for anyone; one's own closed ones too."""
    raw = {
        k: v
        for k, v in request.args.items()
        if k in ("q", "cpv", "material_family", "status", "mine") and v.strip()
    }
    try:
        args = WantedQueryArgs().load(raw)
        errors = {}
    except ValidationError as exc:
        args, errors = {}, exc.messages
    args.pop("page", None)
    args.pop("per_page", None)
    page = paginate_page(wanted_query(current_user, **args))
    return render_template(
        "marketplace/wanted_list.html",
        page=page,
        args=raw,
        errors=errors,
        can_post=can_post_wanted(current_user),
        **_choices(),
    ), 422 if errors else 200


# ------------------------------------------------------------------ post and edit
def _form(wanted: WantedRequest | None):
    schema = WantedUpdateSchema(partial=True) if wanted else WantedCreateSchema()
    errors: dict = {}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            data = load_form(schema, form_data(schema, request.form, keep_empty=wanted is not None))
            if wanted is None:
                wanted = services.post_wanted(current_user, data)
                message = _("Your request is on the exchange. Its matches are listed below.")
            else:
                services.update_wanted(wanted, data)
                message = _("Request saved.")
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("exchange.wanted_detail", wanted_id=wanted.id), 303)
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.messages
    elif wanted is not None:
        values = {name: getattr(wanted, name) for name in FORM_FIELDS}
        values = {k: ("" if v is None else v) for k, v in values.items()}
    else:
        values = {"tolerance_mm": 10, "unit": "pcs"}
    return render_template(
        "marketplace/wanted_form.html", wanted=wanted, values=values, errors=errors, **_choices()
    ), 422 if errors else 200


@bp.route("/exchange/wanted/new", methods=["GET", "POST"])
@login_required
def wanted_new():
    """Post what a project needs: other organisations' stock that fits is matched to it."""
    require_wanted_poster(current_user)
    return _form(None)


@bp.route("/exchange/wanted/<int:wanted_id>/edit", methods=["GET", "POST"])
@login_required
def wanted_edit(wanted_id: int):
    """Edit an open request of one's organisation."""
    wanted = wanted_for(current_user, wanted_id, manage=True)
    if wanted.status != "open":
        flash(_("Only an open request can be changed."), "error")
        return redirect(url_for("exchange.wanted_detail", wanted_id=wanted.id))
    return _form(wanted)


# ------------------------------------------------------------------ one request
@bp.route("/exchange/wanted/<int:wanted_id>")
def wanted_detail(wanted_id: int):
    """A request as anyone reads it; to its buyer also its matches and the offers made."""
    wanted = wanted_for(current_user, wanted_id)
    manage = owns_wanted(current_user, wanted)
    matches, total = [], 0
    if manage and wanted.status == "open":
        found = find_matches(wanted)
        total = len(found)
        matches = describe(found[:MATCHES_SHOWN], wanted)
    return render_template(
        "marketplace/wanted_detail.html",
        wanted=wanted,
        manage=manage,
        matches=matches,
        match_total=total,
        offers=services.offers_to(current_user, wanted),
    )


def _step(wanted_id: int, step, message: str):
    wanted = wanted_for(current_user, wanted_id, manage=True)
    try:
        step(wanted)
        db.session.commit()
        flash(message, "success")
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("exchange.wanted_detail", wanted_id=wanted.id), 303)


@bp.route("/exchange/wanted/<int:wanted_id>/withdraw", methods=["POST"])
@login_required
def wanted_withdraw(wanted_id: int):
    """The project no longer needs it."""
    return _step(wanted_id, services.withdraw_wanted, _("Request withdrawn."))


@bp.route("/exchange/wanted/<int:wanted_id>/fulfil", methods=["POST"])
@login_required
def wanted_fulfil(wanted_id: int):
    """The project found what it needed."""
    return _step(wanted_id, services.fulfil_wanted, _("Request marked fulfilled."))


# ------------------------------------------------------------------ an owner's offer
@bp.route("/buildings/<int:building_id>/wanted/<int:wanted_id>/offer", methods=["POST"])
@login_required
def wanted_offer(building_id: int, wanted_id: int):
    """Offer the building's components that fit a request: a draft listing linked to it,
    to check and publish; the buyer is told."""
    building = building_for(current_user, building_id, write=True)
    wanted = wanted_for(current_user, wanted_id)
    ids = [c.id for c in services.offerable_components(wanted, building)]
    back = url_for("passports.building_detail", building_id=building.id)
    if not ids:
        flash(_("None of this building's components fit this request any more."), "error")
        return redirect(back + "#wanted", 303)
    try:
        listing, notes = services.make_offer(current_user, wanted, building, {"component_ids": ids})
        db.session.commit()
    except (ServiceError, ValidationError) as exc:
        db.session.rollback()
        message = getattr(exc, "message", None)
        if not isinstance(message, str):
            message = _("This offer could not be made.")
        flash(message, "error")
        return redirect(back + "#wanted", 303)
    alerts.email_notifications(notes)
    flash(
        _("Draft listing made for “%(request)s”: check it, then publish it.", request=wanted.title),
        "success",
    )
    return redirect(url_for("exchange.listing_detail", listing_id=listing.id), 303)
