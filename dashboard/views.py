"""Dashboard pages: an organisation's and a city's progress, with CSV and PDF exports.

Who sees what is decided in `dashboard.permissions`. Charts are SVG drawn on the server; each
has a name a screen reader reads, and the page shows its figures in a table too.
"""

import re
import unicodedata

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.templating import number
from app.urls import public_base_url
from app.views import download
from dashboard import queries
from dashboard import texts
from dashboard.exports import dashboard_csv
from dashboard.monitoring import monitoring_csv
from dashboard.monitoring import monitoring_data
from dashboard.monitoring import valid_year
from dashboard.monitoring_report import render_monitoring_pdf
from dashboard.monitoring_report import trust_sentence
from dashboard.permissions import organisation_for
from dashboard.report import render_dashboard_pdf
from passports.documents.charts import STATUS_COLOURS
from passports.documents.charts import bar_chart
from passports.documents.charts import column_chart
from passports.documents.charts import completeness_chart
from passports.documents.charts import family_chart
from passports.documents.charts import mass_text
from passports.documents.charts import score_scale
from passports.documents.charts import words

bp = Blueprint("dashboard", __name__, template_folder="templates", url_prefix="/dashboard")


@bp.app_template_global("building_reuse_impact")
def _building_reuse_impact(building) -> dict:
    """CO2 avoided by what left a building through the exchange (for the building page)."""
    return queries.building_reuse_impact(building.id)


def _scale_name(name: str, value: float | None) -> str:
    """A score scale's name with its reading, for whoever cannot see the marker."""
    if value is None:
        return _("%(name)s: not known yet", name=name)
    score = current_app.jinja_env.filters["score"]
    return _("%(name)s: %(value)s on a scale from 0 to 1", name=name, value=score(value))


def dashboard_charts(data: dict) -> dict:
    """The SVG charts of a dashboard (their figures are in the page's tables as well)."""
    life = data["lifecycle"]
    return {
        "urban_mine": family_chart(data["urban_mine"], label=texts.chart_name("urban_mine")),
        "lifecycle": bar_chart(
            [
                (
                    words(r["status"]),
                    r["mass_kg"],
                    f"{mass_text(r['mass_kg'])} · {number(r['count'], 0)}",
                )
                for r in life
            ],
            label=texts.chart_name("lifecycle"),
            colours=STATUS_COLOURS,
            keys=[r["status"] for r in life],
        ),
        "completeness": completeness_chart(
            data["completeness"], label=texts.chart_name("completeness")
        ),
        "activity": column_chart(
            [(texts.month_name(r["month"], short=True), r["events"]) for r in data["activity"]],
            label=texts.chart_name("activity"),
        ),
        "future_supply": column_chart(
            [
                (str(y["year"]), (y["total"]["surveyed_kg"] + y["total"]["estimated_kg"]) / 1000)
                for y in data["future_supply"]["years"]
            ],
            label=_("Mass becoming available per year from planned demolitions, in tonnes"),
        ),
        "mci": score_scale(
            data["mci"],
            label=_scale_name(_("Average Material Circularity Indicator (by mass)"), data["mci"]),
        ),
        "disassembly": score_scale(
            data["disassembly_score"],
            label=_scale_name(_("Average disassembly score (by mass)"), data["disassembly_score"]),
        ),
    }


def _page(data: dict, exports: dict):
    city = data["scope"]["kind"] == "city"
    this_year = data["generated_at"].year
    return render_template(
        "dashboard/dashboard.html",
        d=data,
        charts=dashboard_charts(data),
        exports=exports,
        as_of=texts.as_of(data["generated_at"]),
        month_name=texts.month_name,
        percent=texts.percent,
        monitoring_years=(this_year - 1, this_year) if city else (),
        trust_sentence=trust_sentence,
    )


def _csv(data: dict, name: str) -> Response:
    return download(dashboard_csv(data), "text/csv", f"{name}.csv")


