"""Printable QR labels for components: sheet and roll geometry, and the PDF that fills it.

Every label carries the component's QR code (vector: one filled path of module runs, crisp at
any printer resolution, with its 4-module quiet zone kept clear), the tag in readable groups,
the component name, the storey and the building. Geometry is in millimetres from the top-left
corner of the page, the way label makers publish it; reportlab's origin is bottom-left, so
coordinates are flipped only when drawing.

Layouts:

- ``l7160``: Avery L7160 (and J8160, and look-alikes sold as "L7160 compatible"), A4, 3 × 7
  labels of 63.5 × 38.1 mm. These are inch-based dies (2.5 × 1.5 in labels on a 2.6 in
  column pitch), hence 66.04 mm rather than 66.0; Avery's template gives a 15.15 mm top and
  7.2 mm side margin (https://www.avery.co.uk/template-l7160). Cross-checked against the
  gLabels template database (templates/avery-iso-templates.xml: dx = 187.2 pt = 66.04 mm,
  dy = 108 pt = 38.1 mm) and by arithmetic: 7.2 + 2 × 66.04 + 63.5 + 7.22 = 210 mm and
  15.15 + 7 × 38.1 + 15.15 = 297 mm.
- ``l7163``: Avery L7163 (J8163), A4, 2 × 7 labels of 99.1 × 38.1 mm, 4.0 in (101.6 mm)
  column pitch, 15.15 mm top and 4.65 mm side margins
  (https://www.avery.co.uk/template-l7163): 4.65 + 101.6 + 99.1 + 4.65 = 210 mm.
- ``roll62``: 62 mm continuous tape (Brother DK-22205 and the like), one label per page of
  62 × 40 mm: a 36 mm QR code with 2 mm margins top and bottom. Brother's QL printers leave
  about 1.5 mm of each edge of 62 mm tape unprinted, inside the 2 mm kept clear here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import NamedTuple

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from passports.documents.pdfkit import Fonts
from passports.documents.pdfkit import fit
from passports.documents.pdfkit import fonts as document_fonts
from passports.qr import QUIET_ZONE
from passports.qr import dark_runs
from passports.qr import qr_width
from passports.tags import format_tag

MM = 72 / 25.4
_INK = Color(0, 0, 0)
_SOFT = Color(0.3, 0.3, 0.3)
_RULE = Color(0.7, 0.7, 0.7)


@dataclass(frozen=True)
class Layout:
    """A label stock: page size and the grid of labels on it, all in millimetres."""

    key: str
    title: str
    page_w: float
    page_h: float
    columns: int
    rows: int
    label_w: float
    label_h: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    inset: float  # kept clear of ink inside each label: sheets drift in printers
    tag_pt_max: float
    name_pt: float
    name_lines: int
    small_pt: float

    @property
    def per_page(self) -> int:
        """Labels on one page."""
        return self.columns * self.rows


def _avery_a4(
    key: str,
    title: str,
    across: tuple[int, float, float, float],
    type_pt: tuple[float, float, float],
) -> Layout:
    """An Avery A4 sheet of 7 rows of 38.1 mm labels, 15.15 mm from the top edge (L7160,
    L7163): `across` is its columns, label width, left margin and column pitch, `type_pt` the
    largest tag, the name and the small print in points."""
    columns, label_w, left, pitch_x = across
    tag_pt_max, name_pt, small_pt = type_pt
    return Layout(
        key=key,
        title=title,
        page_w=210.0,
        page_h=297.0,
        columns=columns,
        rows=7,
        label_w=label_w,
        label_h=38.1,
        left=left,
        top=15.15,
        pitch_x=pitch_x,
        pitch_y=38.1,
        inset=1.5,
        tag_pt_max=tag_pt_max,
        name_pt=name_pt,
        name_lines=3,
        small_pt=small_pt,
    )


LAYOUTS = {
    "l7160": _avery_a4(
        "l7160",
        "Avery L7160 · A4, 21 labels of 63.5 × 38.1 mm",
        across=(3, 63.5, 7.2, 66.04),
        type_pt=(9.0, 7.5, 6.5),
    ),
    "l7163": _avery_a4(
        "l7163",
        "Avery L7163 · A4, 14 labels of 99.1 × 38.1 mm",
        across=(2, 99.1, 4.65, 101.6),
        type_pt=(13.0, 10.0, 8.0),
    ),
    "roll62": Layout(
        key="roll62",
        title="62 mm roll (Brother DK-22205) · one 62 × 40 mm label per page",
        page_w=62.0,
        page_h=40.0,
        columns=1,
        rows=1,
        label_w=62.0,
        label_h=40.0,
        left=0.0,
        top=0.0,
        pitch_x=62.0,
        pitch_y=40.0,
        inset=2.0,
        tag_pt_max=9.0,
        name_pt=7.5,
        name_lines=3,
        small_pt=6.5,
    ),
}


class LabelData(NamedTuple):
    """What one label shows; `url` is what its QR code encodes."""

    tag: str
    url: str
    name: str
    storey: str
    building: str


def label_positions(layout: Layout | str) -> list[tuple[float, float, float, float]]:
    """Label rectangles of one page as (x, y, width, height) in mm from the top-left corner."""
    spec = LAYOUTS[layout] if isinstance(layout, str) else layout
    return [
        (
            round(spec.left + col * spec.pitch_x, 4),
            round(spec.top + row * spec.pitch_y, 4),
            spec.label_w,
            spec.label_h,
        )
        for row in range(spec.rows)
        for col in range(spec.columns)
    ]


def wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap into at most `max_lines` lines of `width` points; overflow ends in …."""

    def fits(line: str) -> bool:
        return pdfmetrics.stringWidth(line, font, size) <= width

    pieces = []
    for word in text.split():
        while not fits(word) and len(word) > 1:  # a word wider than the line is broken
            cut = len(word) - 1
            while cut > 1 and not fits(word[:cut]):
                cut -= 1
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    lines: list[str] = []
    for piece in pieces:
        if lines and fits(f"{lines[-1]} {piece}"):
            lines[-1] = f"{lines[-1]} {piece}"
        else:
            lines.append(piece)
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], fit(rest, font, size, width)]
    return lines


