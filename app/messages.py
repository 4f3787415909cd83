"""Field errors in the reader's language: marshmallow's own messages ("Missing data for
required field.", "Must be one of: ..."), webargs' and the app's shared ones, all in the
catalogue, and `localize`, which puts any error message into the language of the request.

Marshmallow writes its messages in English when a value is refused, with the values already
in them ("Longer than maximum length 100."). Rather than replace its messages class by class,
errors are translated where they leave the app: the JSON error body and the error page
(app.errors) and the field errors of a form page (app.forms, app.views and the form macros).
`localize` knows each English template below, reads the values back out of the text and
formats the translated template with them (numbers in the reader's notation). A message the
app wrote with `_()` while handling the request is already translated and passes unchanged;
a constant marked with `N_` (see NUL_MESSAGE) is looked up in the catalogue as it is.
"""

import re
from collections.abc import Mapping

from flask_babel import format_decimal
from flask_babel import gettext


def N_(text: str) -> str:  # noqa: N802 (gettext's name for "mark only")
    """Mark a text for the catalogue without translating it now: `localize` translates it
    when it is shown."""
    return text


# Marshmallow's messages without values, and webargs' (each is its own msgid).
PLAIN = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input type."),
    N_("Invalid input."),
    N_("Invalid type."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid naive datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid time."),
    N_("Not a valid period of time."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid URL."),
    N_("Not a valid email address."),
    N_("Not a valid UUID."),
    N_("String does not match expected pattern."),
    N_("Invalid JSON body."),
    # The app's own refusal of NUL characters (app.schema_fields.NUL_MESSAGE).
    N_("Must not contain NUL characters."),
)

# Marshmallow's messages with values: its English text ({name} where a value goes) and the
# msgid that says it (%(name)s). marshmallow's Range builds its message from parts ("Must be
# {min_op} {min}"); each combination is a sentence of its own here, as translators need.
TEMPLATES = {
    "Must be one of: {choices}.": N_("Must be one of: %(choices)s."),
    "Longer than maximum length {max}.": N_("Longer than maximum length %(max)s."),
    "Shorter than minimum length {min}.": N_("Shorter than minimum length %(min)s."),
    "Length must be between {min} and {max}.": N_("Length must be between %(min)s and %(max)s."),
    "Length must be {equal}.": N_("Length must be %(equal)s."),
    "Must be equal to {other}.": N_("Must be equal to %(other)s."),
    "Must be greater than or equal to {min}.": N_("Must be greater than or equal to %(min)s."),
    "Must be greater than {min}.": N_("Must be greater than %(min)s."),
    "Must be less than or equal to {max}.": N_("Must be less than or equal to %(max)s."),
    "Must be less than {max}.": N_("Must be less than %(max)s."),
    "Must be greater than or equal to {min} and less than or equal to {max}.": N_(
        "Must be greater than or equal to %(min)s and less than or equal to %(max)s."
    ),
    "Must be greater than {min} and less than or equal to {max}.": N_(
        "Must be greater than %(min)s and less than or equal to %(max)s."
    ),
    "Must be greater than or equal to {min} and less than {max}.": N_(
        "Must be greater than or equal to %(min)s and less than %(max)s."
    ),
    "Must be greater than {min} and less than {max}.": N_(
        "Must be greater than %(min)s and less than %(max)s."
    ),
    "One or more of the choices you made was not in: {choices}.": N_(
        "One or more of the choices you made was not in: %(choices)s."
    ),
    "One or more of the choices you made was in: {values}.": N_(
        "One or more of the choices you made was in: %(values)s."
    ),
    # The app's own bound on amounts (app.schema_fields.AT_MOST_AMOUNT).
    "At most {max}.": N_("At most %(max)s."),
}

_NUMBER = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?|-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        f"(?P<{part}>.+?)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$", re.DOTALL)


# Longest fixed text first: "Must be greater than {min}." must not take "Must be greater
# than or equal to 1." for itself.
_PATTERNS = sorted(
    ((_pattern(english), msgid) for english, msgid in TEMPLATES.items()),
    key=lambda item: -len(re.sub(r"\(\?P<\w+>\.\+\?\)", "", item[0].pattern)),
)


def _value(text: str) -> str:
    """A value read out of an English message, as the reader writes it: numbers in the
    locale's notation (1,000,000,000 → 1.000.000.000 in Dutch), anything else as it is."""
    if not _NUMBER.fullmatch(text):
        return text
    number = float(text.replace(",", ""))
    if number.is_integer() and abs(number) < 1e15:
        return format_decimal(int(number))
    return format_decimal(number)


def localize_text(message: str) -> str:
    """One error message in the request's language (see the module docstring)."""
    translated = gettext(message)
    if translated != message:
        return translated
    for pattern, msgid in _PATTERNS:
        match = pattern.match(message)
        if match:
            values = {name: _value(value) for name, value in match.groupdict().items()}
            return gettext(msgid, **values)
    return message


def localize(messages):
    """Error messages in the request's language: a text, a list of them, or marshmallow's
    nesting of both ({"materials": {0: {"fraction": [...]}}}); field names stay as they are."""
    if isinstance(messages, str):
        return localize_text(messages)
    if isinstance(messages, Mapping):
        return {key: localize(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [localize(value) for value in messages]
    if messages is None or isinstance(messages, bool | int | float):
        return messages
    # A lazy string (lazy_gettext) becomes its text in the request's language.
    return str(messages)
