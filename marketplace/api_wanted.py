"""REST API of wanted requests: post what a project needs, browse and search the requests
(anyone may read the open ones), manage one's own (edit, withdraw, fulfil), see its matches
best first, and offer components for one (a draft listing linked to the request)."""

from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema
from marshmallow import RAISE

from app.auth.decorators import api_login_required
from app.extensions import csrf
from app.extensions import db
from app.pagination import envelope
from app.pagination import paginated
from marketplace import alerts
from marketplace.permissions import wanted_for
from marketplace.queries.ranking import matches_page
from marketplace.queries.wanted import wanted_query
from marketplace.schemas import ListingSchema
from marketplace.schemas.wanted import MatchQueryArgs
from marketplace.schemas.wanted import MatchSchema
from marketplace.schemas.wanted import OfferCreateSchema
from marketplace.schemas.wanted import WantedCreateSchema
from marketplace.schemas.wanted import WantedQueryArgs
from marketplace.schemas.wanted import WantedRequestSchema
from marketplace.schemas.wanted import WantedUpdateSchema
from marketplace.services import wanted as services
from passports.permissions import building_for

blp = Blueprint(
    "exchange_wanted_api",
    __name__,
    description="Wanted requests: what buyers' projects need, their matches and offers",
)
csrf.exempt(blp)


@blp.route("/wanted", methods=["GET"])
@blp.doc(security=[{}, {"bearerAuth": []}])
@paginated(blp, WantedRequestSchema, WantedQueryArgs)
def list_wanted(args):
    """Wanted requests, newest first: open ones for anyone, even without an account (`q`
    words, `cpv` prefix, `material_family`); `mine=true` the caller's organisation's, and
    `status` other than open among them."""
    return wanted_query(current_user, **args)


@blp.route("/wanted", methods=["POST"])
@api_login_required
@blp.arguments(WantedCreateSchema)
@blp.response(201, WantedRequestSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only buyers, owners and admins post.")
def create_wanted(data):
    """Post what a project needs, for the caller's organisation: open until fulfilled,
    withdrawn or past `needed_by`."""
    wanted = services.post_wanted(current_user, data)
    db.session.commit()
    return wanted


@blp.route("/wanted/<int:wanted_id>", methods=["GET"])
@blp.doc(security=[{}, {"bearerAuth": []}])
@blp.response(200, WantedRequestSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such open request.")
def get_wanted(wanted_id):
    """One request: open ones for anyone; closed ones for their organisation."""
    return wanted_for(current_user, wanted_id)


@blp.route("/wanted/<int:wanted_id>", methods=["PATCH"])
@api_login_required
@blp.arguments(WantedUpdateSchema(partial=True))
@blp.response(200, WantedRequestSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not the posting organisation.")
@blp.alt_response(409, schema=ErrorSchema, description="The request is no longer open.")
def update_wanted(data, wanted_id):
    """Edit an open request of the caller's organisation."""
    wanted = services.update_wanted(wanted_for(current_user, wanted_id, manage=True), data)
    db.session.commit()
    return wanted


@blp.route("/wanted/<int:wanted_id>/withdraw", methods=["POST"])
@api_login_required
@blp.response(200, WantedRequestSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not the posting organisation.")
@blp.alt_response(409, schema=ErrorSchema, description="The request is no longer open.")
def withdraw_wanted(wanted_id):
    """The project no longer needs it: open → withdrawn."""
    wanted = services.withdraw_wanted(wanted_for(current_user, wanted_id, manage=True))
    db.session.commit()
    return wanted


@blp.route("/wanted/<int:wanted_id>/fulfil", methods=["POST"])
@api_login_required
@blp.response(200, WantedRequestSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not the posting organisation.")
@blp.alt_response(409, schema=ErrorSchema, description="The request is no longer open.")
def fulfil_wanted(wanted_id):
    """The project found what it needed: open → fulfilled."""
    wanted = services.fulfil_wanted(wanted_for(current_user, wanted_id, manage=True))
    db.session.commit()
    return wanted


@blp.route("/wanted/<int:wanted_id>/matches", methods=["GET"])
@api_login_required
@blp.arguments(MatchQueryArgs, location="query", unknown=RAISE)
@blp.response(200, envelope(MatchSchema))
@blp.alt_response(403, schema=ErrorSchema, description="Not the posting organisation.")
def list_matches(args, wanted_id):
    """The buyer's view: published listings and future stock (installed components of
    buildings due for demolition before `needed_by`, one match per building) that serve the
    request, best first: what covers the whole quantity, then the most CO2 avoided net of
    transport, then the nearest."""
    wanted = wanted_for(current_user, wanted_id, manage=True)
    return matches_page(wanted, args["page"], args["per_page"])


@blp.route("/wanted/<int:wanted_id>/offers", methods=["GET"])
@api_login_required
@paginated(blp, ListingSchema)
def list_offers(args, wanted_id):
    """Offers made for the request (draft or published listings linked to it): all of them
    for its buyer, a seller's own for a seller."""
    return services.offers_to(current_user, wanted_for(current_user, wanted_id))


@blp.route("/wanted/<int:wanted_id>/offers", methods=["POST"])
@api_login_required
@blp.arguments(OfferCreateSchema)
@blp.response(201, ListingSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not an owner of the building.")
@blp.alt_response(409, schema=ErrorSchema, description="Components that do not fit.")
def create_offer(data, wanted_id):
    """Offer components of one of the caller's buildings for the request: a draft listing
    linked to it (publish it like any listing); the buyer is told."""
    wanted = wanted_for(current_user, wanted_id)
    building = building_for(current_user, data["building_id"], write=True)
    listing, notes = services.make_offer(current_user, wanted, building, data)
    db.session.commit()
    alerts.email_notifications(notes)
    return listing
