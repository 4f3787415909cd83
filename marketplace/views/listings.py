"""Pages of listings: read one, publish, withdraw, and download listings for procurement (CSV,
XLSX); the template helpers that show a building's listings. Creating and editing a listing is in
listing_form."""

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from marshmallow import EXCLUDE
from marshmallow import ValidationError
from sqlalchemy import distinct
from sqlalchemy import select

from app.errors import Conflict
from app.extensions import db
from marketplace import alerts
from marketplace import exports
from marketplace import queries
from marketplace import services
from marketplace.alerts import email_notifications
from marketplace.models import Listing
from marketplace.models import Reservation
from marketplace.permissions import BUYER_ROLES
from marketplace.permissions import listing_for
from marketplace.permissions import reservations_for
from marketplace.schemas import ListingQueryArgs
from marketplace.views import bp
from passports.cpv import cpv_codes
from passports.cpv import cpv_label
from passports.models import CONDITION_GRADES
from passports.models import Building
from passports.models import Material
from passports.permissions import can_write_building


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
        current_user.is_authenticated
        and current_user.role in BUYER_ROLES
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
def listing_detail(listing_id: int):
    """A listing with its provenance, the component passports and how to reserve it. Open to
    visitors for listings on the exchange (a draft stays its organisation's); reserving needs
    an account."""
    listing = listing_for(current_user, listing_id)
    return render_template("marketplace/listing_detail.html", **listing_context(listing))


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
    flash(_("Published: the listing is on the exchange."), "success")
    return redirect(url_for("exchange.listing_detail", listing_id=listing.id), 303)


@bp.route("/exchange/listings/<int:listing_id>/withdraw", methods=["POST"])
@login_required
def listing_withdraw(listing_id: int):
    """Take a listing off the exchange; open requests are rejected."""
    listing = listing_for(current_user, listing_id, write=True)
    try:
        services.withdraw_listing(listing, current_user)
        db.session.commit()
        alerts.email_pending()
        flash(_("Withdrawn: the listing is no longer on the exchange."), "info")
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("exchange.listing_detail", listing_id=listing_id), 303)


# ------------------------------------------------------------------ downloads
@bp.route("/exchange/listings/<int:listing_id>/export.<any(csv, xlsx):fmt>")
@login_required
def listing_export(listing_id: int, fmt: str):
    """One listing for procurement, as CSV or XLSX, in the reader's language."""
    return exports.export_listing(listing_for(current_user, listing_id), fmt, for_people=True)


@bp.route("/exchange/export.<any(csv, xlsx):fmt>")
@login_required
def export_search(fmt: str):
    """The search page's results (same filters and order) as CSV or XLSX, in the reader's
    language."""
    raw = {k: v for k, v in request.args.items() if v.strip() != ""}
    args = ListingQueryArgs(unknown=EXCLUDE).load(raw)
    return exports.export_search(args, fmt, for_people=True)
