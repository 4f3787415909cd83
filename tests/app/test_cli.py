"""Account commands: `flask orgs create` and `flask users create`."""

from sqlalchemy import select

from app.auth.models import Organisation
from app.auth.models import User
from app.auth.passwords import verify_password


def test_orgs_create(runner, db):
    result = runner.invoke(args=["orgs", "create", "Gemeente Zutphen", "--kind", "municipality"])
    assert result.exit_code == 0, result.output
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Gemeente Zutphen"))
    assert org.kind == "municipality"


def test_orgs_create_refuses_duplicates_and_bad_kinds(runner, db):
    runner.invoke(args=["orgs", "create", "Acme", "--kind", "company"])
    again = runner.invoke(args=["orgs", "create", "acme", "--kind", "company"])
    assert again.exit_code != 0 and "already exists" in again.output
    bad = runner.invoke(args=["orgs", "create", "X", "--kind", "bank"])
    assert bad.exit_code != 0


def test_users_create_makes_the_missing_organisation(runner, db):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Jo@Example.org",
            "--password",
            "s3cret-pass",
            "--role",
            "contractor",
            "--org",
            "Sloop & Co",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "jo@example.org"))
    assert user.role == "contractor"
    assert user.organisation.name == "Sloop & Co" and user.organisation.kind == "contractor"
    assert verify_password(user.password_hash, "s3cret-pass")


def test_users_create_joins_an_existing_organisation(runner, db):
    runner.invoke(args=["orgs", "create", "Region H", "--kind", "municipality"])
    result = runner.invoke(
        args=[
            "users",
            "create",
            "a@b.dk",
            "--password",
            "long-enough",
            "--role",
            "owner",
            "--org",
            "Region H",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Region H")).users


def test_users_create_rejects_bad_input_and_writes_nothing(runner, db):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "not-an-email",
            "--password",
            "short",
            "--role",
            "owner",
            "--org",
            "New Org",
        ]
    )
    assert result.exit_code != 0
    assert "email" in result.output and "password" in result.output
    assert db.session.scalar(select(Organisation).where(Organisation.name == "New Org")) is None
    bad_role = runner.invoke(
        args=[
            "users",
            "create",
            "x@y.z",
            "--password",
            "long-enough",
            "--role",
            "king",
            "--org",
            "X",
        ]
    )
    assert bad_role.exit_code != 0
