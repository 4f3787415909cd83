"""The pipeline itself: read the file's rows in batches, plan and write each batch, and record
the import run (and its audit entry) unless it is a dry run."""

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from itertools import islice

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.audit import services as audit
from app.audit.values import id_ranges
from app.extensions import db
from passports.ifc_export.store import keep_model
from passports.imports.files import StoredFile
from passports.imports.matching import MaterialMatcher
from passports.imports.models import ImportRun
from passports.imports.pipeline.batch import BatchPlanning
from passports.imports.pipeline.lookalikes import CHOICES
from passports.imports.pipeline.lookalikes import Lookalikes
from passports.imports.pipeline.writing import BatchWriting
from passports.imports.report import ImportReport
from passports.imports.rows import SourceRow
from passports.models import Component
from passports.schemas import ComponentCreateSchema

BATCH = 500
Progress = Callable[[str, int, int], None]


def _batched(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class Pipeline(BatchPlanning, BatchWriting):
    """One import of one file into one building."""

    def __init__(
        self, building, stored: StoredFile, user, dry_run: bool, progress, duplicates=None
    ):
        if duplicates not in (None, *CHOICES):
            raise ValueError(f"duplicates must be one of {CHOICES} or None")
        self.building = building
        self.stored = stored
        self.user = user
        self.kind = stored.kind
        self.progress = progress or (lambda phase, done, total: None)
        self.report = ImportReport(
            stored.filename,
            stored.kind,
            stored.size,
            stored.sha256,
            dry_run=dry_run,
            duplicates=duplicates,
        )
        self.duplicates = duplicates
        self.lookalikes = Lookalikes(building.id)
        self.matcher = MaterialMatcher.for_organisation(building.organisation_id)
        self.schema = ComponentCreateSchema()
        self.seen: dict[tuple[str, str], str] = {}
        self.gtin_serials: dict[tuple[str, str], str] = {}
        self.inserted, self.analyze_at = 0, 2 * BATCH
        self.created_ids: list[int] = []
        self.model = None  # an IFC model, once opened: (model, schema)
        # Keys the building already uses; when it has none, no row can match an existing
        # component except through the file itself, which `seen` catches: no lookups then.
        self.keyed = {
            field: db.session.scalar(
                select(Component.id)
                .where(Component.building_id == building.id, getattr(Component, field).isnot(None))
                .limit(1)
            )
            is not None
            for field in ("external_id", "ifc_guid")
        }

    def _rows(self) -> Iterator[SourceRow]:
        def reading(done, total):
            self.progress("reading", done, total)

        if self.kind == "ifc":
            from passports.imports.ifc import open_model
            from passports.imports.ifc import read_ifc

            self.progress("opening the model", 0, 0)
            # Kept for the IDS check once the rows are read: the model is opened once.
            self.model = open_model(self.stored.path)
            return read_ifc(self.stored, self.report, reading, opened=self.model)
        from passports.imports.tabular import read_tabular

        return read_tabular(self.stored, self.report, reading)

    def run(self) -> ImportReport:
        """Read every row, plan (and unless a dry run, write) them; the report says what."""
        for batch in _batched(self._rows(), BATCH):
            self._batch(batch)
        report = self.report
        if self.model is not None:
            self._check_ids()
            self.model = None  # the rows and the check are done: let the model go
        report.unmatched = [u.as_dict() for u in self.matcher.unmatched_report()]
        if report.unmatched:
            report.warn(
                ngettext(
                    "%(num)d material name matches nothing in the library: those components "
                    "come in without materials, flagged incomplete, until you map it.",
                    "%(num)d material names match nothing in the library: those components "
                    "come in without materials, flagged incomplete, until you map them.",
                    len(report.unmatched),
                )
            )
        if report.lookalike_count and self.duplicates is None:
            report.warn(
                ngettext(
                    "%(num)d row matches a component already in this building by name, storey "
                    "and quantity (%(rows)s): choose whether to update it or to add the row as a "
                    "new component.",
                    "%(num)d rows match components already in this building by name, storey and "
                    "quantity (%(rows)s): choose whether to update them or to add the rows as new "
                    "components.",
                    report.lookalike_count,
                    rows=report.lookalike_rows_text(),
                )
            )
        if report.rows == 0 and report.ok:
            report.error(
                _("The file has no component rows.")
                if self.kind != "ifc"
                else _("The model has no building elements.")
            )
        if report.ok and not report.dry_run:
            self.progress("saving", 1, 1)
            run = ImportRun(
                building=self.building,
                user=self.user,
                filename=report.filename,
                kind=self.kind,
                sha256=report.sha256,
                created_count=report.created,
                updated_count=report.updated,
                unchanged_count=report.unchanged,
                report={},
                # The model is kept so the building page can give it back with its passports.
                model_file=keep_model(self.stored) if self.kind == "ifc" else None,
            )
            db.session.add(run)
            db.session.flush()
            report.committed, report.import_id = True, run.id
            run.report = report.as_dict()
            db.session.flush()
            self._audit(run)
        return report

    def _check_ids(self) -> None:
        """Check the model against the passport's IDS: what fails is a warning."""
        from passports.imports.ids import check_model
        from passports.imports.ifc_quantities import base_class

        model, schema = self.model
        report = self.report
        report.ids = check_model(model, base_class(schema), lambda: self.progress("checking", 0, 0))
        failing = report.ids["failed_specifications"]
        if report.ids["status"] == "error":
            report.warn(report.ids["message"])
        elif failing:
            report.warn(
                ngettext(
                    "%(num)d requirement of the material passport's IDS is not met; the IDS "
                    "check lists the failing elements. The model can still be imported.",
                    "%(num)d requirements of the material passport's IDS are not met; the IDS "
                    "check lists the failing elements. The model can still be imported.",
                    failing,
                )
            )

    def _audit(self, run: ImportRun) -> None:
        """One audit entry for the components the bulk insert wrote below the ORM (updates
        go through the ORM and are logged one by one)."""
        report = self.report
        audit.record(
            "create",
            "import_job",
            run.id,
            after={
                "import_run_id": run.id,
                "building_id": self.building.id,
                "filename": report.filename,
                "kind": self.kind,
                "sha256": report.sha256,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "skipped": report.skipped,
                "created_component_ids": id_ranges(self.created_ids),
            },
            actor=self.user,
        )
