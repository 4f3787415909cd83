"""Writes to buildings and their access grants."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from app.auth.models import Organisation
from app.errors import ConflictingInput
from app.errors import Forbidden
from app.errors import UnknownReference
from app.extensions import db
from app.models import stamp_once
from app.models import utcnow
from passports.models import Building
from passports.models import BuildingAccess
from passports.signals import building_saved
from passports.signals import building_status_changed


def register_building(user, data: dict) -> Building:
    """Create a building for the user's organisation (admins may name another)."""
    data = dict(data)
    org_id = data.pop("organisation_id", None)
    if org_id is not None and user.role != "admin" and org_id != user.organisation_id:
        raise Forbidden(_("You can only register buildings for your own organisation."))
    org_id = org_id or user.organisation_id
    if db.session.get(Organisation, org_id) is None:
        raise UnknownReference({"organisation_id": [_("Unknown organisation.")]})
    building = Building(organisation_id=org_id)
    _apply_building(building, data)
    db.session.add(building)
    db.session.flush()
    building_status_changed.send(building, before=None)
    building_saved.send(building)
    return building


def update_building(building: Building, data: dict) -> Building:
    """Edit a building's fields."""
    data = dict(data)
    if "organisation_id" in data:
        raise ValidationError({"organisation_id": [_("Ownership cannot be changed here.")]})
    before = building.status
    _apply_building(building, data)
    db.session.flush()
    if building.status != before:
        building_status_changed.send(building, before=before)
    building_saved.send(building)
    return building


PLANNED_STATUSES = ("renovation_planned", "demolition_planned")
PLANNED_DATE_NEEDED = _l("A planned status needs a planned date.")


def _apply_building(building: Building, data: dict) -> None:
    for key, value in data.items():
        setattr(building, key, value)
    if (building.latitude is None) != (building.longitude is None):
        # The request alone was checked by the schema: an edit meets a stored coordinate.
        raise ConflictingInput({"latitude": [_("Give latitude and longitude together.")]})
    if building.status in PLANNED_STATUSES and not building.planned_date:
        # The request alone was checked by the schema: an edit meets the stored status/date.
        raise ConflictingInput({"planned_date": [str(PLANNED_DATE_NEEDED)]})


def archive_building(building: Building) -> Building:
    """Hide a building from lists; its passport and history stay intact."""
    return stamp_once(building, "archived_at")


def restore_building(building: Building) -> Building:
    """Bring an archived building back."""
    building.archived_at = None
    db.session.flush()
    return building


def grant_access(
    building: Building, organisation_id: int, granted_by, expires_on: date | None = None
) -> BuildingAccess:
    """Let another organisation (a contractor, usually) read this building's passport."""
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        raise UnknownReference({"organisation_id": [_("Unknown organisation.")]})
    if org.id == building.organisation_id:
        raise ConflictingInput({"organisation_id": [_("The owner already has access.")]})
    if expires_on is not None and expires_on < date.today():
        raise ValidationError({"expires_on": [_("The expiry date is in the past.")]})
    grant = db.session.scalar(
        select(BuildingAccess).where(
            BuildingAccess.building_id == building.id, BuildingAccess.organisation_id == org.id
        )
    )
    if grant is None:
        grant = BuildingAccess(building=building, organisation=org)
        db.session.add(grant)
    grant.granted_by = granted_by
    grant.expires_on = expires_on
    grant.revoked_at = None
    grant.created_at = utcnow()
    db.session.flush()
    return grant


def revoke_access(grant: BuildingAccess) -> BuildingAccess:
    """End a grant at once."""
    return stamp_once(grant, "revoked_at")
