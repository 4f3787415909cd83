"""Reads of the exchange: the search with its filters, facets and sorts, and listing lookups.

- filters: the search's filters, facets and distance as SQL;
- results: a page of search results with totals and facet counts;
- listings: provenance, visible listings and a listing's components.
"""

from marketplace.queries.filters import FACET_LIMIT  # noqa: F401
from marketplace.queries.filters import FACETS  # noqa: F401
from marketplace.queries.filters import cpv_prefix  # noqa: F401
from marketplace.queries.filters import distance_km  # noqa: F401
from marketplace.queries.filters import division_label  # noqa: F401
from marketplace.queries.filters import search_conditions  # noqa: F401
from marketplace.queries.listings import PUBLIC_STATUSES  # noqa: F401
from marketplace.queries.listings import components_of  # noqa: F401
from marketplace.queries.listings import provenance  # noqa: F401
from marketplace.queries.listings import visible_listing  # noqa: F401
from marketplace.queries.results import search_listings  # noqa: F401
