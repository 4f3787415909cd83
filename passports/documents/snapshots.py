"""Freezing a building's passport as a snapshot, and comparing two versions of it.

Services flush and never commit. Owners (writers of the building) freeze snapshots; whoever may
read the building may read its snapshots and compare them. Comparing versions of two different
buildings is refused with 422.
"""

from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy import select

from app.errors import Forbidden
from app.errors import ServiceError
from app.extensions import db
from passports.documents.diff import diff_documents
from passports.documents.export import SCHEMA_VERSION
from passports.documents.export import build_document
from passports.documents.export import iso_datetime
from passports.documents.models import PassportSnapshot
from passports.models import Building
from passports.permissions import building_for
from passports.permissions import can_write_building

CURRENT = "current"
MAX_ID = 2**31 - 1  # ids past an integer column cannot exist: 404, not a database error


def freeze_snapshot(building: Building, user, label: str, note: str = "") -> PassportSnapshot:
    """Store the building's passport as it stands now, under a label ("as built", …)."""
    if not can_write_building(user, building):
        raise Forbidden(_("Only the building's owners freeze passport versions."))
    document = build_document(building)
    summary = document["summary"]
    snapshot = PassportSnapshot(
        building_id=building.id,
        label=label.strip(),
        note=note.strip(),
        created_by_id=user.id,
        schema_version=SCHEMA_VERSION,
        component_count=summary["component_count"],
        total_mass_kg=summary["total_mass_kg"],
        mci=summary["mci"],
        document=document,
    )
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def snapshots_query(building_id: int) -> Select:
    """A building's snapshots, newest first."""
    return (
        select(PassportSnapshot)
        .where(PassportSnapshot.building_id == building_id)
        .order_by(PassportSnapshot.created_at.desc(), PassportSnapshot.id.desc())
    )


def snapshot_for(user, snapshot_id: int) -> PassportSnapshot:
    """A snapshot of a building the user may read (404 otherwise)."""
    in_range = isinstance(snapshot_id, int) and 0 < snapshot_id <= MAX_ID
    snapshot = db.session.get(PassportSnapshot, snapshot_id) if in_range else None
    if snapshot is None:
        raise ServiceError(_("No such passport version."), code=404)
    building_for(user, snapshot.building_id)
    return snapshot


def version_meta(snapshot: PassportSnapshot | None, building: Building) -> dict:
    """What a comparison says about one side: a snapshot, or the current passport."""
    if snapshot is None:
        return {
            "id": None,
            "label": _("Current passport"),
            "created_at": None,
            "building_id": building.id,
        }
    return {
        "id": snapshot.id,
        "label": snapshot.label,
        "created_at": iso_datetime(snapshot.created_at),
        "building_id": snapshot.building_id,
    }


def _side(user, ref, building: Building | None):
    if ref == CURRENT:
        if building is None:
            raise ServiceError(
                _("Compare the current passport with a snapshot, not with itself."),
                code=422,
                errors={"to": [_("Name a snapshot on at least one side.")]},
            )
        return None, building, build_document(building)
    snapshot = snapshot_for(user, ref)
    return snapshot, snapshot.building, snapshot.document


def compare_versions(user, before_ref: int, after_ref: int | str) -> dict:
    """The difference between two snapshots, or a snapshot and the current passport
    (`after_ref` = "current"). Versions of different buildings: 422."""
    before, before_building, before_doc = _side(user, before_ref, None)
    after, after_building, after_doc = _side(user, after_ref, before_building)
    if before_building.id != after_building.id:
        raise ServiceError(
            _("These passport versions are of different buildings and cannot be compared."),
            code=422,
            errors={
                "to": [
                    _(
                        "Version %(version)s is not of building %(building)s.",
                        version=after_ref,
                        building=before_building.id,
                    )
                ]
            },
        )
    diff = diff_documents(before_doc, after_doc)
    return {
        "building_id": before_building.id,
        "from": version_meta(before, before_building),
        "to": version_meta(after, after_building),
        **diff,
    }
