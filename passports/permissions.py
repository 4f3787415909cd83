"""Who may read and write a building's passport. Defined once, used by pages and the API.

- admin: everything;
- owner: reads and writes the buildings of their own organisation;
- contractor (and owner of another organisation): reads a building only through an active grant;
- buyer: no private passport data of others; reads (never writes) their own organisation's
  buildings, where collected materials arrive.
Reading what one may not see answers 404 (existence is private); writing what one may read
but not change answers 403. The 404 says that the building exists but is another
organisation's only to a user who may know it exists anyway (`may_know_building`).
"""

from datetime import date

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import ColumnElement
from sqlalchemy import exists
from sqlalchemy import false
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from werkzeug.exceptions import NotFound

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


# Other packages that make a building known beyond its owners (the exchange, which names the
# origin building of a published lot) register a check here: check(user, building) -> bool.
_KNOWN_BY = "passports.building_known_by"
# Components in these statuses are on the exchange, where their building is named.
_ON_THE_EXCHANGE = ("listed", "reserved")


def on_building_known(app, check) -> None:
    """Register `check(user, building) -> bool`: True when the package shows this building to
    the user (so a refusal may say that it exists)."""
    app.extensions.setdefault(_KNOWN_BY, []).append(check)


def may_know_building(user, building: Building) -> bool:
    """True when the user may know that this building exists though they cannot open it: it
    is their own organisation's, their organisation once had access to it, its components are
    offered on the exchange, or another package shows it to them."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == "admin" or building.organisation_id == user.organisation_id:
        return True
    if any(g.organisation_id == user.organisation_id for g in building.grants):
        return True
    offered = db.session.scalar(
        select(Component.id)
        .where(
            Component.building_id == building.id,
            Component.archived_at.is_(None),
            Component.status.in_(_ON_THE_EXCHANGE),
        )
        .limit(1)
    )
    if offered is not None:
        return True
    return any(check(user, building) for check in current_app.extensions.get(_KNOWN_BY, ()))


class BuildingNotFound(NotFound):
    """404 for a building (or a component of one) the user may not open. `building` is set
    only when the user may know that it exists (see `may_know_building`); otherwise the answer
    reads as for any missing building, so it discloses nothing."""

    def __init__(
        self,
        building: Building | None = None,
        *,
        own: bool = False,
        access_ended=None,
        component: bool = False,
    ):
        self.building = building
        self.own = own
        self.access_ended = access_ended
        self.component = component
        super().__init__(self.message())

    def message(self) -> str:
        """Why the page cannot be shown, in the reader's language."""
        if self.building is None:
            if self.component:
                return _(
                    "There is no component at this address that you can open. The link may "
                    "be mistyped, or the component may have been removed."
                )
            return _(
                "There is no building at this address that you can open. The link may be "
                "mistyped, or the building may have been removed."
            )
        if self.own:
            return _(
                "This building belongs to your organisation, but your role does not open its "
                "passport: contractors read a passport through an access grant."
            )
        if self.access_ended:
            return _(
                "This building belongs to another organisation. Your organisation's access "
                "to its passport ended on %(date)s; ask its owner to grant it again.",
                date=format_date(self.access_ended),
            )
        return _(
            "This building belongs to another organisation: its passport is open to its "
            "owners and to the organisations they grant access."
        )


def _not_found(user, building: Building | None, *, component: bool = False) -> BuildingNotFound:
    if building is None or not may_know_building(user, building):
        return BuildingNotFound(component=component)
    if building.organisation_id == user.organisation_id:
        return BuildingNotFound(building, own=True, component=component)
    today = date.today()
    ended = [
        g.revoked_at.date() if g.revoked_at else g.expires_on
        for g in building.grants
        if g.organisation_id == user.organisation_id and not g.is_active_on(today)
    ]
    return BuildingNotFound(
        building, access_ended=max((d for d in ended if d), default=None), component=component
    )


def building_for(user, building_id: int, *, write: bool = False) -> Building:
    """Load a building the user may read (404 otherwise), and may write when asked (403)."""
    building = db.session.get(Building, building_id)
    if building is None or not can_read_building(user, building):
        raise _not_found(user, building)
    if write and not can_write_building(user, building):
        raise Forbidden(_("You may read this building but not change it."))
    return building


def component_for(user, component_id: int, *, write: bool = False) -> Component:
    """Load a component through its building's permissions."""
    component = db.session.get(Component, component_id)
    if component is None:
        raise _not_found(user, None, component=True)
    building = component.building
    if not can_read_building(user, building):
        raise _not_found(user, building, component=True)
    building_for(user, component.building_id, write=write)
    return component


# ------------------------------------------------------------------ passports on offer
# Other packages that offer components to everyone (the exchange, while a lot is published)
# register an SQL condition on Component here: condition() -> ColumnElement[bool]. Such a
# passport is readable by any logged-in user, in the reduced view: without the owner's
# private notes (event notes, hazard and clearance notes), event photos, the names of the
# people who recorded events, and the building's documents.
_OFFERED = "passports.offered_conditions"


def on_offered(app, condition) -> None:
    """Register `condition() -> ColumnElement[bool]`, an SQL condition on Component that is
    true while another package offers the component to every logged-in user."""
    app.extensions.setdefault(_OFFERED, []).append(condition)


def offered_conditions() -> tuple:
    """The functions the app's packages registered with `on_offered`."""
    return tuple(current_app.extensions.get(_OFFERED, ()))


def offered_components() -> ColumnElement[bool]:
    """SQL condition on Component: some package offers it (its passport is readable, reduced,
    by any logged-in user)."""
    conditions = [condition() for condition in offered_conditions()]
    return or_(*conditions) if conditions else false()


def readable_components(user) -> ColumnElement[bool]:
    """SQL condition on Component: the user may read its passport, in full (its building is
    readable) or reduced (it is offered)."""
    if not getattr(user, "is_authenticated", False):
        return false()
    return or_(
        Component.building_id.in_(select(Building.id).where(readable_buildings(user))),
        offered_components(),
    )


def is_offered(component: Component) -> bool:
    """True while some package offers this component to every logged-in user."""
    return (
        db.session.scalar(
            select(Component.id).where(Component.id == component.id, offered_components())
        )
        is not None
    )


def passport_for(user, component_id: int) -> tuple[Component, bool]:
    """A component whose passport the user may read, and whether in full: (component, True)
    through its building's permissions, (component, False) for the reduced view of an offered
    component; 404 otherwise (as `component_for`)."""
    component = db.session.get(Component, component_id)
    if component is None:
        raise _not_found(user, None, component=True)
    if can_read_building(user, component.building):
        return component, True
    if getattr(user, "is_authenticated", False) and is_offered(component):
        return component, False
    raise _not_found(user, component.building, component=True)


def can_record_events(user, building: Building) -> bool:
    """Owners of the building and contractors with an active grant log what happens on site."""
    return can_read_building(user, building) and user.role in ("admin", "owner", "contractor")
