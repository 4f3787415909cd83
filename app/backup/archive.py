"""The backup archive: a zip file with a manifest, JSON Lines per table and the uploads.

    manifest.json                 format, format_version, created_at, revision, database,
                                  tables (name, member, columns with their kinds, rows, bytes,
                                  sha256), uploads (directories; files with path, member,
                                  bytes, sha256, mode, mtime) and what was left out as derived
    tables/NNN-<table>.jsonl      one JSON array per row (app.backup.codec), tables in
                                  foreign-key order, rows in primary-key order
    uploads/<path>                every file under UPLOAD_DIR, byte for byte

Zip because its central directory lets a restore read the manifest first and each member on
its own, and because a truncated zip is refused on opening. Members are streamed in and out
(never whole in memory); text is deflated, files that are compressed already are stored.
The archive is written under a temporary name and renamed into place when complete.

Every member's sha256 is in the manifest; `ArchiveReader.verify` checks them all before a
restore writes anything, and each member is hashed again as it is restored.
"""

import hashlib
import json
import os
import secrets
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from pathlib import PurePosixPath
from typing import IO

from app.backup.codec import KINDS

FORMAT = "mpx-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_PREFIX = "tables/"
UPLOADS_PREFIX = "uploads/"
_STORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gz", ".zip", ".xlsx", ".ifczip", ".pdf"}
_CHUNK = 1024 * 1024
# Errors that mean the bytes of the archive are not what was written.
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError, ValueError, KeyError)


class BackupError(Exception):
    """A backup or restore that was refused; nothing was changed."""


class _HashingWriter:
    """A write-only stream that hashes and counts what passes through it."""

    def __init__(self, target: IO[bytes]):
        self.target, self.sha256, self.size = target, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        """Write the bytes on, hashing and counting them."""
        self.target.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)


