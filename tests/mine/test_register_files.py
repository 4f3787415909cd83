"""The register file, without a database: reading CSV and GeoJSON, footprint geometry, and
each row check with the estimate that follows from a good row."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest

from mine.register.files import RegisterFileError
from mine.register.files import csv_rows
from mine.register.files import geojson_rows
from mine.register.files import kind_of
from mine.register.geometry import AUTHALIC_RADIUS_M
from mine.register.geometry import footprint
from mine.register.geometry import ring_area_m2
from mine.register.linking import distance_m
from mine.register.linking import normalise_address
from mine.register.rows import check_row
from mine.register.rows import column_name
from mine.register.rows import estimate_fields


@pytest.fixture(scope="module", autouse=True)
def _context(tmp_path_factory):
    """gettext needs an app context; these tests touch no database, so one bare app (an
    in-memory SQLite it never opens) serves the whole module on either backend."""
    from app import create_app

    folder = tmp_path_factory.mktemp("register-files")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", UPLOAD_DIR=str(folder))
    with app.app_context():
        yield


def good(**changes) -> dict:
    row = {
        "register_id": "R1",
        "address": "Kerkstraat 1",
        "city": "Brummen",
        "country": "NL",
        "latitude": "52.09",
        "longitude": "6.15",
        "use": "residential",
        "structure": "masonry",
        "year_built": "1965",
        "gross_floor_area_m2": "120",
        "footprint_m2": "",
        "storeys": "",
        "planned_demolition": "",
    }
    row.update(changes)
    return row


def test_csv_with_aliases_semicolons_and_line_numbers(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "ID;Construction year;GFA;Floors;use;footprint\n"
        "A1;1970;250;;office;\n"
        "\n"
        "A2;1990;;3;house;80\n",
        encoding="utf-8",
    )
    assert kind_of(path) == "csv"
    rows = list(csv_rows(path))
    assert [r[0] for r in rows] == [2, 4]
    values, errors = check_row(rows[1][1])
    assert errors == []
    assert values["register_id"] == "A2" and values["use_type"] == "residential"
    assert values["floor_area_m2"] == 240.0
    assert column_name("Construction year") == "year_built"


def test_csv_without_register_id_column_is_refused(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("address,use\nKerkstraat 1,office\n", encoding="utf-8")
    with pytest.raises(RegisterFileError):
        list(csv_rows(path))


def test_polygon_area_and_centroid_by_hand():
    # A square of 0.001° × 0.001° at the equator: on the authalic sphere each side is
    # R × 0.001 × π/180 = 111.1949 m, so the area is 12,364.3 m² (sin φ ≈ φ at the equator).
    side = AUTHALIC_RADIUS_M * math.radians(0.001)
    square = [[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]
    assert ring_area_m2(square) == pytest.approx(side * side, rel=1e-6)
    assert round(ring_area_m2(square), 1) == 12364.3
    lat, lon, area = footprint({"type": "Polygon", "coordinates": [square]})
    assert (lat, lon) == (pytest.approx(0.0005), pytest.approx(0.0005))
    # A hole of a quarter of the square, and a MultiPolygon of two squares.
    hole = [[0, 0], [0.0005, 0], [0.0005, 0.0005], [0, 0.0005], [0, 0]]
    _lat, _lon, holed = footprint({"type": "Polygon", "coordinates": [square, hole]})
    assert holed == pytest.approx(area * 0.75, rel=1e-4)
    moved = [[x + 0.002, y] for x, y in square]
    _lat, lon2, two = footprint({"type": "MultiPolygon", "coordinates": [[square], [moved]]})
    assert two == pytest.approx(2 * area, rel=1e-6) and lon2 == pytest.approx(0.0015)
    # At 60° N a degree of longitude is half as long: half the area.
    north = [[x, y + 60] for x, y in square]
    assert ring_area_m2(north) == pytest.approx(area / 2, rel=2e-3)


def test_geojson_features_streamed_with_footprint_from_polygon(tmp_path):
    square = [[6.15, 52.09], [6.1502, 52.09], [6.1502, 52.0902], [6.15, 52.0902], [6.15, 52.09]]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [square]},
                "properties": {"id": "G1", "use": "office", "floors": 2, "year_built": 1980},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [6.2, 52.1]},
                "properties": {"register_id": "G2", "gross_floor_area_m2": 90},
            },
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                "properties": {"register_id": "G3"},
            },
        ],
    }
    path = tmp_path / "r.geojson"
    # Pad a property so that features straddle the reader's chunks.
    collection["features"][1]["properties"]["address"] = "x" * 2_000_000
    path.write_text(json.dumps(collection), encoding="utf-8")
    assert kind_of(path) == "geojson"
    rows = list(geojson_rows(path))
    assert [r[0] for r in rows] == [1, 2, 3]
    values, errors = check_row(rows[0][1])
    assert errors == [] and rows[0][2] == []
    # 0.0002° × 0.0002° at 52.09° N: 22.239 m × 13.677 m ≈ 304 m².
    assert values["footprint_m2"] == pytest.approx(304.2, abs=0.5)
    assert values["floor_area_m2"] == pytest.approx(2 * values["footprint_m2"])
    assert values["latitude"] == pytest.approx(52.0901)
    assert rows[1][1]["latitude"] == 52.1 and rows[1][1]["longitude"] == 6.2
    assert rows[2][2][0][0] == "geometry"


def test_geojson_that_is_not_a_feature_collection(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"type": "Feature", "properties": {}}', encoding="utf-8")
    with pytest.raises(RegisterFileError):
        list(geojson_rows(path))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"register_id": ""}, "register_id"),
        ({"use": "spaceport"}, "use"),
        ({"structure": "cardboard"}, "structure"),
        ({"year_built": str(date.today().year + 1)}, "year_built"),
        ({"year_built": "999"}, "year_built"),
        ({"year_built": "19x5"}, "year_built"),
        ({"gross_floor_area_m2": "-5"}, "gross_floor_area_m2"),
        ({"gross_floor_area_m2": "9e9"}, "gross_floor_area_m2"),
        ({"footprint_m2": "-1", "storeys": "2"}, "footprint_m2"),
        ({"storeys": "500", "footprint_m2": "10"}, "storeys"),
        ({"latitude": "95"}, "latitude"),
        ({"longitude": "-181"}, "latitude"),
        ({"longitude": ""}, "latitude"),
        ({"planned_demolition": "next spring"}, "planned_demolition"),
        ({"country": "Netherlands"}, "country"),
    ],
)
def test_each_bad_value_is_an_error_of_its_column(changes, field):
    values, errors = check_row(good(**changes))
    assert [e[0] for e in errors] == [field]


def test_unknown_use_names_the_known_uses_and_synonyms_pass():
    _values, errors = check_row(good(use="spaceport"))
    assert "residential" in errors[0][1] and "office" in errors[0][1]
    for word, use in (("Woonfunctie", "residential"), ("shop", "retail"), ("", "other")):
        values, errors = check_row(good(use=word))
        assert errors == [] and values["use_type"] == use


def test_duplicate_register_id_in_the_file():
    seen: set[str] = set()
    assert check_row(good(), seen)[1] == []
    assert [e[0] for e in check_row(good(), seen)[1]] == ["register_id"]


def test_no_floor_area_imports_without_estimate():
    values, errors = check_row(good(gross_floor_area_m2=""))
    assert errors == []
    assert values["floor_area_m2"] is None and values["estimated_mass_kg"] is None


def test_estimate_fields_match_the_estimate_module():
    from mine.estimate import embodied_carbon
    from mine.estimate import estimate_building

    values, _errors = check_row(good())
    fields = estimate_fields(values)
    assert fields["intensity_key"] == "residential|masonry|1946_1970|europe"
    masses = estimate_building(120.0, "residential", "masonry", 1965, "NL")
    assert fields["estimated_mass_kg"] == pytest.approx(sum(m[0] for m in masses.values()))
    carbon = embodied_carbon(masses)
    assert fields["estimated_carbon_kg"] == pytest.approx(sum(c[0] for c in carbon.values()))


def test_address_normalisation_and_distance():
    assert normalise_address("Kerkstraat  12-A, ") == normalise_address("kerkstraat 12a")
    assert distance_m(52.0, 6.0, 52.0002, 6.0) == pytest.approx(22.2, abs=0.1)
