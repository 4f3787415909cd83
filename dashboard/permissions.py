"""Who sees which dashboard.

- A city's dashboard shows aggregates only (totals, mass by family and by lifecycle status, CO2
  avoided, activity per month), and only where they cannot be traced back to one owner: at
  least CITY_MIN_BUILDINGS buildings with passports, of at least CITY_MIN_ORGANISATIONS
  organisations. Such a city is open to any logged-in user. In any other city a user sees only
  their own organisation's part (admins see everything); a city where they have no building is
  neither listed nor opened (404), so the list never reveals that a private building exists.
  The list of buildings holds only those the user may read anyway (passports.permissions); the
  others are counted, never named, since a passport's existence is private.
- An organisation's dashboard names its buildings: members of the organisation (any role) see
  their own; admins may open any organisation's. Anyone else gets 404, as for a passport.
"""

from flask import abort
from flask import current_app
from sqlalchemy import ColumnElement

from app.auth.models import Organisation
from app.extensions import db
from passports.models import Building


def organisation_for(user, organisation_id: int | None = None) -> Organisation:
    """The organisation whose dashboard the user asked for (their own by default), or 404."""
    if organisation_id is None or organisation_id == user.organisation_id:
        return user.organisation
    if user.role != "admin":
        abort(404)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def city_is_open(buildings: int, organisations: int) -> bool:
    """True when a city's aggregates hide each owner: enough buildings of enough organisations."""
    config = current_app.config
    return (
        buildings >= config["CITY_MIN_BUILDINGS"]
        and organisations >= config["CITY_MIN_ORGANISATIONS"]
    )


def sees_whole_city(user, is_open: bool) -> bool:
    """True when the user sees all of a city's figures, not only their organisation's part."""
    return is_open or user.role == "admin"


def own_part(user) -> ColumnElement[bool]:
    """SQL condition on Building: the user's own part of a city they may not see whole."""
    return Building.organisation_id == user.organisation_id
