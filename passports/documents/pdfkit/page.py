"""The page of every PDF document: A4 portrait with its margins and colours, the embedded fonts
(DejaVu Sans Condensed, or the base-14 fallback; WenQuanYi Micro Hei for Chinese and Japanese),
the paragraph styles, text fitted to a width, the running header and the footer with "page n of
m", and rendering a story into PDF bytes.

A document uses one set of fonts throughout. It is the CJK set (WenQuanYi Micro Hei, which
covers Latin too) when the document is in Japanese or Chinese, or when any text it draws has a
Chinese, Japanese or Korean character; otherwise the Latin set, so documents in the European
languages print exactly as before. The builders of a document choose with `document_fonts(...)`
before they build it; `fonts()` answers the choice in force, else the one the page's language
asks for. Every font is embedded as a subset with its ToUnicode map, so text extracted from
the PDF gives back the characters that were drawn."""

import re
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab import rl_config
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
# Vendored with the app (Apache-2.0, see app/static/fonts/wqy-microhei.COPYRIGHT): it has the
# glyphs of simplified and traditional Chinese, Japanese kana and kanji, Hangul and Latin.
CJK_FONT_FILE = Path(__file__).resolve().parents[3] / "app/static/fonts/wqy-microhei.ttf"
CJK_FONT_NAME = "MPXDoc-CJK"
CJK_LANGUAGES = ("ja", "zh")
# Han (with its extensions and compatibility forms), kana, Hangul, CJK punctuation and the
# full-width forms: text with any of these needs the CJK font.
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3200-\u9fff\ua960-\ua97f"
    "\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]"
)
# Streams are deflated, not also armoured in ASCII85 (reportlab's default): a quarter smaller,
# and without reportlab's C accelerator the armouring alone takes a large sheet of labels
# longer than drawing it.
rl_config.useA85 = 0
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
def latin_fonts() -> Fonts:
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
def cjk_fonts() -> Fonts:
    """WenQuanYi Micro Hei for regular and bold text (it has no bold face: headings stand out
    by size and colour), embedded as a subset; tags keep the Latin monospaced font, as they are
    written in Latin letters and digits only."""
    pdfmetrics.registerFont(TTFont(CJK_FONT_NAME, str(CJK_FONT_FILE)))
    return Fonts(CJK_FONT_NAME, CJK_FONT_NAME, latin_fonts().mono)


def has_cjk(*texts) -> bool:
    """True when any of the texts has a Chinese, Japanese or Korean character."""
    return any(text and _CJK.search(str(text)) for text in texts)


def cjk_language() -> bool:
    """True when the page's language is written in CJK characters (Japanese, Chinese)."""
    locale = get_locale()
    return locale is not None and locale.language in CJK_LANGUAGES


_chosen: ContextVar[Fonts | None] = ContextVar("document_fonts", default=None)


def fonts() -> Fonts:
    """The fonts of the document being built: the ones chosen with `document_fonts`, else
    the CJK set for a page in Japanese or Chinese, else the Latin set."""
    chosen = _chosen.get()
    if chosen is not None:
        return chosen
    return cjk_fonts() if cjk_language() else latin_fonts()


def fonts_for(texts: Iterable = ()) -> Fonts:
    """The fonts a document needs: CJK when it is in Japanese or Chinese or any of `texts`
    has a CJK character, else Latin."""
    if cjk_language() or any(has_cjk(text) for text in texts):
        return cjk_fonts()
    return latin_fonts()


@contextmanager
def document_fonts(texts: Iterable = ()) -> Iterator[Fonts]:
    """Build and render a document with the fonts its language and `texts` need."""
    token = _chosen.set(fonts_for(texts))
    try:
        yield _chosen.get()
    finally:
        _chosen.reset(token)


def texts_of(value) -> Iterator[str]:
    """Every string inside nested dicts, lists and tuples (a document's data)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_of(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from texts_of(item)


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles of the documents, in the document's fonts."""
    return _styles(fonts())


