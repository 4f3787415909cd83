"""CLI for passports: `flask passports load-materials|import|keygen|verify`, `flask demo
load|generate`."""

import click
from flask.cli import AppGroup

from app.extensions import db
from passports import demo as demo_world
from passports import services
from passports import synthetic

passports = AppGroup("passports", help="Building passports.")
demo = AppGroup("demo", help="Demo and synthetic data.")


@passports.command("load-materials")
def load_materials() -> None:
    """Insert or refresh the curated material library."""
    added, updated = services.load_material_library()
    db.session.commit()
    click.echo(f"Material library: {added} added, {updated} updated.")


@passports.command("import")
@click.argument("building_id", type=int)
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
def import_file(building_id: int, path: str, dry_run: bool, as_json: bool) -> None:
    """Import components into a building from a CSV, XLSX or IFC file."""
    from passports.imports.cli import run_cli_import

    run_cli_import(building_id, path, dry_run=dry_run, as_json=as_json)


@demo.command("load")
def load() -> None:
    """Build the demo world and print its logins."""
    result = demo_world.load_demo()
    db.session.commit()
    if not result["created"]:
        click.echo("Demo data is already loaded.")
    click.echo(f"Demo logins (password for all: {demo_world.DEMO_PASSWORD}):")
    for email, role, org, _kind, _name in demo_world.DEMO_USERS:
        click.echo(f"  {role:<11} {email:<32} {org}")


@demo.command("generate")
@click.option("--buildings", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--components", type=click.IntRange(min=0), default=1000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def generate(buildings: int, components: int, seed: int) -> None:
    """Insert synthetic buildings and components in bulk (for benchmarks)."""
    services.load_material_library()
    with click.progressbar(length=components, label="Components") as bar:
        result = synthetic.generate(buildings, components, seed=seed, progress=bar.update)
    db.session.commit()
    first, last = result["buildings"]
    click.echo(f"Inserted buildings {first}-{last} and {components} components.")


@passports.command("keygen")
@click.argument("path", metavar="PATH", type=click.Path(dir_okay=False))
def keygen(path: str) -> None:
    """Make an Ed25519 key for signing credentials (CREDENTIAL_SIGNING_KEY)."""
    from passports.untp.cli import keygen as write

    write(path)


@passports.command("verify")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--did",
    "did_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Also trust the keys of this DID document (an instance's /.well-known/did.json), "
    "besides this instance's own key.",
)
@click.option(
    "--schema",
    "schema_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Also validate the credential against this JSON Schema (draft 2020-12).",
)
def verify(path: str, did_path: str | None, schema_path: str | None) -> None:
    """Check a signed credential (compact JWS or enveloped JSON) offline; exit 1 naming the
    check that failed."""
    from passports.untp.cli import run_verify

    run_verify(path, did_path, schema_path)
