"""Files on the server's disk, written whole or not at all.

Uploads (event photos, staged imports) go to a temporary file in the destination folder,
are flushed to disk with fsync and renamed into place with os.replace, so a reader never
finds half a file under the real name. When the disk refuses the write (full, over quota,
read-only) the temporary file is deleted and the caller gets `InsufficientStorage`, a 507
that says so plainly; the request's database work is then rolled back like any refused
action's.
"""

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from app.errors import ServiceError

# The disk cannot take the data: full, over quota, file too large, or mounted read-only.
STORAGE_ERRNOS = frozenset(
    code
    for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None), errno.EFBIG, errno.EROFS)
    if code is not None
)
TEMP_SUFFIX = ".part"


class InsufficientStorage(ServiceError):
    """The server has no room to store an upload (507); nothing was kept."""

    code = 507


def storage_refused(exc: OSError) -> bool:
    """True when the OSError means the disk cannot take more data."""
    return exc.errno in STORAGE_ERRNOS


def insufficient_storage(what: str) -> InsufficientStorage:
    """The 507 for an upload of `what` ("the photo", "the file") that did not fit."""
    return InsufficientStorage(
        f"The server has no room to store {what} right now (its disk is full). "
        "Nothing was saved; please try again later or tell the administrator."
    )


def ensure_folder(path: Path, what: str = "the upload") -> Path:
    """Create `path` (and its parents) if needed; a full or read-only disk is a 507."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if storage_refused(exc):
            raise insufficient_storage(what) from exc
        raise
    return path


def is_temporary(path: Path) -> bool:
    """True for a temporary file of atomic_write (left only if the process was killed)."""
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)


@contextmanager
def atomic_write(target: Path, what: str = "the upload") -> Iterator[BinaryIO]:
    """Yield a binary file to write; on success it becomes `target` in one rename.

    The data goes to a hidden temporary file beside `target`, is fsynced and renamed over
    it, and the folder is fsynced so the rename survives a crash. On any error the
    temporary file is deleted; a full, over-quota or read-only disk becomes
    `InsufficientStorage` (507), other errors propagate unchanged.
    """
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        with open(temp, "xb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        if storage_refused(exc):
            raise insufficient_storage(what) from exc
        raise
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)


def write_bytes(target: Path, data: bytes, what: str = "the upload") -> Path:
    """Write `data` to `target` atomically (see atomic_write)."""
    with atomic_write(target, what) as handle:
        handle.write(data)
    return target


def _fsync_folder(folder: Path) -> None:
    # Best effort: some file systems refuse to open or fsync a directory.
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
