"""The schema only changes through migrations, which run from empty to head on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.database import include_in_autogenerate


def test_models_and_migrations_agree(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_in_autogenerate}
        )
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_empty_and_upgrade_again(app, db, runner):
    db.session.remove()
    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "organisations",
        "users",
        "api_tokens",
        "materials",
        "buildings",
        "building_access",
        "components",
        "component_materials",
        "component_hazards",
    } <= tables
