"""Checks of the curated data files: the material library and the CPV subset.

These tests read only CSV/JSON files (standard library + pytest); they never import the
application. The checks against the official CPV list and the ICE v2 table need the shared
sample data (``shared/samples/data`` beside the repository, or ``$MPX_SHARED_DIR/samples/data``)
and are skipped when it is not there.

Format of ``carbon_source`` for figures taken from the ICE v2 mass table
(``ice_v2_mass.csv``, columns material/type/subtype)::

    ICE v2 (Hammond & Jones 2011), <material> / <type> / <subtype>[; <note>]...

Empty type/subtype parts are left out. If a note starts with ``kgCO2 only`` the factor is the
table's ``massCO2PerMass`` (the table gives no CO2e value), otherwise ``massCO2ePerMass``.
Figures from the ICE v2 concrete table, which is not in the shared samples, are cited as
``ICE v2 (Hammond & Jones 2011) concrete table, ...``.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "passports" / "data"
MATERIALS_CSV = DATA / "materials.csv"
CPV_SUBSET_CSV = DATA / "cpv_construction.csv"

COLUMNS = [
    "slug",
    "name",
    "family",
    "density_kg_m3",
    "carbon_a1a3_kgco2e_per_kg",
    "carbon_source",
    "cpv_code",
    "reference_service_life_years",
    "reprocessing_kgco2e_per_kg",
    "reprocessing_source",
    "aliases",
]
FAMILIES = {
    "masonry",
    "concrete",
    "steel",
    "aluminium",
    "copper",
    "metals_other",
    "timber",
    "glass",
    "insulation",
    "gypsum",
    "ceramics",
    "stone",
    "plastics",
    "bitumen",
    "mortar",
    "other",
}
REQUIRED_FAMILIES = {
    "masonry",
    "concrete",
    "steel",
    "aluminium",
    "copper",
    "timber",
    "glass",
    "insulation",
    "gypsum",
    "ceramics",
    "stone",
    "plastics",
    "bitumen",
    "mortar",
}
ICE_MASS_PREFIX = "ICE v2 (Hammond & Jones 2011), "
ICE_CONCRETE_PREFIX = "ICE v2 (Hammond & Jones 2011) concrete table, "
CO2_ONLY_NOTE = "kgCO2 only"
DEFAULT_REPROCESSING_SOURCE = "not assessed (default 0)"
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CPV_RE = re.compile(r"^\d{8}-\d$")


def _shared_data_dir() -> Path:
    env = os.environ.get("MPX_SHARED_DIR")
    shared = Path(env) if env else Path(__file__).resolve().parents[3] / "shared"
    return shared / "samples" / "data"


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@pytest.fixture(scope="module")
def materials() -> list[dict[str, str]]:
    return _read_csv(MATERIALS_CSV)[1]


@pytest.fixture(scope="module")
def cpv_subset() -> dict[str, str]:
    return {row["code"]: row["label"] for row in _read_csv(CPV_SUBSET_CSV)[1]}


@pytest.fixture(scope="module")
def cpv_official() -> dict[str, str]:
    path = _shared_data_dir() / "cpv_en.json"
    if not path.exists():
        pytest.skip(f"shared CPV list not found at {path}")
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def ice_mass() -> dict[str, dict[str, str]]:
    path = _shared_data_dir() / "ice_v2_mass.csv"
    if not path.exists():
        pytest.skip(f"shared ICE v2 table not found at {path}")
    table: dict[str, dict[str, str]] = {}
    for row in _read_csv(path)[1]:
        parts = [row["material"], row["type"], row["subtype"]]
        key = _norm(" / ".join(p.strip() for p in parts if p.strip()))
        table[key] = row
    return table


# ------------------------------------------------------------------ materials.csv
def test_materials_header_is_exact():
    assert _read_csv(MATERIALS_CSV)[0] == COLUMNS


def test_materials_has_at_least_40_rows(materials):
    assert len(materials) >= 40


def test_every_row_is_complete(materials):
    for row in materials:
        assert None not in row, f"{row.get('slug')}: too many fields"
        for column in COLUMNS:
            if column == "aliases":
                continue
            assert (row[column] or "").strip(), f"{row['slug']}: empty {column}"


def test_families_are_known_and_required_ones_present(materials):
    families = {row["family"] for row in materials}
    assert families <= FAMILIES, families - FAMILIES
    assert families >= REQUIRED_FAMILIES, REQUIRED_FAMILIES - families


def test_slugs_are_well_formed_and_unique(materials):
    slugs = [row["slug"] for row in materials]
    assert all(SLUG_RE.match(s) for s in slugs), [s for s in slugs if not SLUG_RE.match(s)]
    duplicates = [s for s, n in Counter(slugs).items() if n > 1]
    assert not duplicates


def test_names_are_unique(materials):
    names = [_norm(row["name"]) for row in materials]
    assert not [n for n, c in Counter(names).items() if c > 1]


def test_aliases_are_unique_across_materials(materials):
    owner: dict[str, str] = {}
    clashes = []
    for row in materials:
        aliases = [a.strip() for a in row["aliases"].split(";")]
        assert all(aliases), f"{row['slug']}: empty alias"
        assert all(len(a) <= 100 for a in aliases), f"{row['slug']}: alias over 100 characters"
        assert len({_norm(a) for a in aliases}) == len(aliases), f"{row['slug']}: repeated alias"
        # An alias may repeat its own material's name, never another material's name or alias.
        for term in {_norm(a) for a in aliases} | {_norm(row["name"])}:
            if term in owner and owner[term] != row["slug"]:
                clashes.append((term, owner[term], row["slug"]))
            owner.setdefault(term, row["slug"])
    assert not clashes


def test_numbers_are_positive(materials):
    for row in materials:
        density = float(row["density_kg_m3"])
        carbon = float(row["carbon_a1a3_kgco2e_per_kg"])
        reprocessing = float(row["reprocessing_kgco2e_per_kg"])
        life = int(row["reference_service_life_years"])
        assert math.isfinite(density) and density > 0, row["slug"]
        assert math.isfinite(carbon) and carbon > 0, row["slug"]
        assert math.isfinite(reprocessing) and reprocessing >= 0, row["slug"]
        assert 1 <= life <= 500, row["slug"]
        assert reprocessing < carbon, f"{row['slug']}: reprocessing should cost less than making"


def test_sources_are_given(materials):
    for row in materials:
        assert len(row["carbon_source"].strip()) >= 3, row["slug"]
        assert len(row["carbon_source"]) <= 500, row["slug"]
        source = row["reprocessing_source"].strip()
        if float(row["reprocessing_kgco2e_per_kg"]) == 0:
            assert source, row["slug"]
        else:
            assert source and source != DEFAULT_REPROCESSING_SOURCE, row["slug"]


def test_reclaimed_clay_bricks_carry_the_cleaning_cost(materials):
    bricks = [r for r in materials if r["family"] == "masonry" and "clay" in r["name"].lower()]
    assert bricks
    for row in bricks:
        assert float(row["reprocessing_kgco2e_per_kg"]) == pytest.approx(0.0027)


def test_cpv_codes_are_in_the_subset(materials, cpv_subset):
    for row in materials:
        assert CPV_RE.match(row["cpv_code"]), row["slug"]
        assert row["cpv_code"] in cpv_subset, f"{row['slug']}: {row['cpv_code']} not in subset"


# ------------------------------------------------------------------ cpv_construction.csv
def test_cpv_subset_is_sorted_and_unique():
    header, rows = _read_csv(CPV_SUBSET_CSV)
    assert header == ["code", "label"]
    codes = [row["code"] for row in rows]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    assert all(CPV_RE.match(c) for c in codes)
    assert all(row["label"].strip() for row in rows)
    for prefix in ("44", "45", "14"):
        assert any(c.startswith(prefix) for c in codes), prefix


def test_cpv_subset_matches_official_list(cpv_subset, cpv_official):
    mismatched = {c: lab for c, lab in cpv_subset.items() if cpv_official.get(c) != lab}
    assert not mismatched
    for prefix in ("44", "45"):
        official = {c for c in cpv_official if c.startswith(prefix)}
        assert official <= set(cpv_subset), f"codes starting {prefix} missing from subset"


def test_material_cpv_codes_are_official(materials, cpv_official):
    unknown = {
        row["slug"]: row["cpv_code"] for row in materials if row["cpv_code"] not in cpv_official
    }
    assert not unknown


# ------------------------------------------------------------------ ICE v2 factors
def test_ice_v2_sources_use_a_known_form(materials):
    for row in materials:
        source = row["carbon_source"]
        if source.startswith("ICE v2"):
            assert source.startswith((ICE_MASS_PREFIX, ICE_CONCRETE_PREFIX)), row["slug"]


def test_ice_v2_factors_match_the_table(materials, ice_mass):
    checked = 0
    for row in materials:
        source = row["carbon_source"]
        if not source.startswith(ICE_MASS_PREFIX):
            continue
        reference, *notes = source[len(ICE_MASS_PREFIX) :].split("; ")
        entry = ice_mass.get(_norm(reference))
        assert entry is not None, f"{row['slug']}: no ICE v2 row '{reference}'"
        co2_only = any(note.startswith(CO2_ONLY_NOTE) for note in notes)
        column = "massCO2PerMass" if co2_only else "massCO2ePerMass"
        assert entry[column].strip(), f"{row['slug']}: ICE v2 row has no {column}"
        if not co2_only:
            assert entry["massCO2ePerMass"].strip()
        assert float(row["carbon_a1a3_kgco2e_per_kg"]) == pytest.approx(
            float(entry[column]), rel=1e-9
        ), row["slug"]
        checked += 1
    assert checked >= 30
