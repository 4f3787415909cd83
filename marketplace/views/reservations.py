"""Pages of reservations: a buyer reserves from the listing page; both sides follow their
reservations on /exchange/reservations and act on them (accept, reject, cancel, collect) with the
same services as the API."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required
from marshmallow import ValidationError
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.errors import Conflict
from app.extensions import db
from app.forms import form_data
from app.forms import load_form
from app.pagination import paginate_page
from app.redirects import safe_next
from app.templating import number
from app.templating import unit
from marketplace import alerts
from marketplace import services
from marketplace.models import RESERVATION_STATUSES
from marketplace.models import Listing
from marketplace.models import Reservation
from marketplace.permissions import buyer_side
from marketplace.permissions import listing_for
from marketplace.permissions import require_buyer
from marketplace.permissions import reservation_for
from marketplace.permissions import reservation_roles
from marketplace.permissions import seller_side
from marketplace.schemas import ReservationCreateSchema
from marketplace.services.steps import take_step
from marketplace.views import bp
from marketplace.views.listings import listing_context
from passports.permissions import can_read_building

SIDES = ("made", "received")


def _side_query(side: str):
    """Reservations the organisation made (as their buyer) or received (as their seller)."""
    stmt = select(Reservation).options(
        joinedload(Reservation.listing).joinedload(Listing.organisation),
        joinedload(Reservation.buyer_organisation),
        joinedload(Reservation.buyer),
        joinedload(Reservation.destination),
    )
    if side == "made":
        stmt = stmt.where(
            buyer_side(current_user),
            Reservation.buyer_organisation_id == current_user.organisation_id,
        )
    else:
        stmt = stmt.where(seller_side(current_user))
    return stmt.order_by(Reservation.id.desc())


def _count(side: str) -> int:
    return db.session.scalar(select(func.count()).select_from(_side_query(side).subquery()))


@bp.app_template_global("reservation_roles")
def _reservation_roles(reservation: Reservation) -> dict:
    """Which side of a reservation the current user is on, for the actions shown."""
    return reservation_roles(current_user, reservation)


@bp.route("/exchange/listings/<int:listing_id>/reserve", methods=["POST"])
@login_required
def listing_reserve(listing_id: int):
    """Reserve a quantity of a listing; when too little is left, say how much is."""
    require_buyer(current_user)
    listing = listing_for(current_user, listing_id)
    schema = ReservationCreateSchema()
    values = request.form.to_dict()
    try:
        data = load_form(schema, form_data(schema, request.form))
        reservation = services.reserve_listing(current_user, listing.id, data)
        db.session.commit()
        alerts.email_pending()
    except ValidationError as exc:
        db.session.rollback()
        listing = listing_for(current_user, listing_id)
        # The form's field errors, whether the input is malformed or the stored lot refuses
        # it (its unit, its window: a 409 from the API), are shown on the form with a 422.
        return render_template(
            "marketplace/listing_detail.html",
            **listing_context(listing, values=values, errors=exc.messages),
        ), 422
    except Conflict as exc:
        db.session.rollback()
        listing = listing_for(current_user, listing_id)
        errors, problem = {}, exc.message
        if "quantity_available" in exc.extra:
            left = {
                "quantity": number(exc.extra["quantity_available"]),
                "unit": unit(listing.unit),
            }
            problem = _("Only %(quantity)s %(unit)s left: reserve that much or less.", **left)
            errors = {"quantity": [_("At most %(quantity)s %(unit)s.", **left)]}
        return render_template(
            "marketplace/listing_detail.html",
            **listing_context(listing, values=values, errors=errors, problem=problem),
        ), 409
    flash(
        _(
            "Reserved %(quantity)s %(unit)s: %(organisation)s has been asked to accept.",
            quantity=number(reservation.quantity),
            unit=unit(listing.unit),
            organisation=listing.organisation.name,
        ),
        "success",
    )
    return redirect(url_for("exchange.reservation_detail", reservation_id=reservation.id), 303)


@bp.route("/exchange/reservations")
@login_required
def reservation_list():
    """Reservations made by the user's organisation (buyer side) and received (seller side)."""
    counts = {side: _count(side) for side in SIDES}
    side = request.args.get("side")
    if side not in SIDES:
        side = "received" if counts["received"] and current_user.role != "buyer" else "made"
    status = request.args.get("status", "")
    if status and status not in RESERVATION_STATUSES:
        abort(400, _("Unknown status."))
    stmt = _side_query(side)
    if status:
        stmt = stmt.where(Reservation.status == status)
    return render_template(
        "marketplace/reservation_list.html",
        page=paginate_page(stmt),
        side=side,
        status=status,
        counts=counts,
        statuses=RESERVATION_STATUSES,
    )


@bp.route("/exchange/reservations/<int:reservation_id>")
@login_required
def reservation_detail(reservation_id: int):
    """One reservation, its actions and, once collected, the passports that moved."""
    reservation = reservation_for(current_user, reservation_id)
    return render_template(
        "marketplace/reservation_detail.html",
        r=reservation,
        listing=reservation.listing,
        moved=[
            (m.component, m.quantity, can_read_building(current_user, m.component.building))
            for m in reservation.moved
        ],
    )


# What the page says once a step is taken (collect names where the passports went).
STEP_MESSAGES = {
    "accept": _l("Accepted: the buyer can collect."),
    "reject": _l("Rejected: the quantity is on offer again."),
    "cancel": _l("Cancelled: the quantity is on offer again."),
}


def _collected(reservation: Reservation) -> str:
    """What the page says once collected: how many passports moved, and where."""
    count = len(reservation.moved)
    if reservation.destination:
        return ngettext(
            "Collected: %(num)d component passport moved to %(place)s.",
            "Collected: %(num)d component passports moved to %(place)s.",
            count,
            place=reservation.destination.name,
        )
    return ngettext(
        "Collected: %(num)d component passport moved to the storage of %(organisation)s.",
        "Collected: %(num)d component passports moved to the storage of %(organisation)s.",
        count,
        organisation=reservation.buyer_organisation.name,
    )


@bp.route(
    "/exchange/reservations/<int:reservation_id>/<any(accept, reject, cancel, collect):step>",
    methods=["POST"],
)
@login_required
def reservation_step(reservation_id: int, step: str):
    """Take a step of the reservation (accept, reject, cancel, collect) as the side that may."""
    try:
        reservation = take_step(current_user, reservation_id, step)
        message = _collected(reservation) if step == "collect" else str(STEP_MESSAGES[step])
        db.session.commit()
        alerts.email_pending()
        flash(message, "success")
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
    default = url_for("exchange.reservation_detail", reservation_id=reservation_id)
    return redirect(safe_next(request.form.get("next"), default), 303)
