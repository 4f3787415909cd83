"""Benchmark `ids`: the IDS check of `Office_A_20110811.ifc` (Revit, IFC2X3, 767 building
elements) against the material passport's IDS, as an import runs it.

- Opening the model with ifcopenshell is timed on its own (the importer opens it anyway, and the
  check reuses the opened model).
- The check (`passports.imports.ids.check_model`: ifctester's validation, restricted to the
  imported elements, and our summary with each failing element's place): the first check of the
  process (reading the IDS file with ifctester's XML schema included), then the median of the
  next rounds. Target: at most 5 s.

Reads ../shared/samples/ifc (or $MPX_SHARED_DIR); skipped when absent. Database-free. Run it
alone with `python -m bench.bench_ids [--quick]`; `run(quick)` returns the result rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from bench.common import row
from bench.report import print_rows

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MPX_SHARED_DIR") or ROOT.parent / "shared")
MODEL = SHARED / "samples" / "ifc" / "Office_A_20110811.ifc"
TARGET_S = 5.0


def _log(message: str) -> None:
    print(f"[bench ids {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(quick: bool = False) -> list[dict]:
    """Time opening Office_A and checking it against the IDS; one result row."""
    if not MODEL.exists():
        return [row("ids", "-", "skipped", f"≤ {TARGET_S:g} s", None, notes=[f"{MODEL} absent"])]
    import ifcopenshell

    from passports.imports.ids import check_model
    from passports.imports.ifc_quantities import base_class

    rounds = 2 if quick else 5
    opened = []
    for _ in range(rounds):
        started = time.perf_counter()
        model = ifcopenshell.open(str(MODEL))
        opened.append(time.perf_counter() - started)
    base = base_class(model.schema)
    checks = []
    summary = {}
    for index in range(rounds + 1):
        started = time.perf_counter()
        summary = check_model(model, base)
        checks.append(time.perf_counter() - started)
        _log(f"check {index + 1}: {checks[-1]:.2f} s")
    first, warm = checks[0], statistics.median(checks[1:])
    figures = {
        s["identifier"]: {"applicable": s["applicable"], "passed": s["passed"]}
        for s in summary["specifications"]
    }
    return [
        row(
            "ids",
            "-",
            f"{warm:.2f} s check (first {first:.2f} s), open {statistics.median(opened):.2f} s",
            f"≤ {TARGET_S:g} s",
            max(first, warm) <= TARGET_S,
            metrics={
                "model": MODEL.name,
                "elements": len(model.by_type(base)),
                "open_s": [round(t, 3) for t in opened],
                "check_first_s": round(first, 3),
                "check_s": [round(t, 3) for t in checks[1:]],
                "check_median_s": round(warm, 3),
                "status": summary["status"],
                "figures": figures,
            },
            notes=[
                "open: ifcopenshell.open, median; the import opens the model once for both",
                "first check includes reading the IDS with ifctester's XML schema",
            ],
        )
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark alone and print its row."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_ids")
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    print_rows(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
