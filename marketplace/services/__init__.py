"""Writes to the exchange: listings, their lifecycle and reservations. They flush; the edge
commits. A reservation changes the listing and the reservation together or not at all.

- rules: the rules every listing obeys, asked by the pages, the API, the CLI and the demo;
- listings: create and edit listings;
- lifecycle: publish a listing (and tell saved searches), withdraw and expire listings;
- reservations: reserve a quantity, and accept, reject or cancel a reservation."""

from marketplace.services.lifecycle import expire_listings  # noqa: F401
from marketplace.services.lifecycle import publish_and_notify  # noqa: F401
from marketplace.services.lifecycle import publish_listing  # noqa: F401
from marketplace.services.lifecycle import withdraw_listing  # noqa: F401
from marketplace.services.listings import create_listing  # noqa: F401
from marketplace.services.listings import summarise  # noqa: F401
from marketplace.services.listings import update_listing  # noqa: F401
from marketplace.services.reservations import accept_reservation  # noqa: F401
from marketplace.services.reservations import cancel_reservation  # noqa: F401
from marketplace.services.reservations import expect_status  # noqa: F401
from marketplace.services.reservations import reject_reservation  # noqa: F401
from marketplace.services.reservations import reservation_co2  # noqa: F401
from marketplace.services.reservations import reserve_listing  # noqa: F401
from marketplace.services.rules import EDITABLE  # noqa: F401
from marketplace.services.rules import EPSILON  # noqa: F401
from marketplace.services.rules import FUTURE_BUILDINGS  # noqa: F401
from marketplace.services.rules import HARVESTED  # noqa: F401
from marketplace.services.rules import LISTABLE  # noqa: F401
from marketplace.services.rules import OPEN_LISTING  # noqa: F401
from marketplace.services.rules import components_editable  # noqa: F401
from marketplace.services.rules import default_cpv  # noqa: F401
from marketplace.services.rules import ensure_editable  # noqa: F401
from marketplace.services.rules import is_editable  # noqa: F401
from marketplace.services.rules import listable_statuses  # noqa: F401
from marketplace.services.rules import listing_defaults  # noqa: F401
from marketplace.services.rules import main_cpv  # noqa: F401
from marketplace.services.rules import offered_elsewhere  # noqa: F401
from marketplace.services.rules import offers_future_stock  # noqa: F401
from marketplace.services.rules import unlisted_counts  # noqa: F401
from marketplace.services.rules import unresolved_hazards  # noqa: F401
