"""Schemas of the exchange: separate input and output, strict numbers, unknown fields refused.

Listings as shown, a listing's input, the search, reservations, and saved searches with the
inbox."""

from marketplace.schemas.alerts import NotificationQueryArgs  # noqa: F401
from marketplace.schemas.alerts import NotificationSchema  # noqa: F401
from marketplace.schemas.alerts import SavedSearchCreateSchema  # noqa: F401
from marketplace.schemas.alerts import SavedSearchSchema  # noqa: F401
from marketplace.schemas.listing_input import ListingCreateSchema  # noqa: F401
from marketplace.schemas.listing_input import ListingUpdateSchema  # noqa: F401
from marketplace.schemas.listings import ListingSchema  # noqa: F401
from marketplace.schemas.listings import ProvenanceSchema  # noqa: F401
from marketplace.schemas.listings import SearchResultSchema  # noqa: F401
from marketplace.schemas.reservations import HazardConflictSchema  # noqa: F401
from marketplace.schemas.reservations import MovedComponentSchema  # noqa: F401
from marketplace.schemas.reservations import QuantityConflictSchema  # noqa: F401
from marketplace.schemas.reservations import ReservationCreateSchema  # noqa: F401
from marketplace.schemas.reservations import ReservationSchema  # noqa: F401
from marketplace.schemas.reservations import StatusConflictSchema  # noqa: F401
from marketplace.schemas.search import SORTS  # noqa: F401
from marketplace.schemas.search import FacetSchema  # noqa: F401
from marketplace.schemas.search import ListingQueryArgs  # noqa: F401
from marketplace.schemas.search import ListingSearchArgs  # noqa: F401
from marketplace.schemas.search import SavedSearchParamsSchema  # noqa: F401
from marketplace.schemas.search import SearchSchema  # noqa: F401
