"""Benchmark `imports`: bulk import of components through the CLI, as an owner would run it.

Each figure is the wall time of `flask passports import BUILDING FILE` in a subprocess
(application start-up included) against a fresh database, with the peak resident memory of
that subprocess from wait4 (ru_maxrss of the child alone):

- IFC: AC20-FZK-Haus.ifc (ArchiCAD, IFC4) at most 10 s; Office_A_20110811.ifc (Revit, IFC2X3)
  at most 20 s. Read from ../shared/samples/ifc (or $MPX_SHARED_DIR); skipped when absent.
- CSV: 10,000 rows at most 5 s; 100,000 rows at most 60 s with a peak RSS under 500 MB. The
  rows are synthetic but realistic: semicolon-separated, Dutch headers, decimal commas, unit
  synonyms, one or two materials with shares. --quick shrinks the large file to 20,000 rows.

Both SQLite and a throwaway PostgreSQL cluster (skipped when PostgreSQL is not installed).
Run alone with `python -m bench.bench_imports [--quick]`; `run(quick)` returns the rows.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import sys
import tempfile
from pathlib import Path

from bench.common import PostgresServer
from bench.common import flask_command
from bench.common import human_bytes
from bench.common import log
from bench.common import migrate
from bench.common import row
from bench.common import sigterm_as_exit
from bench.common import sqlite_url
from bench.report import print_rows

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MPX_SHARED_DIR") or ROOT.parent / "shared")
IFC_TARGETS = {"AC20-FZK-Haus.ifc": 10.0, "Office_A_20110811.ifc": 20.0}
CSV_SMALL, CSV_SMALL_S = 10_000, 5.0
CSV_LARGE, CSV_LARGE_S, CSV_LARGE_RSS = 100_000, 60.0, 500 * 1024 * 1024
MATERIALS = (
    "Common clay brick",
    "baksteen",
    "Masonry - Brick",
    "In-situ concrete C30/37",
    "Beton",
    "Structural steel section",
    "Staal",
    "Sawn softwood",
    "Glulam",
    "Float glass",
    "Stone wool insulation",
    "Gypsum plasterboard",
    "Lime mortar",
    "Aluminium extrusion",
)
UNITS = (("m³", 1.0), ("m3", 1.0), ("m²", None), ("stuks", None), ("kg", None), ("t", None))
CATEGORIES = ("external_wall", "internal_wall", "floor", "roof", "structure", "window", "door")


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    """A semicolon CSV in the Dutch style a municipality's spreadsheet export would have."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "Kenmerk;Naam;Categorie;Verdieping;Hoeveelheid;Eenheid;Materiaal;Conditie;"
            "Bouwjaar;Volume\n"
        )
        for i in range(rows):
            unit, _ = rng.choice(UNITS)
            quantity = f"{rng.uniform(0.5, 900):.2f}".replace(".", ",")
            first, second = rng.sample(MATERIALS, 2)
            if rng.random() < 0.5:
                share = rng.randint(60, 95)
                materials = f"{first} {share}%| {second} {100 - share}%"
            else:
                materials = first
            volume = f"{rng.uniform(0.1, 20):.3f}".replace(".", ",") if unit != "m³" else ""
            out.write(
                f"EXT-{i:07d};Element {i};{rng.choice(CATEGORIES)};{rng.randint(0, 6):02d};"
                f'{quantity};{unit};"{materials}";{rng.randint(1, 5)};{rng.randint(1950, 2020)};'
                f"{volume}\n"
            )


def _prepare(url: str, workdir: Path, buildings: int) -> list[int]:
    """Migrate with `flask db upgrade`, then an owner, the library and empty buildings."""
    migrate(url, workdir)
    from app import create_app
    from app.auth import services as accounts
    from app.extensions import db
    from passports import services

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        services.load_material_library()
        org = accounts.create_organisation("Bench imports owner", "municipality")
        user = accounts.create_user(
            "bench-imports@example.org", "bench password 1234", "owner", org
        )
        ids = []
        for n in range(buildings):
            building = services.register_building(
                user,
                {
                    "name": f"Import bench {n}",
                    "address": "Markt 1",
                    "city": "Brummen",
                    "country": "NL",
                    "use_type": "civic",
                    "status": "in_use",
                },
            )
            ids.append(building.id)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return ids


