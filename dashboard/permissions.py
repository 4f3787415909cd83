"""Who sees which dashboard.

- A city's dashboard shows aggregates only (totals, mass by family and by lifecycle status, CO2
  avoided, activity per month): any logged-in user, of any role, may see any city's. Its list
  of buildings holds only those the user may read anyway (passports.permissions); the others
  are counted, never named, since a passport's existence is private to those who may read it.
- An organisation's dashboard names its buildings: members of the organisation (any role) see
  their own; admins may open any organisation's. Anyone else gets 404, as for a passport.
"""

from flask import abort

from app.auth.models import Organisation
from app.extensions import db


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