def _draw_qr(canvas: Canvas, url: str, x: float, top: float, side: float) -> None:
    """The QR code as one filled path of dark runs; (x, top) is its top-left corner in pt.

    The path is written in module units (integers) under a scaling transform: reportlab's
    own number formatting would dominate the run time of a large sheet run.
    """
    module = side / qr_width(url)
    canvas.saveState()
    canvas.translate(x, top)
    canvas.scale(module, -module)
    canvas.setFillColor(_INK)
    canvas.addLiteral(" ".join(f"{c} {r} {n} 1 re" for r, c, n in dark_runs(url)) + " f")
    canvas.restoreState()


def _draw_label(
    canvas: Canvas, spec: Layout, fonts: Fonts, label: LabelData, x_mm: float, y_mm: float
) -> None:
    """One label whose top-left corner is (x_mm, y_mm) from the page's top-left corner."""
    left = x_mm * MM
    top = (spec.page_h - y_mm) * MM
    width, height, inset = spec.label_w * MM, spec.label_h * MM, spec.inset * MM

    side = height - 2 * inset  # the QR code, quiet zone included, as tall as the label allows
    _draw_qr(canvas, label.url, left + inset, top - inset, side)

    # The text column starts where the quiet zone ends and lines up with the dark symbol.
    quiet = side * QUIET_ZONE / qr_width(label.url)
    text_x = left + inset + side
    text_w = width - (text_x - left) - max(inset, 2 * MM)
    y = top - inset - quiet
    bottom = top - height + inset + quiet

    tag = format_tag(label.tag)
    tag_pt = min(spec.tag_pt_max, text_w / pdfmetrics.stringWidth(tag, fonts.mono, 1))
    y -= tag_pt * 0.78
    canvas.setFillColor(_INK)
    canvas.setFont(fonts.mono, tag_pt)
    canvas.drawString(text_x, y, tag)
    y -= tag_pt * 0.45
    canvas.setStrokeColor(_RULE)
    canvas.setLineWidth(0.4)
    canvas.line(text_x, y, text_x + text_w, y)

    lead = spec.name_pt * 1.18
    y -= spec.name_pt * 0.3
    canvas.setFont(fonts.bold, spec.name_pt)
    for line in wrap(label.name, fonts.bold, spec.name_pt, text_w, spec.name_lines):
        y -= lead
        canvas.drawString(text_x, y, line)

    small_lead = spec.small_pt * 1.2
    canvas.setFont(fonts.regular, spec.small_pt)
    if label.storey:
        y -= small_lead + spec.small_pt * 0.2
        canvas.drawString(text_x, y, fit(label.storey, fonts.regular, spec.small_pt, text_w))

    # The building sits at the foot of the column, as far as room allows above it.
    room = int((y - bottom) // small_lead)
    building = wrap(label.building, fonts.regular, spec.small_pt, text_w, max(1, min(2, room)))
    canvas.setFillColor(_SOFT)
    for i, line in enumerate(building):
        canvas.drawString(text_x, bottom + (len(building) - 1 - i) * small_lead, line)


def render_labels(
    labels: Iterable[LabelData],
    layout: Layout | str,
    *,
    start: int = 0,
    outline: bool = False,
    title: str = "QR labels",
) -> bytes:
    """A PDF of the labels on the layout, skipping `start` used positions on the first sheet.

    `labels` is consumed once, in order, so it may be a stream of database rows. `outline`
    draws each label's edge, for a test print on plain paper held against a sheet.
    """
    spec = LAYOUTS[layout] if isinstance(layout, str) else layout
    if not 0 <= start < spec.per_page:
        raise ValueError(f"start must be between 0 and {spec.per_page - 1} for {spec.key}")
    fonts = document_fonts()
    positions = label_positions(spec)
    out = BytesIO()
    canvas = Canvas(out, pagesize=(spec.page_w * MM, spec.page_h * MM), pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Material Passport Exchange")
    canvas.setCreator("Material Passport Exchange")
    slot, count = start, 0
    for label in labels:
        if slot == spec.per_page:
            canvas.showPage()
            slot = 0
        x_mm, y_mm, w_mm, h_mm = positions[slot]
        if outline:
            canvas.setStrokeColor(_RULE)
            canvas.setLineWidth(0.3)
            canvas.rect(x_mm * MM, (spec.page_h - y_mm - h_mm) * MM, w_mm * MM, h_mm * MM)
        _draw_label(canvas, spec, fonts, label, x_mm, y_mm)
        slot += 1
        count += 1
    if not count:
        raise ValueError("no labels to print")
    canvas.showPage()
    canvas.save()
    return out.getvalue()
