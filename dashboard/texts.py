"""What the dashboard's page, its PDF report and its CSV write the same way, in the reader's
language: a month, the time the figures were taken, and the names of the charts."""

from datetime import date
from datetime import datetime

from babel.dates import format_skeleton
from flask_babel import format_datetime
from flask_babel import get_locale
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l

# Chart names: a screen reader reads them, the PDF prints them as headings.
URBAN_MINE = _l("Urban mine: mass by material family")
LIFECYCLE = _l("Mass (and number of components) in each lifecycle status")
ACTIVITY = _l("Events recorded per month")
COMPLETENESS = _l("Share of the mass by data completeness")


def month_name(month: str, *, short: bool = False) -> str:
    """A "YYYY-MM" month as the reader writes it: "Jan 2026" (short, for a chart's axis: "Jan")."""
    year, number = (int(part) for part in month.split("-"))
    return format_skeleton("MMM" if short else "yMMM", date(year, number, 1), locale=get_locale())


def as_of(moment: datetime) -> str:
    """A naive UTC time in the reader's time zone, with the zone's name: "1/15/26, 11:05 AM
    Europe/Copenhagen"."""
    return f"{format_datetime(moment, 'short')} {get_timezone()}"
