"""The languages the app speaks, and how a request gets its language and time zone.

The language is the user's saved choice, else the one chosen with the header's switcher (kept
in the session, so it works for visitors too), else the browser's `Accept-Language`, else the
instance's `DEFAULT_LOCALE`. The API follows `Accept-Language` alone: a token has no session
and a client asks for its language on each request."""

from datetime import UTC
from datetime import date
from datetime import datetime
from functools import cache
from functools import lru_cache

from babel import Locale
from flask import Flask
from flask import g
from flask import request
from flask import session
from flask_babel import Babel
from flask_babel import format_date
from flask_babel import format_datetime
from flask_babel import get_locale
from flask_babel import to_user_timezone
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from app.messages import localize
from app.sessions import may_be_logged_in

# Catalogue name: the language's own name, as the switcher shows it.
LANGUAGES = {
    "en": "English",
    "nl": "Nederlands",
    "da": "Dansk",
    "de": "Deutsch",
    "ja": "日本語",
    "zh_Hans": "简体中文",
}
# Accept-Language asks for languages by their primary tag ("zh-CN", "zh"): simplified
# Chinese is the Chinese this app ships.
_BY_TAG = {code.split("_")[0]: code for code in LANGUAGES}
SESSION_KEY = "locale"
# The words people read for stored values ("demolition_planned" → "Demolition planned"): each
# package registers its own vocabulary with words(), marked with lazy_gettext.
_WORDS: dict = {}

babel = Babel()


def supported(code: str | None) -> str | None:
    """The shipped catalogue a language code names ("zh-CN" → "zh_Hans"), or None."""
    if not code:
        return None
    code = code.replace("-", "_")
    if code in LANGUAGES:
        return code
    return _BY_TAG.get(code.split("_")[0].lower())


def _from_browser() -> str | None:
    return _browser_language(request.headers.get("Accept-Language", ""))


@lru_cache(maxsize=512)
def _browser_language(header: str) -> str | None:
    """The shipped language an Accept-Language header likes best: browsers send a few
    distinct headers, so each is parsed once."""
    best = parse_accept_header(header, LanguageAccept).best_match(list(_BY_TAG), default=None)
    return _BY_TAG.get(best) if best else None


def select_locale() -> str:
    """The language of this request (see the module's docstring for the order)."""
    if not request:
        return supported(_default()) or "en"
    if request.path.startswith("/api/"):
        return _from_browser() or supported(_default()) or "en"
    user_choice = getattr(current_user, "locale", None) if _user_known() else None
    return (
        supported(user_choice)
        or supported(session.get(SESSION_KEY))
        or _from_browser()
        or supported(_default())
        or "en"
    )


@cache
def _parsed(code: str) -> Locale:
    return Locale.parse(code)


def _selected_locale() -> Locale:
    """select_locale's answer as a Babel Locale, parsed once per language: Flask-Babel would
    parse the code again on every request."""
    return _parsed(select_locale())


def select_timezone() -> str | None:
    """The user's time zone when saved, else the instance's (BABEL_DEFAULT_TIMEZONE)."""
    if request and _user_known() and getattr(current_user, "timezone", None):
        return current_user.timezone
    return None


def _user_known() -> bool:
    """False while the database is unreachable (app.errors' outage page): asking who is
    logged in would query it again."""
    if g.get("database_unavailable"):
        return False
    # Without credentials nobody is logged in: no need to ask Flask-Login.
    return ("_login_user" in g or may_be_logged_in()) and bool(current_user)


def _default() -> str:
    from flask import current_app

    return current_app.config.get("DEFAULT_LOCALE", "en")


def words(mapping: dict) -> None:
    """Register the words for stored values (codes, statuses, kinds): {value: lazy_gettext(...)}.

    The registry is one namespace: a value already registered with other words is refused,
    so that one package's "open" never silently renames another's (a vocabulary whose values
    clash registers them under a prefix, e.g. "wanted:open")."""
    for key, text in mapping.items():
        known = _WORDS.get(key)
        if known is not None and getattr(known, "_args", known) != getattr(text, "_args", text):
            raise ValueError(f"{key!r} already has words of its own: {known._args[0]!r}")
    _WORDS.update(mapping)


def word(value) -> str:
    """A stored value as people read it, in the page's language. A value no package named is
    shown in words as it is (snake_case to a capitalised phrase)."""
    if value is None:
        return ""
    text = str(value)
    if text in _WORDS:
        return str(_WORDS[text])
    return text.replace("_", " ").capitalize()


def registered_word(key: str) -> str | None:
    """The word registered for a key, in the page's language, or None when none is."""
    text = _WORDS.get(key)
    return None if text is None else str(text)


def known_words() -> dict:
    return dict(_WORDS)


def html_lang() -> str:
    """The language of the page as HTML's lang attribute wants it ("zh-Hans")."""
    return str(get_locale() or "en").replace("_", "-")


def init_app(app: Flask) -> None:
    """Bind Babel: its catalogues, the selectors, and what templates need."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config.get("DEFAULT_LOCALE", "en"))
    babel.init_app(app, locale_selector=_selected_locale, timezone_selector=select_timezone)
    app.jinja_env.globals.update(html_lang=html_lang, LANGUAGES=LANGUAGES)
    # Field errors in the reader's language, whichever view put them on the page.
    app.jinja_env.filters.update(localized=localize)
    # Times for people until app.templating's own `datetime` and `date` filters replace these
    # (its register step runs later and wins).
    app.jinja_env.filters.setdefault("datetime", _datetime_text)
    app.jinja_env.filters.setdefault("date", _date_text)


def _aware(value: datetime) -> datetime:
    # Stored timestamps are naive UTC (app.models).
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _datetime_text(value: datetime | None, seconds: bool = False) -> str:
    """A stored moment in the user's time zone, in the page's language, with the zone."""
    if value is None:
        return "–"
    moment = _aware(value)
    text = format_datetime(moment, "medium" if seconds else "short")
    return f"{text} {format_datetime(moment, 'zzz')}"


def _date_text(value: date | datetime | None) -> str:
    """A day in the page's language (a timestamp gives its day in the user's zone)."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return format_date(to_user_timezone(_aware(value)).date(), "medium")
    return format_date(value, "medium")
