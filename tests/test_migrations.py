"""The schema only changes through migrations, which run from empty to head on both databases."""

from sqlalchemy import inspect


def test_models_and_migrations_agree(runner, capfd):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "No new upgrade operations detected" in capfd.readouterr().out


def test_downgrade_to_empty_and_upgrade_again(app, db, runner):
    db.session.remove()
    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    tables = set(inspect(db.engine).get_table_names())
    assert {"organisations", "users", "api_tokens", "materials", "buildings",
            "building_access", "components", "component_materials",
            "component_hazards"} <= tables
