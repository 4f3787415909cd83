"""Shared pieces of the PDF documents (passports, dashboard reports): the page (A4 portrait,
its margins, the running header and the footer with "page n of m"), fonts, paragraph styles,
the key-figure and data tables, vector charts, and number formats.

DejaVu Sans Condensed is embedded when installed (it covers Łódź and København alike); the
PDF base-14 fonts are the fallback.
"""

from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing
from reportlab.graphics.shapes import Rect
from reportlab.graphics.shapes import String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate
from reportlab.platypus import Frame
from reportlab.platypus import LongTable
from reportlab.platypus import PageTemplate
from reportlab.platypus import Paragraph
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from app.templating import kg
from app.templating import label
from app.templating import unit
from passports.documents.charts import DEFAULT_COLOUR
from passports.documents.charts import FAMILY_COLOURS
from passports.documents.charts import GRID
from passports.documents.charts import INK
from passports.documents.charts import MUTED
from passports.documents.charts import QUALITY_COLOURS

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts/dejavu",
    "/Library/Fonts",
)
GREEN = colors.HexColor("#1f6f50")
LIGHT = colors.HexColor("#eef3f1")
LINE = colors.HexColor("#d5ddd9")
PAGE_SIZE = A4
MARGIN = 16 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
HEADER_SIZE = 7.5
# The documents print masses, units and words as the pages show them.
mass_text, unit_text, words = kg, unit, label


@dataclass(frozen=True)
class Fonts:
    """Regular, bold and monospaced (for tags) font names registered with reportlab."""

    regular: str
    bold: str
    mono: str


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    """DejaVu (Sans Condensed, and Sans Mono for tags) when installed, else the PDF base-14
    fonts, which only cover Windows-1252: a building in Łódź would print with boxes. DejaVu
    covers Latin, Greek and Cyrillic and is embedded as a subset."""
    wanted = {
        "MPXDoc-Sans": "DejaVuSansCondensed.ttf",
        "MPXDoc-Sans-Bold": "DejaVuSansCondensed-Bold.ttf",
        "MPXDoc-Mono-Bold": "DejaVuSansMono-Bold.ttf",
    }
    for folder in FONT_DIRS:
        paths = {name: Path(folder) / file for name, file in wanted.items()}
        if all(p.is_file() for p in paths.values()):
            for name, path in paths.items():
                pdfmetrics.registerFont(TTFont(name, str(path)))
            return Fonts(*wanted)
    return Fonts("Helvetica", "Helvetica-Bold", "Courier-Bold")


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles of the documents."""
    f = fonts()
    body = ParagraphStyle("body", fontName=f.regular, fontSize=9, leading=12, textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=MUTED),
        "title": ParagraphStyle(
            "title", parent=body, fontName=f.bold, fontSize=20, leading=24, spaceAfter=2
        ),
        "kicker": ParagraphStyle(
            "kicker", parent=body, fontName=f.bold, fontSize=8.5, textColor=GREEN, spaceAfter=2
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=f.bold,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=5,
            textColor=GREEN,
        ),
        "kpi_value": ParagraphStyle(
            "kpi_value", parent=body, fontName=f.bold, fontSize=15, leading=18
        ),
        "kpi_label": ParagraphStyle(
            "kpi_label", parent=body, fontSize=7.5, leading=9, textColor=MUTED
        ),
    }


def fit(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` points."""
    text = text or ""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def score_text(value: float | None) -> str:
    """A 0-1 score with two decimals, or a dash."""
    return "–" if value is None else f"{value:.2f}"


def carbon_text(kg: float | None) -> str:
    """kgCO2e below a tonne, tCO2e above."""
    if kg is None:
        return "–"
    return f"{kg / 1000:,.1f} tCO2e" if abs(kg) >= 1000 else f"{kg:,.0f} kgCO2e"


def numbered_canvas(footer_left: str, footer_right_prefix: str = ""):
    """A canvas class that writes "page n of m" and a footer on every page (two passes)."""
    f = fonts()

    class NumberedCanvas(canvas.Canvas):
        """Keeps every page until the end, when the page count is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self):
            """Keep the finished page instead of writing it out."""
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            """Write every kept page with its footer and "page n of m"."""
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont(f.regular, 7)
                self.setFillColor(colors.HexColor(MUTED))
                self.drawString(MARGIN, 9 * mm, footer_left)
                self.drawRightString(
                    width - MARGIN,
                    9 * mm,
                    f"{footer_right_prefix}page {self._pageNumber} of {total}",
                )
                super().showPage()
            super().save()

    return NumberedCanvas


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


def render_pdf(story: list, *, heading: str, running_title: str, footer: str, **info) -> bytes:
    """The story as A4 portrait PDF bytes: `heading` and `running_title` head every page,
    `footer` and "page n of m" foot it; `info` holds the PDF's title, author, subject..."""
    f = fonts()
    top = PAGE_SIZE[1] - 10 * mm
    # The running title takes the width the heading leaves it.
    title_width = CONTENT_WIDTH - pdfmetrics.stringWidth(heading, f.bold, HEADER_SIZE) - 10 * mm

    def header(page, _doc):
        page.saveState()
        page.setFont(f.bold, HEADER_SIZE)
        page.setFillColor(GREEN)
        page.drawString(MARGIN, top, heading)
        page.setFont(f.regular, HEADER_SIZE)
        page.setFillColor(colors.HexColor(MUTED))
        page.drawRightString(
            PAGE_SIZE[0] - MARGIN,
            top,
            fit(running_title, f.regular, HEADER_SIZE, title_width),
        )
        page.setStrokeColor(LINE)
        page.setLineWidth(0.5)
        page.line(MARGIN, top - 1.5 * mm, PAGE_SIZE[0] - MARGIN, top - 1.5 * mm)
        page.restoreState()

    buffer = BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        **info,
    )
    frame = Frame(
        MARGIN,
        MARGIN,
        CONTENT_WIDTH,
        PAGE_SIZE[1] - 2 * MARGIN,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=header)])
    template.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 8,
    anchor: str = "start",
    colour: str = INK,
    bold: bool = False,
) -> String:
    """A line of text in a chart, in the documents' font."""
    f = fonts()
    return String(
        x,
        y,
        text,
        fontName=f.bold if bold else f.regular,
        fontSize=size,
        textAnchor=anchor,
        fillColor=colors.HexColor(colour),
    )


