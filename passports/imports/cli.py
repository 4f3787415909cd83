"""The `flask passports import BUILDING_ID FILE [--dry-run]` command, with a progress bar.

The command imports into a building on behalf of its owner organisation (whose material
mappings apply), in one transaction: it exits 1 with the numbered errors, writing nothing,
when anything is wrong. It speaks the instance's language (DEFAULT_LOCALE); spreadsheet rows
that look like components already in the building are added unless --duplicates says update.
"""

import json
import sys
from pathlib import Path

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from app.errors import ServiceError
from app.extensions import db
from passports.imports.files import inspect_file
from passports.imports.jobs import PHASES
from passports.imports.jobs import claim_write_lock
from passports.imports.report import error_lines
from passports.imports.services import run_import
from passports.models import Building


class _Bar:
    """A click progress bar that appears once the reader knows the total."""

    def __init__(self):
        self.bar = None
        self.done = 0
        self.phase = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not total:
            return
        if self.bar is None or phase != self.phase:
            self.close()
            self.phase, self.done = phase, 0
            label = str(PHASES.get(phase, phase))
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.length = max(self.bar.length or 0, total)
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        """End the current bar, if one is showing."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def run_cli_import(
    building_id: int, path: str, *, dry_run: bool, as_json: bool, duplicates: str | None = None
) -> None:
    """Run an import from the command line and print its report."""
    building = db.session.get(Building, building_id)
    if building is None:
        raise click.ClickException(_("No building %(id)s.", id=building_id))
    bar = _Bar()
    try:
        stored = inspect_file(Path(path))
        if not dry_run:
            claim_write_lock()
        report = run_import(building, stored, dry_run=dry_run, progress=bar, duplicates=duplicates)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    finally:
        bar.close()
    body = report.as_dict()
    if report.committed:
        db.session.commit()
    else:
        db.session.rollback()
    if as_json:
        click.echo(json.dumps(body, indent=2, default=str))
    else:
        _print(body)
    if not report.ok:
        raise SystemExit(1)


def _print(body: dict) -> None:
    counts = body["counts"]
    file = f"{body['file']['name']} ({body['file']['kind'].upper()})"
    values = {k: counts[k] for k in ("rows", "created", "updated", "unchanged", "skipped")}
    if body["dry_run"]:
        summary = _(
            "%(file)s: %(rows)s rows read; %(created)s would be created, %(updated)s updated, "
            "%(unchanged)s unchanged, %(skipped)s skipped, %(incomplete)s flagged incomplete.",
            file=file,
            incomplete=counts["incomplete"],
            **values,
        )
    else:
        summary = _(
            "%(file)s: %(rows)s rows read; %(created)s were created, %(updated)s updated, "
            "%(unchanged)s unchanged, %(skipped)s skipped, %(incomplete)s flagged incomplete.",
            file=file,
            incomplete=counts["incomplete"],
            **values,
        )
    click.echo(summary)
    if "ifc" in body:
        by_class = ", ".join(f"{k} {v}" for k, v in body["ifc"]["by_class"].items())
        click.echo(f"IFC {body['ifc'].get('schema')}: {by_class}")
    for unmatched in body["unmatched_materials"]:
        hints = ", ".join(s["name"] for s in unmatched["suggestions"])
        line = _(
            "unmatched material %(name)s (%(count)s×)",
            name=repr(unmatched["name"]),
            count=unmatched["count"],
        )
        if hints:
            line = _("%(line)s; perhaps: %(materials)s", line=line, materials=hints)
        click.echo(f"  {line}")
    for line in error_lines(body):
        click.echo(line, err=True)
    if body["errors_truncated"]:
        click.echo(
            ngettext("… %(num)d error in all.", "… %(num)d errors in all.", counts["errors"]),
            err=True,
        )
    if body["ok"]:
        click.echo(
            _("Nothing written (dry run).")
            if body["dry_run"]
            else _("Committed as import %(id)s.", id=body["import_id"])
        )
    else:
        click.echo(
            ngettext(
                "%(num)d error: nothing was written.",
                "%(num)d errors: nothing was written.",
                counts["errors"],
            ),
            err=True,
        )
