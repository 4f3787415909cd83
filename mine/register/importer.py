"""Importing a register file: check every row, then write it all or nothing.

The file is streamed: rows are read and checked in chunks of CHUNK, each chunk's register ids
are looked up in one query, and its new and changed buildings are written with one bulk
INSERT and one bulk UPDATE (executemany; no ORM object per row). Everything happens in the
caller's transaction: when any row has an error, the caller rolls it back and nothing is
written (a dry run is always rolled back). Rows absent from the file are kept: the report
counts them ("kept"), a re-import never deletes.

Re-importing updates by register id within the organisation; a row whose values and estimate
did not change is "unchanged" and not written. After writing, passport buildings are linked to
their entries (mine.register.linking).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from app.audit.services import record
from app.extensions import db
from app.models import utcnow
from mine.models import RegisterBuilding
from mine.register.files import RegisterFileError
from mine.register.files import kind_of
from mine.register.files import register_rows
from mine.register.linking import link_organisation
from mine.register.rows import check_row

CHUNK = 2000
MAX_ERRORS = 200
SAMPLE = 10
#: The stored columns a row sets; a re-import compares them to decide "unchanged".
FIELDS = (
    "address",
    "city",
    "country",
    "latitude",
    "longitude",
    "use_type",
    "structure",
    "year_built",
    "gross_floor_area_m2",
    "footprint_m2",
    "storeys",
    "planned_demolition",
    "floor_area_m2",
    "intensity_key",
    "estimated_mass_kg",
    "estimated_carbon_kg",
)
_TABLE = RegisterBuilding.__table__


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)
    return a == b


def _count_lines(path: Path) -> int:
    with Path(path).open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


class _Run:
    def __init__(self, organisation_id: int, dry_run: bool):
        self.organisation_id = organisation_id
        self.dry_run = dry_run
        self.counts = dict(
            rows=0, new=0, updated=0, unchanged=0, errors=0, without_estimate=0, kept=0, linked=0
        )
        self.errors: list[dict] = []
        self.sample: list[dict] = []
        self.seen: set[str] = set()
        self.now = utcnow()
        self.existing: dict[str, tuple[int, int]] = {}

    def error(self, row: int | None, field: str | None, message: str) -> None:
        self.counts["errors"] += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "field": field, "message": message})

    def load_existing(self) -> int:
        """Read the organisation's register once: {register_id: (id, digest of its values)}.
        A digest (a hash of the stored values) instead of the values keeps 100,000 entries
        in a few tens of MB, and no chunk has to query the table (whose planner statistics
        are stale in the middle of a big import)."""
        columns = [_TABLE.c.id, _TABLE.c.register_id, *(_TABLE.c[f] for f in FIELDS)]
        result = db.session.execute(
            select(*columns)
            .where(_TABLE.c.organisation_id == self.organisation_id)
            .execution_options(yield_per=5000)
        )
        for row in result:
            self.existing[row[1]] = (row[0], hash(tuple(row[2:])))
        return len(self.existing)

    def flush(self, chunk: list[tuple[int, dict]]) -> None:
        """Classify a chunk of checked rows and, unless nothing may be written, write them."""
        if not chunk:
            return
        existing = self.existing
        inserts, updates = [], []
        for _row, values in chunk:
            if values["floor_area_m2"] is None:
                self.counts["without_estimate"] += 1
            before = existing.get(values["register_id"])
            if before is None:
                status = "new"
                inserts.append(
                    {
                        **values,
                        "organisation_id": self.organisation_id,
                        "imported_at": self.now,
                        "created_at": self.now,
                        "updated_at": self.now,
                    }
                )
            elif before[1] == hash(tuple(values[f] for f in FIELDS)):
                status = "unchanged"
            else:
                status = "updated"
                updates.append(
                    {
                        "_id": before[0],
                        **{f: values[f] for f in FIELDS},
                        "imported_at": self.now,
                        "updated_at": self.now,
                    }
                )
            self.counts[status] += 1
            if len(self.sample) < SAMPLE:
                self.sample.append(
                    {
                        "row": _row,
                        "status": status,
                        "register_id": values["register_id"],
                        "address": values["address"],
                        "use_type": values["use_type"],
                        "year_built": values["year_built"],
                        "floor_area_m2": values["floor_area_m2"],
                        "estimated_mass_kg": values["estimated_mass_kg"],
                        "estimated_carbon_kg": values["estimated_carbon_kg"],
                    }
                )
        if self.dry_run or self.counts["errors"]:
            return
        if inserts:
            db.session.execute(insert(_TABLE), inserts)
        if updates:
            statement = (
                update(_TABLE)
                .where(_TABLE.c.id == bindparam("_id"))
                .values(
                    {
                        **{f: bindparam(f) for f in FIELDS},
                        "imported_at": bindparam("imported_at"),
                        "updated_at": bindparam("updated_at"),
                    }
                )
            )
            db.session.connection().execute(statement, updates)


def run_register_import(
    organisation_id: int,
    path: Path,
    *,
    dry_run: bool,
    kind: str | None = None,
    filename: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:
    """Check (and unless `dry_run`, write) a register file for an organisation; the report.

    The caller commits when report["committed"], and rolls back otherwise."""
    path = Path(path)
    kind = kind or kind_of(path)
    run = _Run(organisation_id, dry_run)
    total = max(_count_lines(path) - 1, 0) if kind == "csv" else 0
    before_total = run.load_existing()
    chunk: list[tuple[int, dict]] = []
    report_every = 0
    try:
        for number, raw, geometry_errors in register_rows(path, kind):
            run.counts["rows"] += 1
            values, errors = check_row(raw, run.seen)
            for field, message in geometry_errors + errors:
                run.error(number, field, message)
            if not (geometry_errors or errors):
                chunk.append((number, values))
            if len(chunk) >= CHUNK:
                run.flush(chunk)
                chunk = []
            if progress and run.counts["rows"] >= report_every:
                report_every = run.counts["rows"] + CHUNK
                progress("reading", run.counts["rows"], max(total, run.counts["rows"]))
        run.flush(chunk)
    except RegisterFileError as exc:
        run.error(None, "file", str(exc))
    if run.counts["rows"] == 0 and not run.counts["errors"]:
        run.error(None, "file", _("The file has no buildings."))
    ok = run.counts["errors"] == 0
    run.counts["kept"] = before_total - run.counts["updated"] - run.counts["unchanged"]
    committed = ok and not dry_run
    if committed:
        if progress:
            progress("linking", run.counts["rows"], run.counts["rows"])
        run.counts["linked"] = link_organisation(organisation_id)
        if run.counts["new"] or run.counts["updated"]:
            record(
                "update",
                "register_buildings",
                None,
                after={
                    "organisation_id": organisation_id,
                    "file": filename or path.name,
                    "new": run.counts["new"],
                    "updated": run.counts["updated"],
                },
            )
    return {
        "ok": ok,
        "dry_run": dry_run,
        "committed": committed,
        "organisation_id": organisation_id,
        "filename": filename or path.name,
        "kind": kind,
        "counts": run.counts,
        "errors": run.errors,
        "errors_shown": len(run.errors),
        "sample": run.sample,
        "imported_at": run.now.isoformat(timespec="seconds") if committed else None,
    }
