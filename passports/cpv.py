"""The CPV 2008 codes the product needs (construction products and works), carried as data."""

import csv
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "cpv_construction.csv"


@cache
def cpv_codes() -> dict[str, str]:
    """Code → English label, loaded once from the curated subset."""
    with _DATA.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["label"] for row in csv.DictReader(fh)}


# The shape of a code with its check digit; whether it is one of ours is is_valid_cpv's answer.
CPV_CODE = r"[0-9]{8}-[0-9]"
CPV_FORMAT = "A CPV code with its check digit, e.g. 44111100-2."
CPV_CONSTRUCTION = "Not a CPV code for construction products or works."


def is_valid_cpv(code: str) -> bool:
    """True when the code (with its check digit, e.g. 44111100-2) is in the subset."""
    return code in cpv_codes()


def cpv_label(code: str) -> str:
    """The English label of a code, or an empty string."""
    return cpv_codes().get(code, "")