@lru_cache(maxsize=4)
def _styles(f: Fonts) -> dict[str, ParagraphStyle]:
    # Chinese and Japanese break between any two characters (Latin words are kept whole).
    wrap = "CJK" if f.regular == CJK_FONT_NAME else None
    body = ParagraphStyle(
        "body", fontName=f.regular, fontSize=9, leading=12, textColor=INK, wordWrap=wrap
    )
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
    if has_cjk(text) and font not in (cjk_fonts().regular, cjk_fonts().bold):
        # Measured in the font the document will switch to (see render_pdf).
        font = cjk_fonts().regular
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def page_of(number: int, total: int) -> str:
    """The footer's "page 3 of 12", in the document's language."""
    return _("page %(number)s of %(total)s", number=number, total=total)


def numbered_canvas(footer_left: str, footer_right_prefix: str = "", f: Fonts | None = None):
    """A canvas class that writes "page n of m" and a footer on every page (two passes)."""
    f = f or fonts()

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
                width, _height = self._pagesize
                self.setFont(f.regular, 7)
                self.setFillColor(colors.HexColor(MUTED))
                self.drawString(MARGIN, 9 * mm, footer_left)
                self.drawRightString(
                    width - MARGIN,
                    9 * mm,
                    footer_right_prefix + page_of(self._pageNumber, total),
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _flowables(story) -> Iterator:
    """Every flowable of a story, those inside KeepTogether and table cells included."""
    for item in story:
        yield item
        inner = getattr(item, "_content", None)
        if isinstance(inner, list | tuple):
            yield from _flowables(inner)
        for row in getattr(item, "_cellvalues", ()) or ():
            for cell in row:
                if isinstance(cell, list | tuple):
                    yield from _flowables(cell)
                elif hasattr(cell, "wrap"):
                    yield from _flowables([cell])


def _shapes(node) -> Iterator:
    for child in getattr(node, "contents", ()) or ():
        yield child
        yield from _shapes(child)


def _story_texts(story) -> Iterator[str]:
    """The texts a story will draw: paragraphs, table cells and chart labels."""
    for item in _flowables(story):
        if hasattr(item, "frags") and hasattr(item, "text"):
            yield item.text
        for row in getattr(item, "_cellvalues", ()) or ():
            for cell in row:
                if isinstance(cell, str):
                    yield cell
        for shape in _shapes(item):
            if isinstance(getattr(shape, "text", None), str):
                yield shape.text


def _switch_fonts(story, latin: Fonts, cjk: Fonts) -> None:
    """Draw a story built with the Latin fonts in the CJK ones: the safety net for a
    document whose builder did not choose its fonts (see the module's docstring)."""
    swap = {latin.regular: cjk.regular, latin.bold: cjk.bold}
    for item in _flowables(story):
        style = getattr(item, "style", None)
        if hasattr(item, "frags") and isinstance(style, ParagraphStyle):
            item.style = ParagraphStyle(
                style.name,
                parent=style,
                fontName=swap.get(style.fontName, style.fontName),
                wordWrap="CJK",
            )
            for frag in item.frags:
                if getattr(frag, "fontName", None) in swap:
                    frag.fontName = swap[frag.fontName]
        for row in getattr(item, "_cellStyles", ()) or ():
            for cell_style in row:
                cell_style.fontname = swap.get(cell_style.fontname, cell_style.fontname)
        for shape in _shapes(item):
            if getattr(shape, "fontName", None) in swap:
                shape.fontName = swap[shape.fontName]


def render_pdf(story: list, *, heading: str, running_title: str, footer: str, **info) -> bytes:
    """The story as A4 portrait PDF bytes: `heading` and `running_title` head every page,
    `footer` and "page n of m" foot it; `info` holds the PDF's title, author, subject..."""
    f = fonts()
    if f == latin_fonts() and (
        has_cjk(heading, running_title, footer) or any(has_cjk(t) for t in _story_texts(story))
    ):
        f = cjk_fonts()
        _switch_fonts(story, latin_fonts(), f)
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
    template.build(story, canvasmaker=numbered_canvas(footer, f=f))
    return buffer.getvalue()
