"""CLI for accounts: `flask orgs create` and `flask users create`."""

import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from app.auth import services
from app.auth.models import ORG_KINDS
from app.auth.models import ROLES
from app.extensions import db

orgs = AppGroup("orgs", help="Manage organisations.")
users = AppGroup("users", help="Manage users.")


def _fail(exc: ValidationError) -> None:
    db.session.rollback()
    messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.messages.items())
    raise click.ClickException(messages)


@orgs.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice(ORG_KINDS), required=True)
def create_org(name: str, kind: str) -> None:
    """Create an organisation."""
    try:
        org = services.create_organisation(name, kind)
    except ValidationError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created organisation {org.id}: {org.name} ({org.kind})")


@users.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--org", "org_name", required=True, help="Organisation name; created if missing.")
@click.option(
    "--org-kind",
    type=click.Choice(ORG_KINDS),
    default=None,
    help="Kind for a new organisation (default follows the role).",
)
@click.option("--name", default="", help="Display name.")
def create_user(email, password, role, org_name, org_kind, name) -> None:
    """Create a user, and their organisation if it does not exist yet."""
    try:
        org = services.find_organisation(org_name)
        if org is None:
            kind = org_kind or {"contractor": "contractor", "buyer": "company"}.get(
                role, "municipality"
            )
            org = services.create_organisation(org_name, kind)
            click.echo(f"Created organisation {org.id}: {org.name} ({org.kind})")
        user = services.create_user(email, password, role, org, name=name)
    except ValidationError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created user {user.id}: {user.email} ({user.role}) in {org.name}")
