"""`flask passports import BUILDING_ID FILE [--dry-run]`: progress, report, all-or-nothing."""

import json

from tests.passports.imports.conftest import CSV_HEADER


def test_dry_run_then_commit_then_unchanged(runner, building, tmp_path, components, row_counts):
    path = tmp_path / "walls.csv"
    path.write_text(
        CSV_HEADER + "W-1,Wall,external_wall,00,12,m3,brick,4\n"
        'W-2,Wall 2,internal_wall,01,"3,5",m³,Common clay brick,3\n'
    )
    before = row_counts()
    dry = runner.invoke(args=["passports", "import", str(building.id), str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 would be created" in dry.output and row_counts() == before
    done = runner.invoke(args=["passports", "import", str(building.id), str(path)])
    assert done.exit_code == 0, done.output
    assert "2 were created" in done.output and "Committed as import" in done.output
    assert [c.quantity for c in components(building.id)] == [12, 3.5]
    again = runner.invoke(args=["passports", "import", str(building.id), str(path), "--json"])
    assert json.loads(again.stdout)["counts"]["unchanged"] == 2


def test_errors_exit_1_and_write_nothing(runner, building, tmp_path, row_counts):
    path = tmp_path / "bad.csv"
    path.write_text(CSV_HEADER + "W-1,Wall,external_wall,00,-1,m3,brick,4\n")
    before = row_counts()
    result = runner.invoke(args=["passports", "import", str(building.id), str(path)])
    assert result.exit_code == 1
    assert "1. Row 2, column 'quantity': must be greater than 0" in result.output
    assert "nothing was written" in result.output
    assert row_counts() == before


def test_refused_file_and_unknown_building(runner, building, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = runner.invoke(args=["passports", "import", str(building.id), str(path)])
    assert result.exit_code == 1 and "The file is empty." in result.output
    missing = runner.invoke(args=["passports", "import", "999999", str(path)])
    assert missing.exit_code == 1 and "No building 999999" in missing.output
