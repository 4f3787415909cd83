"""Pages that create and edit a listing: the form with its candidate components (filtered,
at most CANDIDATE_LIMIT), its initial values, and the submitted lot checked by the schemas."""

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
from sqlalchemy import distinct
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.forms import form_data
from app.forms import load_form
from app.i18n import word
from marketplace import services
from marketplace.models import PRICE_BASIS_WORDS
from marketplace.models import Listing
from marketplace.permissions import listing_for
from marketplace.schemas import ListingCreateSchema
from marketplace.schemas import ListingUpdateSchema
from marketplace.views import bp
from marketplace.views.listings import cpv_suggestions
from passports import queries as passport_queries
from passports.cpv import cpv_label
from passports.hazards import uncleared_hazards
from passports.models import CATEGORIES
from passports.models import CONDITION_GRADES
from passports.models import Building
from passports.models import Component
from passports.models import ComponentMaterial
from passports.permissions import building_for

CANDIDATE_LIMIT = 500
FORM_FIELDS = tuple(name for name in ListingCreateSchema().fields if name != "component_ids")


def _candidates(building: Building, args: dict, listing: Listing | None):
    """Components the owner may put in this lot, filtered like the component list."""
    statuses = services.listable_statuses(building)
    stmt = passport_queries.components_query(building.id, **args).where(
        Component.status.in_(statuses)
    )
    stmt = stmt.where(Component.id.not_in(services.offered_elsewhere(listing))).options(
        selectinload(Component.hazards),
        selectinload(Component.materials).joinedload(ComponentMaterial.material),
    )
    rows = db.session.scalars(stmt.limit(CANDIDATE_LIMIT + 1)).all()
    storeys = db.session.scalars(
        select(distinct(Component.storey))
        .where(Component.building_id == building.id, Component.archived_at.is_(None))
        .order_by(Component.storey)
    ).all()
    return rows[:CANDIDATE_LIMIT], len(rows) > CANDIDATE_LIMIT, statuses, storeys


def _filters() -> dict:
    args = {k: v for k, v in request.args.items() if k in ("storey", "category", "status") and v}
    if args.get("category", CATEGORIES[0]) not in CATEGORIES:
        abort(400, _("Unknown category."))
    return args


def _initial_values(building: Building, listing: Listing | None) -> dict:
    if listing is None:
        # Whether the lot is future stock depends on the components ticked; the service
        # then fills in the planned date, so the form leaves that date empty.
        defaults = services.listing_defaults(building, future_stock=False)
        values = {k: ("" if v is None else v) for k, v in defaults.items()}
        return {**values, "price_basis": "fixed", "component_ids": []}
    values = {name: getattr(listing, name) for name in FORM_FIELDS}
    values = {k: ("" if v is None else v) for k, v in values.items()}
    values["component_ids"] = [item.component_id for item in listing.items]
    return values


def _submitted(listing: Listing | None) -> tuple[dict, dict]:
    """The form as typed values for the API schema, and as text to show again."""
    schema = ListingUpdateSchema(partial=True) if listing else ListingCreateSchema()
    data = form_data(schema, request.form, keep_empty=listing is not None)
    if listing is not None and not data.get("cpv_code"):
        data.pop("cpv_code", None)  # blank on edit keeps the code
    raw_ids = request.form.getlist("component_ids")
    ids = [int(i) if i.isascii() and i.isdigit() else i for i in raw_ids]
    # A draft's form always holds the components (none ticked is an error); a published
    # listing's has none, and components sent for it are refused like through the API.
    if services.components_editable(listing) or ids:
        data["component_ids"] = ids
    values = request.form.to_dict()
    values["component_ids"] = [i for i in ids if isinstance(i, int)]
    return data, values


def _load(schema, data: dict) -> dict:
    """The API schema's checks, with a plain message when no component was ticked."""
    none_ticked = "component_ids" in data and not data["component_ids"]
    try:
        loaded = load_form(schema, data)
    except ValidationError as exc:
        if none_ticked:
            exc.messages["component_ids"] = [_("Select at least one component.")]
        raise
    return loaded


def _listing_form(building: Building, listing: Listing | None = None):
    schema = ListingUpdateSchema(partial=True) if listing else ListingCreateSchema()
    errors: dict = {}
    if request.method == "POST":
        data, values = _submitted(listing)
        try:
            data = _load(schema, data)
            if listing is None:
                listing = services.create_listing(current_user, building, data)
                message = _("Draft saved. Check it, then publish it to put it on the exchange.")
            else:
                services.update_listing(listing, data)
                message = _("Listing saved.")
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("exchange.listing_detail", listing_id=listing.id), 303)
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.messages
    else:
        values = _initial_values(building, listing)
    candidates, truncated, statuses, storeys = _candidates(building, _filters(), listing)
    if request.method == "GET" and listing is None and not candidates and not _filters():
        # Nothing to choose from: an empty form would be a dead end. Say what makes a
        # component listable and where dismantling and storage are recorded. (A form sent
        # meanwhile still gets its answer on the form.)
        return render_template(
            "marketplace/listing_none.html",
            building=building,
            counts=services.unlisted_counts(building),
            future=services.offers_future_stock(building),
            harvested=word("harvested"),
            stored=word("in_storage"),
        )
    return render_template(
        "marketplace/listing_form.html",
        building=building,
        listing=listing,
        values=values,
        errors=errors,
        candidates=candidates,
        truncated=truncated,
        statuses=statuses,
        storeys=storeys,
        args=_filters(),
        main_cpv=services.main_cpv,
        uncleared_hazards=uncleared_hazards,
        editable_components=services.components_editable(listing),
        cpv_suggestions=cpv_suggestions(),
        conditions=CONDITION_GRADES,
        price_bases=PRICE_BASIS_WORDS,
        future=services.offers_future_stock(building),
        categories=CATEGORIES,
        cpv_label=cpv_label,
        component_errors=[m for k, v in errors.items() if k.startswith("component_ids") for m in v],
    ), 422 if errors else 200


@bp.route("/buildings/<int:building_id>/listings/new", methods=["GET", "POST"])
@login_required
def listing_create(building_id: int):
    """Offer components of a building as a lot: a draft until it is published."""
    return _listing_form(building_for(current_user, building_id, write=True))


@bp.route("/exchange/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@login_required
def listing_edit(listing_id: int):
    """Edit a draft or a published listing (its components only while a draft)."""
    listing = listing_for(current_user, listing_id, write=True)
    services.ensure_editable(listing)
    return _listing_form(listing.building, listing)
