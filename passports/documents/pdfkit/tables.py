"""Text and tables in the PDF documents: number formats as the pages show them, paragraphs,
and the key-figure and data tables."""

from xml.sax.saxutils import escape

from flask_babel import format_decimal
from flask_babel import format_percent
from reportlab.lib import colors
from reportlab.platypus import LongTable
from reportlab.platypus import Paragraph
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from app.templating import kg
from app.templating import label
from app.templating import unit
from passports.documents.pdfkit.page import CONTENT_WIDTH
from passports.documents.pdfkit.page import GREEN
from passports.documents.pdfkit.page import LIGHT
from passports.documents.pdfkit.page import LINE
from passports.documents.pdfkit.page import fonts
from passports.documents.pdfkit.page import styles

# The documents print masses, units and words as the pages show them.
mass_text, unit_text, words = kg, unit, label


def score_text(value: float | None) -> str:
    """A 0-1 score with two decimals in the document's language, or a dash."""
    return "–" if value is None else format_decimal(value, format="0.00")


def carbon_text(kg: float | None) -> str:
    """kgCO2e below a tonne, tCO2e above, the number in the document's language."""
    if kg is None:
        return "–"
    if abs(kg) >= 1000:
        return f"{format_decimal(kg / 1000, format='#,##0.0')} tCO2e"
    return f"{format_decimal(kg, format='#,##0')} kgCO2e"


def count_text(value: int | float) -> str:
    """A count with the thousands separator of the document's language."""
    return format_decimal(value, format="#,##0")


def number_text(value: float | None) -> str:
    """A quantity with up to two decimals, without trailing zeros: 12.5, 1,234 (in the
    document's language)."""
    return "–" if value is None else format_decimal(value, format="#,##0.##")


def percent_text(share: float) -> str:
    """A share of 1 as a whole per cent in the document's language: 0.42 → 42%."""
    return format_percent(share, format="#,##0%")


def paragraph(text: str, style: str = "body") -> Paragraph:
    """Plain text (escaped) as a paragraph in one of the documents' styles."""
    return Paragraph(escape(text), styles()[style])


def kpi_table(cells: list[tuple[str, str]], per_row: int) -> Table:
    """Key figures as (value, label) cells on a light ground, `per_row` to a row."""
    st = styles()
    boxes = [
        [Paragraph(escape(value), st["kpi_value"]), Paragraph(escape(label), st["kpi_label"])]
        for value, label in cells
    ]
    rows = [boxes[i : i + per_row] for i in range(0, len(boxes), per_row)]
    table = Table(rows, colWidths=[CONTENT_WIDTH / per_row] * per_row, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("INNERGRID", (0, 0), (-1, -1), 3, colors.white),
                ("BOX", (0, 0), (-1, -1), 0.5, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def data_table(
    header: list[str],
    rows: list[list[str]],
    widths,
    right=(),
    *,
    font_size: float = 8,
    padding: float = 2.5,
    extra_style=(),
) -> LongTable:
    """A table whose header row (white on green) repeats on every page, rows banded, the
    columns numbered in `right` aligned right."""
    f = fonts()
    table = LongTable([header, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, 0), f.bold, font_size),
        ("FONT", (0, 1), (-1, -1), f.regular, font_size),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), GREEN),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        *extra_style,
    ]
    style += [("ALIGN", (col, 0), (col, -1), "RIGHT") for col in right]
    table.setStyle(TableStyle(style))
    return table
