"""Files on the server's disk: where uploads live, and writes that never leave a partial file.

Uploads go to UPLOAD_DIR, or <instance>/uploads when it is not set. Every write goes to a
temporary file in the destination folder, is flushed to disk, then renamed into place, so a
reader sees the whole file or none. When the disk is full (or over quota, or read-only), the
temporary file is removed and the caller gets a 507 Insufficient Storage it can show as is.
"""

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from app.errors import ServiceError

# Errors that mean "the disk cannot take this", as opposed to a bug or a wrong path.
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG}


def upload_root() -> Path:
    """The configured upload folder (not created here)."""
    configured = current_app.config.get("UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def storage_refused(exc: OSError) -> bool:
    """True when an OSError says the disk has no room or takes no writes."""
    return exc.errno in _NO_ROOM


def _no_room_message(what: str) -> str:
    """The 507 message for what could not be stored, a whole sentence per thing."""
    if what == "the photo":
        return _(
            "The server has no room to store the photo right now; nothing was kept. "
            "Try again later or tell the administrator."
        )
    if what == "the file":
        return _(
            "The server has no room to store the file right now; nothing was kept. "
            "Try again later or tell the administrator."
        )
    return _(
        "The server has no room to store the upload right now; nothing was kept. "
        "Try again later or tell the administrator."
    )


def insufficient_storage(what: str = "the upload") -> ServiceError:
    """The 507 error for a write the disk refused; `what` is "the photo", "the file" or "the
    upload" (each has its own sentence in the catalogue)."""
    return ServiceError(_no_room_message(what), code=507)


def ensure_folder(path: Path, what: str = "the upload") -> Path:
    """Create the folder if needed; a full or read-only disk is a 507."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if storage_refused(exc):
            raise insufficient_storage(what) from exc
        raise
    return path


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry of a renamed file, so a crash cannot lose the rename."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def atomic_write(target: Path, what: str = "the upload") -> Iterator[BinaryIO]:
    """Yield a file to write; on success it replaces `target`, on any failure it is removed."""
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        with open(temp, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
        _sync_folder(target.parent)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        if storage_refused(exc):
            raise insufficient_storage(what) from exc
        raise
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bytes(target: Path, data: bytes, what: str = "the upload") -> Path:
    """Write the bytes atomically to `target` and return it."""
    with atomic_write(target, what) as handle:
        handle.write(data)
    return target
