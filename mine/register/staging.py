"""Register uploads kept on the server between the preview and the commit.

Each upload gets a folder named by a random id under `<UPLOAD_DIR>/register-imports` with the
file and `meta.json`: who uploaded it, for which organisation, its kind, when it expires, and
the jobs run on it (preview, commit) with their last report. A stage is found again only by
the user who uploaded it, before it expires. The browser never carries the data.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app.storage import atomic_write
from app.storage import ensure_folder
from app.storage import write_bytes
from mine.register.files import kind_of
from passports.imports.files import ImportRejected
from passports.imports.files import sniff
from passports.photos import upload_dir

_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
#: A city-wide register (100,000 buildings) is about 12 MB as CSV, several times that as
#: GeoJSON with footprints; the limit is configurable (MAX_REGISTER_BYTES).
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / 1048576:g} MB"


def max_bytes() -> int:
    return int(current_app.config.get("MAX_REGISTER_BYTES", DEFAULT_MAX_BYTES))


def staging_root() -> Path:
    return ensure_folder(upload_dir() / "register-imports", "the file")


@dataclass
class Stage:
    id: str
    path: Path
    meta: dict

    @property
    def file(self) -> Path:
        return self.path / "upload"

    def save(self, **changes) -> None:
        """Merge `changes` into the meta on disk (a job and a request may both write it)."""
        with contextlib.suppress(OSError, ValueError):
            self.meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
        self.meta.update(changes)
        write_bytes(
            self.path / "meta.json", json.dumps(self.meta, default=str).encode(), "the file"
        )

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def store(stream, target: Path) -> tuple[int, str]:
    """Copy an upload to `target`, refusing it beyond the limit or when it is not a CSV or
    GeoJSON text file; (size, kind)."""
    limit = max_bytes()
    size = 0
    with atomic_write(target, "the file") as out:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    try:
        if size > limit:
            raise ImportRejected(
                _("Register files may be up to %(limit)s.", limit=_megabytes(limit)),
                code=413,
            )
        with target.open("rb") as handle:
            head = handle.read(64 * 1024)
        if sniff(head, target) != "csv":
            raise ImportRejected(
                _("A register is a CSV file or a GeoJSON FeatureCollection."), code=415
            )
    except ImportRejected:
        target.unlink(missing_ok=True)
        raise
    return size, kind_of(target)


def create_stage(stream, filename: str, user_id: int | None, organisation_id: int) -> Stage:
    """Store an upload under a fresh id for this user and organisation."""
    sweep_expired()
    stage_id = secrets.token_urlsafe(16)
    path = staging_root() / stage_id
    path.mkdir(mode=0o700)
    try:
        size, kind = store(stream, path / "upload")
        hours = float(current_app.config.get("IMPORT_STAGING_HOURS", 24))
        stage = Stage(stage_id, path, {})
        name = Path((filename or "register").replace("\\", "/")).name[:255] or "register"
        stage.save(
            user_id=user_id,
            organisation_id=organisation_id,
            filename=name,
            kind=kind,
            size=size,
            created=time.time(),
            expires=time.time() + hours * 3600,
            jobs={},
        )
    except Exception:
        shutil.rmtree(path, ignore_errors=True)
        raise
    return stage


def find_stage(stage_id: str, user_id: int | None) -> Stage | None:
    """The stage with this id if this user uploaded it and it has not expired."""
    if not stage_id or len(stage_id) > 64 or not set(stage_id) <= _ID_CHARS:
        return None
    path = staging_root() / stage_id
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id:
        return None
    if meta.get("expires", 0) < time.time():
        shutil.rmtree(path, ignore_errors=True)
        return None
    return Stage(stage_id, path, meta)


def sweep_expired() -> None:
    now = time.time()
    for path in staging_root().iterdir():
        try:
            expired = json.loads((path / "meta.json").read_text("utf-8")).get("expires", 0) < now
        except (OSError, ValueError):
            expired = path.is_dir() and now - path.stat().st_mtime > 3600
        if expired:
            shutil.rmtree(path, ignore_errors=True)