def bar_drawing(
    rows: list[tuple[str, float, str, str]], width: float, bar_height: float = 11
) -> Drawing:
    """Horizontal bars of (label, value, value text, hex colour) as a vector drawing."""
    f = fonts()
    gap, label_w, value_w = 4.0, 95.0, 62.0
    height = max(14.0, len(rows) * (bar_height + gap))
    drawing = Drawing(width, height)
    if not rows:
        drawing.add(_text(0, 2, "No masses recorded yet."))
        return drawing
    plot_w = width - label_w - value_w
    top = max(max(v for _, v, _, _ in rows), 1e-12)
    for i, (name, value, text, colour) in enumerate(rows):
        y = height - (i + 1) * (bar_height + gap) + gap
        drawing.add(_text(label_w - 5, y + 3, fit(name, f.regular, 8, label_w - 8), anchor="end"))
        drawing.add(
            Rect(label_w, y, plot_w, bar_height, fillColor=colors.HexColor(GRID), strokeColor=None)
        )
        drawing.add(
            Rect(
                label_w,
                y,
                max(0.0, value) / top * plot_w,
                bar_height,
                fillColor=colors.HexColor(colour),
                strokeColor=None,
            )
        )
        drawing.add(_text(width, y + 3, text, anchor="end", bold=True))
    return drawing


def stacked_drawing(segments: list[tuple[str, float, str]], width: float) -> Drawing:
    """One bar split into (label, value, hex colour) segments, with a legend line."""
    f = fonts()
    drawing = Drawing(width, 30)
    total = sum(max(0.0, v) for _, v, _ in segments)
    drawing.add(Rect(0, 16, width, 11, fillColor=colors.HexColor(GRID), strokeColor=None))
    x = 0.0
    for _, value, colour in segments:
        if total <= 0 or value <= 0:
            continue
        w = value / total * width
        drawing.add(Rect(x, 16, w, 11, fillColor=colors.HexColor(colour), strokeColor=None))
        x += w
    lx = 0.0
    for name, value, colour in segments:
        share = value / total * 100 if total > 0 else 0.0
        text = f"{name} {share:.0f}%"
        drawing.add(Rect(lx, 2, 7, 7, fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(_text(lx + 10, 2.5, text, size=7.5))
        lx += 22 + pdfmetrics.stringWidth(text, f.regular, 7.5)
    return drawing


def completeness_drawing(completeness: dict) -> Drawing:
    """The mass on full data, on defaults and without a material, as one stacked bar."""
    return stacked_drawing(
        [
            ("Full data", completeness["full_kg"], QUALITY_COLOURS["full"]),
            ("Defaults", completeness["defaults_kg"], QUALITY_COLOURS["defaults"]),
            ("No material", completeness["none_kg"], QUALITY_COLOURS["none"]),
        ],
        CONTENT_WIDTH,
    )


def families_drawing(families: list[dict]) -> Drawing:
    """The mass of each material family (rows with `family` and `mass_kg`) as bars."""
    rows = [
        (
            words(r["family"]),
            r["mass_kg"],
            mass_text(r["mass_kg"]),
            FAMILY_COLOURS.get(r["family"], DEFAULT_COLOUR),
        )
        for r in families
    ]
    return bar_drawing(rows, CONTENT_WIDTH)


def column_drawing(points: list[tuple[str, float]], width: float, height: float = 110) -> Drawing:
    """Vertical columns of (label, value), e.g. events per month."""
    drawing = Drawing(width, height)
    if not points:
        drawing.add(_text(0, height / 2, "No activity yet."))
        return drawing
    left, bottom = 26.0, 14.0
    plot_w, plot_h = width - left, height - bottom - 4
    top = max(max(v for _, v in points), 1)
    slot = plot_w / len(points)
    every = max(1, len(points) // 12)
    drawing.add(
        _text(left - 4, bottom + plot_h - 6, f"{top:,.0f}", size=6.5, anchor="end", colour=MUTED)
    )
    drawing.add(Rect(left, bottom, plot_w, 0.5, fillColor=colors.HexColor(GRID), strokeColor=None))
    for i, (name, value) in enumerate(points):
        h = value / top * plot_h
        x = left + i * slot + slot * 0.15
        drawing.add(
            Rect(
                x,
                bottom,
                slot * 0.7,
                h,
                fillColor=colors.HexColor(DEFAULT_COLOUR),
                strokeColor=None,
            )
        )
        if i % every == 0:
            drawing.add(_text(x + slot * 0.35, 3, name, size=6.5, anchor="middle", colour=MUTED))
    return drawing