def _pdf(data: dict, name: str) -> Response:
    pdf = render_dashboard_pdf(data, base_url=public_base_url())
    return download(pdf, "application/pdf", f"{name}.pdf", inline=True)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:50] or "dashboard"


def _report(scope) -> tuple[dict, str]:
    """A dashboard's figures, and the name its downloads are saved under."""
    data = queries.dashboard_data(scope, current_user)
    return data, f"dashboard-{_slug(scope.name)}-{data['generated_at']:%Y-%m-%d}"


@bp.route("/")
@login_required
def index():
    """Your organisation's headline figures and the cities with buildings."""
    organisation = current_user.organisation
    own = queries.dashboard_data(queries.organisation_scope(organisation), current_user)
    return render_template(
        "dashboard/index.html",
        own=own,
        cities=queries.city_names(current_user),
        organisation=organisation,
    )


def _organisation():
    raw = request.args.get("organisation_id", "").strip()
    wanted = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None
    if raw and wanted is None:
        abort(404)
    return organisation_for(current_user, wanted)


def _organisation_exports(organisation) -> dict:
    args = (
        {}
        if organisation.id == current_user.organisation_id
        else {"organisation_id": organisation.id}
    )
    return {"endpoint": "organisation", "args": args}


@bp.route("/organisation")
@login_required
def organisation():
    """The progress of the user's organisation (admins: any, with ?organisation_id=)."""
    org = _organisation()
    data = queries.dashboard_data(queries.organisation_scope(org), current_user)
    return _page(data, _organisation_exports(org))


@bp.route("/organisation/export.csv")
@login_required
def organisation_csv():
    """The organisation's dashboard as CSV."""
    org = _organisation()
    return _csv(*_report(queries.organisation_scope(org)))


@bp.route("/organisation/report.pdf")
@login_required
def organisation_pdf():
    """The organisation's dashboard as a PDF report."""
    org = _organisation()
    return _pdf(*_report(queries.organisation_scope(org)))


def _city(city: str):
    scope = queries.city_scope(city, current_user)
    if scope is None:
        abort(404)
    return scope


@bp.route("/cities/<city>")
@login_required
def city(city: str):
    """A city's aggregates, for any logged-in user."""
    scope = _city(city)
    data = queries.dashboard_data(scope, current_user)
    return _page(data, {"endpoint": "city", "args": {"city": scope.name}})


@bp.route("/cities/<city>/export.csv")
@login_required
def city_csv(city: str):
    """A city's dashboard as CSV."""
    scope = _city(city)
    return _csv(*_report(scope))


@bp.route("/cities/<city>/report.pdf")
@login_required
def city_pdf(city: str):
    """A city's dashboard as a PDF report for its progress reporting."""
    scope = _city(city)
    return _pdf(*_report(scope))


def _monitoring(city: str, year: int) -> tuple[dict, str]:
    """A city's monitoring report for a year (404 for a city the user may not open, or a year
    before 2000 or after this one), and the name its downloads are saved under."""
    scope = _city(city)
    if not valid_year(year):
        abort(404)
    data = monitoring_data(scope, current_user, year)
    return data, f"monitoring-{_slug(scope.name)}-{year}"


@bp.route("/cities/<city>/monitoring/<int:year>.pdf")
@login_required
def city_monitoring_pdf(city: str, year: int):
    """A city's yearly monitoring report (Circular Cities Declaration figures) as PDF."""
    data, name = _monitoring(city, year)
    pdf = render_monitoring_pdf(data, base_url=public_base_url())
    return download(pdf, "application/pdf", f"{name}.pdf", inline=True)


@bp.route("/cities/<city>/monitoring/<int:year>.csv")
@login_required
def city_monitoring_csv(city: str, year: int):
    """A city's yearly monitoring report as CSV."""
    data, name = _monitoring(city, year)
    return download(monitoring_csv(data), "text/csv", f"{name}.csv")
