"""Build ``material_intensity.csv``: kg of each material family per m² of gross floor area, by
use, structure, construction period and world region, from the Material Intensity Research
Database (Heeren and Fishman, Scientific Data 6:23, 2019, doi:10.1038/s41597-019-0021-x).

Usage (from the repository root)::

    .venv/bin/python -m mine.data.build_material_intensity /path/to/material_intensity_db.csv

The output is written next to this script (UTF-8, ``\\n`` line endings, sorted), so the same
input always gives the same file. The database file itself is never copied into the repository:
each of its rows names its own copyright holder, and the app carries only derived figures (medians
and quartiles) with the citation and the ids of the rows they rest on. The method is described in
``README.md`` beside this script; the constants below are the whole mapping.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT_CSV = HERE / "material_intensity.csv"

#: Version 1.2 of the database is a Windows-1252 text file (curly quotes, accented author names).
SOURCE_ENCODING = "cp1252"

#: Rows need at least this many measurements of a family in a group before its figure is used.
MIN_ROWS = 3

#: The group value meaning "not restricted on this dimension".
ANY = "any"

#: The database's material columns (kg per m² of gross floor area, codebook), by app family
#: (passports.models.vocab.MATERIAL_FAMILIES). ``concrete`` also takes ``cement`` always and
#: ``aggregates`` when the row has no ``concrete`` figure (see CONCRETE_COLUMNS).
FAMILY_COLUMNS: dict[str, tuple[str, ...]] = {
    "steel": ("steel",),
    "copper": ("copper",),
    "aluminium": ("aluminum",),
    "metals_other": ("unspecified_metal",),
    "timber": ("wood",),
    "concrete": ("concrete", "cement"),
    # Bricks; adobe (sun-dried earth blocks) is masonry too.
    "masonry": ("brick", "adobe"),
    "mortar": ("mortar_plaster",),
    "gypsum": ("plaster_board_gypsum",),
    # Asphalt is bitumen-bound (the library's "asphalt" is in family bitumen).
    "bitumen": ("asphalt", "bitumen"),
    "stone": ("natural_stone",),
    # Fired clay products (roof tiles and the like, as the library's clay-roof-tile).
    "ceramics": ("ceramics", "clay"),
    "glass": ("glass",),
    "plastics": ("plastics", "PVC"),
    # Polystyrene in buildings is EPS/XPS insulation (the library's eps and xps); Heraklith is a
    # wood-wool insulation board.
    "insulation": ("polystyrene", "mineral_wool", "insulation_unspecified", "heraklith"),
    # Paper, straw, mineral fill, asbestos cement (hazardous, not recoverable as concrete),
    # unspecified siding, linoleum and carpet (the library's linoleum is in family other), and
    # the database's own "other and unspecified".
    "other": (
        "paper_cardboard",
        "straw",
        "mineral_fill",
        "cement_asbestos",
        "siding_unspecified",
        "lineoleum",
        "carpet",
        "other_unspecified_material",
    ),
}
#: ``aggregates`` (sand, gravel, slag) go to concrete when the row gives no concrete figure (the
#: database's own ``concrete2`` column: "sum of sand+cement if concrete is NA"), else to other
#: (fill and gravel beside the concrete; the library's "aggregate" is in family other).
AGGREGATES = "aggregates"
#: Columns read but kept out of the figures, with the reason.
LEFT_OUT = {
    "concrete2": "derived by the database from concrete, cement and aggregates; recomputed here",
}

#: Top-level use (the database's harmonised ``function`` / ``function_type`` columns, v1.2).
#: RS/RM/RU: residential single-family, multi-family, unspecified. NR: non-residential, split by
#: function_type. UN (unspecified) and IN (informal) rows count only where use is "any".
RESIDENTIAL_FUNCTIONS = {"RS", "RM", "RU"}
NON_RESIDENTIAL_TYPES = {
    "NR_office_low": "commercial",
    "NR_office_high": "commercial",
    "NR_retail": "commercial",
    "NR_factory": "industrial",
    "NR_warehouse": "industrial",
    "NR_civic": "public",
    "NR_unspecified": "non_residential",
}
USES = ("residential", "commercial", "industrial", "public", "non_residential")

#: Structure (the database's ``structure`` column): C reinforced concrete, M masonry, T timber,
#: S steel; U (unspecified) rows count only where structure is "any".
STRUCTURES_BY_CODE = {"C": "concrete", "M": "masonry", "T": "timber", "S": "steel"}
STRUCTURES = ("concrete", "masonry", "timber", "steel")

#: Construction periods: (key, first year, last year), inclusive.
PERIODS = (
    ("before_1919", None, 1918),
    ("1919_1945", 1919, 1945),
    ("1946_1970", 1946, 1970),
    ("1971_1990", 1971, 1990),
    ("1991_2010", 1991, 2010),
    ("after_2010", 2011, None),
)

#: World regions from the database's 32 SSP regions (column ``R32``).
REGIONS_BY_R32 = {
    "R32EU15": "europe",
    "R32EU12-H": "europe",
    "R32EU12-M": "europe",
    "R32EFTA": "europe",
    "R32USA": "north_america",
    "R32CAN": "north_america",
    "R32CHN": "east_asia",
    "R32JPN": "east_asia",
    "R32KOR": "east_asia",
    "R32TWN": "east_asia",
    "R32IND": "south_southeast_asia",
    "R32IDN": "south_southeast_asia",
    "R32OAS-L": "south_southeast_asia",
    "R32OAS-M": "south_southeast_asia",
    "R32BRA": "latin_america",
    "R32LAM-M": "latin_america",
    "R32LAM-L": "latin_america",
    "R32MEX": "latin_america",
    "R32AUNZ": "oceania",
    "R32TUR": "middle_east_africa",
    "R32MEA-H": "middle_east_africa",
    "R32MEA-M": "middle_east_africa",
    "R32SAF": "middle_east_africa",
    "R32SSA-L": "middle_east_africa",
    "R32SSA-M": "middle_east_africa",
}
REGIONS = (
    "europe",
    "north_america",
    "east_asia",
    "south_southeast_asia",
    "latin_america",
    "oceania",
    "middle_east_africa",
)

#: Floor-area types taken as gross floor area (the codebook gives every figure per m² of gross
#: floor area; "construction" is the construction (gross) floor area of the US and Chinese
#: sources; an empty type (NA/NULL) is taken at the codebook's word). Net and usable areas are
#: left out: the data gives no factor to convert them.
GROSS_AREA_TYPES = {"gross", "construction", "na", "null", ""}

MISSING = {"", "na", "null", "unspecified", "none"}

HEADER = (
    "use",
    "structure",
    "period",
    "region",
    "family",
    "median_kg_m2",
    "q1_kg_m2",
    "q3_kg_m2",
    "n",
    "level",
    "sources",
)


class Row:
    """One database row as the table sees it: its id, groups and kg/m² by family."""

    __slots__ = ("id", "use", "structure", "period", "region", "families")

    def __init__(self, id, use, structure, period, region, families):
        self.id = id
        self.use = use
        self.structure = structure
        self.period = period
        self.region = region
        self.families = families


def number(value: str) -> float | None:
    """A material column's value: a float, or None for NA (not measured; never zero)."""
    value = (value or "").strip()
    if value.lower() in MISSING:
        return None
    return float(value)


