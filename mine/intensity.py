"""Material intensities: kg of each material family per m² of gross floor area, by use, structure,
construction period and world region (mine/data/material_intensity.csv, derived from the Material
Intensity Research Database, Heeren and Fishman, Scientific Data 6:23, 2019,
doi:10.1038/s41597-019-0021-x; method in mine/data/README.md).

`intensity_for(use, structure, year, region)` gives, per family, the median, the interquartile
range (q1-q3), the number of database rows it rests on, the group it comes from (its "level") and
those rows' ids. The lookup takes the most specific cell the table holds for the building; the
table itself says when a cell's figure for a family comes from a broader group (fewer than three
rows measured it there).

Arguments may be the app's own words: `use` a passports USE_TYPES value ("office" reads as the
table's "commercial"), `region` an ISO 3166-1 alpha-2 country code ("NL" reads as "europe") or a
region key, `year` a construction year. Unknown or missing arguments widen the cell ("any").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.i18n import word
from app.i18n import words
from mine.data.build_material_intensity import ANY
from mine.data.build_material_intensity import REGIONS
from mine.data.build_material_intensity import STRUCTURES
from mine.data.build_material_intensity import USES
from mine.data.build_material_intensity import fallback_chain
from mine.data.build_material_intensity import period_for_year
from passports.models.vocab import MATERIAL_FAMILIES

TABLE_CSV = Path(__file__).resolve().parent / "data" / "material_intensity.csv"

#: The app's building uses (passports.models.vocab.USE_TYPES) as the table's uses. "mixed" has no
#: group of its own in the data: it reads as any use.
USE_FOR_APP_USE = {
    "residential": "residential",
    "office": "commercial",
    "retail": "commercial",
    "industrial": "industrial",
    "storage": "industrial",
    "civic": "public",
    "education": "public",
    "healthcare": "public",
    "sports": "public",
    "culture": "public",
    "other": "non_residential",
    "mixed": ANY,
}

#: Countries (ISO 3166-1 alpha-2) by the table's region, grouped as the database's SSP regions
#: (R32) are grouped by the build script: the countries in the database, and the rest of the EU
#: and EFTA.
_COUNTRIES = {
    "europe": "AT BE BG CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT "
    "RO SE SI SK",
    "north_america": "CA US",
    "east_asia": "CN HK JP KR MO TW",
    "south_southeast_asia": "BD FJ ID IN LK MY NP PH SG TH VN",
    "latin_america": "AR BR CL CO GD MX PE",
    "oceania": "AU NZ",
    "middle_east_africa": "CM IR JO LB NG SA TR ZA",
}
REGION_FOR_COUNTRY = {
    code: region for region, codes in _COUNTRIES.items() for code in codes.split()
}


# The words people read for the table's values (`|label`). Structures are the family words
# (concrete, masonry, timber, steel) and "residential" and "industrial" the passports' use words.
# A level names the group a figure comes from; its words are registered as "level:<level>" (the
# registry is one namespace, and "structure" is a component category): see level_word.
words(
    {
        # Uses the passports do not name.
        "commercial": _l("Commercial"),
        "public": _l("Public"),
        "non_residential": _l("Non-residential"),
        # Construction periods.
        "before_1919": _l("Before 1919"),
        "1919_1945": _l("1919–1945"),
        "1946_1970": _l("1946–1970"),
        "1971_1990": _l("1971–1990"),
        "1991_2010": _l("1991–2010"),
        "after_2010": _l("After 2010"),
        # World regions.
        "europe": _l("Europe"),
        "north_america": _l("North America"),
        "east_asia": _l("East Asia"),
        "south_southeast_asia": _l("South and Southeast Asia"),
        "latin_america": _l("Latin America"),
        "oceania": _l("Oceania"),
        "middle_east_africa": _l("Middle East and Africa"),
        # Levels: the group of database rows a figure comes from.
        "level:use+structure+period+region": _l(
            "Same use, structure, construction period and region"
        ),
        "level:use+structure+period": _l("Same use, structure and construction period"),
        "level:use+structure+region": _l("Same use, structure and region"),
        "level:use+period+region": _l("Same use, construction period and region"),
        "level:structure+period+region": _l("Same structure, construction period and region"),
        "level:use+structure": _l("Same use and structure"),
        "level:use+period": _l("Same use and construction period"),
        "level:use+region": _l("Same use and region"),
        "level:structure+period": _l("Same structure and construction period"),
        "level:structure+region": _l("Same structure and region"),
        "level:period+region": _l("Same construction period and region"),
        "level:use": _l("Same use"),
        "level:structure": _l("Same structure"),
        "level:period": _l("Same construction period"),
        "level:region": _l("Same region"),
        "level:all": _l("All buildings in the database"),
    }
)


@dataclass(frozen=True)
class Intensity:
    """kg of one family per m² of gross floor area: median and interquartile range (q1, q3) over
    `n` database rows (ids `sources`), taken from the group `level` ("use+structure+period+region"
    is the cell itself, "all" the whole database)."""

    median: float
    q1: float
    q3: float
    n: int
    level: str
    sources: tuple[int, ...]


def level_word(level: str) -> str:
    """The group a figure comes from, in the page's language ("use+period" -> "Same use and
    construction period")."""
    return word(f"level:{level}")


