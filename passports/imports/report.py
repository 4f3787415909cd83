"""The report of an import: what would be or was created, updated or left alone, and why not.

It is the one answer of every channel: the API returns it as JSON, the pages render it, the
CLI prints it, and a committed import keeps it. Errors are numbered and name their row and
column ("Row 14, column 'quantity': must be greater than 0"); long lists are capped, with the
full count kept. Its sentences are in the language of whoever ran the import (the API's
Accept-Language, the page's language for an upload, the instance's for the CLI); the column is
named by its code, as the template's header writes it.
"""

from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext

MAX_LISTED = 500
# marshmallow's own words for a missing value, said as the end of a sentence.
_REQUIRED = ("Missing data for required field.", "Field may not be null.")


def _english() -> bool:
    """True when the report is written in English: only there are a message's first letter
    and full stop adjusted to sit after a colon (other languages keep their messages whole)."""
    locale = get_locale()
    return locale is None or locale.language == "en"


@dataclass
class Problem:
    """An error or warning tied to a place in the file."""

    message: str
    row: int | None = None
    column: str | None = None  # the field, e.g. "quantity"
    ref: str | None = None  # an IFC element, when there are no rows
    header: str | None = None  # the column's header as written in the file

    def text(self) -> str:
        """The problem as one sentence: where, then what."""
        message, column, header = self.message, self.column, self.header
        if header and column and header.strip().casefold() == column.casefold():
            header = None
        if self.row is not None:
            if column and header:
                return _(
                    "Row %(row)s, column '%(column)s' ('%(header)s' in the file): %(message)s",
                    row=self.row,
                    column=column,
                    header=header,
                    message=message,
                )
            if column:
                return _(
                    "Row %(row)s, column '%(column)s': %(message)s",
                    row=self.row,
                    column=column,
                    message=message,
                )
            return _("Row %(row)s: %(message)s", row=self.row, message=message)
        if self.ref:
            if column:
                return _(
                    "%(element)s, field '%(column)s': %(message)s",
                    element=self.ref,
                    column=column,
                    message=message,
                )
            return _("%(element)s: %(message)s", element=self.ref, message=message)
        if column:
            return _("Field '%(column)s': %(message)s", column=column, message=message)
        return message[:1].upper() + message[1:] if _english() else message


