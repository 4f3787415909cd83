"""Restoring a backup archive, all or nothing, in an order that changes nothing until
everything has been checked:

1. the manifest: the target must be at the archive's alembic revision, hold the same tables
   and columns, and be empty unless `force`;
2. the sha256 of every member;
3. the uploads, extracted into a hidden folder inside UPLOAD_DIR (the same file system);
4. in the session's transaction: the write lock, the checks again, with `force` the old rows
   deleted in reverse dependency order, the rows inserted in chunks (Core executemany),
   PostgreSQL sequences moved past the largest ids, what the feature packages derive from
   the rows rebuilt (`app.hooks.on_restore`: the full-text index);
5. the caller commits, then calls `Restored.place_uploads` to move the files into place.

The extracted folder is removed whatever happens, so a failure leaves nothing behind.
"""

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy import Table

from app.backup import tables as schema
from app.backup.archive import ArchiveReader
from app.backup.archive import BackupError
from app.backup.archive import safe_member_path
from app.backup.codec import row_decoder
from app.backup.services import CHUNK
from app.backup.services import RESTORE_PREFIX
from app.backup.services import Progress
from app.backup.services import Silent
from app.backup.services import archived_columns
from app.extensions import db
from app.hooks import run_after_restore
from app.storage import upload_root


def _shape(column: dict) -> tuple:
    """What must agree between an archived column and the target's: its kind, and for JSON
    whether it may be NULL (which decides how its documents were written)."""
    return column["kind"], column["kind"] == "json" and column["nullable"]


def _check_target(connection: Connection, manifest: dict, force: bool) -> dict[str, Table]:
    """Refuse a target at another revision, of another shape, or (without force) not empty;
    returns its data tables by name, in dependency order."""
    theirs, ours = manifest["revision"], schema.revision(connection)
    if ours != theirs:
        raise BackupError(
            f"The archive was made at database revision {theirs}, but this database is at "
            f"{ours or 'no revision (not migrated)'}. Migrate an empty database to {theirs} "
            f"(`flask db upgrade {theirs}`), restore into it, then run `flask db upgrade`."
        )
    tables = {t.name: t for t in schema.data_tables(connection)}
    wanted = {entry["name"]: entry for entry in manifest["tables"]}
    problems = [f"table {n} is missing here" for n in sorted(wanted.keys() - tables.keys())]
    problems += [f"table {n} is not in the archive" for n in sorted(tables.keys() - wanted)]
    for name in sorted(wanted.keys() & tables.keys()):
        here = {c["name"]: _shape(c) for c in archived_columns(tables[name])}
        there = {c["name"]: _shape(c) for c in wanted[name]["columns"]}
        if here != there:
            problems.append(f"the columns of {name} differ")
    if problems:
        raise BackupError("The archive does not fit this database: " + "; ".join(problems) + ".")
    if not force:
        filled = schema.non_empty(connection, list(tables.values()))
        if filled:
            raise BackupError(
                f"The database is not empty ({', '.join(filled)} hold rows). Restore into an "
                "empty database, or use --force to delete its data first."
            )
    return tables


def _extract_uploads(archive: ArchiveReader, staging: Path, progress) -> None:
    files = archive.manifest["uploads"]["files"]
    progress.phase("Extracting files", sum(entry["bytes"] for entry in files))
    for entry in files:
        target = staging.joinpath(*safe_member_path(entry["path"]).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Created with the app's own permissions (its umask), as uploads are written; the
        # archive's mode bits (an 0777 file, a set-uid bit) are recorded, never applied.
        with target.open("wb") as out:
            for chunk in archive.chunks(entry, progress.advance):
                out.write(chunk)
        os.utime(target, (entry["mtime"], entry["mtime"]))


def _load_table(connection: Connection, archive: ArchiveReader, table: Table, entry, progress):
    names = [c["name"] for c in entry["columns"]]
    decode = row_decoder(
        [c["kind"] for c in entry["columns"]], [c["nullable"] for c in entry["columns"]]
    )
    insert = table.insert()
    batch: list[dict] = []
    rows = 0
    for line in archive.lines(entry):
        if not line:
            continue
        batch.append(dict(zip(names, decode(json.loads(line)), strict=True)))
        if len(batch) == CHUNK:
            connection.execute(insert, batch)
            rows += len(batch)
            progress.advance(len(batch))
            batch = []
    if batch:
        connection.execute(insert, batch)
        rows += len(batch)
        progress.advance(len(batch))
    if rows != entry["rows"]:
        raise BackupError(f"The archive is damaged: {entry['member']} holds {rows} rows.")
    return rows


def _load_database(archive: ArchiveReader, force: bool, progress) -> dict:
    """Write the archive's rows into the session's transaction (flushed, not committed)."""
    manifest = archive.manifest
    connection = db.session.connection()
    schema.lock_for_restore(connection, schema.data_tables(connection))
    tables = _check_target(connection, manifest, force)
    ordered = list(tables.values())
    if force:
        for table in reversed(ordered):
            connection.execute(table.delete())
    entries = {entry["name"]: entry for entry in manifest["tables"]}
    progress.phase("Restoring tables", sum(entry["rows"] for entry in manifest["tables"]))
    rows = sum(_load_table(connection, archive, t, entries[t.name], progress) for t in ordered)
    sequences = schema.reset_sequences(connection, ordered)
    # What the feature packages rebuild from the restored rows (the search index...).
    rebuilt = run_after_restore()
    schema.analyze(connection, ordered)
    db.session.expire_all()
    return {"tables": len(ordered), "rows": rows, "sequences": sequences, **rebuilt}


@dataclass
class Restored:
    """A restore written to the session's transaction, its files waiting in `staging`."""

    manifest: dict
    summary: dict
    root: Path
    staging: Path
    force: bool
    placed: list[str] = field(default_factory=list)

    def place_uploads(self) -> int:
        """After the commit: move the extracted files into the upload folder; returns how
        many. With force, staged imports of the replaced data go first: they are keyed by
        user and building ids that now name other rows."""
        if self.force:
            shutil.rmtree(self.root / "imports", ignore_errors=True)
        for entry in sorted(
            self.manifest["uploads"].get("directories", []), key=lambda d: d["path"]
        ):
            folder = self.root.joinpath(*safe_member_path(entry["path"]).parts)
            folder.mkdir(parents=True, exist_ok=True)
        for entry in self.manifest["uploads"]["files"]:
            parts = safe_member_path(entry["path"]).parts
            target = self.root.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging.joinpath(*parts), target)
            self.placed.append(entry["path"])
        return len(self.placed)


@contextmanager
def restoring(
    path: Path, *, force: bool = False, progress: Progress | None = None
) -> Iterator[Restored]:
    """Check an archive, extract its files and write its rows into the session's transaction;
    yields a `Restored`. The caller commits, then calls `place_uploads`. Extracted files that
    were not placed are removed on exit, whatever happened."""
    progress = progress or Silent()
    root = upload_root()
    with ArchiveReader(Path(path)) as archive:
        with db.engine.connect() as connection:
            _check_target(connection, archive.manifest, force)
        progress.phase("Verifying", archive.total_bytes())
        archive.verify(progress.advance)
        made_root = not root.exists()
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=RESTORE_PREFIX, dir=root))
        try:
            _extract_uploads(archive, staging, progress)
            summary = _load_database(archive, force, progress)
            yield Restored(archive.manifest, summary, root, staging, force)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            if made_root and not any(root.iterdir()):
                root.rmdir()
