"""Jinja filters and globals shared by every page, and the one place numbers, quantities,
money, percentages, dates and times are written for people in the page's language.

Every filter formats with Babel (CLDR) for the request's locale: "1,925.8 t" in English and
Japanese, "1.925,8 t" in Dutch, Danish and German. English is written as in Europe ("7 Dec
2026, 14:05 CET", a 24-hour clock, the day first): the app's English readers are European
public bodies, and "12/7" would be read both ways. A value that is not known (None) is the
word "unknown" in the page's language, never 0 and never a bare dash, so that a screen reader
and a PDF say the same as the page. Times are stored as naive UTC and shown in the user's
time zone (their saved one, else the instance's DEFAULT_TIMEZONE), always with the zone.
"""

from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.dates import format_datetime
from babel.dates import get_timezone_gmt
from babel.numbers import format_currency
from babel.numbers import format_decimal
from babel.numbers import format_percent
from babel.units import format_unit
from flask import Flask
from flask import has_request_context
from flask_babel import get_locale
from flask_babel import get_timezone
from flask_babel import gettext as _
from jinja2 import pass_context
from jinja2.runtime import Context

# Formatting data per page language where it is not the language's own (see the docstring).
_FORMAT_AS = {"en": "en_GB"}
# The app's unit codes (passports.models.vocab.UNITS and the units figures are given in) as
# CLDR units; "pcs" has no CLDR unit and is a word of the catalogue.
_CLDR_UNITS = {
    "m": "length-meter",
    "m2": "area-square-meter",
    "m²": "area-square-meter",
    "m3": "volume-cubic-meter",
    "m³": "volume-cubic-meter",
    "kg": "mass-kilogram",
    "t": "mass-tonne",
    "km": "length-kilometer",
}
_PIECES = ("pcs", "pc", "piece", "pieces")
# Masses (and carbon) are written in tonnes from this many kg on, with one decimal.
_TONNE = 1000.0


def unknown() -> str:
    """The word for a value nobody knows (a volume, a mass, a date) in the page's language:
    "unknown", "onbekend", "不明"; the same word everywhere."""
    return _("unknown")


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(_FORMAT_AS.get(code, code))


def format_locale() -> Locale:
    """The locale numbers and dates are formatted for: the page's language (English as en_GB)."""
    locale = get_locale() if has_request_context() else None
    return _locale(str(locale or "en"))


def _zone():
    if has_request_context():
        return get_timezone() or UTC
    return UTC


def _pattern(digits: int, fixed: bool = False) -> str:
    """A decimal pattern with at most (or, when fixed, exactly) `digits` decimals."""
    if digits <= 0:
        return "#,##0"
    return "#,##0." + ("0" if fixed else "#") * digits


def number(value: float | None, digits: int = 2) -> str:
    """A number for people in the page's language, at most `digits` decimals and no trailing
    zeros: 1925.8 → "1,925.8" (en, ja, zh), "1.925,8" (nl, da, de)."""
    if value is None:
        return unknown()
    return format_decimal(value, format=_pattern(digits), locale=format_locale())


def unit(value: str | None) -> str:
    """A unit code as people write it in the page's language: m2 → m², m3 → m³ (平方米 and
    立方米 in Chinese, as CLDR writes them), pcs → pcs, st., Stk., 個, 件."""
    if not value:
        return ""
    if value in _PIECES:
        return _("pcs")
    if value in _CLDR_UNITS:
        return _unit_symbol(_CLDR_UNITS[value], str(format_locale()))
    return value.replace("m2", "m²").replace("m3", "m³")


@cache
def _unit_symbol(cldr_unit: str, locale: str) -> str:
    text = format_unit(5, cldr_unit, length="short", locale=locale, format="0")
    return text.replace("5", "", 1).strip()


def quantity(value: float | None, unit_code: str | None = None, digits: int = 2) -> str:
    """An amount with its unit, formatted for the page's language: (1925.8, "m3") → "1,925.8 m³"
    in English, "1.925,8 m³" in Dutch; (12, "pcs") → "12 pcs", "12 st."; unknown when None."""
    if value is None:
        return unknown()
    locale = format_locale()
    code = (unit_code or "").strip()
    if code in _CLDR_UNITS:
        return format_unit(
            value, _CLDR_UNITS[code], length="short", format=_pattern(digits), locale=locale
        )
    amount = format_decimal(value, format=_pattern(digits), locale=locale)
    if code in _PIECES:
        return _("%(num)s pcs", num=amount)
    return f"{amount} {unit(code)}".strip()


def kg(value: float | None) -> str:
    """A mass for people: kg below a tonne (no decimals), t from a tonne on (one decimal):
    1925800 → "1,925.8 t" (en), "1.925,8 t" (nl, de, da); 850 → "850 kg"; unknown when None."""
    if value is None:
        return unknown()
    locale = format_locale()
    if abs(value) >= _TONNE:
        return format_unit(
            value / _TONNE, "mass-tonne", length="short", format=_pattern(1, True), locale=locale
        )
    return format_unit(value, "mass-kilogram", length="short", format="#,##0", locale=locale)


def co2(value: float | None) -> str:
    """Carbon (embodied or avoided) in kg CO2 equivalent: "850 kg CO₂e", from a tonne on
    "70.2 t CO₂e" ("70,2 t CO₂e" in Dutch); unknown when None."""
    if value is None:
        return unknown()
    return _("%(mass)s CO₂e", mass=kg(value))


