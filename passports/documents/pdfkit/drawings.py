"""The vector charts of the PDF documents: bars, a stacked bar, data completeness, mass by
material family and columns over time."""

from flask_babel import format_decimal
from flask_babel import format_percent
from flask_babel import gettext as _
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.shapes import Rect
from reportlab.graphics.shapes import String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from passports.documents.charts import DEFAULT_COLOUR
from passports.documents.charts import FAMILY_COLOURS
from passports.documents.charts import GRID
from passports.documents.charts import INK
from passports.documents.charts import MUTED
from passports.documents.charts import QUALITY_COLOURS
from passports.documents.pdfkit.page import CONTENT_WIDTH
from passports.documents.pdfkit.page import fit
from passports.documents.pdfkit.page import fonts
from passports.documents.pdfkit.tables import mass_text
from passports.documents.pdfkit.tables import words


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
        drawing.add(_text(0, 2, _("No masses recorded yet.")))
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
    for _name, value, colour in segments:
        if total <= 0 or value <= 0:
            continue
        w = value / total * width
        drawing.add(Rect(x, 16, w, 11, fillColor=colors.HexColor(colour), strokeColor=None))
        x += w
    lx = 0.0
    for name, value, colour in segments:
        share = value / total if total > 0 else 0.0
        text = f"{name} {format_percent(share, format='#,##0%')}"
        drawing.add(Rect(lx, 2, 7, 7, fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(_text(lx + 10, 2.5, text, size=7.5))
        lx += 22 + pdfmetrics.stringWidth(text, f.regular, 7.5)
    return drawing


def completeness_drawing(completeness: dict) -> Drawing:
    """The mass on full data, on defaults and without a material, as one stacked bar."""
    return stacked_drawing(
        [
            (_("Full data"), completeness["full_kg"], QUALITY_COLOURS["full"]),
            (_("Defaults"), completeness["defaults_kg"], QUALITY_COLOURS["defaults"]),
            (_("No material"), completeness["none_kg"], QUALITY_COLOURS["none"]),
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
        drawing.add(_text(0, height / 2, _("No activity yet.")))
        return drawing
    left, bottom = 26.0, 14.0
    plot_w, plot_h = width - left, height - bottom - 4
    top = max(max(v for _, v in points), 1)
    slot = plot_w / len(points)
    every = max(1, len(points) // 12)
    drawing.add(
        _text(
            left - 4,
            bottom + plot_h - 6,
            format_decimal(top, format="#,##0"),
            size=6.5,
            anchor="end",
            colour=MUTED,
        )
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
