"""Creating and verifying a backup archive (restoring one is `app.backup.restore`).

Every data table is read inside one read-only snapshot transaction (REPEATABLE READ on
PostgreSQL, a WAL read transaction on SQLite), so the tables agree with each other while the
app keeps running, streamed a chunk of rows at a time (`yield_per`: a server-side cursor on
PostgreSQL), so memory stays flat whatever the size of the database. The uploads are copied
after the database: a file written meanwhile is at worst an unreferenced extra, never a
missing photo.
"""

import json
import os
import stat
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection
from sqlalchemy import Table
from sqlalchemy import select

from app.backup import tables as schema
from app.backup.archive import FORMAT
from app.backup.archive import FORMAT_VERSION
from app.backup.archive import TABLES_PREFIX
from app.backup.archive import UPLOADS_PREFIX
from app.backup.archive import ArchiveReader
from app.backup.archive import ArchiveWriter
from app.backup.archive import BackupError
from app.backup.codec import UnsupportedColumn
from app.backup.codec import column_kind
from app.backup.codec import row_encoder
from app.backup.codec import wrapped_json
from app.extensions import db
from app.storage import upload_root

CHUNK = 2000
RESTORE_PREFIX = ".restore-"


class Progress(Protocol):
    """Where long work reports how far it got (a click progress bar in the CLI)."""

    def phase(self, label: str, total: int) -> None:
        """A new stage of the work begins, `total` units long."""

    def advance(self, amount: int) -> None:
        """`amount` more units are done."""


class Silent:
    """Progress that is not shown."""

    def phase(self, label: str, total: int) -> None:
        """Ignore the start of a phase."""

    def advance(self, amount: int) -> None:
        """Ignore progress."""


# ---------------------------------------------------------------- backup
def archived_columns(table: Table) -> list[dict]:
    """The columns a backup copies, as the manifest lists them: name, kind, nullable."""
    try:
        return [
            {"name": c.name, "kind": column_kind(c), "nullable": bool(c.nullable)}
            for c in schema.data_columns(table)
        ]
    except UnsupportedColumn as exc:
        raise BackupError(str(exc)) from exc


def _dump_table(
    connection: Connection, writer: ArchiveWriter, position: int, table: Table, progress
) -> dict:
    columns = archived_columns(table)
    kinds, nullable = [c["kind"] for c in columns], [c["nullable"] for c in columns]
    encode = row_encoder(kinds, nullable)
    selected = [table.c[c["name"]] for c in columns]
    flags = [selected[i].is_(None) for i in wrapped_json(kinds, nullable)]
    stmt = select(*selected, *flags).order_by(*table.primary_key.columns)
    member = f"{TABLES_PREFIX}{position:03d}-{table.name}.jsonl"
    rows = 0
    with writer.member(member) as out:
        result = connection.execute(stmt, execution_options={"yield_per": CHUNK})
        for part in result.partitions():
            lines = "".join(json.dumps(encode(row), separators=(",", ":")) + "\n" for row in part)
            out.write(lines.encode("ascii"))
            rows += len(part)
            progress.advance(len(part))
    return {
        "name": table.name,
        "member": member,
        "columns": columns,
        "rows": rows,
        "bytes": out.size,
        "sha256": out.sha256.hexdigest(),
    }


def _upload_entries(
    root: Path, skip: tuple[int, int]
) -> tuple[list[dict], list[tuple[str, Path, int]]]:
    """The directories (with their modes) and regular files under the upload folder, but
    the file `skip` (device, inode): the archive being written, should it be in there."""
    directories: list[dict] = []
    files: list[tuple[str, Path, int]] = []
    if not root.is_dir():
        return directories, files
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        if here == root:
            dirnames[:] = [d for d in dirnames if not d.startswith(RESTORE_PREFIX)]
        dirnames.sort()
        for name in dirnames:
            path = here / name
            try:
                info = path.lstat()
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(info.st_mode):
                relative = path.relative_to(root).as_posix()
                directories.append({"path": relative, "mode": stat.S_IMODE(info.st_mode)})
        for name in sorted(filenames):
            path = here / name
            try:
                info = path.lstat()
            except FileNotFoundError:
                continue
            if stat.S_ISREG(info.st_mode) and (info.st_dev, info.st_ino) != skip:
                files.append((path.relative_to(root).as_posix(), path, info.st_size))
    return directories, files


def _dump_uploads(writer: ArchiveWriter, root: Path, progress) -> dict:
    written = writer.temp.stat()
    directories, found = _upload_entries(root, (written.st_dev, written.st_ino))
    progress.phase("Uploaded files", sum(size for _, _, size in found))
    files = []
    for relative, path, _size in found:
        member = UPLOADS_PREFIX + relative
        try:
            info = path.stat()
            size, sha256 = writer.add_file(member, path, progress.advance)
        except FileNotFoundError:
            continue  # removed since the walk: an expired staged import, say
        files.append(
            {
                "path": relative,
                "member": member,
                "bytes": size,
                "sha256": sha256,
                "mode": stat.S_IMODE(info.st_mode),
                "mtime": info.st_mtime,
            }
        )
    return {"directories": directories, "files": files}


def create_backup(path: Path, progress: Progress | None = None) -> dict:
    """Write the whole exchange (tables and uploads) into a new archive; returns its manifest."""
    progress = progress or Silent()
    writer = ArchiveWriter(Path(path))
    try:
        with db.engine.connect() as connection:
            schema.begin_snapshot(connection)
            revision = schema.revision(connection)
            if revision is None:
                raise BackupError("The database is not migrated (no alembic_version).")
            tables = schema.data_tables(connection)
            progress.phase("Tables", sum(schema.row_count(connection, table) for table in tables))
            entries = [
                _dump_table(connection, writer, i, table, progress)
                for i, table in enumerate(tables, 1)
            ]
            connection.rollback()
        uploads = _dump_uploads(writer, upload_root(), progress)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "revision": revision,
            "database": db.engine.dialect.name,
            "tables": entries,
            "uploads": uploads,
            "derived": {
                "columns": {t: sorted(c) for t, c in schema.DERIVED_COLUMNS.items()},
                "rebuilt_on_restore": ["full-text search of listings"],
            },
        }
        writer.commit(manifest)
    except BaseException:
        writer.abort()
        raise
    return manifest


def verify_backup(path: Path, progress: Progress | None = None) -> dict:
    """Check every member of an archive against its manifest; returns the manifest."""
    progress = progress or Silent()
    with ArchiveReader(Path(path)) as archive:
        progress.phase("Verifying", archive.total_bytes())
        archive.verify(progress.advance)
        return archive.manifest
