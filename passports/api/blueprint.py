"""The passports API's blueprint; cookie sessions are CSRF-checked in api_login_required and
bearer tokens need no CSRF token, so the blueprint is exempt from Flask-WTF's check."""

from flask_smorest import Blueprint

from app.extensions import csrf

blp = Blueprint("passports_api", __name__, description="Buildings, components and materials")
# Cookie sessions are CSRF-checked in api_login_required; bearer tokens need no CSRF token.
csrf.exempt(blp)
