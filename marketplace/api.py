"""REST API of the exchange: listings, search, reservations, procurement exports."""

from functools import wraps

from flask import jsonify
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema
from marshmallow import RAISE

from app.auth.decorators import api_login_required
from app.extensions import csrf
from app.extensions import db
from app.pagination import paginated
from app.urls import external_url
from marketplace import alerts
from marketplace import exports
from marketplace import queries
from marketplace import services
from marketplace.models import Listing
from marketplace.models import Reservation
from marketplace.permissions import listing_for
from marketplace.permissions import require_buyer
from marketplace.permissions import reservation_for
from marketplace.permissions import reservations_for
from marketplace.schemas import HazardConflictSchema
from marketplace.schemas import ListingCreateSchema
from marketplace.schemas import ListingSchema
from marketplace.schemas import ListingSearchArgs
from marketplace.schemas import ListingUpdateSchema
from marketplace.schemas import QuantityConflictSchema
from marketplace.schemas import ReservationCreateSchema
from marketplace.schemas import ReservationSchema
from marketplace.schemas import SearchSchema
from marketplace.schemas import StatusConflictSchema
from marketplace.services.steps import STEPS
from marketplace.services.steps import take_step
from passports.permissions import building_for

blp = Blueprint("exchange_api", __name__, description="The exchange: listings and reservations")
csrf.exempt(blp)
_FILE = {"type": "string", "format": "binary"}
_WRONG_STATUS = "The reservation's status does not allow this."


def open_to_visitors(view):
    """A read anyone may make without an account (what is on offer is public); a caller who
    sends credentials that do not hold is still refused (401), not served as a visitor."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.authorization is not None and not current_user.is_authenticated:
            abort(
                401,
                message=_("Authentication required: send Authorization: Bearer <token>."),
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        return view(*args, **kwargs)

    return wrapper


@blp.route("/listings", methods=["GET"])
@open_to_visitors
@blp.doc(security=[{}, {"bearerAuth": []}])
@blp.arguments(ListingSearchArgs, location="query", unknown=RAISE)
@blp.response(200, SearchSchema)
def search_listings(args):
    """Search published listings: text, CPV prefix, family, condition, quantity, date,
    radius, price; facet counts; sorted and paginated (`page`, `per_page`) in the envelope
    of every list, with the facets."""
    page, per_page = args.pop("page"), args.pop("per_page")
    return queries.search_listings(args, page, per_page)


@blp.route("/listings/export.csv", methods=["GET"])
@api_login_required
@blp.arguments(ListingSearchArgs, location="query", unknown=RAISE)
@blp.response(
    200,
    _FILE,
    content_type="text/csv",
    description="Every listing the search finds (at most 10,000), streamed.",
)
def export_search_csv(args):
    """The search's results as CSV: same query arguments as `GET /listings`, no paging. Its
    headers and words are English whatever `Accept-Language` asks: columns for programs."""
    return exports.export_search(_unpaged(args), "csv", for_people=False)


@blp.route("/listings/export.xlsx", methods=["GET"])
@api_login_required
@blp.arguments(ListingSearchArgs, location="query", unknown=RAISE)
@blp.response(
    200,
    _FILE,
    content_type=exports.XLSX_MIME,
    description="A workbook: the listings and an About sheet explaining the columns.",
)
def export_search_xlsx(args):
    """The search's results as an XLSX workbook (at most 10,000 listings), in the language
    `Accept-Language` asks for."""
    return exports.export_search(_unpaged(args), "xlsx", for_people=True)


def _unpaged(args: dict) -> dict:
    """Exports take every result: the page arguments of a copied search URL are ignored."""
    return {k: v for k, v in args.items() if k not in ("page", "per_page")}


@blp.route("/listings/<int:listing_id>/export.csv", methods=["GET"])
@api_login_required
@blp.response(200, _FILE, content_type="text/csv")
def export_listing_csv(listing_id):
    """One listing as a CSV row with its procurement data."""
    return exports.export_listing(listing_for(current_user, listing_id), "csv", for_people=False)


@blp.route("/listings/<int:listing_id>/export.xlsx", methods=["GET"])
@api_login_required
@blp.response(200, _FILE, content_type=exports.XLSX_MIME)
def export_listing_xlsx(listing_id):
    """One listing as a workbook: the listing, its components and an About sheet."""
    return exports.export_listing(listing_for(current_user, listing_id), "xlsx", for_people=True)


@blp.route("/buildings/<int:building_id>/listings", methods=["POST"])
@api_login_required
@blp.arguments(ListingCreateSchema)
@blp.response(201, ListingSchema)
def create_listing(data, building_id):
    """Offer components of a building as a lot (a draft until published)."""
    listing = services.create_listing(
        current_user, building_for(current_user, building_id, write=True), data
    )
    db.session.commit()
    return listing


@blp.route("/buildings/<int:building_id>/listings", methods=["GET"])
@api_login_required
@paginated(blp, ListingSchema)
def building_listings(args, building_id):
    """All listings of a building, drafts included (for its owners)."""
    building = building_for(current_user, building_id, write=True)
    return db.select(Listing).where(Listing.building_id == building.id).order_by(Listing.id.desc())


@blp.route("/listings/<int:listing_id>", methods=["GET"])
@open_to_visitors
@blp.doc(security=[{}, {"bearerAuth": []}])
@blp.response(200, ListingSchema)
def get_listing(listing_id):
    """One listing: anyone may read a listing that is or was on the exchange; a draft only
    its organisation."""
    return listing_for(current_user, listing_id)


@blp.route("/listings/<int:listing_id>", methods=["PATCH"])
@api_login_required
@blp.arguments(ListingUpdateSchema(partial=True))
@blp.response(200, ListingSchema)
def update_listing(data, listing_id):
    """Edit a listing."""
    listing = services.update_listing(listing_for(current_user, listing_id, write=True), data)
    db.session.commit()
    return listing


@blp.route("/listings/<int:listing_id>/publish", methods=["POST"])
@api_login_required
@blp.response(200, ListingSchema)
@blp.alt_response(
    409,
    schema=HazardConflictSchema,
    description="Not a draft, or hazards without a clearance record.",
)
def publish_listing(listing_id):
    """Put a draft on the exchange."""
    listing = listing_for(current_user, listing_id, write=True)
    notes = services.publish_and_notify(listing, current_user)
    db.session.commit()
    alerts.email_notifications(notes)
    db.session.commit()
    return listing


@blp.route("/listings/<int:listing_id>/withdraw", methods=["POST"])
@api_login_required
@blp.response(200, ListingSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Not open, or accepted reservations.")
def withdraw_listing(listing_id):
    """Take a listing off the exchange."""
    listing = services.withdraw_listing(
        listing_for(current_user, listing_id, write=True), current_user
    )
    db.session.commit()
    alerts.email_pending()
    return listing


@blp.route("/listings/<int:listing_id>/reservations", methods=["POST"])
@api_login_required
@blp.arguments(ReservationCreateSchema)
@blp.response(201, ReservationSchema)
@blp.alt_response(
    409, schema=QuantityConflictSchema, description="Not that much left: the body says how much is."
)
def reserve(data, listing_id):
    """Reserve a quantity of a listing."""
    require_buyer(current_user)
    listing_for(current_user, listing_id)
    reservation = services.reserve_listing(current_user, listing_id, data)
    db.session.commit()
    alerts.email_pending()
    return reservation


@blp.route("/listings/<int:listing_id>/reservations", methods=["GET"])
@api_login_required
@paginated(blp, ReservationSchema)
def listing_reservations(args, listing_id):
    """The reservations of a listing (its seller)."""
    listing = listing_for(current_user, listing_id, write=True)
    return reservations_for(current_user).where(Reservation.listing_id == listing.id)


@blp.route("/reservations", methods=["GET"])
@api_login_required
@paginated(blp, ReservationSchema)
def my_reservations(args):
    """Reservations the caller's organisation made or received."""
    return reservations_for(current_user)