def _import(url: str, building_id: int, path: Path, workdir: Path, label: str, timeout: float):
    done = flask_command(
        ["passports", "import", str(building_id), str(path)],
        url,
        workdir / f"{label}.log",
        timeout_s=timeout,
    )
    output = done.log_path.read_text(errors="replace")
    created = re.search(r"(\d+) were created", output)
    return done, int(created.group(1)) if created else None, output


def _row(benchmark, db, done, created, expected, target_s, rss_limit=None, notes=()):
    ok = done.returncode == 0 and created == expected and done.wall_s <= target_s
    if rss_limit is not None:
        ok = ok and done.peak_rss_bytes < rss_limit
    figure = f"{done.wall_s:.2f} s, peak RSS {human_bytes(done.peak_rss_bytes)}"
    target = f"≤ {target_s:g} s" + (f", RSS < {human_bytes(rss_limit)}" if rss_limit else "")
    notes = list(notes)
    if done.returncode != 0:
        notes.append(f"exit {done.returncode}: {done.tail(5)}")
    elif created != expected:
        notes.append(f"created {created}, expected {expected}")
    metrics = {
        "wall_s": done.wall_s,
        "peak_rss_bytes": done.peak_rss_bytes,
        "created": created,
        "expected": expected,
    }
    return row(benchmark, db, figure, target, ok, metrics, notes)


def _run_on(db: str, url: str, workdir: Path, csv_files: dict[int, Path]) -> list[dict]:
    rows = []
    samples = [(name, SHARED / "samples" / "ifc" / name) for name in IFC_TARGETS]
    ids = _prepare(url, workdir, len(samples) + len(csv_files))
    for building_id, (name, path) in zip(ids, samples, strict=False):
        if not path.exists():
            rows.append(
                {
                    "benchmark": f"imports.ifc {name}",
                    "db": db,
                    "figure": "skipped",
                    "target": f"≤ {IFC_TARGETS[name]:g} s",
                    "ok": None,
                    "metrics": {},
                    "notes": [f"{path} not found (set MPX_SHARED_DIR)"],
                }
            )
            continue
        log(f"{db}: IFC {name}")
        done, created, output = _import(url, building_id, path, workdir, f"{db}-{name}", 120)
        elements = re.search(r"(\d+) rows read", output)
        expected = int(elements.group(1)) if elements else None
        rows.append(_row(f"imports.ifc {name}", db, done, created, expected, IFC_TARGETS[name]))
    for building_id, (count, path) in zip(ids[len(samples) :], csv_files.items(), strict=True):
        log(f"{db}: CSV {count:,} rows")
        large = count > CSV_SMALL
        done, created, _ = _import(
            url, building_id, path, workdir, f"{db}-csv-{count}", 600 if large else 120
        )
        target = CSV_LARGE_S if large else CSV_SMALL_S
        notes = [] if count in (CSV_SMALL, CSV_LARGE) else [f"--quick: {count:,} rows"]
        rows.append(
            _row(
                f"imports.csv {count:,} rows",
                db,
                done,
                created,
                count,
                target,
                CSV_LARGE_RSS if large else None,
                notes,
            )
        )
    return rows


def run(quick: bool) -> list[dict]:
    """IFC and CSV import figures on SQLite and, where it can be started, PostgreSQL."""
    sizes = (CSV_SMALL, 20_000 if quick else CSV_LARGE)
    rows: list[dict] = []
    with (
        tempfile.TemporaryDirectory(prefix="mpx-bench-imports-") as folder,
        contextlib.ExitStack() as stack,
    ):
        workdir = Path(folder)
        csv_files = {}
        for count in sizes:
            csv_files[count] = workdir / f"components-{count}.csv"
            log(f"writing a CSV of {count:,} rows")
            write_csv(csv_files[count], count)
        rows += _run_on("sqlite", sqlite_url(workdir / "imports.sqlite"), workdir, csv_files)
        try:
            url = PostgresServer(stack).new_database("mpx_bench_imports")
        except Exception as exc:  # no PostgreSQL binaries on this machine
            rows.append(
                {
                    "benchmark": "imports",
                    "db": "postgresql",
                    "figure": "skipped",
                    "target": "-",
                    "ok": None,
                    "metrics": {},
                    "notes": [f"PostgreSQL unavailable: {exc}"],
                }
            )
        else:
            rows += _run_on("postgresql", url, workdir, csv_files)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the import benchmarks and print the table; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 20,000-row large CSV")
    args = parser.parse_args(argv)
    with sigterm_as_exit():
        rows = run(args.quick)
    print_rows(rows)
    return 1 if any(r["ok"] is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
