"""REST API of bundles: lots gathered across sellers for a wanted request. The proposals for a
request, reserving a bundle (all or nothing), its parts' states, replacing a rejected part,
and its procurement exports (OCDS, CSV, XLSX). A buyer sees only their organisation's
bundles; each seller sees their own part as an ordinary reservation."""

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema

from app.auth.decorators import api_login_required
from app.errors import Conflict
from app.extensions import csrf
from app.extensions import db
from app.pagination import paginated
from app.urls import external_url
from marketplace import alerts
from marketplace.exports import XLSX_MIME
from marketplace.exports.bundles import awarded_parts
from marketplace.exports.bundles import bundle_release_package
from marketplace.exports.bundles import export_bundle
from marketplace.permissions import bundle_for
from marketplace.permissions import bundles_for
from marketplace.permissions import require_buyer
from marketplace.permissions import wanted_of_buyer
from marketplace.queries.bundles import proposals_view
from marketplace.schemas.bundles import BundleCreateSchema
from marketplace.schemas.bundles import BundleSchema
from marketplace.schemas.bundles import ProposalsSchema
from marketplace.schemas.reservations import QuantityConflictSchema
from marketplace.schemas.reservations import StatusConflictSchema
from marketplace.services.bundles import replace_part
from marketplace.services.bundles import reserve_bundle

blp = Blueprint(
    "exchange_bundles_api",
    __name__,
    description="Bundles: lots gathered across sellers, reserved all together or not at all",
)
csrf.exempt(blp)
_FILE = {"type": "string", "format": "binary"}


@blp.route("/wanted/<int:wanted_id>/bundles", methods=["GET"])
@api_login_required
@blp.response(200, ProposalsSchema)
def wanted_bundles(wanted_id):
    """The best bundles (at most three) for one of the organisation's wanted requests: sets of
    listings from at most BUNDLE_MAX_SELLERS sellers that together cover its quantity, at the
    least transport CO2 (t × km to the request's location), then the fewest sellers, within
    its price limit. `single_listing_covers` says when one listing alone would do."""
    require_buyer(current_user)
    return proposals_view(wanted_of_buyer(current_user, wanted_id))


@blp.route("/bundles", methods=["POST"])
@api_login_required
@blp.arguments(BundleCreateSchema)
@blp.response(201, BundleSchema)
@blp.alt_response(
    409,
    schema=QuantityConflictSchema,
    description="A part cannot be met in full: nothing is reserved; the body names the "
    "listing (`listing_id`) and what it has left.",
)
@blp.alt_response(403, schema=ErrorSchema, description="A listing of the buyer's own.")
def create_bundle(data):
    """Reserve a quantity of each listing, all together or nothing. Each part becomes a
    reservation with its own seller (accept, reject, collect as usual)."""
    require_buyer(current_user)
    bundle = reserve_bundle(current_user, data)
    db.session.commit()
    alerts.email_pending()
    return bundle


@blp.route("/bundles", methods=["GET"])
@api_login_required
@paginated(blp, BundleSchema)
def list_bundles(args):
    """The bundles of the caller's organisation, newest first."""
    return bundles_for(current_user)


@blp.route("/bundles/<int:bundle_id>", methods=["GET"])
@api_login_required
@blp.response(200, BundleSchema)
def get_bundle(bundle_id):
    """One bundle with its parts and their states."""
    return bundle_for(current_user, bundle_id)


@blp.route("/bundles/<int:bundle_id>/parts/<int:reservation_id>/replace", methods=["POST"])
@api_login_required
@blp.response(200, BundleSchema)
@blp.alt_response(
    409,
    schema=StatusConflictSchema,
    description="The part is not rejected or cancelled, was replaced already, or nothing can "
    "replace it now.",
)
def replace_bundle_part(bundle_id, reservation_id):
    """Replace a rejected or cancelled part from the next-best listings: new parts (their
    `replaces_id` names the old one), whose sellers are told."""
    require_buyer(current_user)
    bundle = bundle_for(current_user, bundle_id)
    replace_part(current_user, bundle, reservation_id)
    db.session.commit()
    alerts.email_pending()
    return bundle_for(current_user, bundle_id)


def expect_awards(bundle) -> None:
    """409 unless some part is an award (accepted or collected)."""
    if not awarded_parts(bundle):
        raise Conflict(
            _("No part of this bundle is accepted yet: there is no award to export."),
            extra={"current_status": "requested"},
        )


@blp.route("/bundles/<int:bundle_id>/ocds.json", methods=["GET"])
@api_login_required
@blp.response(
    200,
    {"type": "object"},
    content_type="application/json",
    description="An OCDS 1.1 release package: one release, one award per supplier.",
)
@blp.alt_response(409, schema=StatusConflictSchema, description="No part accepted yet.")
def bundle_ocds(bundle_id):
    """The bundle's accepted and collected parts as one OCDS 1.1 award release."""
    bundle = bundle_for(current_user, bundle_id)
    expect_awards(bundle)
    uri = external_url("exchange_bundles_api.bundle_ocds", bundle_id=bundle.id)
    response = jsonify(bundle_release_package(bundle, uri))
    response.headers["Content-Disposition"] = f'inline; filename="bundle-{bundle.id}-ocds.json"'
    return response


@blp.route("/bundles/<int:bundle_id>/export.csv", methods=["GET"])
@api_login_required
@blp.response(200, _FILE, content_type="text/csv", description="One line per part.")
def bundle_csv(bundle_id):
    """The bundle's parts as CSV, one line each; English headers and words (for programs)."""
    return export_bundle(bundle_for(current_user, bundle_id), "csv", for_people=False)


@blp.route("/bundles/<int:bundle_id>/export.xlsx", methods=["GET"])
@api_login_required
@blp.response(200, _FILE, content_type=XLSX_MIME, description="The parts and an About sheet.")
def bundle_xlsx(bundle_id):
    """The bundle's parts as a workbook, in the language Accept-Language asks."""
    return export_bundle(bundle_for(current_user, bundle_id), "xlsx", for_people=True)
