"""Pages of listings: offer a building's components as a lot, edit, publish, withdraw, read one,
and download listings for procurement (CSV, XLSX)."""

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from marshmallow import EXCLUDE
from marshmallow import ValidationError
from sqlalchemy import distinct
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import Conflict
from app.extensions import db
from app.forms import form_data
from app.forms import load_form
from marketplace import exports
from marketplace import queries
from marketplace import services
from marketplace.alerts import email_notifications
from marketplace.models import Listing
from marketplace.models import Reservation
from marketplace.permissions import BUYER_ROLES
from marketplace.permissions import listing_for
from marketplace.permissions import reservations_for
from marketplace.schemas import ListingCreateSchema
from marketplace.schemas import ListingQueryArgs
from marketplace.schemas import ListingUpdateSchema
from marketplace.views import bp
from passports import queries as passport_queries
from passports.cpv import cpv_codes
from passports.cpv import cpv_label
from passports.hazards import uncleared_hazards
from passports.models import CATEGORIES
from passports.models import CONDITION_GRADES
from passports.models import Building
from passports.models import Component
from passports.models import ComponentMaterial
from passports.models import Material
from passports.permissions import building_for
from passports.permissions import can_write_building

CANDIDATE_LIMIT = 500
FORM_FIELDS = tuple(name for name in ListingCreateSchema().fields if name != "component_ids")


# ------------------------------------------------------------------ template helpers
@bp.app_template_global()
def exchange_listings_of(building: Building) -> list[Listing]:
    """A building's listings for its passport page: all for its owners, else the public ones."""
    stmt = select(Listing).where(Listing.building_id == building.id).order_by(Listing.id.desc())
    if not can_write_building(current_user, building):
        stmt = stmt.where(Listing.status.in_(queries.PUBLIC_STATUSES))
    return db.session.scalars(stmt.limit(50)).all()


@bp.app_template_global()
def exchange_search_url() -> str | None:
    """The exchange's search page, once it exists."""
    if "exchange.search" in current_app.view_functions:
        return url_for("exchange.search")
    return None


def cpv_suggestions() -> list[tuple[str, str]]:
    """The CPV codes of the material library, offered while typing a code."""
    codes = db.session.scalars(select(distinct(Material.cpv_code)).order_by(Material.cpv_code))
    return [(code, cpv_label(code)) for code in codes if code in cpv_codes()]


# ------------------------------------------------------------------ the listing page
def listing_context(listing: Listing, **extra) -> dict:
    """Everything the listing page shows, for the viewer's side (seller, buyer or reader)."""
    seller = can_write_building(current_user, listing.building)
    can_reserve = (
        current_user.role in BUYER_ROLES
        and listing.status == "published"
        and current_user.organisation_id != listing.organisation_id
    )
    mine = db.session.scalars(
        reservations_for(current_user).where(Reservation.listing_id == listing.id)
    ).all()
    destinations = []
    if can_reserve:
        destinations = db.session.scalars(
            select(Building)
            .where(
                Building.organisation_id == current_user.organisation_id,
                Building.archived_at.is_(None),
            )
            .order_by(Building.name)
        ).all()
    context = {
        "listing": listing,
        "provenance": queries.provenance(listing),
        "seller": seller,
        "hazard_items": services.unresolved_hazards(listing)
        if seller and listing.status == "draft"
        else [],
        "editable": seller and services.is_editable(listing),
        "withdrawable": seller and listing.status in services.OPEN_LISTING,
        "can_reserve": can_reserve,
        "destinations": destinations,
        "reservations": mine,
        "conditions": CONDITION_GRADES,
        "cpv_label": cpv_label,
        "materials": list(
            dict.fromkeys(
                cm.material.name for item in listing.items for cm in item.component.materials
            )
        ),
        "values": {},
        "errors": {},
        "problem": None,
    }
    context.update(extra)
    return context


@bp.route("/exchange/listings/<int:listing_id>")
@login_required
def listing_detail(listing_id: int):
    """A listing with its provenance, the component passports and how to reserve it."""
    listing = listing_for(current_user, listing_id)
    return render_template("marketplace/listing_detail.html", **listing_context(listing))


# ------------------------------------------------------------------ create and edit
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
        abort(400, "Unknown category.")
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
            exc.messages["component_ids"] = ["Select at least one component."]
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
                message = "Draft saved. Check it, then publish it to put it on the exchange."
            else:
                services.update_listing(listing, data)
                message = "Listing saved."
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("exchange.listing_detail", listing_id=listing.id), 303)
        except ValidationError as exc:
            db.session.rollback()
            errors = exc.messages
    else:
        values = _initial_values(building, listing)
    candidates, truncated, statuses, storeys = _candidates(building, _filters(), listing)
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


# ------------------------------------------------------------------ lifecycle
@bp.route("/exchange/listings/<int:listing_id>/publish", methods=["POST"])
@login_required
def listing_publish(listing_id: int):
    """Put a draft on the exchange and tell matching saved searches; hazards block it."""
    listing = listing_for(current_user, listing_id, write=True)
    try:
        notes = services.publish_and_notify(listing, current_user)
        db.session.commit()
        email_notifications(notes)
        db.session.commit()
    except (Conflict, ValidationError) as exc:
        db.session.rollback()
        code = 409 if isinstance(exc, Conflict) else 422
        message = (
            exc.message
            if isinstance(exc, Conflict)
            else " ".join(m for msgs in exc.messages.values() for m in msgs)
        )
        listing = listing_for(current_user, listing_id, write=True)
        return render_template(
            "marketplace/listing_detail.html", **listing_context(listing, problem=message)
        ), code
    flash("Published: the listing is on the exchange.", "success")
    return redirect(url_for("exchange.listing_detail", listing_id=listing.id), 303)


@bp.route("/exchange/listings/<int:listing_id>/withdraw", methods=["POST"])
@login_required
def listing_withdraw(listing_id: int):
    """Take a listing off the exchange; open requests are rejected."""
    listing = listing_for(current_user, listing_id, write=True)
    try:
        services.withdraw_listing(listing, current_user)
        db.session.commit()
        flash("Withdrawn: the listing is no longer on the exchange.", "info")
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("exchange.listing_detail", listing_id=listing_id), 303)


# ------------------------------------------------------------------ downloads
@bp.route("/exchange/listings/<int:listing_id>/export.<any(csv, xlsx):fmt>")
@login_required
def listing_export(listing_id: int, fmt: str):
    """One listing for procurement, as CSV or XLSX."""
    return exports.export_listing(listing_for(current_user, listing_id), fmt)


@bp.route("/exchange/export.<any(csv, xlsx):fmt>")
@login_required
def export_search(fmt: str):
    """The search page's results (same filters and order) as CSV or XLSX."""
    raw = {k: v for k, v in request.args.items() if v.strip() != ""}
    args = ListingQueryArgs(unknown=EXCLUDE).load(raw)
    return exports.export_search(args, fmt)
