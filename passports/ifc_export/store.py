"""Keeping the IFC model of a committed import, so the building page can hand it back.

Models live under `<UPLOAD_DIR>/ifc-models/<sha256>.ifc`: named by the SHA-256 of their bytes,
so the same model imported twice (or into two buildings) is kept once, and a name says nothing
of the client's file name. The folder is under the upload folder, so `flask backup create`
copies it with the photos and restores it with them. The file is written before the import's
transaction commits; when that rolls back, the file stays behind unreferenced and is simply
reused by the next import of the same model.
"""

import re
import shutil
from pathlib import Path

from app.storage import atomic_write
from app.storage import ensure_folder
from passports.imports.files import StoredFile
from passports.photos import upload_dir

FOLDER = "ifc-models"
_NAME = re.compile(r"^ifc-models/[0-9a-f]{64}\.ifc$")


def models_folder() -> Path:
    """The folder of kept models, created on first use."""
    return ensure_folder(upload_dir() / FOLDER, "the file")


def keep_model(stored: StoredFile) -> str:
    """Copy an imported IFC file into the model store; its name relative to the upload folder."""
    name = f"{FOLDER}/{stored.sha256}.ifc"
    target = models_folder() / f"{stored.sha256}.ifc"
    if target.exists() and target.stat().st_size == stored.size:
        return name
    with stored.path.open("rb") as source, atomic_write(target, "the file") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    return name


def model_path(model_file: str | None) -> Path | None:
    """The kept model on disk, or None when there is none (never a path outside the store)."""
    if not model_file or not _NAME.match(model_file):
        return None
    path = upload_dir() / model_file
    return path if path.is_file() else None
