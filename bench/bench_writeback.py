"""Benchmark `writeback`: the IFC write-back of the Tekla sample (ISSUE_021_Mini_Project.ifc,
IFC2X3, 2,227 building elements), target at most 10 s.

The model is imported first (not timed) into a building of a fresh SQLite database, as the
command line imports it, which keeps the model. Then, timed:
- the download `GET /api/v1/buildings/<id>/ifc` through the Flask test client with a bearer
  token, the whole body read: the building's components loaded, the kept model opened, the set
  written on every element, the file written and streamed (median and worst of the runs);
- the writer alone (passports.ifc_export.writeback.write_back), and its parts: opening the
  model, writing the sets, writing the file.
The first run of each is a warm-up (imports, the ifcopenshell schema) and is not counted.
Read from ../shared/samples/ifc (or $MPX_SHARED_DIR); skipped when absent. Run alone with
`python -m bench.bench_writeback [--quick]`; `run(quick)` returns the rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import log
from bench.common import row
from bench.report import print_rows

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MPX_SHARED_DIR") or ROOT.parent / "shared")
SAMPLE = "ISSUE_021_Mini_Project.ifc"
TARGET_S = 10.0
PASSWORD = "bench password 1234"


def _prepare(url: str, path: Path, uploads: Path):
    """A migrated database with the library, an owner, a building with the sample imported."""
    from flask_migrate import upgrade

    from app import create_app
    from app.auth import services as accounts
    from app.extensions import db
    from passports import services
    from passports.imports.files import inspect_file
    from passports.imports.services import run_import

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(uploads))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        services.load_material_library()
        org = accounts.create_organisation("Bench write-back owner", "municipality")
        user = accounts.create_user("bench-writeback@example.org", PASSWORD, "owner", org)
        building = services.register_building(
            user,
            {
                "name": "Tekla steel frame",
                "city": "Brummen",
                "country": "NL",
                "use_type": "industrial",
                "status": "in_use",
            },
        )
        started = time.perf_counter()
        report = run_import(building, inspect_file(path), user=user, dry_run=False)
        if not report.ok:
            raise RuntimeError(f"the import of {path.name} failed: {report.as_dict()['errors']}")
        db.session.commit()
        elapsed = time.perf_counter() - started
        log(f"writeback: imported {report.created} components in {elapsed:.1f} s")
        _token, clear = accounts.issue_token(user, "bench")
        db.session.commit()
        ids = building.id, report.created
        db.session.remove()
    return app, ids, {"Authorization": f"Bearer {clear}"}


def _route(app, building_id: int, headers: dict, runs: int) -> tuple[list[float], int, int]:
    client = app.test_client()
    times, size, tagged = [], 0, 0
    for n in range(runs + 1):
        started = time.perf_counter()
        response = client.get(f"/api/v1/buildings/{building_id}/ifc", headers=headers)
        body = response.get_data()
        elapsed = time.perf_counter() - started
        response.close()
        if response.status_code != 200:
            raise RuntimeError(f"GET .../ifc answered {response.status_code}: {body[:300]!r}")
        size, tagged = len(body), int(response.headers["X-IFC-Elements-Tagged"])
        if n:  # the first is the warm-up
            times.append(elapsed)
    return times, size, tagged


def _parts(app, building_id: int, workdir: Path) -> dict:
    """The writer's parts, timed on their own: open, sets, file."""
    import ifcopenshell

    from passports.ifc_export import writeback
    from passports.ifc_export.queries import components_by_guid
    from passports.ifc_export.queries import latest_model_run
    from passports.ifc_export.store import model_path

    with app.app_context():
        t0 = time.perf_counter()
        components = components_by_guid(building_id)
        source = model_path(latest_model_run(building_id).model_file)
        t1 = time.perf_counter()
        opened = ifcopenshell.open
        marks = {}

        def timed_open(path):
            model = opened(path)
            marks["opened"] = time.perf_counter()
            return model

        original_write = ifcopenshell.file.write

        def timed_write(self, path, *args, **kwargs):
            marks["sets"] = time.perf_counter()
            return original_write(self, path, *args, **kwargs)

        ifcopenshell.open, ifcopenshell.file.write = timed_open, timed_write
        try:
            t2 = time.perf_counter()
            writeback.write_back(source, workdir / "parts.ifc", components)
            t3 = time.perf_counter()
        finally:
            ifcopenshell.open, ifcopenshell.file.write = opened, original_write
    return {
        "load_components_s": t1 - t0,
        "open_model_s": marks["opened"] - t2,
        "write_sets_s": marks["sets"] - marks["opened"],
        "write_file_s": t3 - marks["sets"],
        "writer_total_s": t3 - t2,
    }


def run(quick: bool = False) -> list[dict]:
    """Import the Tekla sample, then time its write-back; one result row (SQLite)."""
    path = SHARED / "samples" / "ifc" / SAMPLE
    if not path.exists():
        return [
            row(
                "writeback: Tekla sample",
                "sqlite",
                "skipped",
                f"<= {TARGET_S:.0f} s",
                None,
                notes=[f"{path} not found (set MPX_SHARED_DIR)"],
            )
        ]
    runs = 2 if quick else 5
    with tempfile.TemporaryDirectory(prefix="bench-writeback-") as folder:
        workdir = Path(folder)
        app, (building_id, created), headers = _prepare(
            f"sqlite:///{workdir / 'bench.sqlite'}", path, workdir / "uploads"
        )
        times, size, tagged = _route(app, building_id, headers, runs)
        parts = _parts(app, building_id, workdir)
    median, worst = statistics.median(times), max(times)
    log(f"writeback: GET .../ifc median {median:.2f} s, worst {worst:.2f} s ({tagged} elements)")
    return [
        row(
            "writeback: Tekla sample, GET /api/v1/buildings/<id>/ifc",
            "sqlite",
            f"{median:.2f} s (worst {worst:.2f} s)",
            f"<= {TARGET_S:.0f} s",
            worst <= TARGET_S,
            {
                "runs": runs,
                "median_s": median,
                "worst_s": worst,
                "all_s": times,
                "elements_tagged": tagged,
                "components": created,
                "bytes": size,
                **parts,
            },
            [
                f"{tagged} elements tagged; writer alone {parts['writer_total_s']:.2f} s: open "
                f"{parts['open_model_s']:.2f} s, sets {parts['write_sets_s']:.2f} s, file "
                f"{parts['write_file_s']:.2f} s"
            ],
        )
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the write-back benchmark and print its table."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_writeback", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="fewer timed runs")
    args = parser.parse_args(argv)
    print_rows(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
