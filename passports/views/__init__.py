"""HTML pages of the passports blueprint: buildings, components, materials and tags."""

from datetime import UTC
from datetime import date
from datetime import datetime

from babel.dates import format_datetime
from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import url_for
from flask_babel import format_date
from flask_babel import get_locale
from flask_babel import get_timezone
from flask_login import current_user

from app.errors import handle_http_exception
from app.errors import wants_json
from passports.models import BUILDING_STATUSES
from passports.models import CATEGORIES
from passports.models import COMPONENT_STATUSES
from passports.models import CONDITION_GRADES
from passports.models import CONNECTION_TYPES
from passports.models import HAZARD_KINDS
from passports.models import MATERIAL_FAMILIES
from passports.models import UNITS
from passports.models import USE_TYPES
from passports.permissions import BuildingNotFound

bp = Blueprint("passports", __name__, template_folder="../templates")

CHOICES = {
    "statuses": BUILDING_STATUSES,
    "use_types": USE_TYPES,
    "categories": CATEGORIES,
    "units": UNITS,
    "connection_types": CONNECTION_TYPES,
    "hazard_kinds": HAZARD_KINDS,
    "component_statuses": COMPONENT_STATUSES,
    "conditions": CONDITION_GRADES,
    "families": MATERIAL_FAMILIES,
}


@bp.context_processor
def _choices():
    return {"choices": CHOICES}


@bp.app_template_filter("zoned")
def zoned(value: datetime | str | None) -> str:
    """A moment as the reader reads it: in their time zone (their saved one, else the
    instance's), in their language's date and short time formats, with the zone ("7 Dec
    2026, 14:05 CET"). Naive values and ISO strings without an offset are UTC, as stored."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    locale = get_locale()
    pattern = str(locale.datetime_formats["medium"]).format(
        locale.time_formats["short"].pattern + " z", locale.date_formats["medium"].pattern
    )
    return format_datetime(value, pattern, tzinfo=get_timezone(), locale=locale)


@bp.app_template_filter("day")
def day(value: date | str | None) -> str:
    """A calendar day in the reader's language ("7 Dec 2026", "2026/12/07")."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "medium")


@bp.errorhandler(BuildingNotFound)
def _building_not_found(exc: BuildingNotFound):
    """A building (or component) the user cannot open: say so as far as they may know, and
    where to go from here, instead of the server's bare "not found"."""
    if wants_json():
        return handle_http_exception(exc)
    exchange = "exchange.search" in current_app.view_functions
    links = []
    if current_user.is_authenticated:
        links.append(("buildings", url_for("passports.building_list")))
        if exchange:
            links.append(("exchange", url_for("exchange.search")))
    else:
        links.append(("login", url_for("auth.login")))
    page = render_template(
        "passports/not_found.html", error=exc, message=exc.message(), links=links
    )
    return page, 404


# The page modules register their routes on bp.
from passports.views import buildings  # noqa: E402, F401
from passports.views import components  # noqa: E402, F401
from passports.views import credentials  # noqa: E402, F401
from passports.views import documents  # noqa: E402, F401
from passports.views import hazards  # noqa: E402, F401
from passports.views import ifc_models  # noqa: E402, F401
from passports.views import import_ids  # noqa: E402, F401
from passports.views import imports  # noqa: E402, F401
from passports.views import labels  # noqa: E402, F401
from passports.views import materials  # noqa: E402, F401
from passports.views import resolver  # noqa: E402, F401
from passports.views import scan  # noqa: E402, F401
from passports.views import scanner  # noqa: E402, F401