@blp.route("/reservations/<int:reservation_id>", methods=["GET"])
@api_login_required
@blp.response(200, ReservationSchema)
def get_reservation(reservation_id):
    """One reservation."""
    return reservation_for(current_user, reservation_id)


@blp.route("/reservations/<int:reservation_id>/ocds.json", methods=["GET"])
@api_login_required
@blp.response(
    200,
    {"type": "object"},
    content_type="application/json",
    description="An OCDS 1.1 release package with one award release.",
)
@blp.alt_response(
    409,
    schema=StatusConflictSchema,
    description="Only accepted or collected reservations are awards.",
)
def reservation_ocds(reservation_id):
    """An accepted (pending award) or collected (active award) reservation as OCDS 1.1."""
    reservation = reservation_for(current_user, reservation_id)
    services.expect_status(reservation, "accepted", "collected", action="award")
    uri = external_url("exchange_api.reservation_ocds", reservation_id=reservation.id)
    response = jsonify(exports.ocds_release_package(reservation, uri))
    response.headers["Content-Disposition"] = (
        f'inline; filename="reservation-{reservation.id}-ocds.json"'
    )
    return response


def _step_route(step: str) -> None:
    """POST /reservations/<id>/<step>: the step as marketplace.services.steps defines it."""

    def take(reservation_id):
        reservation = take_step(current_user, reservation_id, step)
        db.session.commit()
        alerts.email_pending()
        return reservation

    take.__name__ = take.__qualname__ = step
    take.__doc__ = STEPS[step].summary
    view = blp.alt_response(409, schema=StatusConflictSchema, description=_WRONG_STATUS)(take)
    view = blp.response(200, ReservationSchema)(view)
    view = api_login_required(view)
    blp.route(f"/reservations/<int:reservation_id>/{step}", methods=["POST"])(view)


for _step in STEPS:
    _step_route(_step)
