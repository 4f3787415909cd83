"""Presentation of benchmark results: the console table, the details and the JSON file."""

from __future__ import annotations

import json
from pathlib import Path

from bench.common import Result
from bench.common import human_bytes

RESULTS_DIR = Path(__file__).resolve().parent / "results"
COLUMNS = ("benchmark", "db", "figure", "target", "ok")


def _ok(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")


def table(results: list[Result]) -> str:
    """The results as an aligned plain-text table."""
    rows = [COLUMNS] + [(r.benchmark, r.db, r.figure, r.target, _ok(r.ok)) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def details(results: list[Result]) -> str:
    """Breakdowns behind the table: generation phases, SQL per request, notes."""
    lines = []
    for r in results:
        m = r.metrics
        if "cli_wall_s" in m:
            lines.append(
                f"{r.benchmark} [{r.db}]: startup {m['startup_s']:.1f} s, material library "
                f"{m['material_load_s']:.2f} s, inserts {m['insert_s']:.1f} s, commit "
                f"{m['commit_s']:.1f} s; {m['rows_per_s']:,.0f} rows/s over "
                f"{m['components_in_db']:,} components + {m['component_material_rows']:,} "
                f"material links + {m['hazard_rows']:,} hazards; batch rate first "
                f"{m['first_batch_components_per_s']:,.0f} -> last "
                f"{m['last_batch_components_per_s']:,.0f} comps/s; peak RSS "
                f"{human_bytes(m['peak_rss_bytes'])}"
            )
        if "profile" in m:
            p = m["profile"]
            slowest = p["plans"][0] if p["plans"] else None
            line = (
                f"{r.benchmark} [{r.db}]: {p['statements']} SQL statements, "
                f"{p['sql_ms']:.1f} ms in SQL, {p['non_sql_ms']:.1f} ms elsewhere; "
                f"response {m['response_bytes']:,} bytes"
            )
            if slowest:
                line += (
                    f"; slowest statement {slowest['ms']:.1f} ms: {slowest['statement'][:110]}..."
                )
            lines.append(line)
        lines.extend(f"{r.benchmark} [{r.db}]: {note}" for note in r.notes)
    return "\n".join(lines)


def write_json(payload: dict, path: Path | None = None) -> Path:
    """Write the run to bench/results/latest.json (or `path`) and return where."""
    target = path or RESULTS_DIR / "latest.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return target


def print_rows(rows: list[dict]) -> None:
    """Print a standalone benchmark's rows (dicts shaped like Result) as table and details."""
    results = [Result(**row) for row in rows]
    print(table(results))
    extra = details(results)
    if extra:
        print()
        print(extra)


def finish(rows: list[Result], json_path: Path | None = None) -> int:
    """End of a standalone benchmark: print its rows, also write them to `json_path` when
    given, and return the exit status, 1 when a row missed its expected outcome."""
    print_rows([r.as_dict() for r in rows])
    if json_path:
        write_json({"results": [r.as_dict() for r in rows]}, json_path)
    return 0 if all(r.ok is not False for r in rows) else 1
