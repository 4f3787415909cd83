"""The import template, as CSV and as an Excel workbook.

The workbook has the Components sheet (header row, example rows, drop-down lists for unit,
condition, material, category and connection type), a Columns sheet documenting every column,
and a hidden Lists sheet the drop-downs read from. The CSV has the same header and examples.
Both import as they are: the examples are valid components.

The header row is made of the column codes (`name`, `quantity`, …), in every language: it is
what the importer reads back, and what the errors of an import name. Everything else a person
reads in the workbook (sheet names, the Columns sheet, the drop-downs' messages, the condition
grades) is in the language of whoever downloads it.
"""

import csv
import io
import re

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from passports.imports.columns import COLUMNS
from passports.models import CATEGORIES
from passports.models import CONDITION_GRADES
from passports.models import CONNECTION_TYPES
from passports.models import UNITS
from passports.models import Material

TEMPLATE_ROWS = 2000  # rows of the sheet that get the drop-down lists
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_csv() -> bytes:
    """The CSV template: header and example rows, UTF-8 with a BOM so Excel reads it right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.field for c in COLUMNS])
    for i in range(3):
        writer.writerow([c.example[i] for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _condition_labels() -> list[str]:
    """The grades as "4 - Good": the number first, which is what the importer reads."""
    return [
        f"{grade} - {re.split('[:：]', str(label))[0]}" for grade, label in CONDITION_GRADES.items()
    ]


def _sheet_name(text: str) -> str:
    """A translated sheet name as Excel allows it: 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def template_xlsx() -> bytes:
    """The Excel template with documentation and drop-down lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.styles import Font
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    materials = [m.name for m in db.session.scalars(select(Material).order_by(Material.name))]
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_name(_("Components"))
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F5F4A")
    sheet.append([c.field for c in COLUMNS])
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    conditions = dict(zip(("5", "4", "3", "2", "1"), _condition_labels(), strict=True))
    for i in range(3):
        row = []
        for column in COLUMNS:
            value = column.example[i]
            if column.field == "condition" and value:
                value = conditions[value]
            row.append(value)
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.field) + 4)

    docs_title = _sheet_name(_("Columns"))
    lists = book.create_sheet("Lists")
    choices = {
        "unit": list(UNITS),
        "condition": _condition_labels(),
        "materials": materials,
        "category": list(CATEGORIES),
        "connection_type": list(CONNECTION_TYPES),
    }
    for col, (field, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(col)
        lists.cell(row=1, column=col, value=field).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=col, value=value)
        source = f"Lists!${letter}$2:${letter}${len(values) + 1}"
        target = get_column_letter([c.field for c in COLUMNS].index(field) + 1)
        # Materials may also be typed with shares ("brick 85%; mortar 15%"): warn, do not stop.
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            errorStyle="warning" if field == "materials" else "stop",
            showErrorMessage=True,
            errorTitle=_("Unknown value in %(column)s", column=field),
            error=_(
                "Pick a value from the list (see the %(sheet)s sheet for %(column)s).",
                sheet=docs_title,
                column=field,
            ),
        )
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"

    docs = book.create_sheet(docs_title, 1)
    docs.append([_("Column"), _("Required"), _("What to put in it"), _("Example")])
    for cell in docs[1]:
        cell.font, cell.fill = bold, fill
    for column in COLUMNS:
        docs.append(
            [
                column.field,
                _("yes") if column.required else "",
                str(column.description),
                column.example[0],
            ]
        )
    docs.append([])
    docs.append(
        [
            _(
                "Headers may also be in Dutch, Danish, German, Japanese or Chinese, in any case "
                "(Qty, Hoeveelheid, Antal, Menge, 数量, Materiaal, Verdieping, 階 …). Importing "
                "the same file again updates the rows with the same external_id."
            )
        ]
    )
    for letter, width in zip("ABCD", (20, 10, 90, 36), strict=True):
        docs.column_dimensions[letter].width = width
    for row in docs.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
