"""The page of every PDF document: A4 portrait with its margins and colours, the embedded fonts
(DejaVu Sans Condensed, or the base-14 fallback), the paragraph styles, text fitted to a width,
the running header and the footer with "page n of m", and rendering a story into PDF bytes."""

from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate
from reportlab.platypus import Frame
from reportlab.platypus import PageTemplate

from passports.documents.charts import INK
from passports.documents.charts import MUTED

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
