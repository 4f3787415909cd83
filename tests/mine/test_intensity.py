"""The material intensity table (mine/data/material_intensity.csv) and its lookup.

Hand-checked vectors come from rows of the Material Intensity Research Database v1.2 (ids given);
the check that the script reproduces the committed table needs the shared sample
(``shared/samples/data`` beside the repository, or ``$MPX_SHARED_DIR/samples/data``) and is
skipped when it is not there.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from app.i18n import known_words
from mine import intensity
from mine.data import build_material_intensity as build
from mine.intensity import Intensity
from mine.intensity import intensity_for
from passports.models.vocab import MATERIAL_FAMILIES
from passports.models.vocab import USE_TYPES

REPO = Path(__file__).resolve().parents[2]
TABLE = REPO / "mine" / "data" / "material_intensity.csv"


def _shared_data_dir() -> Path:
    env = os.environ.get("MPX_SHARED_DIR")
    shared = Path(env) if env else REPO.parent / "shared"
    return shared / "samples" / "data"


SAMPLE = _shared_data_dir() / "material_intensity_db.csv"
needs_sample = pytest.mark.skipif(
    not SAMPLE.exists(),
    reason=f"the Material Intensity Research Database sample is not at {SAMPLE}",
)


@pytest.fixture(scope="module")
def lines() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _line(lines, use, structure, period, region, family):
    (found,) = [
        x
        for x in lines
        if (x["use"], x["structure"], x["period"], x["region"], x["family"])
        == (use, structure, period, region, family)
    ]
    return found


# --- the committed table -------------------------------------------------------------------


def test_header_and_every_family_key_is_the_apps(lines):
    with TABLE.open(encoding="utf-8") as fh:
        assert fh.readline().strip() == ",".join(build.HEADER)
    assert {x["family"] for x in lines} == set(MATERIAL_FAMILIES)
    assert set(build.FAMILY_COLUMNS) <= set(MATERIAL_FAMILIES)


def test_dimensions_are_the_declared_ones(lines):
    assert {x["use"] for x in lines} == {*build.USES, build.ANY}
    assert {x["structure"] for x in lines} == {*build.STRUCTURES, build.ANY}
    assert {x["period"] for x in lines} == {key for key, _, _ in build.PERIODS} | {build.ANY}
    assert {x["region"] for x in lines} == {*build.REGIONS, build.ANY}


def test_every_cell_has_every_family_and_cites_its_rows(lines):
    cells: dict[tuple, set] = {}
    for x in lines:
        cells.setdefault((x["use"], x["structure"], x["period"], x["region"]), set()).add(
            x["family"]
        )
        q1, median, q3 = float(x["q1_kg_m2"]), float(x["median_kg_m2"]), float(x["q3_kg_m2"])
        assert 0 <= q1 <= median <= q3
        ids = intensity.parse_sources(x["sources"])
        # n rows, each cited once; a figure from fewer than 3 rows only at the last level.
        assert len(ids) == len(set(ids)) == int(x["n"]) >= 1
        assert int(x["n"]) >= build.MIN_ROWS or x["level"] == "all"
    assert all(families == set(MATERIAL_FAMILIES) for families in cells.values())


def test_levels_name_the_cell_or_a_group_of_its_fallback_chain(lines):
    for x in lines:
        key = (x["use"], x["structure"], x["period"], x["region"])
        assert x["level"] in [build.level_name(k) for k in build.fallback_chain(key)]


def test_a_cell_that_falls_back_carries_the_broader_groups_figure(lines):
    # Residential, masonry, before 1919, Europe: copper was measured in fewer than 3 of its
    # rows, so the figure is the residential-before-1919 group's (Vienna, ids 0-11).
    cell = _line(lines, "residential", "masonry", "before_1919", "europe", "copper")
    group = _line(lines, "residential", "any", "before_1919", "any", "copper")
    assert cell["level"] == "use+period"
    for column in ("median_kg_m2", "q1_kg_m2", "q3_kg_m2", "n", "sources", "level"):
        assert cell[column] == group[column]
    assert cell["sources"] == "0-11"
    # Its steel has 6 rows of its own (ids 237-242).
    steel = _line(lines, "residential", "masonry", "before_1919", "europe", "steel")
    assert (steel["level"], steel["n"], steel["sources"]) == (
        "use+structure+period+region",
        "6",
        "237-242",
    )


def test_hand_checked_cell_china_non_residential_concrete_frame():
    """Non-residential (unspecified), concrete structure, 1991-2010, East Asia, concrete: ids 79
    (cement 220, no concrete figure), 81 (concrete 555), 98 and 330 (cement 418 + aggregates 1438
    with no concrete figure = 1856). Sorted [220, 555, 1856, 1856]: median (555 + 1856)/2 =
    1205.5; q1 at h = 0.75: 220 + 0.75·335 = 471.25; q3 at h = 2.25: 1856."""
    figure = intensity_for("other", "concrete", 2000, "CN")["concrete"]
    assert figure == Intensity(
        1205.5, 471.25, 1856.0, 4, "use+structure+period+region", (79, 81, 98, 330)
    )


def test_hand_checked_cell_north_american_timber_houses():
    """Residential, timber, 1946-1970, North America, timber: ids 281 (110.8719053, "before
    1950"), 282 (115.1776103, 1950-1991), 856 (77.16955719) and 857 (63.78636631) (both 1969).
    Median (77.16955719 + 110.8719053)/2 = 94.0207312; q1 = 63.78636631 + 0.75·13.38319088 =
    73.8237595; q3 = 110.8719053 + 0.25·4.305705 = 111.9483316."""
    figure = intensity_for("residential", "timber", 1960, "US")["timber"]
    assert figure.median == pytest.approx(94.0207312, rel=1e-5)
    assert figure.q1 == pytest.approx(73.8237595, rel=1e-5)
    assert figure.q3 == pytest.approx(111.9483316, rel=1e-5)
    assert (figure.n, figure.level, figure.sources) == (
        4,
        "use+structure+period+region",
        (281, 282, 856, 857),
    )


# --- the build script's rules, on rows made up here ----------------------------------------


def _row(id, families, use="residential", structure="masonry", period="1919_1945", region="europe"):
    return build.Row(id, use, structure, period, region, families)


def test_quantiles_by_linear_interpolation():
    assert build.quantile([1.0, 2.0, 4.0, 8.0, 16.0], 0.5) == 4.0
    assert build.quantile([1.0, 2.0, 4.0, 8.0, 16.0], 0.25) == 2.0
    assert build.quantile([1.0, 2.0, 4.0, 8.0], 0.25) == 1.75
    assert build.quantile([1.0, 2.0, 4.0, 8.0], 0.75) == 5.0
    assert build.quantile([3.0], 0.75) == 3.0


def test_na_is_not_zero_and_families_sum_their_columns():
    record = {column: "NA" for columns in build.FAMILY_COLUMNS.values() for column in columns}
    record.update(brick="100", adobe="20", glass="0", aggregates="NA", steel="NULL", wood="")
    families = build.families_of(record)
    assert families == {"masonry": 120.0, "glass": 0.0}


def test_aggregates_go_to_concrete_only_without_a_concrete_figure():
    base = {column: "NA" for columns in build.FAMILY_COLUMNS.values() for column in columns}
    without = build.families_of({**base, "cement": "400", "aggregates": "1400"})
    beside = build.families_of({**base, "concrete": "900", "cement": "5", "aggregates": "80"})
    assert without == {"concrete": 1800.0}
    assert beside == {"concrete": 905.0, "other": 80.0}


def test_representative_year_and_period():
    assert build.representative_year(None, 1919) == 1918
    assert build.period_for_year(build.representative_year(None, 1919)) == "before_1919"
    assert build.representative_year(1950, 2011) == 1980
    assert build.representative_year(2006, None) == 2006
    assert build.representative_year(2010, 2010) == 2010
    assert build.representative_year(None, None) is None
    assert [build.period_for_year(y) for y in (1918, 1919, 1945, 1946, 2010, 2011)] == [
        "before_1919",
        "1919_1945",
        "1919_1945",
        "1946_1970",
        "1991_2010",
        "after_2010",
    ]


def test_fallback_per_family_to_the_first_group_with_three_rows():
    rows = [
        # The cell (residential, masonry, 1919-1945, Europe): steel in 3 rows, glass in 1.
        _row(1, {"steel": 10.0, "glass": 2.0}),
        _row(2, {"steel": 20.0}),
        _row(3, {"steel": 30.0}),
        # Other regions, same use, structure and period: glass in 2 more rows.
        _row(4, {"glass": 4.0}, region="east_asia"),
        _row(5, {"glass": 6.0}, region="north_america"),
        # Another use, no period.
        _row(6, {"steel": 100.0, "glass": 100.0}, use="public", period=None),
    ]
    table = {
        (t["use"], t["structure"], t["period"], t["region"], t["family"]): t
        for t in build.build_table(rows)
    }
    steel = table[("residential", "masonry", "1919_1945", "europe", "steel")]
    assert (steel["median_kg_m2"], steel["q1_kg_m2"], steel["q3_kg_m2"], steel["n"]) == (
        20.0,
        15.0,
        25.0,
        3,
    )
    assert (steel["level"], steel["sources"]) == ("use+structure+period+region", "1-3")
    glass = table[("residential", "masonry", "1919_1945", "europe", "glass")]
    assert (glass["median_kg_m2"], glass["n"], glass["level"], glass["sources"]) == (
        4.0,
        3,
        "use+structure+period",
        "1;4-5",
    )
    # Public has one row: every family falls back to all rows.
    public = table[("public", "masonry", "any", "europe", "steel")]
    assert (public["level"], public["n"], public["sources"]) == ("all", 4, "1-3;6")
    # Rows without a period or use count only where that dimension is "any".
    assert ("public", "masonry", "1919_1945", "europe", "steel") not in table


def test_id_ranges_round_trip():
    ids = [0, 1, 2, 5, 7, 8, 12]
    assert build.id_ranges(reversed(ids)) == "0-2;5;7-8;12"
    assert intensity.parse_sources("0-2;5;7-8;12") == tuple(ids)


# --- the lookup ----------------------------------------------------------------------------


def test_lookup_gives_every_family_in_the_apps_order():
    figures = intensity_for("residential", "concrete", 1975, "DE")
    assert tuple(figures) == MATERIAL_FAMILIES
    assert all(isinstance(f, Intensity) for f in figures.values())


def test_every_app_use_reads_as_a_table_use():
    assert set(intensity.USE_FOR_APP_USE) == set(USE_TYPES)
    for use in USE_TYPES:
        assert intensity_for(use, None, 1980, "NL")


def test_arguments_read_as_the_app_gives_them():
    assert intensity.region_key("nl") == "europe"
    assert intensity.region_key("europe") == "europe"
    assert intensity.region_key("XX") == "any"
    assert intensity.use_key("office") == "commercial"
    assert intensity.use_key("mixed") == "any"
    assert intensity.structure_key("Timber") == "timber"
    assert intensity.structure_key("adobe") == "any"
    assert intensity.period_for(1900) == "before_1919"
    assert intensity.period_for(None) == "any"


def test_missing_arguments_widen_the_cell():
    table = intensity.load_table()
    assert intensity_for(None, None, None) == table[("any", "any", "any", "any")]
    assert intensity_for("residential", None, None) == table[("residential", "any", "any", "any")]
    assert (
        intensity_for("residential", None, 1900, "AT")
        == table[("residential", "any", "before_1919", "europe")]
    )


def test_a_cell_without_rows_follows_the_chain_to_the_first_cell_held():
    table = intensity.load_table()
    # No industrial timber building from before 1919 in Oceania in the database.
    assert ("industrial", "timber", "before_1919", "oceania") not in table
    chain = intensity.cell_chain("industrial", "timber", "before_1919", "oceania")
    held = next(cell for cell in chain if cell in table)
    assert intensity_for("industrial", "timber", 1900, "AU") == table[held]


def test_lookup_on_a_table_given():
    figure = Intensity(1.0, 0.5, 2.0, 3, "all", (1, 2, 3))
    table = {("any", "any", "any", "any"): {"steel": figure}}
    assert intensity_for("residential", "steel", 2000, "NL", table=table) == {"steel": figure}
    assert intensity_for("residential", "steel", 2000, "NL", table={}) == {}


# --- the script reproduces the committed table ---------------------------------------------


@needs_sample
def test_the_script_reproduces_the_committed_table(tmp_path, capsys):
    out = tmp_path / "material_intensity.csv"
    assert build.main([str(SAMPLE), str(out)]) == 0
    assert out.read_bytes() == TABLE.read_bytes()
    report = capsys.readouterr().out
    assert "883 rows used" in report
    assert "'floor area net': 19" in report and "'floor area usable': 8" in report


@needs_sample
def test_net_and_usable_floor_areas_are_left_out():
    rows, skipped = build.read_rows(SAMPLE)
    assert skipped == {"floor area net": 19, "floor area usable": 8}
    assert len(rows) == 883
    assert len({r.id for r in rows}) == 883


# --- words people read -----------------------------------------------------------------------


def test_every_value_of_the_table_has_words(lines):
    known = known_words()
    values = {*build.USES, *build.STRUCTURES, *build.REGIONS, *(key for key, _, _ in build.PERIODS)}
    assert values - set(known) == set()
    levels = {x["level"] for x in lines}
    assert {f"level:{level}" for level in levels} - set(known) == set()
    # Every group a lookup can name: each subset of the four dimensions, and "all".
    assert len(levels) == 16
