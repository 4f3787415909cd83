"""The audit log in people's words: its actions, the kinds of record it names (the tables
of the schema, and bulk writes) and where a write came from.

The words are registered with `app.i18n.words` under keys of their own ("audit:create",
"record:components"), since a table name or an action may be another package's stored value
with another meaning; `action_word`, `record_type` and `source_word` read them, and are the
audit page's filters."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import registered_word
from app.i18n import words

ACTION_WORDS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
}
# One record of each table, as an administrator names it; a table not listed here is shown
# by its name in words ("wanted_requests" → "Wanted requests").
RECORD_TYPES = {
    "api_tokens": _l("API token"),
    "building_access": _l("Building access"),
    "buildings": _l("Building"),
    "component_events": _l("Component event"),
    "component_hazards": _l("Hazardous substance"),
    "component_materials": _l("Material of a component"),
    "components": _l("Component"),
    "event_photos": _l("Event photo"),
    "import_job": _l("Import (bulk write)"),
    "import_runs": _l("Import"),
    "listing_components": _l("Component of a listing"),
    "listing_photos": _l("Listing photo"),
    "listings": _l("Listing"),
    "material_mappings": _l("Material mapping"),
    "materials": _l("Material"),
    "notifications": _l("Notification"),
    "organisations": _l("Organisation"),
    "passport_snapshots": _l("Passport version"),
    "reservation_components": _l("Component of a reservation"),
    "reservations": _l("Reservation"),
    "saved_searches": _l("Saved search"),
    "users": _l("User"),
}
SOURCES = {
    "web": _l("Web page"),
    "api": _l("API"),
    "system": _l("System"),
}

words({f"audit:{action}": text for action, text in ACTION_WORDS.items()})
words({f"record:{table}": text for table, text in RECORD_TYPES.items()})
words({f"source:{source}": text for source, text in SOURCES.items()})


def action_word(action: str | None) -> str:
    """An audit action as people say it: create → Created."""
    return registered_word(f"audit:{action}") or str(action or "")


def record_type(entity: str | None) -> str:
    """The kind of record an audit row names: components → Component."""
    if not entity:
        return ""
    return registered_word(f"record:{entity}") or entity.replace("_", " ").capitalize()


def source_word(source: str | None) -> str:
    """Where a write came from: web → Web page, cli:users create → Command line: users create."""
    if not source:
        return ""
    kind, _sep, name = source.partition(":")
    if kind == "cli" and name:
        return _("Command line: %(command)s", command=name)
    if kind == "job" and name:
        return _("Background job: %(name)s", name=name)
    return registered_word(f"source:{source}") or source
