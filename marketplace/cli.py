"""CLI for the exchange: `flask exchange expire`, `flask exchange demo`, and the demand side:
`flask exchange wanted` (the open requests), `flask exchange matches ID`, `flask exchange
bundles ID` and `flask exchange wanted-expire`."""

import click
from flask.cli import AppGroup

from app.extensions import db
from marketplace import demo as demo_exchange
from marketplace import services
from marketplace.models import WantedRequest
from marketplace.queries.bundles import proposals_for
from marketplace.queries.ranking import describe
from marketplace.queries.ranking import find_matches
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


def _request(wanted_id: int) -> WantedRequest:
    wanted = db.session.get(WantedRequest, wanted_id)
    if wanted is None:
        raise click.ClickException(f"No wanted request {wanted_id}.")
    return wanted


def _figure(value: float | None, unit: str) -> str:
    return "unknown" if value is None else f"{value:,.1f} {unit}"


@exchange.command("wanted")
@click.option("--all", "every", is_flag=True, help="Closed requests too, not only open ones.")
def wanted_list(every: bool) -> None:
    """The wanted requests: id, status, quantity, what, by whom and by when."""
    stmt = db.select(WantedRequest).order_by(WantedRequest.id)
    if not every:
        stmt = stmt.where(WantedRequest.status == "open")
    for w in db.session.scalars(stmt):
        needed = w.needed_by.isoformat() if w.needed_by else "-"
        click.echo(
            f"{w.id:>5}  {w.status:<9} {w.quantity:g} {w.unit:<4} {w.title} "
            f"({w.organisation.name}, needed by {needed})"
        )


@exchange.command("matches")
@click.argument("wanted_id", type=int)
def matches(wanted_id: int) -> None:
    """What serves a wanted request, best first: listings now and future stock."""
    wanted = _request(wanted_id)
    found = describe(find_matches(wanted), wanted)
    click.echo(f"{len(found)} matches for {wanted.title} ({wanted.quantity:g} {wanted.unit}):")
    for m in found:
        where = f"listing {m.listing_id}" if m.listing_id else f"building {m.building_id}"
        click.echo(
            f"  {m.kind:<12} {where:<14} covers {m.covers:g} of {m.available:g} {m.unit}, "
            f"{_figure(m.distance_km, 'km')}, CO2 avoided net "
            f"{_figure(m.co2_avoided_kg, 'kg')}  {m.title} ({m.organisation_name})"
        )


@exchange.command("bundles")
@click.argument("wanted_id", type=int)
def bundles(wanted_id: int) -> None:
    """The best bundles across sellers for a wanted request, with each part and the totals."""
    wanted = _request(wanted_id)
    proposals = proposals_for(wanted)
    if not proposals:
        click.echo("No bundle of the listings on offer covers this request.")
    for n, p in enumerate(proposals, 1):
        click.echo(
            f"Bundle {n}: {p.quantity:g} {wanted.unit} from {p.sellers} sellers, transport "
            f"{_figure(p.transport_kg, 'kg CO2e')}, CO2 avoided net "
            f"{_figure(p.co2_avoided_kg, 'kg')}"
        )
        for part in p.parts:
            click.echo(
                f"  listing {part.listing_id:<6} {part.quantity:g} {wanted.unit} from "
                f"{part.seller}, {_figure(part.distance_km, 'km')}, transport "
                f"{_figure(part.transport_kg, 'kg CO2e')}"
            )
