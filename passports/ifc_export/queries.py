"""Reads of the IFC write-back: a building's kept models, and the components an element of
them stands for."""

from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from passports.imports.models import ImportRun
from passports.models import Component


def ifc_runs_query(building_id: int) -> Select:
    """A building's IFC imports, newest first (with or without a kept model)."""
    return (
        select(ImportRun)
        .where(ImportRun.building_id == building_id, ImportRun.kind == "ifc")
        .options(selectinload(ImportRun.user))
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
    )


def latest_model_run(building_id: int) -> ImportRun | None:
    """The building's newest IFC import whose model is kept, if any."""
    return db.session.scalar(
        select(ImportRun)
        .where(
            ImportRun.building_id == building_id,
            ImportRun.kind == "ifc",
            ImportRun.model_file.is_not(None),
        )
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
        .limit(1)
    )


def components_by_guid(building_id: int) -> dict[str, Component]:
    """The building's live components by IFC GUID. Where several share a GUID, the one a
    re-import matches (passports.imports.pipeline.batch: live first, then the oldest);
    archived ones are left out (they are not in the passport)."""
    rows = db.session.scalars(
        select(Component)
        .where(
            Component.building_id == building_id,
            Component.ifc_guid.is_not(None),
            Component.archived_at.is_(None),
        )
        .order_by(Component.id)
    )
    found: dict[str, Component] = {}
    for component in rows:
        found.setdefault(component.ifc_guid, component)
    return found
