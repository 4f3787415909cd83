"""Writes of the import feature: running an import, and saving material mappings.

`run_import` is the one pipeline behind the pages, the API and the CLI (see pipeline/): every
row is validated with ComponentCreateSchema, the same rules as a component registered by hand,
and written with the component services' own bulk path (same mass derivation, same tags). Like
every service it flushes and never commits; the caller rolls back when the report has errors.
"""

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from app.errors import UnknownReference
from app.extensions import db
from passports.imports.files import ImportRejected
from passports.imports.files import StoredFile
from passports.imports.matching import material_key
from passports.imports.models import MaterialMapping
from passports.imports.pipeline import Pipeline
from passports.imports.pipeline import Progress
from passports.imports.report import ImportReport
from passports.models import Building
from passports.models import Material


def run_import(
    building: Building,
    stored: StoredFile,
    *,
    user=None,
    dry_run: bool = True,
    progress: Progress | None = None,
    duplicates: str | None = None,
) -> ImportReport:
    """Read, check and (unless a dry run) write a file's components into a building.

    `duplicates` says what spreadsheet rows without a key that look like components already in
    the building are: "update" them, "add" new ones, or None (added, and the report asks).
    Flushes only. When the report has errors the caller must roll back: nothing of a failed
    import may stay.
    """
    # The API passes Flask-Login's proxy; relationships and events need the user itself.
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    if building.archived_at is not None:
        raise ImportRejected(_("The building is archived; restore it before importing into it."))
    return Pipeline(building, stored, user, dry_run, progress, duplicates).run()


def save_mapping(organisation_id: int, source_name: str, material_id: int, user=None):
    """Remember that a source name means a library material, for the whole organisation."""
    name = str(source_name).strip()[:200]
    key = material_key(name)
    if not key:
        raise ValidationError({"source_name": [_("Give the name as it appears in the file.")]})
    if db.session.get(Material, material_id) is None:
        raise UnknownReference({"material_id": [_("Unknown material %(id)s.", id=material_id)]})
    mapping = db.session.scalar(
        select(MaterialMapping).where(
            MaterialMapping.organisation_id == organisation_id, MaterialMapping.source_key == key
        )
    )
    if mapping is None:
        mapping = MaterialMapping(
            organisation_id=organisation_id,
            source_key=key,
            source_name=name,
            created_by_id=getattr(user, "id", None),
        )
        db.session.add(mapping)
    mapping.material_id = material_id
    db.session.flush()
    return mapping


def update_mapping(mapping: MaterialMapping, material_id: int) -> MaterialMapping:
    """Point a remembered name at another material."""
    if db.session.get(Material, material_id) is None:
        raise UnknownReference({"material_id": [_("Unknown material %(id)s.", id=material_id)]})
    mapping.material_id = material_id
    db.session.flush()
    return mapping


def delete_mapping(mapping: MaterialMapping) -> None:
    """Forget a remembered name; the next import asks again."""
    db.session.delete(mapping)
    db.session.flush()
