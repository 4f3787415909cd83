"""REST API of the dashboards: a city's aggregates and an organisation's progress."""

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest import abort

from app.auth.decorators import api_login_required
from app.pagination import paginated
from dashboard import queries
from dashboard.monitoring import monitoring_data
from dashboard.monitoring import valid_year
from dashboard.permissions import organisation_for
from dashboard.schemas import CitySchema
from dashboard.schemas import DashboardSchema
from dashboard.schemas import MonitoringSchema
from dashboard.schemas import OrganisationArgs

blp = Blueprint("dashboard_api", __name__, description="Dashboards of organisations and cities")


@blp.route("/dashboard/cities", methods=["GET"])
@api_login_required
@paginated(blp, CitySchema)
def list_cities(args):
    """Cities the caller may see: open ones whole, others only where their organisation has
    buildings, with its part alone (`own_organisation_only`)."""
    return queries.city_names(current_user)


@blp.route("/dashboard/cities/<city>", methods=["GET"])
@api_login_required
@blp.response(200, DashboardSchema)
def city_dashboard(city):
    """A city's aggregates (only the caller's organisation's part unless the city is open);
    its buildings listed only where the caller may read them."""
    scope = queries.city_scope(city, current_user)
    if scope is None:
        abort(404, message=_("No buildings in this city."))
    return queries.dashboard_data(scope, current_user)


@blp.route("/dashboard/cities/<city>/monitoring/<int:year>", methods=["GET"])
@api_login_required
@blp.response(200, MonitoringSchema)
def city_monitoring(city, year):
    """A city's yearly monitoring report (the PDF's and CSV's figures): the urban mine surveyed
    and estimated, reuse and CO2 avoided through the exchange in the year, average MCI, the
    demolition harvest by year, and each figure's source and method. Same permissions as the
    city's dashboard; years from 2000 to the current one."""
    scope = queries.city_scope(city, current_user)
    if scope is None:
        abort(404, message=_("No buildings in this city."))
    if not valid_year(year):
        abort(404, message=_("No monitoring report for this year."))
    return monitoring_data(scope, current_user, year)


@blp.route("/dashboard/organisation", methods=["GET"])
@api_login_required
@blp.arguments(OrganisationArgs, location="query")
@blp.response(200, DashboardSchema)
def organisation_dashboard(args):
    """The caller's organisation (admins: any, with `organisation_id`)."""
    organisation = organisation_for(current_user, args.get("organisation_id"))
    return queries.dashboard_data(queries.organisation_scope(organisation), current_user)