def year(value: str) -> int | None:
    value = (value or "").strip()
    if value.lower() in MISSING:
        return None
    return int(float(value))


def representative_year(start: int | None, end: int | None) -> int | None:
    """The year a row stands for. The codebook: start inclusive, end exclusive, NA when open.

    Both given: the midpoint of [start, end-1]. Only an end ("before 1919"): end-1, the last year
    it covers. Only a start: the start (a single building's year, or "from ... on"). Neither:
    None (the row counts only where the period is "any")."""
    if start is not None and end is not None:
        last = max(start, end - 1)
        return (start + last) // 2
    if end is not None:
        return end - 1
    return start


def period_for_year(value: int | None) -> str | None:
    if value is None:
        return None
    for key, first, last in PERIODS:
        if (first is None or value >= first) and (last is None or value <= last):
            return key
    return None


def use_for(function: str, function_type: str) -> str | None:
    function = (function or "").strip()
    if function in RESIDENTIAL_FUNCTIONS:
        return "residential"
    if function == "NR":
        return NON_RESIDENTIAL_TYPES.get((function_type or "").strip(), "non_residential")
    return None


def families_of(record: dict) -> dict[str, float]:
    """kg/m² by family: the sum of the measured (non-NA) columns mapped to it. A family none of
    whose columns was measured is absent (not zero)."""
    values = {
        column: number(record.get(column, ""))
        for cols in FAMILY_COLUMNS.values()
        for column in cols
    }
    aggregates = number(record.get(AGGREGATES, ""))
    found: dict[str, float] = {}
    for family, columns in FAMILY_COLUMNS.items():
        measured = [values[c] for c in columns if values[c] is not None]
        if measured:
            found[family] = sum(measured)
    if aggregates is not None:
        target = "other" if values["concrete"] is not None else "concrete"
        found[target] = found.get(target, 0.0) + aggregates
    return found


def read_rows(path: Path) -> tuple[list[Row], dict[str, int]]:
    """The usable rows and, by reason, how many were left out."""
    text = path.read_bytes().decode(SOURCE_ENCODING)
    rows: list[Row] = []
    skipped: dict[str, int] = defaultdict(int)
    for record in csv.DictReader(io.StringIO(text, newline="")):
        area_type = (record.get("floor_area_type") or "").strip().lower()
        if area_type not in GROSS_AREA_TYPES:
            skipped[f"floor area {area_type}"] += 1
            continue
        families = families_of(record)
        if not families:
            skipped["no material measured"] += 1
            continue
        region = REGIONS_BY_R32.get((record.get("R32") or "").strip())
        if region is None:
            skipped["no region"] += 1
            continue
        rep = representative_year(
            year(record["construction_period_start"]), year(record["construction_period_end"])
        )
        rows.append(
            Row(
                id=int(record["id"]),
                use=use_for(record.get("function", ""), record.get("function_type", "")),
                structure=STRUCTURES_BY_CODE.get((record.get("structure") or "").strip()),
                period=period_for_year(rep),
                region=region,
                families=families,
            )
        )
    return rows, dict(skipped)


def quantile(ordered: list[float], p: float) -> float:
    """Linear interpolation between order statistics (numpy's default, Excel's QUARTILE.INC):
    h = (n-1)·p, q = x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋])."""
    h = (len(ordered) - 1) * p
    lo = int(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def id_ranges(ids) -> str:
    """Row ids as ranges: [0, 1, 2, 5] -> "0-2;5"."""
    ordered = sorted(set(ids))
    parts: list[str] = []
    start = prev = None
    for i in ordered:
        if start is None:
            start = prev = i
        elif i == prev + 1:
            prev = i
        else:
            parts.append(f"{start}-{prev}" if prev != start else str(start))
            start = prev = i
    if start is not None:
        parts.append(f"{start}-{prev}" if prev != start else str(start))
    return ";".join(parts)


def level_name(key: tuple[str, str, str, str]) -> str:
    """The group a figure comes from, named by the dimensions it keeps: "use+period", "all"."""
    dimensions = ("use", "structure", "period", "region")
    names = [name for name, value in zip(dimensions, key, strict=True) if value != ANY]
    return "+".join(names) if names else "all"


def fallback_chain(key: tuple[str, str, str, str]) -> list[tuple[str, str, str, str]]:
    """The cell, then without region, then without structure, then without period, then all."""
    use, structure, period, region = key
    chain = [
        (use, structure, period, region),
        (use, structure, period, ANY),
        (use, ANY, period, ANY),
        (use, ANY, ANY, ANY),
        (ANY, ANY, ANY, ANY),
    ]
    seen: list[tuple[str, str, str, str]] = []
    for k in chain:
        if k not in seen:
            seen.append(k)
    return seen


def group_keys(row: Row):
    """Every cell a row belongs to: its own value or "any" on each dimension (unknown: "any")."""
    for use in {row.use or ANY, ANY}:
        for structure in {row.structure or ANY, ANY}:
            for period in {row.period or ANY, ANY}:
                for region in {row.region, ANY}:
                    yield (use, structure, period, region)


def build_table(rows: list[Row]) -> list[dict]:
    """One line per cell with data and family: its figure, or the fallback's (see README.md)."""
    measured: dict[tuple, dict[str, list[tuple[float, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in rows:
        for key in group_keys(row):
            for family, value in row.families.items():
                measured[key][family].append((value, row.id))
    families = [f for f in FAMILY_COLUMNS if measured[(ANY, ANY, ANY, ANY)].get(f)]
    out: list[dict] = []
    for key in sorted(measured):
        for family in families:
            for source_key in fallback_chain(key):
                points = measured.get(source_key, {}).get(family, [])
                if len(points) >= MIN_ROWS or source_key == (ANY, ANY, ANY, ANY):
                    break
            if not points:
                continue
            values = sorted(v for v, _ in points)
            out.append(
                {
                    "use": key[0],
                    "structure": key[1],
                    "period": key[2],
                    "region": key[3],
                    "family": family,
                    "median_kg_m2": quantile(values, 0.5),
                    "q1_kg_m2": quantile(values, 0.25),
                    "q3_kg_m2": quantile(values, 0.75),
                    "n": len(values),
                    "level": level_name(source_key),
                    "sources": id_ranges(i for _, i in points),
                }
            )
    return out


def _fmt(value: float) -> str:
    """Six significant digits: the source gives more than it measured."""
    return f"{value:.6g}"


def write_table(table: list[dict], path: Path = OUTPUT_CSV) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for line in table:
            writer.writerow([_fmt(line[h]) if h.endswith("_kg_m2") else line[h] for h in HEADER])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in (1, 2):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print(
            "usage: python -m mine.data.build_material_intensity DB.csv [OUT.csv]", file=sys.stderr
        )
        return 2
    rows, skipped = read_rows(Path(argv[0]))
    table = build_table(rows)
    out = Path(argv[1]) if len(argv) == 2 else OUTPUT_CSV
    write_table(table, out)
    cells = {(t["use"], t["structure"], t["period"], t["region"]) for t in table}
    own = sum(
        1
        for t in table
        if t["level"] == level_name((t["use"], t["structure"], t["period"], t["region"]))
    )
    print(f"{len(rows)} rows used; left out: {skipped or 'none'}")
    fallen = len(table) - own
    print(f"{len(cells)} cells, {len(table)} figures ({fallen} from a broader group) -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
