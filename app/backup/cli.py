"""CLI: `flask backup create FILE`, `flask backup verify FILE`, `flask backup restore FILE`."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from app.backup import services
from app.backup.archive import BackupError
from app.backup.restore import restoring
from app.extensions import db

backup = AppGroup("backup", help="Back up and restore the whole exchange (data and uploads).")


class _Bars:
    """A click progress bar per phase of the work (services.Progress)."""

    def __init__(self):
        self._bar = None

    def phase(self, label: str, total: int) -> None:
        """Close the bar of the previous phase and open one for this phase."""
        self.close()
        self._bar = click.progressbar(length=max(total, 1), label=label.ljust(18))
        self._bar.__enter__()

    def advance(self, amount: int) -> None:
        """Move the current bar on."""
        if self._bar is not None:
            self._bar.update(amount)

    def close(self) -> None:
        """Finish the current bar, if any."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@contextmanager
def _progress() -> Iterator[_Bars]:
    """Progress bars for one command; a refused archive becomes a clean CLI error."""
    bars = _Bars()
    try:
        yield bars
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        bars.close()


def _size(count: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"


def _summary(manifest: dict) -> str:
    rows = sum(entry["rows"] for entry in manifest["tables"])
    files = manifest["uploads"]["files"]
    size = sum(entry["bytes"] for entry in files)
    return (
        f"revision {manifest['revision']}, {len(manifest['tables'])} tables, {rows} rows, "
        f"{len(files)} uploaded files ({_size(size)}), made {manifest['created_at']} "
        f"on {manifest['database']}"
    )


@backup.command("create")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
def create(path: Path, overwrite: bool) -> None:
    """Write every table and every uploaded file into one archive (a zip file)."""
    if path.exists() and not overwrite:
        raise click.ClickException(f"{path} exists; use --overwrite to replace it.")
    if not path.parent.is_dir():
        raise click.ClickException(f"There is no folder {path.parent}.")
    with _progress() as bars:
        manifest = services.create_backup(path, progress=bars)
    click.echo(f"Backup written to {path} ({_size(path.stat().st_size)}): {_summary(manifest)}.")


@backup.command("verify")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
def verify(path: Path) -> None:
    """Check every member of an archive against its checksums, without restoring it."""
    with _progress() as bars:
        manifest = services.verify_backup(path, progress=bars)
    click.echo(f"{path} is intact: {_summary(manifest)}.")


@backup.command("restore")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Restore into a database that holds data: its rows are deleted first, in the same "
    "transaction.",
)
def restore(path: Path, force: bool) -> None:
    """Load an archive into this database (migrated to the archive's revision, and empty
    unless --force) and its files into the upload folder; all or nothing."""
    bars = _Bars()
    committed = False
    try:
        with restoring(path, force=force, progress=bars) as restored:
            bars.close()
            db.session.commit()
            committed = True
            placed = restored.place_uploads()
    except BackupError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    except (SQLAlchemyError, OSError) as exc:
        if committed:
            raise click.ClickException(
                f"The database was restored, but the uploaded files could not be moved into "
                f"place ({exc}). Fix the upload folder, then restore again with --force."
            ) from exc
        db.session.rollback()
        reason = getattr(exc, "orig", None) or exc
        raise click.ClickException(f"The restore failed and nothing was changed: {reason}") from exc
    except BaseException:
        db.session.rollback()
        raise
    finally:
        bars.close()
    summary = restored.summary
    click.echo(
        f"Restored {summary['rows']} rows in {summary['tables']} tables and {placed} files "
        f"from {path} ({_summary(restored.manifest)}); search index rebuilt for "
        f"{summary['indexed']} listings."
    )
