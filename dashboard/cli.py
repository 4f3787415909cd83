"""CLI for the dashboards: `flask dashboard refresh`."""

import click
from flask.cli import AppGroup
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from dashboard import services
from passports.metrics.stored import recompute_components
from passports.metrics.stored import unscored_count
from passports.models import Component

dashboard = AppGroup("dashboard", help="Dashboards and stored metrics.")


@dashboard.command("refresh")
@click.option(
    "--rescore",
    is_flag=True,
    help="Score every component again, not only those never scored (after a library change "
    "made below the app, say).",
)
def refresh(rescore: bool) -> None:
    """Score unscored components and rebuild every building's dashboard aggregates."""
    everything = select(func.count(Component.id))
    total = db.session.scalar(everything) if rescore else unscored_count()
    if total:
        with click.progressbar(length=total, label="Scoring components") as bar:
            scored = recompute_components(only_missing=not rescore, progress=bar.update)
    else:
        scored = 0
    result = services.refresh_all(score_components=False)
    db.session.commit()
    click.echo(f"Scored {scored} components; refreshed {result['buildings_refreshed']} buildings.")
