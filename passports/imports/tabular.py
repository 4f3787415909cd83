"""Reading CSV and XLSX files as a stream of component rows, with bounded memory.

CSV is read line by line from the file on disk (its encoding checked first, its delimiter
sniffed); XLSX through openpyxl in read-only mode, which streams the sheet's XML. The header
row is the first of the first ten rows that names at least two known columns, one of them the
name or the quantity; rows are numbered as a spreadsheet shows them (the header is row 1).
"""

import csv
import io
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from passports.imports.columns import BY_FIELD
from passports.imports.columns import REQUIRED
from passports.imports.columns import match_header
from passports.imports.files import ImportRejected
from passports.imports.files import StoredFile
from passports.imports.files import text_encoding
from passports.imports.report import ImportReport
from passports.imports.rows import SourceRow
from passports.imports.rows import convert_cells

HEADER_SEARCH_ROWS = 10
Progress = Callable[[int, int], None]


def _csv_rows(path: Path, progress: Progress | None) -> Iterator[tuple[int, list]]:
    encoding = text_encoding(path)
    with path.open("rb") as raw:
        total = path.stat().st_size
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        sample = text.read(64 * 1024)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
            delimiter = dialect.delimiter
        except csv.Error:
            first = sample.splitlines()[0] if sample else ""
            delimiter = max(",;\t|", key=first.count)
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter, quotechar='"', doublequote=True)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                if progress and number % 500 == 0:
                    progress(raw.tell(), total)
                yield number, cells
        except csv.Error as exc:
            raise ImportRejected(
                _(
                    "The CSV file cannot be read after row %(row)s: %(problem)s.",
                    row=number,
                    problem=exc,
                )
            ) from exc
        if progress:
            progress(total, total)


XML_REFUSED = _l(
    "The workbook contains XML entity declarations or external references, which a "
    "spreadsheet does not need and which are refused. Save it again from your spreadsheet "
    "program as .xlsx."
)
DAMAGED = _l("The workbook is damaged or not a valid .xlsx file.")


def _defused(exc: BaseException | None) -> bool:
    """True when defusedxml refused the XML (openpyxl wraps it in its own ValueError)."""
    from defusedxml import DefusedXmlException

    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _xlsx_rows(path: Path, progress: Progress | None) -> Iterator[tuple[int, list]]:
    import openpyxl

    if not openpyxl.DEFUSEDXML:
        # openpyxl parses with defusedxml when it is installed and not switched off
        # (OPENPYXL_DEFUSEDXML=False): without it, no workbook is read.
        raise ImportRejected(_("Spreadsheets cannot be read safely on this server: XLSX is off."))
    # A file object, not the path: openpyxl refuses paths without an .xlsx extension.
    handle = path.open("rb")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, styles) when reading.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        handle.close()
        raise ImportRejected(str(XML_REFUSED if _defused(exc) else DAMAGED)) from exc
    try:
        sheet = _component_sheet(book)
        total = sheet.max_row or 0
        # Read-only sheets are parsed while their rows are read: refusals come from here too.
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if progress and number % 500 == 0:
                    progress(number, max(total, number))
                yield number, list(cells)
        except (SyntaxError, ValueError, KeyError, TypeError) as exc:
            # defusedxml's refusals are ValueErrors, ElementTree's ParseError a SyntaxError.
            raise ImportRejected(str(XML_REFUSED if _defused(exc) else DAMAGED)) from exc
        if progress:
            progress(total, total)
    finally:
        book.close()
        handle.close()


def _header_fields(cells: list) -> dict[int, str]:
    return {
        i: field
        for i, cell in enumerate(cells)
        if cell is not None and (field := match_header(str(cell))) is not None
    }


def _is_header(fields: dict[int, str]) -> bool:
    found = set(fields.values())
    return len(found) >= 2 and bool(found & {"name", "quantity"})


def _component_sheet(book):
    for sheet in book.worksheets:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if _is_header(_header_fields(list(cells))):
                return sheet
            if number >= HEADER_SEARCH_ROWS:
                break
    return book.worksheets[0]


def read_tabular(
    stored: StoredFile, report: ImportReport, progress: Progress | None = None
) -> Iterator[SourceRow]:
    """Yield the file's component rows; file-level problems go to the report as errors."""
    reader = _xlsx_rows if stored.kind == "xlsx" else _csv_rows
    rows = reader(stored.path, progress)
    fields: dict[int, str] = {}
    headers: dict[str, str] = {}
    for number, cells in rows:
        candidate = _header_fields(cells)
        if _is_header(candidate):
            fields = _use_header(cells, candidate, headers, report)
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if not fields:
        report.error(
            _(
                "No header row found: the first row must name the columns, such as name, "
                "quantity and unit. Download the template to see them."
            )
        )
        return
    missing = [f for f in REQUIRED if f not in headers]
    for field in missing:
        report.error(
            _(
                "Column '%(column)s' is missing; it is required. %(help)s",
                column=field,
                help=BY_FIELD[field].description,
            )
        )
    if missing:
        return
    width = max(fields) + 1
    for number, cells in rows:
        if not any(c is not None and str(c).strip() for c in cells[:width]):
            continue
        values = {field: cells[i] for i, field in fields.items() if i < len(cells)}
        yield convert_cells(number, values, headers)


def _use_header(cells: list, fields: dict[int, str], headers: dict, report) -> dict[int, str]:
    used: dict[int, str] = {}
    for i, cell in enumerate(cells):
        label = "" if cell is None else str(cell).strip()
        if not label:
            continue
        field = fields.get(i)
        if field is None:
            report.ignored_columns.append(label)
            report.warn(_("Column '%(column)s' is not one we know; it was ignored.", column=label))
        elif field in headers:
            report.error(
                _(
                    "Columns '%(first)s' and '%(second)s' both mean '%(field)s'; keep one.",
                    first=headers[field],
                    second=label,
                    field=field,
                )
            )
        else:
            headers[field] = label
            report.columns[label] = field
            used[i] = field
    return used
