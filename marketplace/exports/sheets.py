"""Listings as CSV (streamed a line at a time) and XLSX (openpyxl in write-only mode), and the
Flask responses that download them.

Languages: what the pages download is for people, in the reader's language (headers, the
About sheet, yes and no, words for conditions, categories and statuses); codes stay codes
(see `columns`). The API's CSV is for programs: its headers and words stay English whatever
Accept-Language asks, so a client reads the same columns everywhere. The API's workbook is
for people and follows Accept-Language."""

import csv
import io
from collections.abc import Iterable
from collections.abc import Iterator
from datetime import UTC
from datetime import date
from datetime import datetime

from flask_babel import force_locale
from flask_babel import format_datetime
from flask_babel import format_time
from flask_babel import gettext as _

from app.templating import number
from app.urls import public_base_url
from marketplace.exports.columns import CO2_METHOD
from marketplace.exports.columns import COLUMNS
from marketplace.exports.columns import COMPONENT_COLUMNS
from marketplace.exports.columns import EXPORT_CAP
from marketplace.exports.columns import Column
from marketplace.exports.columns import component_records
from marketplace.exports.columns import listing_record
from marketplace.exports.columns import search_records
from marketplace.models import Listing

CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
# Characters that make a spreadsheet treat a cell as a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading quote; other text is kept."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _plain(value, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        value = round(value, column.digits if column.digits is not None else 6)
        text = f"{value:.{column.digits if column.digits is not None else 6}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return defuse(str(value))


def csv_lines(records: Iterable[dict], columns: tuple[Column, ...] = COLUMNS) -> Iterator[str]:
    """The CSV text, a line at a time, with a BOM so spreadsheets read it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([str(c.header) for c in columns])
    yield "\ufeff" + flush()
    for record in records:
        writer.writerow([_plain(record.get(c.key), c) for c in columns])
        yield flush()


def _xml_text(text: str) -> str:
    """Text an XLSX cell can hold: the control characters XML forbids (which a title or a
    search may carry) become U+FFFD, instead of failing the whole workbook."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def _cells(sheet, values: list, columns: tuple[Column, ...], font=None) -> list:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value, column in zip(values, columns, strict=True):
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, str):
            value = _xml_text(defuse(value))
        cell = WriteOnlyCell(sheet, value=value)
        if font is not None:
            cell.font = font
        elif column.number_format and value is not None:
            cell.number_format = column.number_format
        cells.append(cell)
    return cells


def _table(book, title: str, records: Iterable[dict], columns: tuple[Column, ...]) -> int:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(_sheet_name(title))
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "B2"
    sheet.append(_cells(sheet, [str(c.header) for c in columns], columns, font=Font(bold=True)))
    rows = 0
    for record in records:
        sheet.append(_cells(sheet, [record.get(c.key) for c in columns], columns))
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    return rows


def _about(book, context: list[tuple[str, str]], tables) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font

    sheet = book.create_sheet(_sheet_name(_("About")))
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")

    def row(label: str, text: str = "", bold: bool = False) -> None:
        first = WriteOnlyCell(sheet, value=_xml_text(str(label)))
        first.font = Font(bold=True)
        first.alignment = wrap
        second = WriteOnlyCell(sheet, value=_xml_text(defuse(str(text))))
        second.alignment = wrap
        if bold:
            second.font = Font(bold=True)
        sheet.append([first, second])

    title = WriteOnlyCell(sheet, value=_("Material Passport Exchange: export"))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    for label, text in context:
        row(label, text)
    sheet.append([])
    row(_("CO2 method"), CO2_METHOD)
    for name, columns in tables:
        sheet.append([])
        row(_("Sheet “%(name)s”", name=name), _("Column: meaning"), bold=True)
        for column in columns:
            row(column.header, column.about)


def xlsx_bytes(
    records: Iterable[dict], context: list[tuple[str, str]], components: list[dict] | None = None
) -> bytes:
    """A workbook: the listings, optionally their components, and an About sheet."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    listings, parts = _sheet_name(_("Listings")), _sheet_name(_("Components"))
    count = _table(book, listings, records, COLUMNS)
    tables = [(listings, COLUMNS)]
    if components is not None:
        _table(book, parts, components, COMPONENT_COLUMNS)
        tables.append((parts, COMPONENT_COLUMNS))
    _about(book, [*context, (listings, number(count))], tables)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_context(args: dict | None = None, listing: Listing | None = None) -> list[tuple]:
    """What the About sheet says about the export: when, and what it holds."""
    now = datetime.now(UTC)
    made = f"{format_datetime(now, 'medium')} {format_time(now, 'z')}"
    context = [(_("Exported"), made), (_("Source"), public_base_url())]
    if listing is not None:
        context.append((_("Listing"), f"{listing.id}: {listing.title}"))
    if args is not None:
        # The search's arguments as the API and the page's URL write them (codes).
        shown = ", ".join(f"{k}={v}" for k, v in sorted(args.items())) or _("none")
        context += [
            (_("Search"), shown),
            (
                _("Limit"),
                _(
                    "at most %(num)s listings, in the search's order",
                    num=number(EXPORT_CAP),
                ),
            ),
        ]
    return context


# What Excel refuses in a sheet's name, and how long one may be.
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
_SHEET_NAME_MAX = 31


def _sheet_name(name: str) -> str:
    """A sheet name Excel accepts, whatever the language says."""
    return str(name).translate(_SHEET_FORBIDDEN).strip()[:_SHEET_NAME_MAX] or "Sheet"


def filename(stem: str, fmt: str) -> str:
    """A dated download name, e.g. exchange-listings-2026-03-01.csv."""
    return f"{stem}-{date.today().isoformat()}.{fmt}"


def download(body, fmt: str, name: str):
    """A Flask response that downloads `body` (bytes, or an iterator of CSV text)."""
    from flask import Response
    from flask import stream_with_context

    if fmt == "csv" and not isinstance(body, bytes | str):
        body = stream_with_context(body)
    response = Response(body, content_type=CSV_MIME if fmt == "csv" else XLSX_MIME)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# The language of what programs read: one that never changes with the request.
MACHINE_LOCALE = "en"


def _for_programs(lines: Iterator[str]) -> Iterator[str]:
    """CSV lines written in MACHINE_LOCALE, however late the stream asks for them."""
    with force_locale(MACHINE_LOCALE):
        yield from lines


def export_search(args: dict, fmt: str, *, for_people: bool):
    """The search's listings (same filters and order as the search) as CSV or XLSX; a CSV
    not `for_people` keeps English headers and words (see the module's docstring)."""
    name = filename("exchange-listings", fmt)
    if fmt == "csv":
        lines = csv_lines(search_records(args))
        return download(lines if for_people else _for_programs(lines), fmt, name)
    return download(xlsx_bytes(search_records(args), export_context(args=args)), fmt, name)


def export_listing(listing: Listing, fmt: str, *, for_people: bool):
    """One listing as CSV (a row) or XLSX (the row, its components and the About sheet)."""
    name = filename(f"listing-{listing.id}", fmt)
    if fmt == "csv":
        # The row is made inside the stream, so that its words follow the stream's language.
        lines = csv_lines(listing_record(one) for one in [listing])
        return download("".join(lines if for_people else _for_programs(lines)), fmt, name)
    record = listing_record(listing)
    body = xlsx_bytes([record], export_context(listing=listing), component_records(listing))
    return download(body, fmt, name)
