"""HTML pages of the exchange: search, listings, reservations, saved searches and the inbox."""

from flask import Blueprint

bp = Blueprint("exchange", __name__, template_folder="../templates")

# The page modules register their routes on bp.
from marketplace.views import inbox, listings, reservations, search  # noqa: E402, F401