def money(value: float | None, currency: str | None = "EUR") -> str:
    """An amount of money in its own currency, as the page's language writes it: 1234.5 EUR →
    "€1,234.50" (en), "€ 1.234,50" (nl), "1.234,50 €" (de, da); JPY has no decimals."""
    if value is None:
        return unknown()
    return format_currency(value, (currency or "EUR").upper(), locale=format_locale())


def percent(value: float | None, digits: int = 0) -> str:
    """A share (0.125) as a percentage with at most `digits` decimals: "13%" or, with one
    decimal, "12.5%" (en), "12,5%" (nl), "12,5 %" (de, da)."""
    if value is None:
        return unknown()
    locale = format_locale()
    pattern = locale.percent_formats[None].pattern
    if digits > 0:
        pattern = pattern.replace("0", "0." + "#" * digits, 1)
    return format_percent(value, format=pattern, locale=locale)


def _aware(value: datetime) -> datetime:
    # Stored timestamps are naive UTC (app.models), so a naive one is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def zone_name(value: datetime, locale: Locale | None = None) -> str:
    """The short name of the user's time zone at that moment: CET, CEST, MEZ, JST, UTC; an
    offset such as GMT+08:00 where the language has no short name for the zone."""
    locale = locale or format_locale()
    local = _aware(value).astimezone(_zone())
    name = format_datetime(local, "z", tzinfo=_zone(), locale=locale)
    if name[:1] in "+-" or len(name) > 5:
        return get_timezone_gmt(local, width="long", locale=locale)
    return name


def datetime_text(value: datetime | None, seconds: bool = False) -> str:
    """A moment in the user's time zone, with the zone: "7 Dec 2026, 14:05 CET" (en),
    "7 dec 2026, 14:05 CET" (nl), "07.12.2026, 14:05 MEZ" (de), "2026/12/07 22:05 JST" (ja)."""
    if value is None:
        return unknown()
    locale = format_locale()
    zone = _zone()
    moment = _aware(value)
    time_pattern = locale.time_formats["medium" if seconds else "short"].pattern
    clock = format_datetime(moment, time_pattern, tzinfo=zone, locale=locale)
    day = format_datetime(moment, locale.date_formats["medium"].pattern, tzinfo=zone, locale=locale)
    glue = str(locale.datetime_formats["medium"]).replace("'", "")
    return glue.replace("{0}", f"{clock} {zone_name(moment, locale)}").replace("{1}", day)


def date_text(value: date | datetime | None) -> str:
    """A day as the page's language writes it: "7 Dec 2026" (en), "7 dec 2026" (nl),
    "07.12.2026" (de), "2026/12/07" (ja); a timestamp gives its day in the user's zone."""
    if value is None:
        return unknown()
    locale = format_locale()
    if isinstance(value, datetime):
        return format_datetime(
            _aware(value), locale.date_formats["medium"].pattern, tzinfo=_zone(), locale=locale
        )
    return format_date(value, "medium", locale=locale)


def input_number(value) -> str:
    """A stored number as the value of a form field, in the page's language and without
    grouping, so that sending the form back unchanged reads the same number (1.5 → "1,5" in
    Dutch); text (what the user typed, shown again with an error) is kept as it is, and a
    date is given as a date field reads it (ISO 8601)."""
    if value is None or isinstance(value, str | bool):
        return "" if value is None else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    exact = Decimal(repr(float(value)))
    return format_decimal(
        exact, format="0.##################", locale=format_locale(), decimal_quantization=False
    )


def label(value: str | None) -> str:
    """A stored value in words, in the page's language: demolition_planned → Demolition planned."""
    from app.i18n import word

    return word(value)


def options(values, labelled: bool = True) -> list[tuple[str, str]]:
    """(value, text) pairs for the select macro: the text is the value in words, or as it is."""
    return [(value, label(value) if labelled else value) for value in values]


def per_request(function):
    """A filter Jinja must call on each render: its answer depends on the request's language and
    time zone, so `'in_use'|label` may not be folded into the compiled template once, in the
    language of the first request that compiled it."""

    @pass_context
    def in_this_request(*args, **kwargs):
        # Jinja passes its context first; Python code that takes the filter from
        # `jinja_env.filters` (the dashboard's texts, the audit log) calls it without one.
        if args and isinstance(args[0], Context):
            args = args[1:]
        return function(*args, **kwargs)

    in_this_request.__name__ = function.__name__
    in_this_request.__doc__ = function.__doc__
    in_this_request.__wrapped__ = function
    return in_this_request


def register(app: Flask) -> None:
    """Install filters and the shell context (each feature package adds its own filters)."""
    from app.redirects import safe_next

    app.jinja_env.filters.update(
        {
            name: per_request(function)
            for name, function in dict(
                kg=kg,
                co2=co2,
                number=number,
                quantity=quantity,
                unit=unit,
                money=money,
                percent=percent,
                datetime=datetime_text,
                date=date_text,
                input_number=input_number,
                label=label,
                options=options,
            ).items()
        }
    )
    app.jinja_env.globals.update(today=date.today, safe_next=safe_next, unknown=unknown)

    @app.shell_context_processor
    def _shell():
        from app.extensions import db

        return {"db": db}
