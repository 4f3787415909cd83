"""CLI for the exchange: `flask exchange expire`, `flask exchange wanted-expire` and
`flask exchange demo`."""

import click
from flask.cli import AppGroup

from app.extensions import db
from marketplace import demo as demo_exchange
from marketplace import services
from marketplace.services import wanted as wanted_services

exchange = AppGroup("exchange", help="The exchange: listings and reservations.")


@exchange.command("expire")
def expire() -> None:
    """Mark published listings whose availability window has ended as expired."""
    count = services.expire_listings()
    db.session.commit()
    click.echo(f"Expired {count} listing{'' if count == 1 else 's'}.")


@exchange.command("demo")
def demo() -> None:
    """Put the demo world's stock on the exchange (loads `flask demo load` first; idempotent)."""
    result = demo_exchange.load_exchange_demo()
    db.session.commit()
    if not result["created"]:
        click.echo("The exchange demo is already loaded.")
        return
    click.echo(
        f"Exchange demo: {len(result['listings'])} listings, "
        f"{len(result['reservations'])} reservations, "
        f"{len(result['wanted_requests'])} wanted requests, {len(result['bundles'])} bundle."
    )
    for line in result["summary"]:
        click.echo(f"  {line}")


@exchange.command("wanted-expire")
def wanted_expire() -> None:
    """Close open wanted requests whose date needed by has passed."""
    count = wanted_services.expire_wanted()
    db.session.commit()
    click.echo(f"Expired {count} wanted request{'' if count == 1 else 's'}.")