@cache
def parse_sources(text: str) -> tuple[int, ...]:
    """Row ids from their ranges: "0-2;5" -> (0, 1, 2, 5). Cached: cells that fall back to the
    same group share its ids."""
    ids: list[int] = []
    for part in filter(None, text.split(";")):
        first, _, last = part.partition("-")
        ids.extend(range(int(first), int(last or first) + 1))
    return tuple(ids)


@lru_cache(maxsize=4)
def load_table(path: Path = TABLE_CSV) -> dict[tuple[str, str, str, str], dict[str, Intensity]]:
    """The table, read once: {(use, structure, period, region): {family: Intensity}}."""
    table: dict[tuple[str, str, str, str], dict[str, Intensity]] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["use"], row["structure"], row["period"], row["region"])
            table.setdefault(key, {})[row["family"]] = Intensity(
                median=float(row["median_kg_m2"]),
                q1=float(row["q1_kg_m2"]),
                q3=float(row["q3_kg_m2"]),
                n=int(row["n"]),
                level=row["level"],
                sources=parse_sources(row["sources"]),
            )
    return table


def period_for(year: int | None) -> str:
    """The construction period of a year ("any" when unknown)."""
    return period_for_year(year) or ANY


def use_key(use: str | None) -> str:
    if not use:
        return ANY
    use = use.strip().lower()
    if use in USES:
        return use
    return USE_FOR_APP_USE.get(use, ANY)


def structure_key(structure: str | None) -> str:
    structure = (structure or "").strip().lower()
    return structure if structure in STRUCTURES else ANY


def region_key(region: str | None) -> str:
    """A region key, or the region of an ISO 3166-1 alpha-2 country code; else "any"."""
    if not region:
        return ANY
    value = region.strip()
    if value.lower() in REGIONS:
        return value.lower()
    return REGION_FOR_COUNTRY.get(value.upper(), ANY)


def cell_chain(
    use: str, structure: str, period: str, region: str
) -> list[tuple[str, str, str, str]]:
    """The cells to try, most specific first: the cell, without region, without structure, without
    period, then all (the order the build script falls back in)."""
    return fallback_chain((use, structure, period, region))


def intensity_for(
    use: str | None,
    structure: str | None,
    year: int | None,
    region: str | None = None,
    *,
    table: dict | None = None,
) -> dict[str, Intensity]:
    """kg/m² by material family for a building, from the most specific cell the table holds.

    The table holds every cell with at least one database row; within a cell, a family measured
    in fewer than three rows already carries a broader group's figure (its `level`). A cell with
    no row at all is not in the table: the lookup then tries the next cell of `cell_chain`.
    Families come out in MATERIAL_FAMILIES order; a family no database row measures is absent.
    """
    table = load_table() if table is None else table
    key = (use_key(use), structure_key(structure), period_for(year), region_key(region))
    for cell in cell_chain(*key):
        figures = table.get(cell)
        if figures:
            return {family: figures[family] for family in MATERIAL_FAMILIES if family in figures}
    return {}
