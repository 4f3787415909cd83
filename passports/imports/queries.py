"""Reads of the import feature: past imports of a building, an organisation's mappings."""

from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import Forbidden
from app.extensions import db
from passports.imports.models import ImportRun
from passports.imports.models import MaterialMapping
from passports.models import Material


def runs_query(building_id: int) -> Select:
    """A building's committed imports, newest first."""
    return (
        select(ImportRun)
        .where(ImportRun.building_id == building_id)
        .options(selectinload(ImportRun.user))
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
    )


def mappings_query(organisation_id: int) -> Select:
    """An organisation's remembered material names, alphabetical."""
    return (
        select(MaterialMapping)
        .where(MaterialMapping.organisation_id == organisation_id)
        .options(selectinload(MaterialMapping.material))
        .order_by(MaterialMapping.source_key)
    )


def mapping_organisation(user, requested: int | None) -> int:
    """The organisation whose mappings the user works on: their own; admins may pick any."""
    if user.role not in ("owner", "admin"):
        raise Forbidden(_("Only owners and admins keep material mappings."))
    if requested is None or requested == user.organisation_id:
        return user.organisation_id
    if user.role != "admin":
        raise Forbidden(_("You may only see your own organisation's mappings."))
    return requested


def mapping_for(user, mapping_id: int) -> MaterialMapping | None:
    """A mapping the user may change, or None."""
    mapping = db.session.get(MaterialMapping, mapping_id)
    if mapping is None or user.role not in ("owner", "admin"):
        return None
    if user.role != "admin" and mapping.organisation_id != user.organisation_id:
        return None
    return mapping


def material_choices() -> list[Material]:
    """The library, by family and name, for the mapping drop-downs."""
    return list(db.session.scalars(select(Material).order_by(Material.family, Material.name)))
