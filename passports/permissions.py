"""Who may read and write a building's passport. Defined once, used by pages and the API.

- admin: everything;
- owner: reads and writes the buildings of their own organisation;
- contractor (and owner of another organisation): reads a building only through an active grant;
- buyer: no private passport data of others; reads (never writes) their own organisation's
  buildings, where collected materials arrive.
Reading what one may not see answers 404 (existence is private); writing what one may read
but not change answers 403.
"""

from datetime import date

from flask import abort
from sqlalchemy import ColumnElement
from sqlalchemy import exists
from sqlalchemy import false
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true

from app.errors import Forbidden
from app.extensions import db
from passports.models import Building
from passports.models import BuildingAccess
from passports.models import Component

GRANTEE_ROLES = ("owner", "contractor")


def _active_grant(user) -> ColumnElement[bool]:
    today = date.today()
    return exists(
        select(BuildingAccess.id).where(
            BuildingAccess.building_id == Building.id,
            BuildingAccess.organisation_id == user.organisation_id,
            BuildingAccess.revoked_at.is_(None),
            or_(BuildingAccess.expires_on.is_(None), BuildingAccess.expires_on >= today),
        )
    )


def readable_buildings(user) -> ColumnElement[bool]:
    """SQL condition selecting the buildings this user may read."""
    if not getattr(user, "is_authenticated", False):
        return false()
    if user.role == "admin":
        return true()
    if user.role == "owner":
        return or_(Building.organisation_id == user.organisation_id, _active_grant(user))
    if user.role == "contractor":
        return _active_grant(user)
    if user.role == "buyer":
        return Building.organisation_id == user.organisation_id
    return false()


def can_read_building(user, building: Building) -> bool:
    """True when the user may see this building's passport."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == "admin" or (
        user.role in ("owner", "buyer") and building.organisation_id == user.organisation_id
    ):
        return True
    if user.role not in GRANTEE_ROLES:
        return False
    today = date.today()
    return any(
        g.organisation_id == user.organisation_id and g.is_active_on(today) for g in building.grants
    )


def can_write_building(user, building: Building) -> bool:
    """True when the user may change this building, its components and its grants."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == "admin" or (
        user.role == "owner" and building.organisation_id == user.organisation_id
    )


def can_create_building(user) -> bool:
    """Owners and admins register buildings."""
    return getattr(user, "is_authenticated", False) and user.role in ("owner", "admin")


def building_for(user, building_id: int, *, write: bool = False) -> Building:
    """Load a building the user may read (404 otherwise), and may write when asked (403)."""
    building = db.session.get(Building, building_id)
    if building is None or not can_read_building(user, building):
        abort(404)
    if write and not can_write_building(user, building):
        raise Forbidden("You may read this building but not change it.")
    return building


def component_for(user, component_id: int, *, write: bool = False) -> Component:
    """Load a component through its building's permissions."""
    component = db.session.get(Component, component_id)
    if component is None:
        abort(404)
    building_for(user, component.building_id, write=write)
    return component


def can_record_events(user, building: Building) -> bool:
    """Owners of the building and contractors with an active grant log what happens on site."""
    return can_read_building(user, building) and user.role in ("admin", "owner", "contractor")