@dataclass
class ImportReport:
    """Counts, problems and summaries gathered while an import runs."""

    filename: str
    kind: str
    size: int = 0
    sha256: str = ""
    dry_run: bool = True
    committed: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    incomplete: int = 0
    error_count: int = 0
    errors: list[Problem] = field(default_factory=list)
    warning_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    by_class: Counter = field(default_factory=Counter)
    actions_by_class: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_material: dict[int, dict] = field(default_factory=dict)
    no_quantities: list[dict] = field(default_factory=list)
    no_quantities_count: int = 0
    proxies: list[dict] = field(default_factory=list)
    not_imported: Counter = field(default_factory=Counter)
    ifc: dict = field(default_factory=dict)
    # IFC: the check against the material passport's IDS (passports.imports.ids).
    ids: dict | None = None
    import_id: int | None = None
    # Rows without a key that look like components already in the building (lookalikes.py),
    # and what was chosen for them: "update", "add", or None (not yet chosen).
    duplicates: str | None = None
    lookalike_count: int = 0
    lookalike_rows: list[int] = field(default_factory=list)

    def error(self, message: str, *, row=None, column=None, ref=None, header=None) -> None:
        """Record an error; the import will write nothing."""
        self.error_count += 1
        if len(self.errors) < MAX_LISTED:
            self.errors.append(Problem(message, row, column, ref, header))

    def warn(self, message: str, *, row=None, column=None, ref=None, header=None) -> None:
        """Record something the user should know that does not stop the import."""
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(Problem(message, row, column, ref, header))

    def note_lookalike(self, row: int | None) -> None:
        """Count a row that looks like a component already in the building."""
        self.lookalike_count += 1
        if row is not None and len(self.lookalike_rows) < MAX_LISTED:
            self.lookalike_rows.append(row)

    def lookalike_rows_text(self, shown: int = 20) -> str:
        """The lookalike rows as people read them: "rows 2, 3, 5 …"."""
        rows = ", ".join(str(r) for r in self.lookalike_rows[:shown])
        if self.lookalike_count > shown:
            rows += " …"
        return ngettext("row %(rows)s", "rows %(rows)s", self.lookalike_count, rows=rows)

    @property
    def ok(self) -> bool:
        """True when nothing stops the import."""
        return self.error_count == 0

    def add_material(self, material, volume_m3: float | None, mass_kg: float | None) -> None:
        """Add a component's share of a material to the totals by material."""
        entry = self.by_material.setdefault(
            material.id,
            {
                "material_id": material.id,
                "slug": material.slug,
                "name": material.name,
                "family": material.family,
                "components": 0,
                "volume_m3": 0.0,
                "mass_kg": 0.0,
            },
        )
        entry["components"] += 1
        entry["volume_m3"] += volume_m3 or 0.0
        entry["mass_kg"] += mass_kg or 0.0

    def as_dict(self) -> dict:
        """The report as JSON-ready data."""
        materials = sorted(self.by_material.values(), key=lambda m: -m["mass_kg"])
        body = {
            "file": {
                "name": self.filename,
                "kind": self.kind,
                "size": self.size,
                "sha256": self.sha256,
            },
            "dry_run": self.dry_run,
            "committed": self.committed,
            "ok": self.ok,
            "import_id": self.import_id,
            "counts": {
                "rows": self.rows,
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "skipped": self.skipped,
                "incomplete": self.incomplete,
                "errors": self.error_count,
                "warnings": self.warning_count,
            },
            "errors": [_problem(i, p) for i, p in enumerate(self.errors, 1)],
            "errors_truncated": self.error_count > len(self.errors),
            "warnings": [_problem(i, p) for i, p in enumerate(self.warnings, 1)],
            "unmatched_materials": self.unmatched,
            "materials": [
                {**m, "volume_m3": round(m["volume_m3"], 6), "mass_kg": round(m["mass_kg"], 3)}
                for m in materials
            ],
        }
        if self.kind == "ifc":
            body["ifc"] = {
                **self.ifc,
                "by_class": dict(sorted(self.by_class.items())),
                "actions_by_class": {k: dict(v) for k, v in sorted(self.actions_by_class.items())},
                "no_quantities": self.no_quantities,
                "no_quantities_count": self.no_quantities_count,
                "proxies": self.proxies,
                "not_imported": dict(sorted(self.not_imported.items())),
            }
            body["ids"] = self.ids
        else:
            body["columns"] = {"matched": self.columns, "ignored": self.ignored_columns}
            body["duplicates"] = {
                "count": self.lookalike_count,
                "rows": self.lookalike_rows,
                "rows_text": self.lookalike_rows_text() if self.lookalike_count else "",
                "choice": self.duplicates,
            }
        return body


def _problem(number: int, problem: Problem) -> dict:
    return {
        "number": number,
        "row": problem.row,
        "column": problem.column,
        "element": problem.ref,
        "message": problem.message,
        "text": problem.text(),
    }


def error_lines(report: dict) -> list[str]:
    """The numbered error sentences of a report, as the API's 422 and the CLI show them."""
    return [f"{e['number']}. {e['text']}" for e in report.get("errors", [])]


def short_message(text: str) -> str:
    """A schema message as the end of a sentence: 'Must be …' → 'must be …' (in English; in
    other languages the message is kept as the schema words it)."""
    if text in _REQUIRED or text == _("Missing data for required field."):
        return _("a value is required")
    if not _english():
        return text
    return (text[:1].lower() + text[1:]).rstrip(".")


def schema_messages(value) -> list[str]:
    """Every message of a (nested) marshmallow error, flattened."""
    if isinstance(value, dict):
        return [m for v in value.values() for m in schema_messages(v)]
    if isinstance(value, list | tuple):
        return [m for v in value for m in schema_messages(v)]
    return [str(value)]
