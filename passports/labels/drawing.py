"""Drawing the labels into a PDF: the vector QR code with its quiet zone, the tag in readable
groups, the name wrapped to its lines, the storey and the building, flipped onto reportlab's
bottom-left origin.

A sheet is set in the documents' fonts (passports.documents.pdfkit): the CJK font for the whole
sheet when the page is in Japanese or Chinese or any label has a Chinese, Japanese or Korean
character, embedded as a subset, so names print and extract as they were typed."""

from collections.abc import Iterable
from io import BytesIO
from typing import NamedTuple

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from passports.documents.pdfkit import Fonts
from passports.documents.pdfkit import fit
from passports.documents.pdfkit import fonts_for
from passports.labels.layouts import LAYOUTS
from passports.labels.layouts import MM
from passports.labels.layouts import Layout
from passports.labels.layouts import label_positions
from passports.labels.symbols import dark_runs
from passports.labels.symbols import symbol
from passports.qr import QUIET_ZONE
from passports.tags import format_tag

_INK = Color(0, 0, 0)
_SOFT = Color(0.3, 0.3, 0.3)
_RULE = Color(0.7, 0.7, 0.7)


class LabelData(NamedTuple):
    """What one label shows; `url` is what its QR code encodes."""

    tag: str
    url: str
    name: str
    storey: str
    building: str


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


def _draw_qr(canvas: Canvas, modules, x: float, top: float, side: float) -> None:
    """The QR code (its modules, quiet zone included) as one filled path of dark runs; (x, top)
    is its top-left corner in pt.

    The path is written in module units (integers) under a scaling transform: reportlab's
    own number formatting would dominate the run time of a large sheet run.
    """
    module = side / modules.shape[0]
    canvas.saveState()
    canvas.translate(x, top)
    canvas.scale(module, -module)
    canvas.setFillColor(_INK)
    canvas.addLiteral(" ".join(f"{c} {r} {n} 1 re" for r, c, n in dark_runs(modules)) + " f")
    canvas.restoreState()


def _draw_label(
    canvas: Canvas,
    spec: Layout,
    fonts: Fonts,
    label: LabelData,
    x_mm: float,
    y_mm: float,
    symbol_of=symbol,
) -> None:
    """One label whose top-left corner is (x_mm, y_mm) from the page's top-left corner."""
    left = x_mm * MM
    top = (spec.page_h - y_mm) * MM
    width, height, inset = spec.label_w * MM, spec.label_h * MM, spec.inset * MM

    side = height - 2 * inset  # the QR code, quiet zone included, as tall as the label allows
    modules = symbol_of(label.url)
    _draw_qr(canvas, modules, left + inset, top - inset, side)

    # The text column starts where the quiet zone ends and lines up with the dark symbol.
    quiet = side * QUIET_ZONE / modules.shape[0]
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
    progress=None,
    symbol_of=None,
) -> bytes:
    """A PDF of the labels on the layout, skipping `start` used positions on the first sheet.

    `labels` may be a stream of database rows: it is read once, into a list of small tuples,
    to choose the sheet's fonts before drawing. `outline` draws each label's edge, for a test
    print on plain paper held against a sheet. `progress(done, total)` is called now and
    then while drawing (a label sheet job reports it). `symbol_of(url)` gives a label's QR
    modules (default: passports.labels.symbols.symbol; a sheet job computes them on other
    cores while this draws).
    """
    spec = LAYOUTS[layout] if isinstance(layout, str) else layout
    if not 0 <= start < spec.per_page:
        raise ValueError(f"start must be between 0 and {spec.per_page - 1} for {spec.key}")
    labels = list(labels)
    fonts = fonts_for(
        text for label in labels for text in (label.name, label.storey, label.building)
    )
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
        _draw_label(canvas, spec, fonts, label, x_mm, y_mm, symbol_of or symbol)
        slot += 1
        count += 1
        if progress is not None and count % 250 == 0:
            progress(count, len(labels))
    if not count:
        raise ValueError("no labels to print")
    canvas.showPage()
    canvas.save()
    return out.getvalue()
