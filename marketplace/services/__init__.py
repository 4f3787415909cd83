"""Writes to the exchange: listings, their lifecycle and reservations. They flush; the edge
commits. A reservation changes the listing and the reservation together or not at all.

- rules: the rules every listing obeys, asked by the pages, the API, the CLI and the demo;
- listings: create, edit, publish (and tell saved searches), withdraw and expire listings;
- reservations: reserve a quantity, and accept, reject or cancel a reservation."""

from marketplace.services.listings import (  # noqa: F401
    create_listing,
    expire_listings,
    publish_and_notify,
    publish_listing,
    summarise,
    update_listing,
    withdraw_listing,
)
from marketplace.services.reservations import (  # noqa: F401
    accept_reservation,
    cancel_reservation,
    expect_status,
    reject_reservation,
    reservation_co2,
    reserve_listing,
)
from marketplace.services.rules import (  # noqa: F401
    EDITABLE,
    EPSILON,
    FUTURE_BUILDINGS,
    HARVESTED,
    LISTABLE,
    OPEN_LISTING,
    components_editable,
    default_cpv,
    ensure_editable,
    is_editable,
    listable_statuses,
    listing_defaults,
    main_cpv,
    offered_elsewhere,
    offers_future_stock,
    unresolved_hazards,
)
