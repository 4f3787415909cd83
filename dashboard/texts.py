"""What the dashboard's page, its PDF report and its CSV write the same way, in the reader's
language: a month, the time the figures were taken, a share, and the names of the charts.

Times and shares go through the app's `datetime` and `percent` filters where it has them, so
the dashboard writes them as every other page does."""

from datetime import date
from datetime import datetime

from babel.dates import format_skeleton
from flask import current_app
from flask_babel import format_datetime
from flask_babel import format_percent
from flask_babel import get_locale
from flask_babel import get_timezone
from flask_babel import gettext as _


def chart_name(chart: str) -> str:
    """The name of a chart ("urban_mine", "lifecycle", "activity", "completeness"): a screen
    reader reads it on the page, the PDF prints it as a heading."""
    return {
        "urban_mine": _("Urban mine: mass by material family"),
        "lifecycle": _("Mass (and number of components) in each lifecycle status"),
        "activity": _("Events recorded per month"),
        "completeness": _("Share of the mass by data completeness"),
    }[chart]


def month_name(month: str, *, short: bool = False) -> str:
    """A "YYYY-MM" month as the reader writes it: "Jan 2026" (short, for a chart's axis: "Jan")."""
    year, number = (int(part) for part in month.split("-"))
    return format_skeleton("MMM" if short else "yMMM", date(year, number, 1), locale=get_locale())


def as_of(moment: datetime) -> str:
    """A naive UTC time in the reader's time zone, with the zone: through the app's `datetime`
    filter where it has one (the pages' format), else "1/15/26, 11:05 AM Europe/Copenhagen"."""
    shown = current_app.jinja_env.filters.get("datetime")
    if shown is not None:
        return shown(moment)
    return f"{format_datetime(moment, 'short')} {get_timezone()}"


def percent(share: float | None) -> str:
    """A share (0.25) as a percentage ("25%", "25 %"); a dash when there is no mass to share."""
    shown = current_app.jinja_env.filters.get("percent")
    if shown is not None:
        return shown(share)
    return "–" if share is None else format_percent(share)
