"""HTML pages of the exchange: search, listings, reservations, saved searches, the inbox and
wanted requests."""

from flask import Blueprint

bp = Blueprint("exchange", __name__, template_folder="../templates")

# The page modules register their routes on bp.
from marketplace.views import accounts  # noqa: E402, F401
from marketplace.views import bundles  # noqa: E402, F401
from marketplace.views import inbox  # noqa: E402, F401
from marketplace.views import listing_form  # noqa: E402, F401
from marketplace.views import listings  # noqa: E402, F401
from marketplace.views import reservations  # noqa: E402, F401
from marketplace.views import search  # noqa: E402, F401
from marketplace.views import wanted  # noqa: E402, F401
