"""Pages of single listings."""

from flask import render_template
from flask_login import current_user, login_required

from marketplace import queries
from marketplace.permissions import listing_for
from marketplace.views import bp
from passports.permissions import can_write_building


@bp.route("/exchange/listings/<int:listing_id>")
@login_required
def listing_detail(listing_id: int):
    """A listing with its provenance, the component passports and how to reserve it."""
    listing = listing_for(current_user, listing_id)
    return render_template("marketplace/listing_detail.html", listing=listing,
                           provenance=queries.provenance(listing),
                           seller=can_write_building(current_user, listing.building))