class ArchiveWriter:
    """Writes an archive member by member; `commit` puts it in place, `abort` removes it."""

    def __init__(self, path: Path):
        self.path = path
        self.temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        # 0600 from the start: an archive holds every password hash and private record.
        descriptor = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.fchmod(descriptor, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._zip = zipfile.ZipFile(self._file, "w", allowZip64=True)
        self._now = datetime.now().timetuple()[:6]

    @contextmanager
    def member(self, name: str, *, compress: bool = True) -> Iterator[_HashingWriter]:
        """Stream one member; yields a writer whose sha256 and size are final on exit."""
        info = zipfile.ZipInfo(name, date_time=self._now)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o600 << 16
        with self._zip.open(info, "w", force_zip64=True) as raw:
            writer = _HashingWriter(raw)
            yield writer

    def add_file(self, name: str, source: Path, on_bytes=None) -> tuple[int, str]:
        """Copy a file into the archive; returns its size and sha256."""
        compress = source.suffix.lower() not in _STORED_SUFFIXES
        with source.open("rb") as handle, self.member(name, compress=compress) as out:
            while chunk := handle.read(_CHUNK):
                out.write(chunk)
                if on_bytes:
                    on_bytes(len(chunk))
        return out.size, out.sha256.hexdigest()

    def commit(self, manifest: dict) -> None:
        """Write the manifest last, close the zip and rename it to its final name."""
        with self.member(MANIFEST) as out:
            out.write(json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"))
        self._zip.close()
        # On disk before it has its final name: a backup must survive a crash right after.
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.temp, self.path)

    def abort(self) -> None:
        """Close and delete the unfinished archive."""
        try:
            self._zip.close()
        finally:
            self._file.close()
            self.temp.unlink(missing_ok=True)


def safe_member_path(path: str) -> PurePosixPath:
    """A relative path inside the uploads folder; refuses absolute paths and `..`."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("", ".", "..") for p in pure.parts):
        raise BackupError(f"The archive holds an unsafe file name: {path!r}.")
    if "\\" in path or "\x00" in path:
        raise BackupError(f"The archive holds an unsafe file name: {path!r}.")
    return pure


_ENTRY_KEYS = {
    "table": {"name": str, "member": str, "columns": list, "rows": int, "bytes": int},
    "column": {"name": str, "kind": str, "nullable": bool},
    "file": {"path": str, "member": str, "bytes": int, "mode": int, "mtime": (int, float)},
    "directory": {"path": str, "mode": int},
}


def _check_entry(entry, shape: str, path: Path) -> None:
    keys = _ENTRY_KEYS[shape]
    if not isinstance(entry, dict) or not all(
        isinstance(entry.get(key), kind) for key, kind in keys.items()
    ):
        raise BackupError(f"The manifest of {path} is damaged (a {shape} entry).")


def _check_manifest(manifest: dict, path: Path) -> None:
    """Refuse a manifest whose entries miss what a restore needs, or name unsafe paths."""
    tables, uploads = manifest.get("tables"), manifest.get("uploads")
    if not isinstance(manifest.get("revision"), str) or not isinstance(tables, list):
        raise BackupError(f"The manifest of {path} is damaged.")
    if not isinstance(uploads, dict) or not isinstance(uploads.get("files"), list):
        raise BackupError(f"The manifest of {path} is damaged.")
    for table in tables:
        _check_entry(table, "table", path)
        for column in table["columns"]:
            _check_entry(column, "column", path)
            if column["kind"] not in KINDS:
                raise BackupError(f"The manifest of {path} names an unknown kind of column.")
    for entry in uploads["files"]:
        _check_entry(entry, "file", path)
        safe_member_path(entry["path"])
    for entry in uploads.get("directories", []):
        _check_entry(entry, "directory", path)
        safe_member_path(entry["path"])
    for entry in [*tables, *uploads["files"]]:
        digest = entry.get("sha256")
        if not isinstance(digest, str) or len(digest) != 64:
            raise BackupError(f"The manifest of {path} is damaged (a checksum).")


class ArchiveReader:
    """Reads a backup archive: the manifest on opening, members on demand, each checked."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
            self.manifest = json.loads(self._zip.read(MANIFEST).decode("utf-8"))
        except FileNotFoundError as exc:
            raise BackupError(f"No such archive: {path}.") from exc
        except (*_DAMAGE, OSError) as exc:
            raise BackupError(f"{path} is not a readable backup archive ({exc}).") from exc
        if not isinstance(self.manifest, dict) or self.manifest.get("format") != FORMAT:
            raise BackupError(f"{path} is not a Material Passport Exchange backup.")
        if self.manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"{path} has backup format version {self.manifest.get('format_version')}; "
                f"this version of the app reads version {FORMAT_VERSION}."
            )
        _check_manifest(self.manifest, path)
        self.members = [*self.manifest["tables"], *self.manifest["uploads"]["files"]]

    def close(self) -> None:
        """Close the underlying zip file."""
        self._zip.close()

    def __enter__(self) -> "ArchiveReader":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def total_bytes(self) -> int:
        """The uncompressed size of every member the manifest lists."""
        return sum(entry["bytes"] for entry in self.members)

    def chunks(self, entry: dict, on_bytes=None) -> Iterator[bytes]:
        """The bytes of a member in chunks; raises BackupError at the end if they are not
        exactly the bytes the manifest describes."""
        digest, size = hashlib.sha256(), 0
        try:
            with self._zip.open(entry["member"]) as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    if on_bytes:
                        on_bytes(len(chunk))
                    yield chunk
        except _DAMAGE as exc:
            raise BackupError(f"The archive is damaged: {entry['member']} ({exc}).") from exc
        if size != entry["bytes"] or digest.hexdigest() != entry["sha256"]:
            raise BackupError(
                f"The archive is damaged: {entry['member']} does not match its checksum."
            )

    def lines(self, entry: dict, on_bytes=None) -> Iterator[bytes]:
        """The lines of a JSON Lines member, checked like `chunks`."""
        rest = b""
        for chunk in self.chunks(entry, on_bytes):
            parts = (rest + chunk).split(b"\n")
            rest = parts.pop()
            yield from parts
        if rest:
            yield rest

    def verify(self, on_bytes=None) -> None:
        """Check every member against the manifest; raises BackupError on the first mismatch."""
        names = set(self._zip.namelist())
        for entry in self.members:
            if entry["member"] not in names:
                raise BackupError(f"The archive is incomplete: {entry['member']} is missing.")
            for _chunk in self.chunks(entry, on_bytes):
                pass
