"""The staging area: an uploaded file kept on the server between preview and confirmation.

Each upload gets a folder named by a random id (128 bits) under `<UPLOAD_DIR>/imports`,
holding the file, `meta.json` (who uploaded it, for which building, when it expires) and
`state.json` (the background job's phase, progress and report). A stage is only ever found
again for the same user and building, before it expires; the browser never carries the data.
State files are replaced atomically, so a reader never sees half of one.
"""

import contextlib
import json
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app import jobs
from app.storage import ensure_folder
from app.storage import insufficient_storage
from app.storage import storage_refused
from app.storage import write_bytes
from passports.imports.files import StoredFile
from passports.imports.files import store_upload
from passports.photos import upload_dir

_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
# A job whose state has not moved for this long died with its worker.
STALE_SECONDS = 15 * 60


def staging_root() -> Path:
    """The folder of all stages, created on first use."""
    return ensure_folder(upload_dir() / "imports", "the file")


@contextlib.contextmanager
def scratch_folder(prefix: str = "api-") -> Iterator[Path]:
    """A temporary folder in the staging area, removed afterwards (a full disk is a 507)."""
    root = staging_root()
    try:
        folder = tempfile.mkdtemp(dir=root, prefix=prefix)
    except OSError as exc:
        if storage_refused(exc):
            raise insufficient_storage("the file") from exc
        raise
    try:
        yield Path(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_json(path: Path, data: dict) -> None:
    write_bytes(path, json.dumps(data, default=str).encode("utf-8"), "the file")


@dataclass
class Stage:
    """One staged upload and its job state."""

    id: str
    path: Path
    meta: dict

    @property
    def file(self) -> StoredFile:
        """The staged file as the importer reads it."""
        m = self.meta
        return StoredFile(self.path / "upload", m["filename"], m["kind"], m["size"], m["sha256"])

    def state(self) -> dict:
        """The job's last written state; a job that stopped moving is reported as failed."""
        try:
            state = json.loads((self.path / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {"status": "new"}
        if state.get("status") == "running" and state.get("job_id"):
            # The job's process may have died under it (app.jobs records that, not the stage).
            job = jobs.state(state["job_id"]) or {}
            if job.get("status") == "failed":
                state.update(
                    status="failed",
                    message=job.get("message") or _("The import stopped unexpectedly; try again."),
                )
                return state
        if state.get("status") == "running" and time.time() - state.get("at", 0) > STALE_SECONDS:
            state.update(status="failed", message=_("The import stopped unexpectedly; try again."))
        return state

    def save_state(self, **state) -> dict:
        """Replace the job state (status, phase, done, total, report, message …)."""
        state["at"] = time.time()
        # The stage may have been discarded or swept meanwhile: nobody will read this state.
        with contextlib.suppress(FileNotFoundError):
            _write_json(self.path / "state.json", state)
        return state

    def claim(self, name: str) -> bool:
        """Take the right to run the job `name` exactly once, even with racing requests."""
        try:
            fd = os.open(self.path / f".{name}.lock", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return False
        os.close(fd)
        return True

    def remove(self) -> None:
        """Delete the stage and its file."""
        shutil.rmtree(self.path, ignore_errors=True)


def create_stage(stream, filename: str, user_id: int | None, building_id: int) -> Stage:
    """Store an upload under a fresh id; the file is checked (type, size, zip) on the way."""
    sweep_expired()
    stage_id = secrets.token_urlsafe(16)
    path = staging_root() / stage_id
    try:
        path.mkdir(mode=0o700)
    except OSError as exc:
        if storage_refused(exc):
            raise insufficient_storage("the file") from exc
        raise
    try:
        stored = store_upload(stream, filename, path / "upload")
        hours = float(current_app.config.get("IMPORT_STAGING_HOURS", 24))
        meta = {
            "user_id": user_id,
            "building_id": building_id,
            "filename": stored.filename,
            "kind": stored.kind,
            "size": stored.size,
            "sha256": stored.sha256,
            "created": time.time(),
            "expires": time.time() + hours * 3600,
        }
        _write_json(path / "meta.json", meta)
        stage = Stage(stage_id, path, meta)
        stage.save_state(status="new", generation=0)
    except Exception:
        # Nothing half-staged stays behind: a refused or unstorable upload leaves no folder.
        shutil.rmtree(path, ignore_errors=True)
        raise
    return stage


def find_stage(stage_id: str, user_id: int | None, building_id: int) -> Stage | None:
    """The stage with this id, if it belongs to this user and building and has not expired."""
    if not stage_id or len(stage_id) > 64 or not set(stage_id) <= _ID_CHARS:
        return None
    path = staging_root() / stage_id
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id or meta.get("building_id") != building_id:
        return None
    if meta.get("expires", 0) < time.time():
        shutil.rmtree(path, ignore_errors=True)
        return None
    return Stage(stage_id, path, meta)


def stage_by_id(stage_id: str) -> Stage | None:
    """The stage with this id whoever it belongs to (for its job, which runs on a worker)."""
    if not stage_id or len(stage_id) > 64 or not set(stage_id) <= _ID_CHARS:
        return None
    path = staging_root() / stage_id
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Stage(stage_id, path, meta)


def sweep_expired() -> int:
    """Remove expired stages; called on every upload, so the area cleans itself."""
    removed = 0
    now = time.time()
    for path in staging_root().iterdir():
        try:
            meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
            expired = meta.get("expires", 0) < now
        except (OSError, ValueError):
            # A folder without readable meta is left over from a failed upload.
            expired = path.is_dir() and now - path.stat().st_mtime > 3600
        if expired:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed
