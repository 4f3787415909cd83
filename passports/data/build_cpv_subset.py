"""Build ``cpv_construction.csv``: the CPV 2008 codes the product needs.

The Common Procurement Vocabulary (CPV 2008) has some 9,454 codes. Material passports and the
reuse marketplace only need the codes for construction products and construction work, so the
application carries this curated subset instead of the whole vocabulary.

A code is kept when it starts with one of ``PREFIXES`` (see below), or when
``materials.csv`` (beside this script) uses it as a material's ``cpv_code``. Codes and labels
are copied unchanged from the official English list; nothing is invented here.

Usage (from the repository root)::

    .venv/bin/python passports/data/build_cpv_subset.py /path/to/cpv_en.json

``cpv_en.json`` is a JSON object mapping each code (``44111100-2``, check digit included) to
its English label. The output is written next to this script as ``cpv_construction.csv``
(UTF-8, header ``code,label``, sorted by code, ``\\n`` line endings), so the same input always
gives the same file. The script stops with an error if ``materials.csv`` uses a code that is
not in the official list.

The labels in the app's other languages are kept by hand in ``cpv_translations.csv`` (its
header says for which codes and from what source); the script reports a translated code that
the new subset no longer holds, so that no translation is left pointing at nothing.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MATERIALS_CSV = HERE / "materials.csv"
OUTPUT_CSV = HERE / "cpv_construction.csv"
TRANSLATIONS_CSV = HERE / "cpv_translations.csv"

#: Code prefixes kept in the subset, with what each covers in CPV 2008.
PREFIXES: tuple[tuple[str, str], ...] = (
    (
        "44",
        "Construction structures and materials; auxiliary products to construction "
        "(bricks, concrete, insulation, pipes, sections, builders' joinery, stone...)",
    ),
    (
        "45",
        "Construction work (building, demolition, site preparation, installation, "
        "completion and finishing work)",
    ),
    (
        "14",
        "Mining, basic metals and related products (sand, gravel, aggregates, clay, "
        "basic metals such as steel, aluminium, copper, zinc and lead, glass)",
    ),
    ("0341", "Wood (coniferous wood, softwood, hardwood, timber and timber products)"),
    ("1952", "Plastic products (polystyrene products, resins)"),
)


def load_vocabulary(path: Path) -> dict[str, str]:
    """Read the official CPV list: code -> English label."""
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: expected a JSON object of code -> label")
    return {str(code): str(label) for code, label in data.items()}


def material_codes(path: Path = MATERIALS_CSV) -> set[str]:
    """The CPV codes used by the curated material library (empty if it does not exist)."""
    if not path.exists():
        return set()
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["cpv_code"].strip() for row in csv.DictReader(fh) if row["cpv_code"].strip()}


def select_codes(vocabulary: dict[str, str], extra: set[str]) -> list[tuple[str, str]]:
    """The (code, label) rows of the subset, sorted by code."""
    unknown = sorted(code for code in extra if code not in vocabulary)
    if unknown:
        raise SystemExit(
            "materials.csv uses CPV codes missing from the official list: " + ", ".join(unknown)
        )
    prefixes = tuple(prefix for prefix, _ in PREFIXES)
    keep = {code for code in vocabulary if code.startswith(prefixes)} | extra
    return [(code, vocabulary[code]) for code in sorted(keep)]


def write_subset(rows: list[tuple[str, str]], path: Path = OUTPUT_CSV) -> None:
    """Write the subset as CSV with a ``code,label`` header."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "label"])
        writer.writerows(rows)


def translated_codes(path: Path = TRANSLATIONS_CSV) -> set[str]:
    """The codes ``cpv_translations.csv`` carries labels for (empty if it does not exist)."""
    if not path.exists():
        return set()
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        return {row["code"] for row in csv.DictReader(lines)}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {Path(argv[0]).name} /path/to/cpv_en.json", file=sys.stderr)
        return 2
    vocabulary = load_vocabulary(Path(argv[1]))
    rows = select_codes(vocabulary, material_codes())
    write_subset(rows)
    print(f"wrote {len(rows)} of {len(vocabulary)} CPV codes to {OUTPUT_CSV}")
    orphans = sorted(translated_codes() - {code for code, _ in rows})
    if orphans:
        print(
            f"{TRANSLATIONS_CSV.name} translates codes no longer in the subset: "
            + ", ".join(orphans),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
