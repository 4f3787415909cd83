"""CLI for passports: `flask passports load-materials`, `flask demo load|generate`."""

import click
from flask.cli import AppGroup

from app.extensions import db
from passports import demo as demo_world
from passports import services, synthetic

passports = AppGroup("passports", help="Building passports.")
demo = AppGroup("demo", help="Demo and synthetic data.")


@passports.command("load-materials")
def load_materials() -> None:
    """Insert or refresh the curated material library."""
    added, updated = services.load_material_library()
    db.session.commit()
    click.echo(f"Material library: {added} added, {updated} updated.")


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
