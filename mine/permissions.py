"""Who may import and read a city's building register. Defined once, used by pages and the API.

- admin: imports for any organisation and reads every register;
- owner: imports its own organisation's register;
- every member of an organisation (owner, contractor, buyer) reads its register;
- nobody else sees it: register buildings are private to their organisation (404).
Reading what one may not see answers 404; importing into a register one may read but not
change answers 403.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement
from sqlalchemy import false
from sqlalchemy import true
from werkzeug.exceptions import NotFound

from app.auth.models import Organisation
from app.errors import Forbidden
from app.extensions import db
from mine.models import RegisterBuilding


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_read_register(user, organisation_id: int) -> bool:
    """Members of the organisation and admins."""
    return _authenticated(user) and (
        user.role == "admin" or user.organisation_id == organisation_id
    )


def can_import_register(user, organisation_id: int) -> bool:
    """Admins for any organisation, owners for their own."""
    return _authenticated(user) and (
        user.role == "admin" or (user.role == "owner" and user.organisation_id == organisation_id)
    )


def may_import_any(user) -> bool:
    """True when the user may import some register (shows the link in the navigation)."""
    return _authenticated(user) and user.role in ("admin", "owner")


def readable_register(user) -> ColumnElement[bool]:
    """SQL condition on RegisterBuilding: the entries the user may read."""
    if not _authenticated(user):
        return false()
    if user.role == "admin":
        return true()
    return RegisterBuilding.organisation_id == user.organisation_id


def register_organisation(user, organisation_id: int, *, write: bool = False) -> Organisation:
    """The organisation whose register the user reads (or imports into, `write`); 404 when
    the user may not read it, 403 when they may read but not import."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not can_read_register(user, organisation_id):
        raise NotFound(_("No such register."))
    if write and not can_import_register(user, organisation_id):
        raise Forbidden(_("Only the organisation's owners and administrators import its register."))
    return organisation


def register_building_for(user, building_id: int) -> RegisterBuilding:
    """One register entry the user may read, else 404."""
    entry = db.session.get(RegisterBuilding, building_id)
    if entry is None or not can_read_register(user, entry.organisation_id):
        raise NotFound(_("No such register building."))
    return entry
