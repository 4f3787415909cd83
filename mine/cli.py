"""CLI of the urban mine: `flask mine import FILE --organisation ID|NAME [--dry-run]`,
`flask mine reestimate`, `flask mine demo`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import Organisation
from app.extensions import db
from mine import services
from mine.register.files import kind_of
from mine.register.jobs import run_file

mine = AppGroup("mine", help="The urban mine: the building register and its estimate.")


def _organisation(value: str) -> Organisation:
    organisation = None
    if value.isdigit():
        organisation = db.session.get(Organisation, int(value))
    if organisation is None:
        organisation = db.session.scalar(
            select(Organisation).where(func.lower(Organisation.name) == value.strip().lower())
        )
    if organisation is None:
        raise click.BadParameter(f"no organisation {value!r}", param_hint="--organisation")
    return organisation


def print_report(report: dict) -> None:
    """The report as the command line prints it: counts, then the numbered errors."""
    c = report["counts"]
    click.echo(
        f"{report['filename']}: {c['rows']} rows: {c['new']} new, {c['updated']} updated, "
        f"{c['unchanged']} unchanged, {c['without_estimate']} without estimate (no floor "
        f"area), {c['kept']} kept (in the register, not in the file), {c['errors']} errors."
    )
    for error in report["errors"]:
        where = f"row {error['row']}" if error["row"] is not None else "file"
        field = f" [{error['field']}]" if error.get("field") else ""
        click.echo(f"  {where}{field}: {error['message']}", err=True)
    if c["errors"] > len(report["errors"]):
        click.echo(f"  … and {c['errors'] - len(report['errors'])} more errors.", err=True)
    if report["committed"]:
        click.echo(f"Written; {c['linked']} register buildings linked to passports.")
    elif report["ok"]:
        click.echo("Dry run: nothing written.")
    else:
        click.echo("Nothing written.", err=True)


@mine.command("import")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--organisation", "organisation", required=True, help="Organisation id or name.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
def import_register(path: str, organisation: str, dry_run: bool) -> None:
    """Import a building register (CSV or GeoJSON) for an organisation, all or nothing."""
    org = _organisation(organisation)
    kind = kind_of(path)
    with click.progressbar(length=0, label="Buildings", file=sys.stderr) as bar:
        position = [0]

        def progress(phase: str, done: int, total: int) -> None:
            bar.length = max(total, done, 1)
            bar.update(done - position[0])
            position[0] = done

        report = run_file(org.id, path, dry_run=dry_run, kind=kind, progress=progress)
    print_report(report)
    if not report["ok"]:
        raise SystemExit(1)


@mine.command("reestimate")
@click.option("--organisation", "organisation", default=None, help="Only this organisation.")
def reestimate(organisation: str | None) -> None:
    """Recompute every register building's floor area and estimate (after the intensity
    table or the method changed)."""
    org_id = _organisation(organisation).id if organisation else None
    result = services.reestimate(org_id)
    db.session.commit()
    click.echo(f"{result['buildings']} register buildings, {result['changed']} re-estimated.")


@mine.command("demo")
def demo() -> None:
    """Load the demo register of Brummen (needs `flask demo load` first; idempotent)."""
    result = services.load_demo_register()
    if not result["ok"] and "report" not in result:
        raise click.ClickException(
            f"No organisation {result['organisation']!r}: run `flask demo load` first."
        )
    c = result["report"]["counts"]
    click.echo(
        f"Demo register of {result['organisation']}: {c['new']} new, {c['updated']} updated, "
        f"{c['unchanged']} unchanged, {c['linked']} linked to passports."
    )
